import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BlueGreenKnobs, StrategySpec } from '../../scenarios/types.ts';
import { blueGreenPlan } from '../../strategies/blue-green.ts';
import { releasePlan } from '../../strategies/index.ts';
import { FakePlatform, healthyWindow } from './fake-platform.ts';
import { analysis, context, scenario, service } from './fixture.ts';

function bg(over: Partial<BlueGreenKnobs> = {}): StrategySpec {
  return { name: 'blue-green', previewReplicaCount: null, autoPromotionEnabled: true, autoPromotionSeconds: 0, scaleDownDelaySeconds: 30_000, abortScaleDownDelaySeconds: 30_000, prePromotionAnalysis: null, postPromotionAnalysis: null, previewMatch: null, progressDeadlineSeconds: 600_000, progressDeadlineAbort: false, ...over };
}

/** Every moment the router gives green a share, green is fully available. */
function assertNeverRoutesToUnready(p: FakePlatform, service: string, replicas: number) {
  for (const s of p.snapshots.filter((x) => x.service === service)) {
    const w = s.weights;
    const greenShare = w === null ? (s.versions.v2?.current ?? 0) : (w.v2 ?? 0);
    if (greenShare > 0) assert.ok((s.versions.v2?.available ?? 0) >= replicas, `t=${s.t}: traffic to a green with ${s.versions.v2?.available} available`);
  }
}

test('blue-green: pins blue, brings green up, switches atomically, keeps blue for scaleDownDelay', () => {
  const sc = scenario(bg({ autoPromotionSeconds: 20_000 }), [service('a', 3)]);
  const p = new FakePlatform({ a: { v1: 3 } }, { readyDelayMs: 12_000, minReadyMs: 2000 }).run(blueGreenPlan(context(sc)));
  assert.equal(p.stepNames(), ['deploy green', 'auto-promotion in 20s', 'switch to green', 'scale down blue']);
  const weights = p.of('setWeights').map((r) => [r.t, r.action.weights]);
  assert.equal(weights, [[0, { v1: 100, v2: 0 }], [34_000, { v1: 0, v2: 100 }]]);
  // Blue was pinned before the first green instance existed.
  const firstGreen = p.actions.findIndex((r) => r.action.do === 'scale' && r.action.version === 'v2');
  const pin = p.actions.findIndex((r) => r.action.do === 'setWeights');
  assert.ok(pin < firstGreen);
  assertNeverRoutesToUnready(p, 'a', 3);
  const blueDown = p.of('scale').find((r) => r.action.version === 'v1')!;
  assert.is(blueDown.t, 34_000 + 30_000);
  for (const s of p.snapshots.filter((x) => x.t < blueDown.t)) assert.is(s.versions.v1?.available, 3);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test('blue-green with previewReplicaCount: preview stack, then full size before the switch', () => {
  const sc = scenario(bg({ previewReplicaCount: 1 }), [service('a', 4)]);
  const p = new FakePlatform({ a: { v1: 4 } }, { readyDelayMs: 10_000 }).run(blueGreenPlan(context(sc)));
  assert.equal(p.of('scale').filter((r) => r.action.version === 'v2').map((r) => r.action.replicas), [1, 4]);
  assertNeverRoutesToUnready(p, 'a', 4);
});

test('blue-green: failing pre-promotion analysis rolls back; blue never loses traffic', () => {
  const spec = analysis({ count: 2, successRate: 0.99 });
  const sc = scenario(bg({ prePromotionAnalysis: spec, abortScaleDownDelaySeconds: 10_000 }), [service('a', 2)]);
  const metrics = (_s: string, v: string) => (v === 'v2' ? { ...healthyWindow(), ok: 80, errors: 20, successRate: 0.8 } : healthyWindow());
  const p = new FakePlatform({ a: { v1: 2 } }, { readyDelayMs: 5000, metrics }).run(blueGreenPlan(context(sc)));
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
  assert.ok(p.of('setWeights').every((r) => r.action.weights!.v2 === 0));
  const rollback = p.of('step').find((r) => r.action.name === 'rollback')!.t;
  assert.is(rollback, 5000 + 10_000);
  const greenDown = p.of('scale').filter((r) => r.action.version === 'v2').at(-1)!;
  assert.equal([greenDown.t, greenDown.action.replicas], [rollback + 10_000, 0]);
});

test('blue-green without auto-promotion pauses: no switch, no outcome', () => {
  const sc = scenario(bg({ autoPromotionEnabled: false }), [service('a', 2)]);
  sc.duration = 120_000;
  const p = new FakePlatform({ a: { v1: 2 } }).run(blueGreenPlan(context(sc)), 300_000);
  assert.is(p.of('outcome').length, 0);
  assert.ok(p.of('setWeights').every((r) => r.action.weights!.v2 === 0));
});

test('two-tier: front-end b and back-end a released blue-green in turn, one composite outcome', () => {
  const sc = scenario(bg({ scaleDownDelaySeconds: 5000 }), [service('b', 2, ['a']), service('a', 3)], ['b', 'a']);
  const p = new FakePlatform({ b: { v1: 2 }, a: { v1: 3 } }, { readyDelayMs: 8000 }).run(releasePlan(sc));
  assert.ok(p.finished);
  assert.equal(p.of('setWeights').map((r) => `${r.t}:${r.action.service}:${r.action.weights!.v2}`), [
    '0:b:0', '8000:b:100', '13000:a:0', '21000:a:100',
  ]);
  assertNeverRoutesToUnready(p, 'a', 3);
  assertNeverRoutesToUnready(p, 'b', 2);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});


test('blue-green: a green that never gets ready is never switched to; degraded, or aborted with progressDeadlineAbort', () => {
  const waits = new FakePlatform({ a: { v1: 3 } }, { neverReady: ['v2'] }).run(blueGreenPlan(context(scenario(bg({ progressDeadlineSeconds: 300_000 }), [service('a', 3)]))));
  assert.equal(waits.stepNames(), ['deploy green', 'progress deadline exceeded']);
  assert.is(waits.of('step').at(-1)!.t, 300_000);
  assert.equal(waits.of('outcome'), []);
  assert.equal(waits.of('setWeights').map((r) => r.action.weights), [{ v1: 100, v2: 0 }]);

  const aborts = new FakePlatform({ a: { v1: 3 } }, { neverReady: ['v2'] }).run(blueGreenPlan(context(scenario(bg({ progressDeadlineSeconds: 300_000, progressDeadlineAbort: true }), [service('a', 3)]))));
  assert.equal(aborts.stepNames(), ['deploy green', 'rollback']);
  assert.equal(aborts.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
});

test.run();
