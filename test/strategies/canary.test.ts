import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CanaryKnobs, CanaryStep, StrategySpec } from '../../scenarios/types.ts';
import { canaryPlan, routedCanaryReplicas } from '../../strategies/canary.ts';
import { parseScenario } from '../../scenarios/load.ts';
import { FakePlatform, healthyWindow } from './fake-platform.ts';
import { analysis, context, scenario, service } from './fixture.ts';

function canary(over: Partial<CanaryKnobs> = {}): StrategySpec & CanaryKnobs {
  return { name: 'canary', steps: [], trafficRouting: true, stableScaling: 'full', maxSurge: '25%', maxUnavailable: '25%', analysis: null, abortScaleDownDelaySeconds: 30_000, scaleDownDelaySeconds: 30_000, flagger: null, sessionAffinity: null, webhooks: [], progressDeadlineSeconds: 600_000, progressDeadlineAbort: false, ...over };
}
const w = (n: number): CanaryStep => ({ setWeight: n });
const pause = (ms: number | null): CanaryStep => ({ pause: { duration: ms } });

function run(k: StrategySpec, replicas: number, opts = {}, untilMs = 3_600_000) {
  const sc = scenario(k, [service('a', replicas)]);
  return new FakePlatform({ a: { v1: replicas } }, { readyDelayMs: 5000, ...opts }).run(canaryPlan(context(sc)), untilMs);
}

