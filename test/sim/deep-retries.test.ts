// A retry budget in the thousands (`retry.attempts` may go up to 2^31 − 1) where every
// attempt fails at once — a full queue answering 5xx, a stopped instance refusing the
// connection — must cost loop iterations, not stack frames: no RangeError, every request
// counted once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { scale } from '../../strategies/protocol.ts';

const ATTEMPTS = 6000;

test('an erroring version behind a full queue, with thousands of retries on 5xx', () => {
  // One slot, no queue: the first request holds the slot through its own 5xx retries
  // (each a full 1 ms service, so asynchronous), and every request arriving meanwhile
  // meets a full queue — a 5xx answered at once — and retries it thousands of times.
  const sc = scenario(`
seed: 1
duration: 3s
services:
  api:
    replicas: 1
    versions: {v1: {errorRate: 1}}
    concurrency: 1
    queue: 0
    serviceTime: 1ms
entry: {service: api, client: {retry: {attempts: ${ATTEMPTS}, on: [5xx]}}}
traffic: {rate: 20, arrival: constant}
`);
  const r = simulate(sc);
  assert.ok(conserved(r));
  assert.is(r.requests.ok, 0);
  assert.ok(r.requests.byCause['queue-full'] > 20, `queue-full ${r.requests.byCause['queue-full']}`);
  // The slot's holder is still retrying its own errors (6000 × 1 ms > 3 s).
  assert.is(r.requests.inFlightAtEnd, 1);
});

test('an erroring version retried thousands of times ends as one error drop per request', () => {
  const sc = scenario(`
seed: 1
duration: 20s
services:
  api:
    replicas: 1
    versions: {v1: {errorRate: 1}}
    concurrency: 1
    queue: 0
    serviceTime: 1ms
entry: {service: api, client: {retry: {attempts: ${ATTEMPTS}, on: [5xx]}}}
traffic: {rate: 0.2, arrival: constant}
`);
  const r = simulate(sc);
  assert.ok(conserved(r));
  // A request every 5 s, each holding the slot for 6001 ms: the next one meets a full queue.
  assert.ok(r.requests.byCause.error >= 1, JSON.stringify(r.requests));
  assert.ok(r.requests.byCause['queue-full'] >= 1, JSON.stringify(r.requests));
});

test('a stopped instance still listed by the gateway, with thousands of retries on connect failure', () => {
  // The only instance is deleted at 1 s: it stops listening at once (preStop 0) but the
  // gateway hears of it only 2 s later, so each request meanwhile is refused, retried
  // thousands of times on the same instance (the only candidate), then dropped as refused.
  const sc = scenario(`
seed: 1
duration: 5s
services:
  api:
    replicas: 1
    concurrency: 8
    serviceTime: 1ms
    preStop: 0s
entry: {service: api, client: {retry: {attempts: ${ATTEMPTS}, on: [connect-failure]}}}
registry: {push: {delay: 2s}}
traffic: {rate: 20, arrival: constant}
`);
  const r = simulate(sc, { plan: (function* () { yield* scale('api', 'v1', 0); })() });
  assert.ok(conserved(r));
  assert.ok(r.requests.byCause.refused > 20, JSON.stringify(r.requests.byCause));
  assert.ok(r.requests.byCause['no-endpoint'] > 20, JSON.stringify(r.requests.byCause));
});

test.run();
