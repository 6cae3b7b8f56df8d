/**
 * `canary.stableScaling: partition` — Kruise's partition style with a router: the
 * canary's pods replace stable ones. First the plan's actions against FakePlatform (pod
 * counts, the order of pod moves and routes, promotion and rollback), then the same
 * plans in the simulator, measured against `stableScaling: full` (Argo, Kruise's canary
 * style): instance-seconds, the stable pods per step, the route per step, and the drops
 * the mechanism predicts when the stable pods left carry more than they can.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CanaryKnobs, CanaryStep, StrategySpec } from '../../scenarios/types.ts';
import { canaryPlan } from '../../strategies/canary.ts';
import { abortable } from '../../strategies/abort.ts';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult, StepResult } from '../../sim/result/run-result.ts';
import { FakePlatform, type Snapshot } from './fake-platform.ts';
import { context, scenario, service } from './fixture.ts';

function canary(over: Partial<CanaryKnobs> = {}): StrategySpec & CanaryKnobs {
  return {
    name: 'canary', steps: [], trafficRouting: true, stableScaling: 'partition', maxSurge: '25%', maxUnavailable: '25%', analysis: null,
    abortScaleDownDelaySeconds: 30_000, scaleDownDelaySeconds: 30_000, flagger: null, sessionAffinity: null, webhooks: [], progressDeadlineSeconds: 600_000, progressDeadlineAbort: false, ...over,
  };
}
const pods = (n: number): CanaryStep => ({ setCanaryScale: { replicas: n } });
const w = (n: number): CanaryStep => ({ setWeight: n });
const pause = (ms: number | null): CanaryStep => ({ pause: { duration: ms } });
/** Kruise's steps {replicas: 1, traffic: 5%}, {replicas: 2, traffic: 50%}, then promotion. */
const KRUISE_STEPS = [pods(1), w(5), pause(30_000), pods(2), w(50), pause(30_000)];

function run(k: StrategySpec, replicas = 4, opts = {}) {
  const sc = scenario(k, [service('a', replicas)]);
  return new FakePlatform({ a: { v1: replicas } }, { readyDelayMs: 5000, terminationMs: 2000, ...opts }).run(canaryPlan(context(sc)));
}
const at = (p: FakePlatform, t: number): Snapshot => p.snapshots.filter((s) => s.t <= t).at(-1)!;
const current = (s: Snapshot, v: string) => s.versions[v]?.current ?? 0;
/** v2 / v1 instances (not terminating) halfway through each pause. */
function inPauses(p: FakePlatform): string[] {
  return p.of('step').filter((r) => r.action.name.startsWith('pause')).map((r) => {
    const s = at(p, r.t + 15_000);
    return `v2=${current(s, 'v2')} v1=${current(s, 'v1')}`;
  });
}

test('partition: stable runs R − n beside n canary pods; each step\'s weight is routed once its batch is available', () => {
  const p = run(canary({ steps: KRUISE_STEPS }));
  assert.equal(inPauses(p), ['v2=1 v1=3', 'v2=2 v1=2']);
  assert.equal(p.of('setWeights').map((r) => r.action.weights), [{ v1: 100, v2: 0 }, { v1: 95, v2: 5 }, { v1: 50, v2: 50 }, null]);
  for (const r of p.of('setWeights').slice(1, 3)) {
    const s = at(p, r.t);
    const n = r.action.weights!.v2 === 5 ? 1 : 2;
    assert.is(s.versions.v2.available, n, `weight ${r.action.weights!.v2} set with ${s.versions.v2.available} canary pods available`);
    assert.is(current(s, 'v1'), 4 - n, 'and the batch\'s stable pods already gone');
  }
  // Never more than R + maxSurge pods, never fewer than R − maxUnavailable available (25 % of 4: 1 and 1).
  for (const s of p.snapshots) {
    assert.ok(current(s, 'v1') + current(s, 'v2') <= 5, `${current(s, 'v1') + current(s, 'v2')} pods at ${s.t}`);
    assert.ok((s.versions.v1?.available ?? 0) + (s.versions.v2?.available ?? 0) >= 3, `available at ${s.t}`);
  }
  assert.equal(p.stepNames().slice(-1), ['promote']);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
  assert.is(p.versionState('a', 'v2').available, 4);
  assert.is(p.versionState('a', 'v1').current, 0);
});

