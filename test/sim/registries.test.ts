// registries + services.<s>.registry + entry.registry: callers read the registry their
// service names. The gateway on Kubernetes endpoints (push, a constant 1 s) and the
// services behind it on a Eureka-style poll (every 30 s, a random phase per caller): a
// change reaches the gateway exactly 1 s later, and each of 40 callers of b within 30 s —
// the next tick of its own grid — so their mean stale window is 15 s (σ = 30/√12 s; the
// tolerance is 4 standard errors of the mean over 40 callers).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { Model } from '../../sim/model/model.ts';
import { parseScenario } from '../../scenarios/load.ts';

const yaml = `
name: two-registries
seed: 1
duration: 1m
registry: {push: {delay: 1s}}
registries:
  eureka: {poll: {interval: 30s}}
entry: {service: a}
services:
  a: {replicas: 40, serviceTime: 1ms, calls: [b], registry: eureka}
  b: {replicas: 2, serviceTime: 1ms}
traffic: {rate: 10}
`;

test('each caller reads its own registry: the gateway 1 s after a change, the callers of b within one poll interval, 15 s on average', () => {
  const m = new Model(scenario(yaml));
  const published = 10_000;
  const stale = m.views.map((v, id) => ({ v, t: m.viewPropagation[id].landing(m.channels[id], published, 0) - published }));
  const gateway = stale.filter((x) => x.v.caller < 0);
  const callersOfB = stale.filter((x) => x.v.caller >= 0);
  assert.equal(gateway.map((x) => x.t), [1000]);
  assert.is(callersOfB.length, 40);
  assert.ok(callersOfB.every((x) => x.t > 0 && x.t <= 30_000), 'within one poll interval');
  const mean = callersOfB.reduce((a, x) => a + x.t, 0) / callersOfB.length;
  const tolerance = 4 * (30_000 / Math.sqrt(12)) / Math.sqrt(40);
  assert.ok(Math.abs(mean - 15_000) <= tolerance, `mean stale ${mean} ms`);
});

test('a registry name that does not exist is an error naming the field; one no caller reads is a warning', () => {
  assert.throws(() => parseScenario(yaml.replace('registry: eureka}', 'registry: nacos}'), 's.yaml'), /s\.yaml: services\.a\.registry: unknown registry "nacos" \(registries: eureka\)/);
  const unread = parseScenario(yaml.replace(', registry: eureka}', '}'), 's.yaml');
  assert.match(unread.warnings!.join('\n'), /s\.yaml: registries\.eureka: has no effect: no caller reads it/);
});

test.run();
