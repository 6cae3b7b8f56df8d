// test:exclusive (crash times and per-crash drops are compared with simulations; a replay beside it delays spawns and shifts them)
// Failing versions replayed through HAProxy, held to the simulator: a `crashAfter` version
// crash-loops with the kubelet's back-off and costs, per crash, the requests sent to it
// before the proxy heard of the removal (and those in flight); a `neverReady` version never
// joins the proxy; a rolling update whose new pods crash before their first probe waits
// degraded from the progress deadline on, old pods kept, nothing dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../replay/replay.ts';
import type { ReplayCrash } from '../../../replay/replay-platform.ts';
import { Model } from '../../../sim/model/model.ts';
import { SimPlatform } from '../../../sim/sim-platform.ts';
import { sleep as engineSleep } from '../../../sim/kernel/engine.ts';
import type { RunResult } from '../../../sim/result/run-result.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import type { Scenario } from '../../../scenarios/types.ts';
import { drive, scale, sleep, type Plan } from '../../../strategies/protocol.ts';
import { releasePlan } from '../../../strategies/index.ts';
import { requireProxy } from '../helpers.ts';
import { allowedDiff } from '../sim-like-replay.ts';
import { replayCaveats } from '../../../replay/preflight.ts';

/**
 * simulate(), plus the crash times the model saw (each instance's crashAt as it changes):
 * the simulator's RunResult says how many requests a crash cost, not when it came.
 */
function simulateCrashes(s: Scenario, plan: Plan<unknown> | null, seed = s.seed): { r: RunResult; crashes: number[] } {
  const model = new Model(s, seed);
  const p = plan ?? releasePlan(s);
  const platform = new SimPlatform(model);
  model.engine.process((function* () {
    yield engineSleep(s.release?.startAt ?? 0);
    drive(p, platform, () => model.endRollout());
  })());
  const crashes: number[] = [];
  const seen = new Map<number, number>();
  model.engine.process((function* () {
    for (;;) {
      yield engineSleep(10);
      for (let i = 0; i < model.inst.n; i++) {
        const at = model.inst.crashAt[i];
        if (Number.isFinite(at) && seen.get(i) !== at) { seen.set(i, at); crashes.push(at); }
      }
    }
  })());
  model.run();
  return { r: model.result(plan ? 'custom' : s.release?.strategy.name ?? 'none'), crashes: crashes.sort((a, b) => a - b) };
}

function crashesOf(r: RunResult): ReplayCrash[] {
  return ((r.meta?.replay as { crashLog?: ReplayCrash[] } | undefined)?.crashLog) ?? [];
}

/** refused + reset in the buckets from a crash until 2 s after it (its stale window and then some). */
function dropsAfter(r: RunResult, atMs: number, bucketMs: number): number {
  const sum = (k: string): number => (r.timeline.series[k] ?? []).slice(Math.floor(atMs / bucketMs), Math.floor(atMs / bucketMs) + 3).reduce((a, b) => a + b, 0);
  return sum('dropped.refused') + sum('dropped.reset');
}

const addV2 = function* (): Plan { yield* sleep(1000); yield* scale('api', 'v2', 1); yield* sleep(1e9); };

// One v1 and one v2 behind round-robin, the proxy hearing of every endpoint change after a
// fixed 1 s. v2 (created at 1 s): up 4.5 s, ready 5 s, in the proxy 6 s, crash 9.5 s;
// restart at once, up 13 s, ready 13.5 s, crash 18 s; restart +10 s at 28 s, up 31.5 s,
// crash 36.5 s. Each crash: ≈ 50 req/s × 1 s refused while the proxy still lists it, plus
// ≈ 50 req/s × 0.1 s in flight. The start-up (0.7 s real at speed 5) is longer than a
// backend takes to spawn (~0.5 s), and ends mid-way between two probes, so a spawn a little
// slower is ready at the same probe. v2 is in the proxy 3.5 s (0.7 s real) before it crashes:
// HAProxy health-checks it (every 500 ms real) meanwhile, so its own checks take ≥ 2 failures,
// ≥ 0.5 s real, to notice the crash, longer than the registry's 1 s (0.2 s real); a server
// that crashed before its first check since it joined falls at the first failure, and the
// stale window was then cut short.
const crashLoop = parseScenario(`
name: crash-loop
seed: 1
duration: 40s
services:
  api:
    replicas: 1
    versions: {v1: {}, v2: {crashAfter: 5s}}
    concurrency: 16
    serviceTime: 100ms
    startup: 3500ms
    readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}
entry: {service: api, client: {lb: round-robin, retry: {attempts: 0}}}
registry: {push: {delay: 1s}}
traffic: {rate: 100}
`, 'crash-loop.yaml');

