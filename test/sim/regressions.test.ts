// Regressions found in review: each test reproduces a bug that once existed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { Model } from '../../sim/model/model.ts';
import { scale, setLanes, sleep, step, waitReady, type Plan } from '../../strategies/protocol.ts';

test('orphaned calls (gateway timed out) never write into a reused request record', () => {
  // a:v2 is 100× slow, so every gray request times out at the gateway while a keeps
  // calling b; b:v2 does not exist. No base request may look misrouted or grow a 3rd hop.
  const sc = scenario(`
seed: 1
duration: 40s
services:
  a: {replicas: 2, versions: {v1: {}, v2: {latencyFactor: 100}}, concurrency: 1000, serviceTime: 5ms, startup: 1s, readinessProbe: {initialDelaySeconds: 1, periodSeconds: 1}, calls: [b]}
  b: {replicas: 2, versions: [v1, v2], concurrency: 1000, serviceTime: 5ms}
entry: {service: a, client: {timeout: 100ms}}
registry: {push: {delay: 100ms}}
traffic: {rate: 500, users: 1000}
`);
  function* plan(): Plan {
    yield* step('lanes');
    yield* scale('a', 'v2', 1);
    yield* waitReady('a', 'v2', 1);
    yield* sleep(500); // every caller has seen a:v2
    yield* setLanes([{ name: 'gray', tag: 'gray', match: { percent: 30 }, services: { a: 'v2', b: 'v2' }, replicas: 1 }], 'permissive');
  }
  const r = simulate(sc, { plan: plan() });
  assert.ok(r.requests.byCause.timeout > 1000, `timeouts ${r.requests.byCause.timeout}`);
  assert.equal(Object.keys(r.lanes.base.paths), ['a:v1>b:v1']);
  assert.ok(conserved(r));
});

test('tearing lanes down with tagged requests in flight routes them as untagged (no crash)', () => {
  const sc = scenario(`
seed: 2
duration: 30s
services:
  a: {replicas: 2, versions: [v1, v2], concurrency: 64, serviceTime: 50ms, calls: [b], readinessProbe: {periodSeconds: 1}}
  b: {replicas: 2, versions: [v1, v2], concurrency: 64, serviceTime: 50ms, readinessProbe: {periodSeconds: 1}}
registry: {push: {delay: 0ms}}
traffic: {rate: 400}
`);
  function* plan(): Plan {
    yield* scale('a', 'v2', 1);
    yield* scale('b', 'v2', 1);
    yield* waitReady('b', 'v2', 1);
    yield* setLanes([{ name: 'gray', tag: 'gray', match: { percent: 50 }, services: { a: 'v2', b: 'v2' }, replicas: 1 }], 'permissive');
    yield* sleep(5000);
    yield* setLanes([], 'permissive'); // mid-flight: a:v2 is still working on tagged calls
  }
  const r = simulate(sc, { plan: plan() });
  assert.ok(r.lanes.gray.requests > 100);
  assert.ok(conserved(r));
});

test('timeouts retried from the timeout handler do not multiply timer events', () => {
  const events = (retry: string, duration: string) => {
    const m = new Model(scenario(`
seed: 1
duration: ${duration}
services:
  a: {replicas: 4, concurrency: 100, queue: 1000, serviceTime: {exponential: {mean: 20ms}}}
entry: {service: a, client: {timeout: 50ms, retry: ${retry}}}
traffic: {rate: 1000}
`));
    m.run();
    return m.engine.dispatched / m.metrics.offered;
  };
  const plain = events('{attempts: 0}', '30s');
  const retried30 = events('{attempts: 2, on: [timeout]}', '30s');
  const retried60 = events('{attempts: 2, on: [timeout]}', '60s');
  // a few extra events per timed-out attempt at most, and no growth with duration
  assert.ok(retried30 < plain + 1, `events per request: ${retried30.toFixed(2)} vs ${plain.toFixed(2)}`);
  assert.ok(Math.abs(retried60 - retried30) < 0.2, `30 s ${retried30.toFixed(2)} vs 60 s ${retried60.toFixed(2)}`);
});

test('a retry avoids the peer it just failed on (nginx tried peers), even with consistent hashing', () => {
  const sc = (attempts: number) => scenario(`
seed: 3
duration: 60s
services:
  api: {replicas: 4, versions: [v1, v2], concurrency: 16, serviceTime: {exponential: {mean: 10ms}}, startup: 2s, readinessProbe: {periodSeconds: 1}}
entry: {service: api, client: {lb: consistent-hash, retry: {attempts: ${attempts}, on: [connect-failure]}}}
registry: {push: {delay: {uniform: {min: 1s, max: 5s}}}}
traffic: {rate: 200, users: 500}
`);
  function* replace(): Plan {
    for (let k = 1; k <= 4; k++) {
      yield* scale('api', 'v2', k);
      yield* waitReady('api', 'v2', k);
      yield* scale('api', 'v1', 4 - k);
    }
  }
  const none = simulate(sc(0), { plan: replace() }).requests.byCause.refused;
  const one = simulate(sc(1), { plan: replace() }).requests.byCause.refused;
  assert.ok(none > 50, `refused without retry ${none}`);
  assert.ok(one < none / 3, `refused with one retry ${one} vs ${none}`);
});

test('kubelet kill timing: SIGKILL at preStop + max(grace − preStop whole seconds, 2 s)', () => {
  // grace 3 s, preStop 2.5 s: kill at 2.5 + max(3 − 2, 2) = 4.5 s after deletion. Callers
  // learn of the deletion 2.4 s late, so a 1.5 s request accepted at ~2.4 s is still
  // running at 3 s (where a kill "at the grace period" would reset it) and done by 3.9 s.
  const sc = scenario(`
seed: 1
duration: 20s
services:
  api: {replicas: 1, versions: [v1, v2], concurrency: 64, serviceTime: 1500ms, preStop: 2500ms, terminationGracePeriodSeconds: 3}
registry: {push: {delay: 2400ms}}
traffic: {rate: 10, arrival: constant}
`);
  function* plan(): Plan {
    yield* sleep(5000);
    yield* scale('api', 'v2', 1);
    yield* waitReady('api', 'v2', 1);
    yield* scale('api', 'v1', 0);
  }
  const r = simulate(sc, { plan: plan() });
  assert.is(r.requests.byCause.reset, 0);
  // and the same scenario with a grace period too short to finish: the 2 s floor still kills
  const short = simulate({ ...sc, services: sc.services.map((s) => ({ ...s, instance: { ...s.instance, serviceTime: { type: 'constant' as const, value: 2500 } } })) }, { plan: plan() });
  assert.ok(short.requests.byCause.reset > 0, `reset ${short.requests.byCause.reset}`);
});

test.run();