test('router: weights follow setWeight; canary scaled to ceil(w·R/100) and ready before each weight', () => {
  const p = run(canary({ steps: [w(10), pause(30_000), w(50), pause(60_000)], scaleDownDelaySeconds: 20_000 }), 4);
  assert.equal(p.stepNames(), ['canary start', 'setWeight 10', 'pause 30s', 'setWeight 50', 'pause 1m', 'promote', 'scale down stable']);
  assert.equal(p.of('setWeights').map((r) => r.action.weights), [{ v1: 100, v2: 0 }, { v1: 90, v2: 10 }, { v1: 50, v2: 50 }, { v1: 0, v2: 100 }]);
  assert.equal(p.of('scale').map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=1', 'v2=2', 'v2=4', 'v1=0']);
  for (const r of p.of('setWeights')) {
    const share = r.action.weights!.v2;
    const need = routedCanaryReplicas(share, 4);
    const at = p.snapshots.filter((s) => s.t <= r.t).at(-1)!;
    assert.ok((at.versions.v2?.available ?? 0) >= need, `weight ${share} set with ${at.versions.v2?.available} ready`);
  }
  // Stable keeps full size until scaleDownDelay after the final weight.
  const full = p.of('setWeights').at(-1)!.t;
  assert.is(p.of('scale').at(-1)!.t, full + 20_000);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test('no router: the weight is the replica ratio, in Argo\'s counts (may surge to R + 1)', () => {
  assert.equal([10, 50, 100].map((x) => routedCanaryReplicas(x, 10)), [1, 5, 10]);
  // 4 replicas, maxSurge 25 % (1): 10 → 1 + 4, 50 → 2 + 2, 75 → 3 + 1 (basic-canary-counts.test.ts).
  const p = run(canary({ trafficRouting: false, steps: [w(10), pause(10_000), w(50), pause(10_000), w(75), pause(10_000)] }), 4);
  assert.is(p.of('setWeights').length, 0);
  // Actual share as each pause begins = canary / (canary + stable).
  const shares = p.of('step').filter((r) => r.action.name.startsWith('pause')).map((r) => {
    const at = p.snapshots.filter((x) => x.t <= r.t).at(-1)!;
    const c = at.versions.v2?.current ?? 0;
    return c / (c + (at.versions.v1?.current ?? 0));
  });
  assert.equal(shares, [0.2, 0.5, 0.75]);
  neverBelowBeforePromote(p, 4);
  // Promotion is a rolling update within maxUnavailable 25 % (1).
  for (const s of p.snapshots) assert.ok((s.versions.v1?.available ?? 0) + (s.versions.v2?.available ?? 0) >= 4 - 1);
  assert.is(p.versionState('a', 'v2').available, 4);
  assert.is(p.versionState('a', 'v1').current, 0);
});

/** Instances (not terminating) of each version halfway through each pause, and at the end. */
function countsInPauses(p: FakePlatform): string[] {
  const counts = (t: number) => {
    const at = p.snapshots.filter((x) => x.t <= t).at(-1)!;
    return `v2=${at.versions.v2?.current ?? 0} v1=${at.versions.v1?.current ?? 0}`;
  };
  const steps = p.of('step');
  const out = steps.flatMap((r, i) => (r.action.name.startsWith('pause') ? [`${r.action.name} after ${steps[i - 1].action.name}: ${counts((r.t + steps[i + 1].t) / 2)}`] : []));
  return [...out, `end: ${counts(Infinity)}`];
}

/** Available instances of both versions never fall below `min` before the promote step. */
function neverBelowBeforePromote(p: FakePlatform, min: number): void {
  const promote = p.of('step').find((r) => r.action.name === 'promote')?.t ?? Infinity;
  for (const s of p.snapshots.filter((x) => x.t < promote)) {
    assert.ok((s.versions.v1?.available ?? 0) + (s.versions.v2?.available ?? 0) >= min, `t=${s.t}: ${JSON.stringify(s.versions)}`);
  }
}

test('no router, 4 replicas, maxSurge 25 %: setWeight 10 / 50 / 100 scale to 1 + 4, 2 + 2, 4 + 0', () => {
  const k = canary({ trafficRouting: false, maxSurge: '25%', maxUnavailable: '25%', steps: [w(10), pause(10_000), w(50), pause(10_000), w(100)] });
  const p = run(k, 4);
  // 10 %: one canary and stable keeps all 4 (1/5 = 20 %, nearer 10 than 1/4); 50 %: 2 + 2;
  // 100 %: 4 + 0, so promotion has nothing left to do.
  assert.equal(p.of('scale').map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=1', 'v2=2', 'v1=2', 'v2=4', 'v1=0']);
  assert.equal(countsInPauses(p), ['pause 10s after setWeight 10: v2=1 v1=4', 'pause 10s after setWeight 50: v2=2 v1=2', 'end: v2=4 v1=0']);
  // The canary is ready before stable shrinks: capacity never dips below 4.
  neverBelowBeforePromote(p, 4);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test('no router: a lower weight grows stable (to R + 1 − canary) and waits for it before shrinking the canary', () => {
  const p = run(canary({ trafficRouting: false, steps: [w(50), pause(10_000), w(10), pause(10_000)] }), 4);
  assert.equal(p.of('scale').slice(0, 4).map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=2', 'v1=2', 'v1=4', 'v2=1']);
  const [, , up, down] = p.of('scale');
  const before = p.snapshots.filter((x) => x.t <= down.t).at(-1)!;
  assert.ok(down.t > up.t && (before.versions.v1?.available ?? 0) === 4, 'stable ready before the canary shrinks');
  assert.equal(countsInPauses(p).slice(0, 2), ['pause 10s after setWeight 50: v2=2 v1=2', 'pause 10s after setWeight 10: v2=1 v1=4']);
  neverBelowBeforePromote(p, 4);
});

test('no router: abort after a surging step leaves stable at R and only removes the canary', () => {
  const failing = (_s: string, v: string) => (v === 'v2' ? { ...healthyWindow(), ok: 70, errors: 30, successRate: 0.7 } : healthyWindow());
  const k = canary({ trafficRouting: false, steps: [w(10), pause(120_000)], analysis: analysis({ interval: 10_000, count: 0, failureLimit: 0 }) });
  const p = run(k, 4, { metrics: failing });
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  assert.equal(p.of('scale').map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=1', 'v2=0']);
  // From 2 + 2, stable goes back to 4 (and is ready) before the canary goes.
  const q = run(canary({ ...k, steps: [w(50), pause(120_000)] }), 4, { metrics: failing });
  assert.equal(q.of('scale').map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=2', 'v1=2', 'v1=4', 'v2=0']);
  neverBelowBeforePromote(q, 4);
});

test('no router: setCanaryScale fixes the canary and stable gets the rest of R; matchTrafficWeight returns to Argo\'s counts', () => {
  const k = canary({ trafficRouting: false, steps: [{ setCanaryScale: { replicas: 3 } }, w(10), pause(10_000), { setCanaryScale: { matchTrafficWeight: true } }, pause(10_000)] });
  const p = run(k, 10);
  // 3 + 7 while fixed; then 10 % of 10 is exactly 1 + 9: stable up to 9 first, then the canary down.
  assert.equal(p.of('scale').slice(0, 4).map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=3', 'v1=7', 'v1=9', 'v2=1']);
});

/** The canary knobs the scenario reader makes of Flagger's analysis shorthand. */
function flagger(shorthand: Record<string, unknown>): StrategySpec & CanaryKnobs {
  const doc = { duration: '1h', services: { a: { replicas: 10, versions: ['v1', 'v2'], serviceTime: '10ms' } }, entry: { service: 'a' }, traffic: { rate: 10 }, release: { to: 'v2', strategy: { name: 'canary', ...shorthand } } };
  return parseScenario(JSON.stringify(doc), 'flagger.json').release!.strategy as StrategySpec & CanaryKnobs;
}

test('Flagger shorthand: stepWeight up to maxWeight, or explicit stepWeights, each held one interval', () => {
  const weightsOf = (k: CanaryKnobs) => k.steps.flatMap((st) => ('setWeight' in st ? [st.setWeight] : []));
  const f = flagger({ interval: '60s', stepWeight: 10, maxWeight: 50 });
  assert.equal(weightsOf(f), [10, 20, 30, 40, 50]);
  assert.equal(weightsOf(flagger({ interval: '60s', stepWeights: [1, 5, 25] })), [1, 5, 25]);
  const p = run(f, 10);
  const weights = p.of('setWeights').map((r) => r.action.weights!.v2);
  assert.equal(weights, [0, 10, 20, 30, 40, 50, 100]);
  const times = p.of('setWeights').slice(1, 6).map((r) => r.t);
  // Each weight lasts one interval (plus the canary's start-up when it grows).
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 60_000 && times[i] - times[i - 1] <= 65_000);
  assert.is(f.steps.length, 10);
});

test('background analysis failure aborts: weight to stable, canary down after abortScaleDownDelay', () => {
  let t0 = -1;
  const metrics = (_s: string, v: string, _w: number, now: number) => {
    if (v === 'v2' && now >= 40_000 && t0 < 0) t0 = now;
    return v === 'v2' && now >= 40_000 ? { ...healthyWindow(), ok: 70, errors: 30, successRate: 0.7 } : healthyWindow();
  };
  const k = canary({ steps: [w(20), pause(120_000), w(60), pause(120_000)], analysis: analysis({ interval: 10_000, count: 0, failureLimit: 1 }), abortScaleDownDelaySeconds: 15_000 });
  const p = run(k, 5, { metrics });
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  const rb = p.of('step').find((r) => r.action.name === 'rollback')!.t;
  // failureLimit 1 ⇒ the second failing measurement aborts.
  assert.is(rb, t0 + 10_000);
  assert.equal(p.of('setWeights').at(-1)!.action.weights, { v1: 100, v2: 0 });
  const down = p.of('scale').at(-1)!;
  assert.equal([down.t, down.action.version, down.action.replicas], [rb + 15_000, 'v2', 0]);
  assert.ok(!p.of('setWeights').some((r) => r.action.weights!.v2 === 60));
});

test('background analysis with count completes after that many measurements: a later failure goes unwatched', () => {
  const failingFrom = 40_000;
  const metrics = (_s: string, v: string, _w: number, now: number) =>
    v === 'v2' && now >= failingFrom ? { ...healthyWindow(), ok: 70, errors: 30, successRate: 0.7 } : healthyWindow();
  const steps = [w(20), pause(120_000), w(60), pause(120_000)];
  const spec = { interval: 10_000, failureLimit: 1 };
  // count 0 (until the rollout ends) sees the failure and rolls back; count 2 completed
  // (two healthy measurements before 40 s) and the rollout is promoted, as Argo does.
  const watched = run(canary({ steps, analysis: analysis({ ...spec, count: 0 }) }), 5, { metrics });
  const limited = run(canary({ steps, analysis: analysis({ ...spec, count: 2 }) }), 5, { metrics });
  assert.equal(watched.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  assert.equal(limited.of('outcome').map((r) => r.action.outcome), ['promoted']);
  const measured = (p: typeof limited) => p.of('metrics').filter((r) => r.action.version === 'v2').length;
  assert.is(measured(limited), 2);
});

test('indefinite pause: later steps never run and the outcome stays none', () => {
  const k = canary({ steps: [w(20), pause(null), w(50)] });
  const sc = scenario(k, [service('a', 5)]);
  sc.duration = 200_000;
  const p = new FakePlatform({ a: { v1: 5 } }).run(canaryPlan(context(sc)), 400_000);
  assert.equal(p.of('setWeights').map((r) => r.action.weights!.v2), [0, 20]);
  assert.is(p.of('outcome').length, 0);
});

test('inline analysis with too few requests is inconclusive ⇒ pause', () => {
  const k = canary({ steps: [w(10), { analysis: analysis({ minRequests: 500 }) }, w(50)] });
  const sc = scenario(k, [service('a', 5)]);
  sc.duration = 200_000;
  const p = new FakePlatform({ a: { v1: 5 } }).run(canaryPlan(context(sc)), 400_000);
  assert.ok(p.stepNames().includes('paused (analysis inconclusive)'));
  assert.is(p.of('outcome').length, 0);
  assert.ok(!p.of('setWeights').some((r) => r.action.weights!.v2 === 50));
});

test('setCanaryScale: fixed replicas decoupled from the weight, then matchTrafficWeight', () => {
  const k = canary({ steps: [{ setCanaryScale: { replicas: 3 } }, w(10), pause(10_000), { setCanaryScale: { matchTrafficWeight: true } }, pause(10_000)] });
  const p = run(k, 10);
  assert.equal(p.of('scale').filter((r) => r.action.version === 'v2').map((r) => r.action.replicas), [3, 1, 10]);
});

test('router: a setCanaryScale still in force at the end does not shrink the promoted canary', () => {
  // Argo applies setCanaryScale while a step is current; promotion sizes the canary to full.
  const p = run(canary({ steps: [{ setCanaryScale: { replicas: 1 } }, w(50), pause(10_000)], scaleDownDelaySeconds: 0 }), 4);
  assert.equal(p.of('scale').map((r) => `${r.action.version}=${r.action.replicas}`), ['v2=1', 'v2=4', 'v1=0']);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});


test('progress deadline: Argo waits degraded by default, aborts with progressDeadlineAbort; Flagger rolls back', () => {
  const steps = [w(20), pause(60_000)];
  const degraded = run(canary({ steps, progressDeadlineSeconds: 120_000 }), 4, { neverReady: ['v2'] });
  assert.equal(degraded.stepNames(), ['canary start', 'setWeight 20', 'progress deadline exceeded']);
  assert.is(degraded.of('step').at(-1)!.t, 120_000);
  assert.equal(degraded.of('outcome'), []);
  assert.equal(degraded.of('setWeights').map((r) => r.action.weights), [{ v1: 100, v2: 0 }], 'no weight to pods that never came');

  const aborted = run(canary({ steps, progressDeadlineSeconds: 120_000, progressDeadlineAbort: true, abortScaleDownDelaySeconds: 0 }), 4, { neverReady: ['v2'] });
  assert.equal(aborted.stepNames(), ['canary start', 'setWeight 20', 'rollback']);
  assert.is(aborted.of('step').at(-1)!.t, 120_000);
  assert.equal(aborted.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  assert.is(aborted.versionState('a', 'v2').current, 0);

  const flagger = run(canary({ steps, flagger: { interval: 60_000, stepWeight: 20, stepWeights: [], maxWeight: 20, threshold: 1, mirrorWeight: 0 } }), 4, { neverReady: ['v2'] });
  assert.equal(flagger.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  assert.is(flagger.of('step').find((r) => r.action.name === 'rollback')!.t, 600_000);
});

test.run();
