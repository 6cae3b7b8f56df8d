// Capacity shortfall against a queue model, lanes at the model level, and properties of
// random small scenarios (conservation, determinism).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { Model } from '../../sim/model/model.ts';
import { erlangC } from '../../bench/erlang.ts';
import { scale, setLanes, waitReady, step, type Plan } from '../../strategies/protocol.ts';
import { replaceOneByOne } from '../strategies/replace-one-by-one.ts';
import type { LaneSpec } from '../../scenarios/types.ts';

const fleet = (replicas: number, rate: number, extra = '') => scenario(`
seed: 11
duration: 300s
services:
  api: {replicas: ${replicas}, concurrency: 4, queue: 20, serviceTime: {exponential: {mean: 20ms}}}
entry: {service: api, client: {lb: random${extra}}}
traffic: {rate: ${rate}}
`);

test('latency rises as the queue model predicts when capacity shrinks (random split = M/M/4 per instance)', () => {
  // 4 instances at 320 req/s: ρ = 0.4; 2 instances: ρ = 0.8
  for (const [replicas, rate] of [[4, 320], [2, 320]] as const) {
    const m = new Model(fleet(replicas, rate));
    m.run();
    const lambda = rate / replicas / 1000;
    const predicted = erlangC(4, lambda, 1 / 20).w;
    const measured = m.metrics.overall.mean();
    // the queue bound of 20 is rarely hit at these loads, so the M/M/c mean applies
    assert.ok(Math.abs(measured - predicted) / predicted < 0.05, `${replicas} instances: W ${measured.toFixed(2)} ms vs M/M/4 ${predicted.toFixed(2)} ms`);
  }
});

test('too few instances for the load: queue-full and timeouts', () => {
  const r = simulate(fleet(2, 480, ', timeout: 300ms'));
  assert.ok(r.requests.byCause['queue-full'] > 0, `queue-full ${r.requests.byCause['queue-full']}`);
  assert.ok(r.requests.byCause.timeout > 0, `timeout ${r.requests.byCause.timeout}`);
  assert.ok(conserved(r));
});

const chain = (propagates = true) => scenario(`
seed: 4
duration: 60s
services:
  a: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 5ms, calls: [b], readinessProbe: {periodSeconds: 1}}
  b: {replicas: 2, versions: [v1], concurrency: 16, serviceTime: 5ms, calls: [c], propagatesLane: ${propagates}}
  c: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 5ms, readinessProbe: {periodSeconds: 1}}
entry: a
registry: {push: {delay: {uniform: {min: 100ms, max: 1s}}}}
traffic: {rate: 300, users: 10}
`);
const gray: LaneSpec = { name: 'gray', tag: 'gray', match: { header: { name: 'x-user-id', value: '3' } }, services: { a: 'v2', c: 'v2' }, replicas: 1 };
function* lanePlan(mode: 'permissive' | 'strict' = 'permissive', services = ['a', 'c']): Plan {
  yield* step('deploy lane');
  for (const s of services) yield* scale(s, 'v2', 1);
  for (const s of services) yield* waitReady(s, 'v2', 1);
  // wait until every caller has seen the lane instances, then colour traffic
  yield* step('lanes on');
  yield { do: 'sleep', ms: 2000 };
  yield* setLanes([{ ...gray, services: Object.fromEntries(services.map((s) => [s, 'v2'])) }], mode);
}

test('lanes: the tag is followed at every hop, with fallback to base where the lane has no version', () => {
  const r = simulate(chain(), { plan: lanePlan() });
  const paths = r.lanes.gray.paths;
  assert.equal(Object.keys(paths), ['a:v2>b:v1>c:v2']);
  assert.ok(r.lanes.gray.requests > 100, `gray requests ${r.lanes.gray.requests}`);
  assert.equal(Object.keys(r.lanes.base.paths), ['a:v1>b:v1>c:v1']);
  assert.is(r.requests.byCause.misroute, 0);
});