test('HAProxy: a crash-looping version restarts on the kubelet back-off and costs what the simulator says per crash', async () => {
  requireProxy('haproxy');
  const speed = 5;
  const s = crashLoop;
  const r = await replay(s, { proxy: 'haproxy', speed, plan: addV2(), registryDelay: true });
  const { r: sim, crashes: simAt } = simulateCrashes(s, addV2());
  const rep = crashesOf(r);
  const repAt = rep.map((c) => c.atMs);
  assert.equal(simAt, [9500, 18_000, 36_500], 'the simulator: crash at 9.5 s, 18 s, 36.5 s');
  assert.equal(rep.map((c) => c.restartInMs), [0, 10_000, 20_000], `replayed crashes ${JSON.stringify(rep)}`);
  assert.ok(rep.every((c) => c.expected && c.instance === rep[0].instance), 'one instance, restarted in place');

  // When: the simulator fed the start-ups the replay measured (a spawn the machine made
  // slower than the scenario's start-up shifts every later crash; restarts are listed in
  // order), then the replay's crashes come where the simulator's do, up to how late the
  // platform reads a ready line and a timer fires (20–40 ms real per crash on an idle
  // machine): 150 ms real per crash so far, 0.75 s of scenario at speed 5 each. Without the
  // back-off (a restart at once) the third crash came 30 s early; a back-off counted from
  // the restart's listening, 3.5 s late.
  const ups = (r.meta?.replay as { startupMs: Record<string, number[]> }).startupMs.api.map((x) => x * speed);
  const fed: Scenario = { ...s, services: s.services.map((svc) => ({ ...svc, versions: svc.versions.map((v) => (v.name === 'v2' ? { ...v, startup: { type: 'sequence' as const, values: ups } } : v)) })) };
  const fedAt = simulateCrashes(fed, addV2()).crashes;
  console.log(`crash times, scenario ms: replay ${repAt.join(', ')}; simulator ${simAt.join(', ')}; fed the replay's start-ups (${ups.map(Math.round).join(', ')} ms) ${fedAt.join(', ')}`);
  assert.is(fedAt.length, 3, `fed simulator crashed at ${fedAt.join(', ')}`);
  repAt.forEach((at, k) => {
    const allowed = 150 * speed * (k + 1);
    assert.ok(Math.abs(at - fedAt[k]) <= allowed, `crash ${k + 1}: replay ${at} ms vs simulator ${fedAt[k]} ms (±${allowed})`);
  });

  // In the back-off after the second crash (18–28 s), both count the pod as starting, not ready.
  for (const x of [r, sim]) {
    const label = x === r ? 'replay' : 'simulator';
    for (let b = 20; b < 27; b++) {
      assert.is(x.timeline.series['instances.api.v2.starting']?.[b], 1, `${label}: starting at ${b} s`);
      assert.is(x.timeline.series['instances.api.v2.ready']?.[b] ?? 0, 0, `${label}: not ready at ${b} s`);
    }
  }

  // How many: refused + reset together (HAProxy re-sends a request whose reused connection
  // died under it on a new one, which the dead port refuses: in-flight requests come back
  // as 503 refused rather than reset). The simulator's mean over 5 seeds; the replay's count
  // within max(25 %, 3√mean) (a Poisson count: sim-like-replay.ts allowedDiff), ±40 of
  // ≈ 162. Broken, it is not: a removal left to HAProxy's health checks (2 × 500 ms real,
  // ≥ 2.5 s of scenario) refuses ≥ twice as many; one skipping the registry delay refuses
  // only what is in flight (≈ 15).
  const seeds = [1, 2, 3, 4, 5].map((seed) => simulateCrashes(s, addV2(), seed).r);
  const simMean = seeds.reduce((a, x) => a + x.requests.byCause.refused + x.requests.byCause.reset, 0) / seeds.length;
  const simPer = simAt.map((at) => seeds.reduce((a, x) => a + dropsAfter(x, at, s.bucketMs), 0) / seeds.length);
  const repDrops = r.requests.byCause.refused + r.requests.byCause.reset;
  const repPer = repAt.map((at) => dropsAfter(r, at, s.bucketMs));
  console.log(`refused+reset: replay ${repDrops} (refused ${r.requests.byCause.refused}, reset ${r.requests.byCause.reset}; per crash ${repPer.join(', ')}), `
    + `simulator mean ${simMean.toFixed(1)} (refused ${sim.requests.byCause.refused}, reset ${sim.requests.byCause.reset} at seed 1; per crash ${simPer.map((x) => x.toFixed(1)).join(', ')}); `
    + `meta.crashes: replay ${JSON.stringify(r.meta?.crashes)}, simulator ${JSON.stringify(sim.meta?.crashes)}`);
  assert.ok(Math.abs(repDrops - simMean) <= allowedDiff(simMean), `refused+reset: replay ${repDrops}, simulator ${simMean.toFixed(1)} (±${allowedDiff(simMean).toFixed(1)})`);
  // Each crash on its own: a stale window (not none), and not one the health checks closed.
  repPer.forEach((n, k) => assert.ok(n >= simPer[k] / 3 && n <= simPer[k] * 2, `crash ${k + 1}: replay ${n}, simulator ${simPer[k].toFixed(1)}`));
  // Nothing else failed: a crash drops no request the proxy could have sent elsewhere.
  for (const x of [r, sim]) assert.is(x.requests.dropped, x.requests.byCause.refused + x.requests.byCause.reset, JSON.stringify(x.requests.byCause));
  // meta.crashes, as the simulator keeps it: the crashes, and the drops owed to them (here
  // every drop: nothing else fails).
  for (const x of [r, sim]) {
    const c = x.meta?.crashes;
    assert.ok(c && c.restarts === 3, `${x === r ? 'replay' : 'simulator'}: ${JSON.stringify(c)}`);
    const owed = c.refused + c.reset;
    assert.ok(owed <= x.requests.dropped && owed >= 0.9 * x.requests.dropped, `${x === r ? 'replay' : 'simulator'}: ${owed} of ${x.requests.dropped} owed to crashes`);
  }
});

