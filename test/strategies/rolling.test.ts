import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RollingKnobs, StrategySpec } from '../../scenarios/types.ts';
import { rollingPlan } from '../../strategies/rolling.ts';
import { resolveFenceposts, scaledValue } from '../../strategies/common.ts';
import { FakePlatform } from './fake-platform.ts';
import { context, scenario, service } from './fixture.ts';

function rolling(over: Partial<RollingKnobs> = {}): StrategySpec {
  return { name: 'rolling', maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds: 600_000, batches: null, takeOutFirst: false, drainWait: 0, ...over };
}

function runRolling(replicas: number, over: Partial<RollingKnobs>, opts = {}) {
  const sc = scenario(rolling(over), [service('a', replicas)]);
  const p = new FakePlatform({ a: { v1: replicas } }, opts);
  p.run(rollingPlan(context(sc)));
  return p;
}

test('Kubernetes rounding: surge rounds up, unavailable rounds down, both 0 ⇒ maxUnavailable 1', () => {
  assert.equal(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.equal(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.equal(resolveFenceposts(0, '10%', 5), { surge: 0, unavailable: 1 });
  assert.equal(resolveFenceposts(2, 1, 4), { surge: 2, unavailable: 1 });
  assert.is(scaledValue('35%', 20, false), 7);
  assert.is(scaledValue('3', 20, false), 3);
});

const cases: [number, RollingKnobs['maxSurge'], RollingKnobs['maxUnavailable']][] = [
  [10, '25%', '25%'], [4, 1, 0], [4, 0, 1], [5, '50%', 0], [3, '25%', '25%'], [6, 2, 2], [1, 0, 0],
];
for (const [R, ms, mu] of cases) {
  test(`rolling R=${R} maxSurge=${ms} maxUnavailable=${mu}: stays inside the fenceposts and uses them`, () => {
    const { surge, unavailable } = resolveFenceposts(ms, mu, R);
    const p = runRolling(R, { maxSurge: ms, maxUnavailable: mu }, { readyDelayMs: 7000, minReadyMs: 3000 });
    assert.ok(p.finished, 'plan finished');
    assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
    let peak = 0;
    let lowest = Infinity;
    for (const s of p.snapshots) {
      const cur = (s.versions.v1?.current ?? 0) + (s.versions.v2?.current ?? 0);
      const avail = (s.versions.v1?.available ?? 0) + (s.versions.v2?.available ?? 0);
      peak = Math.max(peak, cur);
      lowest = Math.min(lowest, avail);
      assert.ok(cur <= R + surge, `t=${s.t}: ${cur} instances > ${R}+${surge}`);
      assert.ok(avail >= R - unavailable, `t=${s.t}: ${avail} available < ${R}-${unavailable}`);
    }
    // The controller uses the room it has: peak reaches the surge, availability the floor.
    assert.is(peak, R + surge);
    assert.is(lowest, Math.min(R, R - unavailable));
    const end = p.versionState('a', 'v2');
    assert.is(end.available, R);
    assert.is(p.versionState('a', 'v1').current, 0);
  });
}

test('minReadySeconds: old pods wait for new pods to be available, not just ready', () => {
  const fast = runRolling(4, { maxSurge: 1, maxUnavailable: 0 }, { readyDelayMs: 5000, minReadyMs: 0 });
  const slow = runRolling(4, { maxSurge: 1, maxUnavailable: 0 }, { readyDelayMs: 5000, minReadyMs: 10_000 });
  const firstDown = (p: FakePlatform) => p.of('scale').find((r) => r.action.version === 'v1')!.t;
  assert.is(firstDown(fast), 5000);
  assert.is(firstDown(slow), 15_000);
});

test('progressDeadlineSeconds exceeded ⇒ a Deployment reports it and keeps waiting; it never rolls back', () => {
  const p = runRolling(4, { maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60_000 }, { neverReady: ['v2'] });
  assert.not.ok(p.finished, 'the plan is still waiting for the new pod');
  assert.equal(p.of('outcome'), []);
  assert.not.ok(p.stepNames().includes('rollback'));
  assert.is(p.of('step').find((r) => r.action.name === 'progress deadline exceeded')!.t, 60_000);
  assert.is(p.versionState('a', 'v1').available, 4, 'maxUnavailable 0: every old pod stays');
  assert.is(p.versionState('a', 'v2').current, 1, 'the surge pod stays, not ready');
});

test('progress deadline: late pods resume the rollout (a step says so) and it completes', () => {
  const p = runRolling(2, { maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60_000 }, { readyDelayMs: 90_000 });
  assert.equal(p.stepNames(), ['rolling update', 'progress deadline exceeded', 'progress resumed', 'progress deadline exceeded', 'progress resumed']);
  assert.is(p.of('step').find((r) => r.action.name === 'progress resumed')!.t, 90_000);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test('multi-batch: cumulative batches (int and %), a pause after each, new up before old down', () => {
  const p = runRolling(4, { batches: [{ replicas: 1, pause: 60_000 }, { replicas: '50%', pause: 30_000 }, { replicas: '100%', pause: 0 }] });
  assert.equal(p.stepNames(), ['batch 1 (1/4)', 'pause 1m', 'batch 2 (2/4)', 'pause 30s', 'batch 3 (4/4)']);
  const v2 = p.of('scale').filter((r) => r.action.version === 'v2').map((r) => r.action.replicas);
  const v1 = p.of('scale').filter((r) => r.action.version === 'v1').map((r) => r.action.replicas);
  assert.equal(v2, [1, 2, 4]);
  assert.equal(v1, [3, 2, 0]);
  for (const s of p.snapshots) assert.ok((s.versions.v1?.available ?? 0) + (s.versions.v2?.available ?? 0) >= 4);
});

test('takeOutFirst (nginx two instances): mark down, drain, replace, wait ready, repeat', () => {
  const p = runRolling(2, { takeOutFirst: true, drainWait: 5000 }, { readyDelayMs: 8000 });
  assert.equal(p.stepNames(), ['take out old 1', 'replace 1', 'take out old 2', 'replace 2']);
  const kinds = p.actions.filter((r) => ['markDown', 'sleep', 'scale', 'waitReady'].includes(r.action.do)).map((r) => `${r.t}:${r.action.do}`);
  assert.equal(kinds, [
    '0:markDown', '0:sleep', '5000:scale', '5000:scale', '5000:waitReady',
    '13000:markDown', '13000:sleep', '18000:scale', '18000:scale', '18000:waitReady',
  ]);
  // Never fewer than one serving instance.
  for (const s of p.snapshots) assert.ok((s.versions.v1?.ready ?? 0) + (s.versions.v2?.ready ?? 0) >= 1);
  assert.is(p.versionState('a', 'v2').ready, 2);
});

test.run();