test('lanes: a service that does not propagate the tag makes later hops fall back (misroute)', () => {
  const r = simulate(chain(false), { plan: lanePlan() });
  assert.ok(r.lanes.gray.paths['a:v2>b:v1>c:v1'] > 0);
  assert.is(r.lanes.gray.paths['a:v2>b:v1>c:v2'], undefined);
  assert.is(r.requests.byCause.misroute, r.lanes.gray.paths['a:v2>b:v1>c:v1']);
});

test('lanes: strict mode fails tagged requests where the lane has no version', () => {
  const r = simulate(chain(), { plan: lanePlan('strict') });
  assert.ok(r.requests.byCause['no-endpoint'] > 0);
  assert.is(r.requests.byCause['no-endpoint'], r.lanes.gray.requests);
});

// ---- properties -------------------------------------------------------------------------

const arbScenario = fc.record({
  services: fc.integer({ min: 1, max: 3 }),
  replicas: fc.integer({ min: 1, max: 3 }),
  rate: fc.integer({ min: 5, max: 300 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  queue: fc.integer({ min: 0, max: 20 }),
  meanMs: fc.integer({ min: 1, max: 80 }),
  delayMaxMs: fc.integer({ min: 0, max: 3000 }),
  preStopMs: fc.integer({ min: 0, max: 4000 }),
  graceS: fc.integer({ min: 1, max: 5 }),
  abrupt: fc.boolean(),
  timeoutMs: fc.constantFrom(0, 50, 200),
  retries: fc.integer({ min: 0, max: 2 }),
  lb: fc.constantFrom('round-robin', 'smooth-wrr', 'random', 'least-request', 'consistent-hash'),
  poll: fc.boolean(),
  errorRate: fc.constantFrom(0, 0.05),
  released: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

function build(p: fc.Arbitrary<unknown> extends never ? never : ReturnType<typeof arbScenario.generate>['value']) {
  const names = ['a', 'b', 'c'].slice(0, p.services);
  const svc = names.map((n, k) => `  ${n}:
    replicas: ${p.replicas}
    versions: {v1: {}, v2: {errorRate: ${p.errorRate}}}
    concurrency: ${p.concurrency}
    queue: ${p.queue}
    serviceTime: {exponential: {mean: ${p.meanMs}ms}}
    startup: 500ms
    readinessProbe: {periodSeconds: 1}
    preStop: ${p.preStopMs}ms
    terminationGracePeriodSeconds: ${p.graceS}
    shutdown: ${p.abrupt ? 'abrupt' : 'graceful'}
    client: {lb: ${p.lb}, timeout: ${p.timeoutMs}ms, retry: {attempts: ${p.retries}, on: [connect-failure, reset, timeout, 5xx]}}
${k + 1 < names.length ? `    calls: [${names[k + 1]}]` : ''}`).join('\n');
  const registry = p.poll ? `{poll: {interval: ${Math.max(1, p.delayMaxMs)}ms}}` : `{push: {delay: {uniform: {min: 0ms, max: ${p.delayMaxMs}ms}}}}`;
  return { sc: scenario(`seed: ${p.seed}\nduration: 25s\nservices:\n${svc}\nregistry: ${registry}\ntraffic: {rate: ${p.rate}, nonIdempotent: 0.2}\n`), target: names[Math.min(p.released, names.length - 1)] };
}

test('property: random small scenarios conserve requests and are deterministic', () => {
  fc.assert(fc.property(arbScenario, (p) => {
    const { sc, target } = build(p);
    const run = () => simulate(sc, { plan: replaceOneByOne(target, 'v1', 'v2', p.replicas) });
    const a = run();
    const b = run();
    return conserved(a) && a.requests.inFlightAtEnd >= 0 && JSON.stringify(a) === JSON.stringify(b);
  }), { numRuns: 40, seed: 42 });
});

test.run();