test('a crashAfter replayed through HAProxy is warned about: its in-flight requests come back refused', () => {
  assert.match(replayCaveats(crashLoop, 'haproxy').join('\n'), /^crash-loop\.yaml: services\.api\.versions\.v2\.crashAfter: HAProxy re-sends/);
  assert.equal(replayCaveats(crashLoop, 'nginx'), []);
});

test('HAProxy: a neverReady version listens but never joins the proxy; a late version takes its own start-up', async () => {
  requireProxy('haproxy');
  const speed = 5;
  // v3's start-up (5 s: 1 s real) overrides the service's (1 s, shorter than a spawn).
  const s = parseScenario(`
name: never-ready
seed: 2
duration: 9s
services:
  api:
    replicas: 1
    versions: {v1: {}, v2: {neverReady: true}, v3: {startup: 5s}}
    concurrency: 16
    serviceTime: 5ms
    startup: 1s
    readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}
entry: {service: api, client: {lb: round-robin, retry: {attempts: 0}}}
registry: {push: {delay: 500ms}}
traffic: {rate: 100}
`, 'never-ready.yaml');
  const plan = function* (): Plan { yield* sleep(1000); yield* scale('api', 'v2', 1); yield* scale('api', 'v3', 1); yield* sleep(1e9); };
  const r = await replay(s, { proxy: 'haproxy', speed, plan: plan(), registryDelay: true });
  const sim = simulateCrashes(s, plan()).r;
  for (const x of [r, sim]) {
    const label = x === r ? 'replay' : 'simulator';
    assert.is(x.requests.dropped, 0, `${label}: ${JSON.stringify(x.requests.byCause)}`);
    assert.ok((x.timeline.series['share.api.v2'] ?? []).every((v) => v === 0), `${label}: v2 never served`);
    assert.ok(!(x.timeline.series['instances.api.v2.ready'] ?? []).some((v) => v > 0), `${label}: v2 never ready`);
    assert.ok(x.timeline.series['instances.api.v2.starting'].slice(3).every((v) => v === 1), `${label}: v2 starting from 3 s on: ${x.timeline.series['instances.api.v2.starting']}`);
    // v3 is up at 6 s, ready at 6 s, in the proxy at 6.5 s.
    const served = (x.timeline.series['share.api.v3'] ?? []).findIndex((v) => v > 0);
    assert.ok(served >= 6 && served <= 7, `${label}: v3 first served in bucket ${served}`);
  }
  // The replay's start-ups, real ms: v2's the service's (or the spawn, when longer), v3's own 1 s.
  const ups = (r.meta?.replay as { startupMs: Record<string, number[]> }).startupMs.api;
  console.log(`start-ups (real ms): ${ups.join(', ')}`);
  // (Not the service's 1 s: that is shorter than a spawn, ~0.5 s real.)
  assert.ok(ups[1] >= 990, `v3 listened ${ups[1]} ms real after its spawn (5 s ÷ ${speed})`);
  assert.is(crashesOf(r).length, 0);
});

