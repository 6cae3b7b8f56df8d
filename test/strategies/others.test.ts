import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LaneSpec, StrategySpec } from '../../scenarios/types.ts';
import { abPlan, AB_SCALE_DOWN_DELAY_MS } from '../../strategies/ab.ts';
import { lanesPlan } from '../../strategies/lanes.ts';
import { recreatePlan } from '../../strategies/recreate.ts';
import { releasePlan, PLANS, planFor, releaseContexts } from '../../strategies/index.ts';
import { STRATEGY_NAMES } from '../../scenarios/types.ts';
import { FakePlatform } from './fake-platform.ts';
import { context, scenario, service } from './fixture.ts';

test('recreate: no new instance exists until every old one is gone', () => {
  const sc = scenario({ name: 'recreate' }, [service('a', 3)]);
  const p = new FakePlatform({ a: { v1: 3 } }, { terminationMs: 7000, readyDelayMs: 4000 }).run(recreatePlan(context(sc)));
  assert.equal(p.stepNames(), ['scale down old', 'scale up new']);
  const up = p.of('scale').find((r) => r.action.version === 'v2')!;
  assert.ok(up.t >= 7000, `new scaled at ${up.t}`);
  for (const s of p.snapshots) assert.ok(!((s.versions.v1?.current ?? 0) + (s.versions.v1?.terminating ?? 0) > 0 && (s.versions.v2?.current ?? 0) > 0));
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test('A/B: cohort route for the duration, then promote with an atomic switch', () => {
  const match = { header: { name: 'x-beta', value: '1' } };
  const sc = scenario({ name: 'ab', match, duration: 60_000, then: 'promote', replicas: 1, analysis: null, webhooks: [] }, [service('a', 3)]);
  const p = new FakePlatform({ a: { v1: 3 } }, { readyDelayMs: 5000 }).run(abPlan(context(sc)));
  const routes = p.of('setRoutes').map((r) => [r.t, r.action.routes.length]);
  assert.equal(routes[0], [5000, 1]);
  assert.equal(p.of('setRoutes')[0].action.routes[0], { match, version: 'v2' });
  const sw = p.of('setWeights').at(-1)!;
  assert.equal(sw.action.weights, { v1: 0, v2: 100 });
  assert.ok(sw.t >= 65_000);
  assert.is(p.of('scale').at(-1)!.t, sw.t + AB_SCALE_DOWN_DELAY_MS);
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test('A/B then rollback: routes cleared, B removed, stable never lost traffic', () => {
  const sc = scenario({ name: 'ab', match: { userIds: [1, 2] }, duration: 30_000, then: 'rollback', replicas: null, analysis: null, webhooks: [] }, [service('a', 2)]);
  const p = new FakePlatform({ a: { v1: 2 } }).run(abPlan(context(sc)));
  assert.equal(p.of('setRoutes').map((r) => r.action.routes.length), [1, 0]);
  assert.ok(p.of('setWeights').every((r) => r.action.weights!.v1 === 100));
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
});

const gray: LaneSpec = { name: 'gray', tag: 'gray', match: { header: { name: 'x-user-id', value: '100' } }, services: { a: 'v2', c: 'v2' }, replicas: 1 };

test('lanes: base pinned, lane versions deployed and ready before the lane is set; teardown', () => {
  const strat: StrategySpec = { name: 'lanes', lanes: [gray], mode: 'permissive', duration: 120_000, teardown: true };
  const sc = scenario(strat, [service('a', 2, ['b']), service('b', 2, ['c']), service('c', 2)], ['a', 'c']);
  const p = new FakePlatform({ a: { v1: 2 }, b: { v1: 2 }, c: { v1: 2 } }, { readyDelayMs: 9000 }).run(releasePlan(sc));
  assert.equal(p.of('setWeights').map((r) => [r.action.service, r.action.weights]), [['a', { v1: 100 }], ['c', { v1: 100 }]]);
  assert.equal(p.of('scale').map((r) => `${r.t}:${r.action.service}:${r.action.version}=${r.action.replicas}`), [
    '0:a:v2=1', '0:c:v2=1', '129000:a:v2=0', '129000:c:v2=0',
  ]);
  const set = p.of('setLanes');
  assert.equal(set.map((r) => [r.t, r.action.lanes.length, r.action.mode]), [[9000, 1, 'permissive'], [129000, 0, 'permissive']]);
  assert.ok(!p.actions.some((r) => r.action.do === 'scale' && r.action.service === 'b'));
});

test('releasePlan: leaves startAt to the driver, stops at the first rollback, one composite outcome', () => {
  const strat: StrategySpec = {
    name: 'canary', steps: [{ setWeight: 50 }], trafficRouting: true, stableScaling: 'full', maxSurge: 1, maxUnavailable: 0, analysis: null,
    abortScaleDownDelaySeconds: 0, scaleDownDelaySeconds: 0, flagger: null, sessionAffinity: null, webhooks: [], progressDeadlineSeconds: 30_000, progressDeadlineAbort: true,
  };
  const sc = scenario(strat, [service('a', 2, ['b']), service('b', 2)], ['b', 'a']);
  sc.release!.startAt = 5000;
  const p = new FakePlatform({ a: { v1: 2 }, b: { v1: 2 } }, { neverReady: ['v2'] }).run(releasePlan(sc));
  assert.equal(p.actions[0], { t: 0, action: { do: 'step', name: 'b: canary start' } });
  assert.is(p.of('step').find((r) => r.action.name === 'b: rollback')!.t, 30_000);
  assert.ok(!p.actions.some((r) => r.action.do === 'scale' && r.action.service === 'a'), 'a never started');
  assert.equal(p.of('outcome').map((r) => r.action.outcome), ['rolled-back']);
});

test('registry: every strategy name has a plan; nothing to do without a release', () => {
  assert.equal(Object.keys(PLANS), [...STRATEGY_NAMES]);
  const sc = scenario({ name: 'recreate' });
  assert.is(typeof planFor(context(sc)).next, 'function');
  sc.release = null;
  assert.equal(releaseContexts(sc), []);
  assert.ok(releasePlan(sc).next().done);
});

test.run();
