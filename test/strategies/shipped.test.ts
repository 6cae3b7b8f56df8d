/**
 * End to end on the shipped scenarios: the strategies driving the real simulator.
 *
 * Some checks remove the endpoint-propagation race (registry delay 0, minReadySeconds 0)
 * to test a strategy's routing semantics on their own; the shipped files keep the race
 * and the minReadySeconds that closes it. (They also sidestep sim/model.ts multiplying
 * minReadySeconds, already ms after loading, by 1000 — reported to the lead.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario, withStrategy } from '../../scenarios/load.ts';
import type { Scenario, StrategyName } from '../../scenarios/types.ts';
import { simulate } from '../../strategies/simulate.ts';

const load = (name: string, strategy?: StrategyName): Scenario => {
  const sc = loadScenario(`scenarios/${name}.yaml`);
  return strategy ? withStrategy(sc, strategy) : sc;
};

function withoutPropagationRace(sc: Scenario): Scenario {
  return {
    ...sc,
    registry: { mode: 'push', delay: { type: 'constant', value: 0 }, routingDelay: false },
    services: sc.services.map((s) => ({ ...s, instance: { ...s.instance, minReadySeconds: 0 } })),
  };
}

test('rolling-default: recreate drops no-endpoint, the default rolling update drops refused', () => {
  const recreate = simulate(load('rolling-default', 'recreate'));
  assert.ok(recreate.requests.byCause['no-endpoint'] > 0, `no-endpoint ${recreate.requests.byCause['no-endpoint']}`);
  const rolling = simulate(load('rolling-default'));
  assert.ok(rolling.requests.byCause.refused > 0);
  assert.is(rolling.rollout.outcome, 'promoted');
});

test('rolling-tuned: rolling and blue-green with preStop ≥ propagation drop nothing', () => {
  for (const s of ['rolling', 'blue-green'] as const) {
    const r = simulate(load('rolling-tuned', s));
    assert.is(r.requests.dropped, 0, `${s}: ${JSON.stringify(r.requests.byCause)}`);
    assert.is(r.rollout.outcome, 'promoted');
    assert.is(r.requests.offered, r.requests.ok + r.requests.inFlightAtEnd);
  }
});

test('canary-bad-release: rolled back, error drops bounded by share × time to detection', () => {
  const sc = withoutPropagationRace(load('canary-bad-release'));
  const r = simulate(sc);
  assert.is(r.rollout.outcome, 'rolled-back');
  const weighted = r.rollout.steps.find((s) => s.name === 'setWeight 10')!;
  const rollback = r.rollout.steps.find((s) => s.name === 'rollback')!;
  assert.ok(!r.rollout.steps.some((s) => s.name === 'setWeight 50'), 'never reached 50%');
  const errorRate = sc.services[0].versions.find((v) => v.name === 'v2')!.errorRate;
  const exposureS = (rollback.startMs - weighted.startMs) / 1000;
  const bound = sc.traffic.rate * 0.10 * errorRate * exposureS;
  const errors = r.requests.byCause.error;
  assert.ok(errors > 0 && errors <= 1.5 * bound + 10, `errors ${errors}, bound ${bound.toFixed(1)} over ${exposureS}s`);
  // The same bug under a rolling update reaches everyone.
  const rolling = simulate(withStrategy(sc, 'rolling'));
  assert.ok(rolling.requests.byCause.error > 10 * errors);
});

test('lanes-abc: gray traffic takes exactly a:v2>b:v1>c:v2, base never touches a v2', () => {
  const r = simulate(withoutPropagationRace(load('lanes-abc')));
  const gray = r.lanes.gray;
  assert.ok(gray && gray.requests > 50, `gray requests ${gray?.requests}`);
  assert.equal(Object.keys(gray.paths), ['a:v2>b:v1>c:v2']);
  for (const [lane, l] of Object.entries(r.lanes)) {
    if (lane === 'gray') continue;
    for (const path of Object.keys(l.paths)) assert.not.match(path, /:v2/, `${lane} took ${path}`);
  }
  assert.is(r.requests.byCause.misroute, 0);
  assert.ok(r.slo.pass, r.slo.violations.join('; '));
});

test('lanes-abc strict: gray requests fail where the lane has no version (b)', () => {
  const sc = withoutPropagationRace(load('lanes-abc'));
  const strat = sc.release!.strategy;
  if (strat.name !== 'lanes') throw new Error('lanes-abc must be a lanes scenario');
  const strict: Scenario = { ...sc, release: { ...sc.release!, strategy: { ...strat, mode: 'strict' } } };
  const r = simulate(strict);
  const permissive = simulate(sc);
  assert.ok(r.requests.dropped >= permissive.lanes.gray.requests * 0.5, `dropped ${r.requests.dropped}`);
  assert.ok(!Object.keys(r.lanes.gray?.paths ?? {}).some((p) => p.endsWith('c:v2')), JSON.stringify(r.lanes.gray));
});

test('two-tier-blue-green: front-end then back-end switched, nothing dropped', () => {
  const r = simulate(withoutPropagationRace(load('two-tier-blue-green')));
  assert.is(r.rollout.outcome, 'promoted');
  assert.equal(r.rollout.steps.filter((s) => s.name === 'switch to green').length, 2);
  assert.is(r.requests.dropped, 0, JSON.stringify(r.requests.byCause));
});

test('nginx two instances: take-out-first drops nothing; killing in place resets requests', () => {
  const careful = simulate(load('nginx-two-instances'));
  assert.is(careful.requests.dropped, 0, JSON.stringify(careful.requests.byCause));
  const hasty = simulate(load('nginx-kill-in-place'));
  assert.ok(hasty.requests.byCause.reset > 0, JSON.stringify(hasty.requests.byCause));
});

test('warmup: slow start cuts timeouts for the same release', () => {
  const cold = simulate(load('warmup'));
  const slow = simulate(load('warmup-slow-start'));
  assert.ok(cold.requests.byCause.timeout > 0);
  assert.ok(slow.requests.byCause.timeout < cold.requests.byCause.timeout, `${slow.requests.byCause.timeout} vs ${cold.requests.byCause.timeout}`);
});

test.run();