test('HAProxy: a rolling update whose new pods crash before their first probe waits degraded from the deadline, like the simulator', async () => {
  requireProxy('haproxy');
  const speed = 5;
  // v2 is up 4 s after each (re)start and crashes 0.5 s later, 3.5 s before its first probe
  // (a spawn slower than the 0.8 s real start-up still crashes well before it).
  const s = parseScenario(`
name: rolling-crash
seed: 3
duration: 14s
services:
  api:
    replicas: 3
    versions: {v1: {}, v2: {crashAfter: 500ms}}
    concurrency: 16
    serviceTime: 5ms
    startup: 4s
    readinessProbe: {initialDelaySeconds: 8, periodSeconds: 1}
entry: {service: api, client: {lb: round-robin, retry: {attempts: 0}}}
registry: {push: {delay: 1s}}
traffic: {rate: 100}
release: {startAt: 2s, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 10}}
`, 'rolling-crash.yaml');
  const r = await replay(s, { proxy: 'haproxy', speed, registryDelay: true });
  const { r: sim, crashes: simAt } = simulateCrashes(s, null);
  const steps = (x: RunResult) => x.rollout.steps.map((st) => [st.name, st.startMs] as const);
  console.log(`steps: replay ${JSON.stringify(steps(r))}, simulator ${JSON.stringify(steps(sim))}; crashes: replay ${crashesOf(r).map((c) => c.atMs).join(', ')}, simulator ${simAt.join(', ')}`);
  assert.equal(steps(sim), [['rolling update', 2000], ['progress deadline exceeded', 12_000]]);
  assert.equal(steps(r).map(([name]) => name), ['rolling update', 'progress deadline exceeded']);
  // The plan's start and its deadline run on real timers, and the deadline's wait begins
  // after the surge pod's spawn (10–20 ms real, synchronous; more on a busy machine): each
  // within 150 ms real, × speed. Never early: the pods that crash-loop are never available.
  const [[, began], [, deadline]] = steps(r);
  assert.ok(Math.abs(began - 2000) <= 150 * speed, `the update began at ${began} ms`);
  assert.ok(deadline - began >= 10_000 && deadline - began <= 10_000 + 150 * speed, `the deadline came ${deadline - began} ms after the update began`);
  for (const x of [r, sim]) {
    const label = x === r ? 'replay' : 'simulator';
    assert.is(x.rollout.outcome, 'none', label);
    assert.is(x.rollout.finished, false, label);
    assert.is(x.requests.dropped, 0, `${label}: ${JSON.stringify(x.requests.byCause)}`);
    assert.ok(x.timeline.series['instances.api.v1.ready'].every((v) => v === 3), `${label}: old pods kept: ${x.timeline.series['instances.api.v1.ready']}`);
    assert.ok(!(x.timeline.series['instances.api.v2.ready'] ?? []).some((v) => v > 0), `${label}: v2 never ready`);
  }
  // Both crash-looped the one surge pod: crash 6.5 s, restart at once, crash 11 s (the
  // replay's second crash comes before the end only while spawns take < 1 s real).
  assert.equal(simAt, [6500, 11_000]);
  const rep = crashesOf(r);
  assert.ok(rep.length >= 1 && rep.length <= simAt.length && rep.every((c, k) => c.restartInMs === [0, 10_000][k]), `replay crashes ${JSON.stringify(rep)}`);
});

test.run();
