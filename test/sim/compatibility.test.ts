// Multi-service releases with a compatibility model: `versions.<v>.requires` makes a call
// from that version to any other version of the callee an error, so the release order
// matters (seed 000's front/back case, shipped as two-tier-order.yaml); `onFailure:
// rollback-all` takes back the services released before one that fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { conserved } from './helpers.ts';

const example = loadScenario('scenarios/examples/two-tier-order.yaml');
const inOrder = (services: string[]) => ({ ...example, release: { ...example.release!, services } });

test('callee first: no call ever meets an incompatible version; caller first: errors, all owed to it', () => {
  const safe = simulate(inOrder(['api', 'web']));
  assert.is(safe.requests.dropped, 0);
  assert.is(safe.meta!.incompatible, undefined);
  const wrong = simulate(inOrder(['web', 'api']));
  assert.ok(conserved(wrong));
  assert.ok(wrong.requests.byCause.error > 1000, `error ${wrong.requests.byCause.error}`);
  assert.is(wrong.requests.dropped, wrong.requests.byCause.error);
  // no errorRate anywhere: every error drop made an incompatible call, and every such call failed its request
  assert.equal(wrong.meta!.incompatible, { calls: wrong.requests.byCause.error, dropped: wrong.requests.byCause.error });
  // the errors stop once api v2 serves every web v2 call (a few stale sends to api v1 after)
  const err = wrong.timeline.series['dropped.error'];
  const apiDone = wrong.rollout.steps.find((s) => s.name === 'after rollout')!.startMs / 1000;
  assert.ok(err.slice(apiDone + 10).every((x) => x === 0));
  assert.equal(wrong.rollout.steps.map((s) => s.name), ['web: rolling update', 'api: rolling update', 'after rollout']);
});

test('a v1 caller works with either callee version: requires binds only the version that declares it', () => {
  const onlyApi = simulate({ ...example, release: { ...example.release!, services: ['api'], to: { api: 'v2' } } });
  assert.is(onlyApi.requests.dropped, 0);
});

const chain = (onFailure: string) => parseScenario(`
seed: 4
duration: 4m
services:
  web: {replicas: 2, versions: {v1: {}, v2: {errorRate: 0.5}}, concurrency: 32, serviceTime: 2ms, startup: 2s, readinessProbe: {periodSeconds: 1}, calls: [api]}
  api: {replicas: 2, versions: [v1, v2], concurrency: 32, serviceTime: 5ms, startup: 2s, readinessProbe: {periodSeconds: 1}}
entry: web
registry: {push: {delay: 200ms}}
traffic: {rate: 100}
release:
  startAt: 10s
  services: [api, web]
  to: v2
  onFailure: ${onFailure}
  strategy: {name: canary, abortScaleDownDelaySeconds: 5, scaleDownDelaySeconds: 5, analysis: {interval: 10s, successRate: 0.95, minRequests: 20}, steps: [{setWeight: 50}, {pause: {duration: 30s}}]}
`, 'chain.yaml');

test('onFailure: rollback-all takes api back when web fails its analysis; stop leaves api on v2', () => {
  const all = simulate(chain('rollback-all'));
  assert.is(all.rollout.outcome, 'rolled-back');
  const names = all.rollout.steps.map((s) => s.name);
  assert.ok(names.includes('web: rollback'), names.join(', '));
  assert.ok(names.indexOf('api: rollback (web rolled back)') > names.indexOf('web: rollback'), names.join(', '));
  const last = (k: string) => all.timeline.series[k].at(-1);
  assert.is(last('instances.api.v1.ready'), 2);
  assert.is(last('instances.api.v2.ready'), 0);
  assert.is(last('share.api.v1'), 1);
  const stop = simulate(chain('stop'));
  assert.is(stop.rollout.outcome, 'rolled-back');
  assert.not.ok(stop.rollout.steps.some((s) => s.name.startsWith('api: rollback')));
  assert.is(stop.timeline.series['instances.api.v2.ready'].at(-1), 2);
});

test('requires names a service the version calls, and versions it declares', () => {
  const bad = (req: string) => () => parseScenario(`
duration: 1m
services:
  web: {serviceTime: 1ms, versions: {v1: {}, v2: {requires: ${req}}}, calls: [api]}
  api: {serviceTime: 1ms, versions: [v1, v2]}
  db: {serviceTime: 1ms}
traffic: {rate: 1}
`, 'r.yaml');
  assert.throws(bad('{db: v1}'), /services\.web\.versions\.v2\.requires\.db: web does not call db/);
  assert.throws(bad('{api: v3}'), /services\.web\.versions\.v2\.requires\.api: version "v3" is not declared by service "api"/);
  assert.throws(bad('{apx: v2}'), /requires\.apx: required service "apx" is not a declared service/);
  assert.throws(bad('{api: []}'), /requires\.api: expected at least one version/);
});

test.run();
