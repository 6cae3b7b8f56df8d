// Warm-up by uptime or by requests served (sim/rules/cold-start.ts, shared with the replay's
// backend): the factor after n requests is 1 + (f − 1)·e^(−n/N) exactly, and in the model a
// new instance that serves few requests stays cold under decayRequests while the same
// uptime warms it under decay.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coldFactor } from '../../sim/rules/cold-start.ts';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { parseScenario } from '../../scenarios/load.ts';

test('the factor: by uptime, by requests, and none', () => {
  const byTime = { factor: 3, decay: 10_000, decayRequests: null };
  const byWork = { factor: 3, decay: 30_000, decayRequests: 100 };
  assert.is(coldFactor(byTime, 10_000, 999), 1 + 2 * Math.exp(-1));
  assert.is(coldFactor(byWork, 999_999, 100), 1 + 2 * Math.exp(-1));
  assert.is(coldFactor(byWork, 0, 0), 3);
  assert.is(coldFactor({ factor: 1, decay: 1, decayRequests: 5 }, 0, 0), 1);
});

const yaml = (cold: string) => `
name: cold
seed: 1
duration: 3m
services:
  app:
    replicas: 1
    versions: [v1, v2]
    concurrency: 8
    serviceTime: {constant: 10ms}
    startup: 1s
    readinessProbe: {periodSeconds: 1}
    coldStart: ${cold}
registry: {push: {delay: 100ms}}
traffic: {rate: 2, arrival: constant}
release: {startAt: 10s, services: [app], to: v2, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0}}
`;

test('few requests over a long uptime: warm by uptime, still cold by requests', () => {
  // 2 req/s for ~2.8 min after the release: ~340 requests over ~170 s of uptime
  const byTime = simulate(scenario(yaml('{factor: 5, decay: 10s}')));
  const byWork = simulate(scenario(yaml('{factor: 5, decayRequests: 1000}')));
  // by uptime the new instance is warm within a minute: the mean stays near 10 ms;
  // by requests (~340 of 1000) it is still ~3× slow at the end
  assert.ok(byTime.latencyMs.mean! < 14, `by uptime: mean ${byTime.latencyMs.mean} ms`);
  assert.ok(byWork.latencyMs.mean! > 25, `by requests: mean ${byWork.latencyMs.mean} ms`);
});

test('decay and decayRequests together are refused, naming the field', () => {
  assert.throws(() => parseScenario(yaml('{factor: 2, decay: 5s, decayRequests: 10}'), 's.yaml'), /s\.yaml: services\.app\.coldStart\.decayRequests: expected one of decay \(warm-up by uptime\) or decayRequests \(by requests served\), not both/);
});

test.run();