test('partition: maxSurge/maxUnavailable decide whether the stable pod goes before or after its replacement is up', () => {
  // maxSurge 0: Kruise deletes the stable pod first (4 → 3 pods while the canary starts).
  const first = run(canary({ steps: [pods(1), w(5), pause(10_000)], maxSurge: 0, maxUnavailable: 1 }));
  const s0 = first.of('scale');
  assert.equal(s0.slice(0, 2).map((r) => `${r.t}:${r.action.version}=${r.action.replicas}`), ['0:v1=3', '0:v2=1']);
  assert.ok(first.snapshots.some((s) => current(s, 'v1') + current(s, 'v2') === 4 && (s.versions.v2?.available ?? 0) === 0 && current(s, 'v1') === 3));
  // maxUnavailable 0: the canary pod is available before the stable pod goes.
  const after = run(canary({ steps: [pods(1), w(5), pause(10_000)], maxSurge: 1, maxUnavailable: 0 }));
  const s1 = after.of('scale');
  assert.equal(s1.slice(0, 2).map((r) => `${r.t}:${r.action.version}=${r.action.replicas}`), ['0:v2=1', '5000:v1=3']);
  for (const s of after.snapshots.filter((x) => x.t < 10_000)) assert.ok((s.versions.v1?.available ?? 0) + (s.versions.v2?.available ?? 0) >= 4);
});

test('partition: a later step with fewer replicas keeps the pods moved (Kruise never lowers a partition)', () => {
  const p = run(canary({ steps: [pods(2), w(20), pause(30_000), pods(1), w(10), pause(30_000)] }));
  assert.equal(inPauses(p), ['v2=2 v1=2', 'v2=2 v1=2']);
  assert.equal(p.of('setWeights').map((r) => r.action.weights?.v2 ?? null), [0, 20, 10, null]);
});

test('partition: setWeight without setCanaryScale moves ceil(w·R/100) pods, as the routed canary sizes its canary', () => {
  const p = run(canary({ steps: [w(30), pause(30_000)] }));
  assert.equal(inPauses(p), ['v2=2 v1=2']);
});

test('partition rollback (failed analysis): every request to stable first, then the canary\'s pods rolled back within the knobs', () => {
  const failing = { interval: 10_000, count: 0, failureLimit: 0, inconclusiveLimit: 0, minRequests: 1, successRate: 0.99, latency: null, judge: null };
  const sc = scenario(canary({ steps: [pods(2), w(50), pause(60_000)], analysis: failing }), [service('a', 4)]);
  const p = new FakePlatform({ a: { v1: 4 } }, {
    readyDelayMs: 5000, terminationMs: 2000,
    metrics: (_s, v) => ({ requests: 100, ok: v === 'v2' ? 50 : 100, errors: v === 'v2' ? 50 : 0, successRate: v === 'v2' ? 0.5 : 1, p50: 5, p90: 5, p99: 5, latencies: [] }),
  }).run(canaryPlan(context(sc)));
  const rollback = p.of('step').find((r) => r.action.name === 'rollback')!;
  const after = p.actions.filter((r) => r.t >= rollback.t && (r.action.do === 'setWeights' || r.action.do === 'scale'));
  assert.equal(after[0].action, { do: 'setWeights', service: 'a', weights: { v1: 100, v2: 0 } }, 'the route goes first');
  assert.is(current(at(p, rollback.t - 1), 'v1'), 2, 'R − n stable pods carry everything then');
  // Within maxSurge 1: one stable pod more (5 pods) before a canary pod goes; the canary's last pod goes once stable is whole.
  assert.equal(after.slice(1).map((r) => `${r.action.do === 'scale' ? `${r.action.version}=${r.action.replicas}` : ''}`), ['v1=3', 'v2=1', 'v1=4', 'v2=0']);
  for (const s of p.snapshots.filter((x) => x.t >= rollback.t)) {
    assert.ok(current(s, 'v1') + current(s, 'v2') <= 5, 'the rollback stays within maxSurge');
  }
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  assert.is(p.versionState('a', 'v1').available, 4);
  assert.is(p.versionState('a', 'v2').current, 0);
});

test('partition, release.abortAt: Kruise\'s rollback of a reverted Deployment, not Argo\'s full-size stable', () => {
  const k = canary({ steps: [pods(2), w(50), pause(null)] });
  const sc = scenario(k, [service('a', 4)]);
  const p = new FakePlatform({ a: { v1: 4 } }, { readyDelayMs: 5000, terminationMs: 2000 }).run(abortable(canaryPlan(context(sc)), context(sc), 60_000));
  const abort = p.of('step').find((r) => r.action.name === 'abort at 1m')!;
  assert.ok(abort);
  const scales = p.of('scale').filter((r) => r.t >= abort.t);
  // Argo's abort would scale stable straight to 4; the Deployment rolls back one surge pod at a time.
  assert.is(scales[0].action.version, 'v1');
  assert.is(scales[0].action.replicas, 3);
  assert.is(p.versionState('a', 'v1').available, 4);
  assert.is(p.versionState('a', 'v2').current, 0);
});

// ---- in the simulator ---------------------------------------------------------------

