import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDuration, formatDuration } from '../../scenarios/durations.ts';
import { parseScenario, ScenarioError } from '../../scenarios/load.ts';

test('durations: units, decimals, compound; junk is null', () => {
  assert.is(parseDuration('250ms'), 250);
  assert.is(parseDuration('5s'), 5000);
  assert.is(parseDuration('2m'), 120_000);
  assert.is(parseDuration('1h'), 3_600_000);
  assert.is(parseDuration('1.5s'), 1500);
  assert.is(parseDuration('1m30s'), 90_000);
  assert.is(parseDuration('5'), null);
  assert.is(parseDuration('-5s'), null);
  assert.is(parseDuration('5 sec'), null);
  assert.is(parseDuration('s'), null);
  assert.is(formatDuration(90_000), '90s');
  assert.is(formatDuration(250), '250ms');
});

/** A one-service scenario whose service time is `dist` (YAML flow text). */
function withServiceTime(dist: string) {
  return parseScenario(`duration: 1m\nservices:\n  a: {serviceTime: ${dist}}\ntraffic: {rate: 10}\n`, 'x.yaml').services[0].instance.serviceTime;
}

test('distributions: every family, in ms', () => {
  assert.equal(withServiceTime('20ms'), { type: 'constant', value: 20 });
  assert.equal(withServiceTime('{constant: 2s}'), { type: 'constant', value: 2000 });
  assert.equal(withServiceTime('{exponential: {mean: 20ms}}'), { type: 'exponential', mean: 20 });
  assert.equal(withServiceTime('{lognormal: {median: 20ms, p99: 0.2s}}'), { type: 'lognormal', median: 20, p99: 200 });
  assert.equal(withServiceTime('{uniform: {min: 1s, max: 5s}}'), { type: 'uniform', min: 1000, max: 5000 });
  assert.equal(withServiceTime('{normal: {mean: 50ms, sd: 10ms}}'), { type: 'normal', mean: 50, sd: 10 });
  assert.equal(withServiceTime('{normal: {mean: 50ms, sd: 10ms, min: 0}}'), { type: 'normal', mean: 50, sd: 10, min: 0 });
  assert.equal(withServiceTime('{pareto: {scale: 10ms, shape: 2.5}}'), { type: 'pareto', scale: 10, shape: 2.5 });
  assert.equal(withServiceTime('{empirical: [12ms, 15ms, 1s]}'), { type: 'empirical', samples: [12, 15, 1000] });
});

function errorOf(fn: () => unknown): string {
  try { fn(); } catch (e) {
    assert.instance(e, ScenarioError);
    assert.is((e as ScenarioError).exitCode, 2);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

test('distributions: bad ones name the field', () => {
  assert.match(errorOf(() => withServiceTime('{lognormal: {median: 20ms, p99: 10ms}}')), 'x.yaml: services.a.serviceTime.lognormal.p99: expected a p99 ≥ the median');
  assert.match(errorOf(() => withServiceTime('{gamma: {k: 2}}')), 'services.a.serviceTime: expected one of constant, exponential');
  assert.match(errorOf(() => withServiceTime('{exponential: {mean: 20}}')), 'services.a.serviceTime.exponential.mean: expected a duration > 0');
  assert.match(errorOf(() => withServiceTime('{uniform: {min: 5s, max: 1s}}')), 'services.a.serviceTime.uniform.max: expected max ≥ min');
  assert.match(errorOf(() => withServiceTime('{exponential: {mean: 20ms}, uniform: {min: 1s, max: 2s}}')), 'exactly one distribution family');
  assert.match(errorOf(() => withServiceTime('{empirical: []}')), 'services.a.serviceTime.empirical: expected a non-empty list');
});

test('*Seconds fields take bare seconds or durations; other durations need a unit (0 excepted)', () => {
  const s = parseScenario(`
duration: 1m
services:
  a:
    serviceTime: 0
    terminationGracePeriodSeconds: 45
    minReadySeconds: 2s
    readinessProbe: {periodSeconds: 5, initialDelaySeconds: 1m}
    preStop: 5s
traffic: {rate: 10}
release:
  to: v1
  services: [a]
  strategy: {name: blue-green, scaleDownDelaySeconds: 60, autoPromotionSeconds: 10s}
`, 'x.yaml');
  const inst = s.services[0].instance;
  assert.is(inst.terminationGracePeriod, 45_000);
  assert.is(inst.minReadySeconds, 2000, 'InstanceSpec.minReadySeconds is ms per types.ts');
  assert.is(inst.readinessProbe.periodSeconds, 5, 'probe fields stay in seconds');
  assert.is(inst.readinessProbe.initialDelaySeconds, 60);
  assert.is(inst.preStop, 5000);
  assert.equal(inst.serviceTime, { type: 'constant', value: 0 });
  const st = s.release!.strategy;
  assert.is(st.name, 'blue-green');
  if (st.name === 'blue-green') {
    assert.is(st.scaleDownDelaySeconds, 60_000);
    assert.is(st.autoPromotionSeconds, 10_000);
  }
  assert.match(errorOf(() => parseScenario('duration: 1m\nservices: {a: {serviceTime: 10ms, preStop: 5}}\ntraffic: {rate: 1}', 'x.yaml')),
    'x.yaml: services.a.preStop: expected a duration like 250ms, 5s, 2m, got 5 (a bare number is only allowed in *Seconds fields');
});

test('fractions and percentages', () => {
  const s = parseScenario(`
duration: 1m
services:
  a: {serviceTime: 1ms, versions: {v1: {}, v2: {errorRate: "2.5%"}}}
traffic: {rate: 10, nonIdempotent: 0.1}
release: {strategy: {name: rolling, maxSurge: 1, maxUnavailable: "0%"}}
slo: {maxErrorRate: "0.1%"}
`, 'x.yaml');
  assert.is(s.services[0].versions[1].errorRate, 0.025);
  assert.is(s.traffic.nonIdempotent, 0.1);
  assert.is(s.slo.maxErrorRate, 0.001);
  const st = s.release!.strategy;
  if (st.name !== 'rolling') throw new Error('expected rolling');
  assert.is(st.maxSurge, 1);
  assert.is(st.maxUnavailable, '0%');
  assert.match(errorOf(() => parseScenario('duration: 1m\nservices: {a: {serviceTime: 1ms, versions: {v1: {errorRate: 1.5}}}}\ntraffic: {rate: 1}', 'x.yaml')),
    'services.a.versions.v1.errorRate: expected a fraction between 0 and 1');
  assert.match(errorOf(() => parseScenario('duration: 1m\nservices: {a: {serviceTime: 1ms, versions: [v1, v2]}}\ntraffic: {rate: 1}\nrelease: {strategy: {name: rolling, maxSurge: "125%"}}', 'x.yaml')),
    'release.strategy.maxSurge: expected an integer ≥ 0 or a percentage like "25%", got "125%"');
  assert.match(errorOf(() => parseScenario('duration: 1m\nservices: {a: {serviceTime: 1ms, versions: [v1, v2]}}\ntraffic: {rate: 1}\nrelease: {strategy: {name: rolling, maxSurge: 0, maxUnavailable: 0}}', 'x.yaml')),
    'release.strategy.maxUnavailable: maxSurge and maxUnavailable cannot both be 0');
});

test.run();
