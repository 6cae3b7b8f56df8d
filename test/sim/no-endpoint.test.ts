// Two different no-endpoint mechanisms, told apart by the model: a real absence of
// instances (recreate's gap) vs a caller that has not yet heard of ready instances.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { scale, setWeights, waitReady, type Plan } from '../../strategies/protocol.ts';

const sc = scenario(`
seed: 5
duration: 40s
services:
  api: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 10ms, readinessProbe: {periodSeconds: 1}, preStop: 6s}
registry: {push: {delay: {uniform: {min: 1s, max: 3s}}}}
traffic: {rate: 200}
`);

test('weight shifted before callers saw the new instances: every no-endpoint is a stale view', () => {
  function* shiftEarly(): Plan {
    yield* scale('api', 'v2', 2);
    yield* waitReady('api', 'v2', 2);
    yield* setWeights('api', { v1: 0, v2: 100 }); // at once: callers learn of v2 only 1–3 s later
  }
  const r = simulate(sc, { plan: shiftEarly() });
  assert.ok(r.requests.byCause['no-endpoint'] > 20, `no-endpoint ${r.requests.byCause['no-endpoint']}`);
  assert.is(r.meta!.noEndpointStale, r.requests.byCause['no-endpoint']);
});

test('nothing running at all (recreate gap): no-endpoint is not counted as stale', () => {
  function* gap(): Plan {
    yield* scale('api', 'v1', 0);
    yield { do: 'sleep', ms: 8000 }; // every caller has dropped v1 by now
    yield* scale('api', 'v2', 2);
  }
  const r = simulate(sc, { plan: gap() });
  assert.ok(r.requests.byCause['no-endpoint'] > 100);
  // only the few requests between v2's registration and each caller hearing of it are stale
  assert.ok(r.meta!.noEndpointStale! < r.requests.byCause['no-endpoint'] / 2, `stale ${r.meta!.noEndpointStale}`);
});

test.run();
