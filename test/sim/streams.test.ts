// Random stream independence: every entity draws from its own named stream, so adding a
// service (called or not) must not change a single number another service sees.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { Model } from '../../sim/model/model.ts';
import { RandomStreams } from '../../sim/kernel/random.ts';
import { SimPlatform } from '../../sim/sim-platform.ts';
import { drive } from '../../strategies/protocol.ts';
import { replaceOneByOne } from '../strategies/replace-one-by-one.ts';
import { simulate } from '../../sim/simulate.ts';

/**
 * a → b, b with a 10% error rate, lognormal service time, random balancing and a random
 * push delay; b is replaced v1 → v2 one instance at a time, so startup times, registry
 * pushes and balancer draws all happen. `extra` adds service c and `aCalls` a's calls.
 * a has far more slots than it needs, so holding a request at a longer (while it calls c)
 * never delays a call to b: only random streams could couple b to c.
 */
function withC(extra: { c: string; aCalls: string; cFirst?: boolean } | null, bLb = 'random'): string {
  const c = extra ? `  c: ${extra.c}\n` : '';
  return `
seed: 11
duration: 40s
services:
${extra?.cFirst ? c : ''}  a: {replicas: 2, concurrency: 100000, serviceTime: {exponential: {mean: 2ms}}, calls: ${extra?.aCalls ?? '[b]'}, client: {lb: random}}
  b:
    replicas: 3
    versions: {v1: {errorRate: 0.1}, v2: {errorRate: 0.1}}
    concurrency: 4
    queue: 1000
    serviceTime: {lognormal: {median: 5ms, p99: 40ms}}
    startup: {uniform: {min: 1s, max: 3s}}
    readinessProbe: {periodSeconds: 1}
    client: {lb: ${bLb}}
${extra?.cFirst ? '' : c}entry: a
registry: {push: {delay: {uniform: {min: 0ms, max: 1s}}}}
traffic: {rate: 300}
`;
}

/** c draws from every kind of stream it could share: errors, service time, balancer, router. */
const BUSY_C = '{replicas: 2, versions: {v1: {errorRate: 0.3}}, concurrency: 100000, serviceTime: {exponential: {mean: 3ms}}, client: {lb: least-request}}';

/** What b saw: per version, calls served, errors, and the latencies of its ok calls. */
function bFacts(yaml: string) {
  const m = new Model(scenario(yaml));
  const sc = m.scenario;
  drive(replaceOneByOne('b', 'v1', 'v2', 3), new SimPlatform(m), () => m.endRollout());
  m.run();
  return ['v1', 'v2'].map((v) => {
    const w = m.windowStats('b', v, sc.duration + 1);
    return { version: v, served: w.requests, errors: w.errors, p99: w.p99, latencies: w.latencies };
  });
}

test('adding a service that a calls after b leaves b\'s served count, errors and latencies unchanged', () => {
  const base = bFacts(withC(null));
  const more = bFacts(withC({ c: BUSY_C, aCalls: '[b, c]' }));
  assert.ok(base[0].errors > 100 && base[1].errors > 100, `b errors ${base[0].errors}, ${base[1].errors}`);
  for (let k = 0; k < 2; k++) {
    assert.is(more[k].served, base[k].served, `b:${base[k].version} served`);
    assert.is(more[k].errors, base[k].errors, `b:${base[k].version} errors`);
    assert.is(more[k].p99, base[k].p99, `b:${base[k].version} p99`);
    assert.equal(more[k].latencies, base[k].latencies, `b:${base[k].version} latencies`);
  }
});

test('adding a service nobody calls, listed first, leaves b unchanged', () => {
  // Listed first, c's instances take the lowest instance ids: streams must be named by
  // what draws from them, not by ids that depend on other services.
  const base = bFacts(withC(null));
  const more = bFacts(withC({ c: BUSY_C, aCalls: '[b]', cFirst: true }));
  for (let k = 0; k < 2; k++) {
    assert.is(more[k].served, base[k].served, `b:${base[k].version} served`);
    assert.is(more[k].errors, base[k].errors, `b:${base[k].version} errors`);
    assert.equal(more[k].latencies, base[k].latencies, `b:${base[k].version} latencies`);
  }
});

test('consistent hashing keys instances by stable names: c listed first leaves b unchanged', () => {
  // c's instances shift every instance id of a and b; a user must still land on the same b.
  const base = bFacts(withC(null, 'consistent-hash'));
  const more = bFacts(withC({ c: BUSY_C, aCalls: '[b]', cFirst: true }, 'consistent-hash'));
  for (let k = 0; k < 2; k++) {
    assert.is(more[k].errors, base[k].errors, `b:${base[k].version} errors`);
    assert.equal(more[k].latencies, base[k].latencies, `b:${base[k].version} latencies`);
  }
});

test('same scenario and seed twice: byte-identical RunResult JSON; another seed differs', () => {
  const sc = scenario(withC({ c: BUSY_C, aCalls: '[b, c]' }));
  const run = (seed: number) => JSON.stringify(simulate(sc, { seed, plan: replaceOneByOne('b', 'v1', 'v2', 3) }));
  const first = run(11);
  assert.is(run(11), first);
  assert.not.equal(run(12), first); // the comparison above can tell runs apart
});

test('a named stream draws the same numbers however many other streams exist', () => {
  const alone = new RandomStreams(5);
  const crowded = new RandomStreams(5);
  for (let k = 0; k < 50; k++) crowded.stream(`other/${k}`)();
  const a = alone.stream('errors/b/v1'), b = crowded.stream('errors/b/v1');
  for (let k = 0; k < 100; k++) assert.is(b(), a());
});

test('a service called twice by one caller: each call has its own balancer and router streams', () => {
  const m = new Model(scenario(`
seed: 1
duration: 1s
services:
  web: {replicas: 1, concurrency: 8, serviceTime: 1ms, calls: [api, api]}
  api: {replicas: 2, concurrency: 8, serviceTime: 1ms}
entry: web
traffic: {rate: 1}
`));
  const webViews = m.views.filter((v) => v.caller >= 0);
  assert.is(webViews.length, 2);
  assert.ok(webViews[0].uRoute !== webViews[1].uRoute, 'router streams are distinct objects');
  // and they draw different numbers (distinct names, not just distinct copies of one)
  const draws = webViews.map((v) => [v.uRoute(), v.uRoute(), v.uRoute()].join(','));
  assert.ok(draws[0] !== draws[1], `both draw ${draws[0]}`);
});

test.run();