// 4 pods of 4 slots × 20 ms = 200 requests/s each; 640 requests/s is 160 per pod (80 %).
const RATE = 640;
const REPLICAS = 4;
const POD_CAPACITY = 4 / 0.020;
const PAUSE_MS = 30_000;
const loaded = (scaling: string) => parseScenario(`
seed: 3
duration: 3m
services:
  api:
    replicas: ${REPLICAS}
    versions: [v1, v2]
    concurrency: 4
    queue: 16
    serviceTime: 20ms
    startup: 5s
    readinessProbe: {initialDelaySeconds: 1, periodSeconds: 1}
    preStop: 1s
entry: api
registry: {push: {delay: 100ms}}
traffic: {rate: ${RATE}, users: 2000}
release:
  startAt: 20s
  services: [api]
  to: v2
  strategy:
    name: canary
    stableScaling: ${scaling}
    scaleDownDelaySeconds: 0
    steps:
      - setCanaryScale: {replicas: 1}
      - setWeight: 5
      - pause: {duration: 30s}
      - setCanaryScale: {replicas: 2}
      - setWeight: 50
      - pause: {duration: 30s}
      - setCanaryScale: {weight: 100}
      - setWeight: 100
`, 'partition-load.yaml');

const pauses = (r: RunResult): StepResult[] => r.rollout.steps.filter((s) => s.name.startsWith('pause'));
/**
 * Timeline buckets inside a step: counts of the whole bucket, and instance states sampled
 * at its end, so a bucket ending as the next step starts is left out.
 */
function inside(r: RunResult, s: StepResult): number[] {
  const b = r.timeline.bucketMs;
  const out: number[] = [];
  for (let i = Math.ceil(s.startMs / b); (i + 1) * b < s.endMs; i++) out.push(i);
  return out;
}
const series = (r: RunResult, k: string): number[] => {
  const s = r.timeline.series[k];
  assert.ok(s, `series ${k}`);
  return s;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('sim: stable runs 3 then 2 pods (full style 4 and 4), the share per pause is the step\'s weight', () => {
  const full = simulate(loaded('full'));
  const part = simulate(loaded('partition'));
  const stable = (r: RunResult) => pauses(r).map((s) => [...new Set(inside(r, s).map((b) => series(r, 'instances.api.v1.ready')[b]))].join('/'));
  assert.equal(stable(part), ['3', '2']);
  assert.equal(stable(full), ['4', '4']);
  // The share of requests served is the route's weight, within 3 points (arrivals are random).
  for (const r of [part, full]) {
    const share = pauses(r).map((s) => mean(inside(r, s).map((b) => series(r, 'share.api.v2')[b])));
    assert.ok(Math.abs(share[0] - 0.05) <= 0.03 && Math.abs(share[1] - 0.5) <= 0.03, `${r.strategy}: shares ${share.map((x) => x.toFixed(3)).join(', ')}`);
  }
  assert.is(part.rollout.outcome, 'promoted');
});

test('sim: partition saves at least n pods × each pause in instance-seconds, and at most R pods over the moves between', () => {
  const full = simulate(loaded('full'));
  const part = simulate(loaded('partition'));
  const saved = full.cost.instanceSeconds - part.cost.instanceSeconds;
  // Pauses hold n = 1 then 2 canary pods: full style runs n more stable pods in each.
  const least = (1 * PAUSE_MS + 2 * PAUSE_MS) / 1000;
  // Outside the pauses (the moves, promotion), at most R more pods run in full style.
  const rollout = (full.rollout.endMs - full.rollout.startMs - 2 * PAUSE_MS) / 1000;
  assert.ok(saved >= least && saved <= least + REPLICAS * rollout, `saved ${saved} instance-seconds, expected ${least}…${least + REPLICAS * rollout}`);
  assert.ok(part.cost.peakInstances < full.cost.peakInstances, `peak ${part.cost.peakInstances} vs ${full.cost.peakInstances}`);
});

test('sim: at 5 % on 1 of 4 pods the 3 stable pods are overloaded in partition style only: queue-full drops in that pause', () => {
  // Per stable pod in the first pause: 95 % of the load over R − 1 pods (partition) or R (full).
  const perPod = (stablePods: number) => (RATE * 0.95) / stablePods / POD_CAPACITY;
  assert.ok(perPod(REPLICAS - 1) > 1 && perPod(REPLICAS) < 0.8, 'the scenario overloads 3 pods and not 4');
  const full = simulate(loaded('full'));
  const part = simulate(loaded('partition'));
  const queueFull = (r: RunResult) => {
    const s = pauses(r)[0];
    return inside(r, s).reduce((a, b) => a + (r.timeline.series['dropped.queue-full']?.[b] ?? 0), 0);
  };
  const offered = inside(part, pauses(part)[0]).reduce((a, b) => a + series(part, 'offered')[b], 0);
  assert.ok(queueFull(part) > 0.01 * offered, `partition: ${queueFull(part)} queue-full of ${offered}`);
  assert.ok(queueFull(full) <= 0.001 * offered, `full: ${queueFull(full)} queue-full of ${offered}`);
  assert.ok(part.requests.byCause['queue-full'] > full.requests.byCause['queue-full'], 'more over the whole rollout too');
});

test.run();
