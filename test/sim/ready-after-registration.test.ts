// services.<s>.readyAfterRegistration (MSE lossless online): readiness waits for
// registration. A rolling update with a 60 s registrationDelay otherwise counts each new
// pod available a minute before any caller can reach it, removes the old pods meanwhile,
// and leaves callers with no endpoint at all; tied to registration, the rollout waits and
// nothing is lost to no-endpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';

const yaml = (tied: boolean) => `
name: ready-after-registration
seed: 1
duration: 8m
services:
  app:
    replicas: 3
    versions: [v1, v2]
    concurrency: 32
    serviceTime: 5ms
    startup: 2s
    readinessProbe: {periodSeconds: 1}
    registrationDelay: 60s
    readyAfterRegistration: ${tied}
    preStop: 3s
entry: {service: app, client: {lb: round-robin, retry: 0}}
registry: {push: {delay: 200ms}}
traffic: {rate: 100}
release: {startAt: 10s, services: [app], to: v2, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 1}}
`;

test('untied: pods count as available before registration, the old ones go, callers find no endpoint', () => {
  const r = simulate(scenario(yaml(false)));
  assert.ok(r.requests.byCause['no-endpoint'] > 1000, `no-endpoint ${r.requests.byCause['no-endpoint']}`);
});

test('tied: the rollout waits for registration and loses nothing to no-endpoint, taking a minute per step longer', () => {
  const tied = simulate(scenario(yaml(true)));
  const untied = simulate(scenario(yaml(false)));
  assert.is(tied.requests.byCause['no-endpoint'], 0);
  assert.is(tied.rollout.outcome, 'promoted');
  const length = (r: typeof tied) => r.rollout.endMs - r.rollout.startMs;
  // three replacements at maxSurge 1 / maxUnavailable 1: at least two waits of the 60 s delay
  assert.ok(length(tied) - length(untied) >= 120_000, `tied ${length(tied)} ms, untied ${length(untied)} ms`);
});

test.run();
