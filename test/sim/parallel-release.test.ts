// `release.order: parallel` in the simulator: the two-tier front/back case (web v2
// requires api v2) released at once sits between the safe order and the unsafe one; the
// release takes about as long as its slowest service; `onFailure: rollback-all` aborts a
// service still being released; and the run stays deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import type { ReleaseOrder } from '../../scenarios/types.ts';
import { simulate } from '../../sim/simulate.ts';
import { conserved } from './helpers.ts';

const example = loadScenario('scenarios/examples/two-tier-order.yaml');
const release = (services: string[], order: ReleaseOrder) => simulate({ ...example, release: { ...example.release!, services, order } });

test('two-tier: api first 0 errors, web first thousands, both at once in between (seed 1: 0 < 946 < 5,889)', () => {
  const safe = release(['api', 'web'], 'sequential');
  const unsafe = release(['web', 'api'], 'sequential');
  const together = release(['api', 'web'], 'parallel');
  assert.ok(conserved(together));
  assert.is(safe.requests.byCause.error, 0);
  const errors = together.requests.byCause.error;
  // every error is an incompatible call (no errorRate anywhere), as in the unsafe order
  assert.equal(together.meta!.incompatible, { calls: errors, dropped: errors });
  assert.ok(errors > 0, 'web v2 pods come up while api v1 pods still serve: some calls fail');
  assert.ok(errors < unsafe.requests.byCause.error / 3, `parallel ${errors} vs web first ${unsafe.requests.byCause.error}`);
  assert.equal([safe.requests.byCause.error, errors, unsafe.requests.byCause.error], [0, 946, 5889]);
});

test('two-tier: in turn the release takes the sum of the services\' rollouts, in parallel the longest', () => {
  const start = example.release!.startAt;
  const took = (r: ReturnType<typeof simulate>) => r.rollout.endMs - start;
  const seq = release(['api', 'web'], 'sequential');
  const par = release(['api', 'web'], 'parallel');
  const [api, web] = seq.rollout.steps.slice(0, 2).map((s) => s.endMs - s.startMs);
  assert.is(took(seq), api + web);
  assert.ok(took(par) >= Math.max(api, web) - 5_000 && took(par) <= Math.max(api, web) + 5_000, `parallel took ${took(par)} ms, api ${api}, web ${web}`);
  assert.equal([took(seq), took(par)], [80_000, 41_000]);
  // the steps overlap: one step named after both, from startAt
  assert.equal(par.rollout.steps[0].name, 'api: rolling update + web: rolling update');
  assert.is(par.rollout.steps[0].startMs, start);
  assert.is(par.rollout.outcome, 'promoted');
});

test('same seed, parallel release: byte-identical JSON', () => {
  assert.is(JSON.stringify(release(['web', 'api'], 'parallel')), JSON.stringify(release(['web', 'api'], 'parallel')));
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
  order: parallel
  onFailure: ${onFailure}
  strategy: {name: canary, abortScaleDownDelaySeconds: 5, scaleDownDelaySeconds: 5, analysis: {interval: 10s, successRate: 0.95, minRequests: 20}, steps: [{setWeight: 50}, {pause: {duration: 30s}}]}
`, 'chain.yaml');

test('parallel + rollback-all: web fails its analysis while api is still in its pause; api is aborted there, never promoted', () => {
  const r = simulate(chain('rollback-all'));
  assert.is(r.rollout.outcome, 'rolled-back');
  const names = r.rollout.steps.map((s) => s.name);
  const abort = r.rollout.steps.find((s) => s.name === 'api: rollback (web rolled back)');
  assert.ok(abort, names.join(', '));
  // api's canary would promote at 10 s + 2 s + 30 s; it is taken back well before
  assert.ok(abort.startMs < 42_000, `api aborted at ${abort.startMs}`);
  assert.ok(names.some((n) => n.includes('api: pause 30s + web: rollback')), names.join(', '));
  assert.not.ok(names.some((n) => n.includes('api: promote')), names.join(', '));
  const last = (k: string) => r.timeline.series[k].at(-1);
  assert.equal([last('instances.api.v1.ready'), last('instances.api.v2.ready'), last('share.api.v1')], [2, 0, 1]);
  // onFailure: stop: api goes on and is promoted beside the rolled-back web
  const stop = simulate(chain('stop'));
  assert.is(stop.rollout.outcome, 'rolled-back');
  assert.ok(stop.rollout.steps.some((s) => s.name === 'api: promote'));
  assert.is(stop.timeline.series['instances.api.v2.ready'].at(-1), 2);
});

test.run();
