// Failing versions in the simulator: a process that exits on its own (crashAfter) is
// restarted in the same pod with the kubelet's CrashLoopBackOff; a version whose readiness
// never passes never joins the endpoints; a late one is just late.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { Model } from '../../sim/model/model.ts';
import { ST_UP } from '../../sim/model/instances.ts';
import { sleep as engineSleep } from '../../sim/kernel/engine.ts';
import { restartDelay, nextRestart } from '../../sim/rules/crash-loop.ts';
import { scale, sleep, type Plan } from '../../strategies/protocol.ts';

/** Probes from 2 s after the container starts: a process that crashes sooner is never ready. */
const slowProbe = (y: string) => y.replace('initialDelaySeconds: 0', 'initialDelaySeconds: 2');
const yaml = (v2: string, extra = '') => `
seed: 1
duration: 3m
services:
  api:
    replicas: 1
    versions: {v1: {}, v2: {${v2}}}
    concurrency: 16
    serviceTime: 5ms
    startup: 1s
    readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}
entry: {service: api, client: {lb: round-robin, retry: {attempts: 0}}}
registry: {push: {delay: 1s}}
traffic: {rate: 200}
${extra}`;

test('back-off: at once, then 10 s doubling to 5 min; a 10-minute run starts it over', () => {
  assert.equal([1, 2, 3, 4, 5, 6, 7, 8, 9].map(restartDelay), [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  assert.is(nextRestart(5, 599_999), 6);
  assert.is(nextRestart(5, 600_000), 1);
});

test('crashAfter: each run lasts crashAfter from listening; restarts follow the back-off, each with its start-up', () => {
  const m = new Model(scenario(yaml('crashAfter: 2s')));
  const ups: number[] = [];
  let inst = -1;
  m.engine.process((function* () {
    inst = m.inst.n;
    m.scale('api', 'v2', 1);
    for (;;) {
      yield engineSleep(50);
      const t = m.inst.upAt[inst];
      if (m.inst.state[inst] === ST_UP && ups.at(-1) !== t) ups.push(t);
    }
  })());
  m.run();
  // up at 1 s; crash 3 s, restart at once, up 4 s; crash 6 s, +10 s, up 17 s; crash 19 s,
  // +20 s, up 40 s; crash 42 s, +40 s, up 83 s; crash 85 s, +80 s, up 166 s; crash 168 s.
  assert.equal(ups, [1000, 4000, 17_000, 40_000, 83_000, 166_000]);
  assert.is(m.inst.restarts[inst], 6);
});

test('a crash resets what is in flight, and stale callers are refused until the removal reaches them', () => {
  // One v1 and one v2 behind round-robin: half the sends go to v2 while the caller lists it.
  const plan = function* (): Plan { yield* scale('api', 'v2', 1); yield* sleep(1e9); };
  const long = simulate(scenario(yaml('crashAfter: 10s', '').replace('serviceTime: 5ms', 'serviceTime: 100ms').replace('rate: 200', 'rate: 100')), { plan: plan() });
  assert.ok(conserved(long));
  // v2 runs: up 1 s–11 s (ready 1 s), 12–22 s, 33–43 s, 64–74 s, 115–125 s: five crashes.
  // Each leaves it listed for the 1 s push delay: ≈ 50 req/s × 1 s refused per crash.
  const perCrash = long.requests.byCause.refused / 5;
  assert.ok(Math.abs(perCrash - 50) <= 10, `refused per crash ${perCrash}`);
  // In flight at each crash: ≈ 50 req/s × 0.1 s.
  const resetPerCrash = long.requests.byCause.reset / 5;
  assert.ok(resetPerCrash >= 2 && resetPerCrash <= 9, `reset per crash ${resetPerCrash}`);
  assert.is(long.requests.byCause['queue-full'], 0);
  // every refused and reset drop here met a crashed process (no retries, no other cause)
  assert.equal(long.meta!.crashes, { restarts: 5, refused: long.requests.byCause.refused, reset: long.requests.byCause.reset });
  const starting = long.timeline.series['instances.api.v2.starting'];
  assert.ok(starting.slice(25, 30).every((x) => x === 1), 'restarting in its back-off: counted as starting');
});

test('neverReady: listening but never in the endpoints, so nothing is dropped and nothing served', () => {
  const plan = function* (): Plan { yield* scale('api', 'v2', 1); yield* sleep(1e9); };
  const r = simulate(scenario(yaml('neverReady: true')), { plan: plan() });
  assert.is(r.requests.dropped, 0);
  const share = r.timeline.series['share.api.v2'];
  assert.ok(share.length > 0 && share.every((x) => x === 0), 'v2 never served');
  assert.ok(r.timeline.series['instances.api.v2.starting'].slice(5).every((x) => x === 1));
});

test('versions.<v>.startup: a late version takes its own start-up', () => {
  const m = new Model(scenario(yaml('startup: 40s')));
  let inst = -1;
  m.engine.process((function* () { inst = m.inst.n; m.scale('api', 'v2', 1); })());
  m.run();
  assert.is(m.inst.upAt[inst], 40_000);
});

test('a Deployment whose new pods crash before ready: degraded at the deadline, old pods kept, nothing dropped', () => {
  const sc = scenario(slowProbe(yaml('crashAfter: 500ms', 'release: {startAt: 10s, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60}}')).replace('replicas: 1', 'replicas: 3'));
  const r = simulate(sc);
  assert.equal(r.rollout.steps.map((s) => [s.name, s.startMs]), [['rolling update', 10_000], ['progress deadline exceeded', 70_000]]);
  assert.is(r.rollout.outcome, 'none');
  assert.is(r.rollout.finished, false);
  assert.is(r.requests.dropped, 0);
  assert.ok(r.timeline.series['instances.api.v1.ready'].every((x) => x === 3));
});

test('Argo canary with progressDeadlineAbort: a crash-looping canary is aborted at the deadline; without it, it waits degraded', () => {
  const strat = (abort: boolean) => `release: {startAt: 10s, strategy: {name: canary, progressDeadlineSeconds: 60, progressDeadlineAbort: ${abort}, abortScaleDownDelaySeconds: 0, steps: [{setWeight: 50}, {pause: {duration: 30s}}]}}`;
  const aborted = simulate(scenario(slowProbe(yaml('crashAfter: 500ms', strat(true))).replace('replicas: 1', 'replicas: 2')));
  assert.equal(aborted.rollout.steps.map((s) => [s.name, s.startMs]).slice(0, 3), [['canary start', 10_000], ['setWeight 50', 10_000], ['rollback', 70_000]]);
  assert.is(aborted.rollout.outcome, 'rolled-back');
  assert.ok(aborted.timeline.series['instances.api.v2.starting'].slice(75).every((x) => x === 0), 'canary scaled down');
  const degraded = simulate(scenario(slowProbe(yaml('crashAfter: 500ms', strat(false))).replace('replicas: 1', 'replicas: 2')));
  assert.equal(degraded.rollout.steps.map((s) => s.name), ['canary start', 'setWeight 50', 'progress deadline exceeded']);
  assert.is(degraded.rollout.outcome, 'none');
  assert.is(degraded.requests.dropped, 0);
});

test('a version that crashes after it is available passes a quick rollout, then loses traffic; minReadySeconds beyond crashAfter holds it', () => {
  const release = (minReady: number) => `release: {startAt: 10s, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0, minReadySeconds: ${minReady}, progressDeadlineSeconds: 120}}`;
  const quick = simulate(scenario(yaml('crashAfter: 20s', release(0)).replace('replicas: 1', 'replicas: 3')));
  assert.is(quick.rollout.outcome, 'promoted');
  assert.ok(quick.requests.byCause['no-endpoint'] > 1000, `no-endpoint ${quick.requests.byCause['no-endpoint']}`);
  const careful = simulate(scenario(yaml('crashAfter: 20s', release(30)).replace('replicas: 1', 'replicas: 3')));
  assert.is(careful.rollout.outcome, 'none');
  assert.ok(careful.rollout.steps.some((s) => s.name === 'progress deadline exceeded'));
  assert.ok(careful.requests.dropped < quick.requests.dropped / 10, `${careful.requests.dropped} vs ${quick.requests.dropped}`);
});

test.run();
