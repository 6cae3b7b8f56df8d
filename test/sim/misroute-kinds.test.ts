// Four different ways a request leaves its lane, told apart by the model (meta.misrouteBy):
// a service that drops the tag, a caller that has not heard of the lane's instances yet,
// a lane version with no ready instance, base traffic sent to a lane-only version.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { scale, setLanes, setWeights, sleep, waitReady, type Plan } from '../../strategies/protocol.ts';
import type { LaneSpec } from '../../scenarios/types.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

const lanesAbc = readFileSync('scenarios/examples/lanes-abc.yaml', 'utf8');
const edit = (from: string, to: string) => {
  const text = lanesAbc.replace(from, to);
  assert.ok(text !== lanesAbc, `lanes-abc.yaml still contains ${from}`);
  return scenario(text);
};
/** The lanes strategy opens the lane 2 s (minReadySeconds) after ready; callers hear of it 3–5 s after. */
const slowRegistry = () => edit('registry: {push: {delay: {uniform: {min: 200ms, max: 1s}}}}', 'registry: {push: {delay: {uniform: {min: 3s, max: 5s}}}}');
/** b (no gray version) does not pass the tag on to c. */
const bDropsTag = () => edit('    serviceTime: {lognormal: {median: 5ms, p99: 30ms}}\n    calls: [c]',
  '    serviceTime: {lognormal: {median: 5ms, p99: 30ms}}\n    propagatesLane: false\n    calls: [c]');

const kinds = (r: RunResult) => r.meta!.misrouteBy!;
const sumsToMisroute = (r: RunResult) => {
  const k = kinds(r);
  assert.is(k.tagLost + k.laneUnseen + k.laneDown + k.baseToLane, r.requests.byCause.misroute, JSON.stringify(k));
};

test('the shipped lanes scenario: the kinds are reported, all zero', () => {
  const r = simulate(scenario(lanesAbc));
  assert.equal(kinds(r), { tagLost: 0, laneUnseen: 0, laneDown: 0, baseToLane: 0 });
});

test('no lanes: no misrouteBy in meta', () => {
  const r = simulate(scenario(`
seed: 1
duration: 5s
services:
  api: {replicas: 1, concurrency: 8, serviceTime: 5ms}
traffic: {rate: 50}
`));
  assert.is(r.meta!.misrouteBy, undefined);
});

test('lane traffic before callers heard of the lane instances: laneUnseen, not tagLost', () => {
  for (const seed of [1, 2]) {
    const r = simulate(slowRegistry(), { seed });
    assert.ok(kinds(r).laneUnseen > 0, `seed ${seed}: ${JSON.stringify(kinds(r))}`);
    assert.is(kinds(r).tagLost, 0);
    assert.is(kinds(r).laneDown, 0);
    sumsToMisroute(r);
    assert.ok(conserved(r));
  }
});

test('a service that does not propagate the tag: tagLost, every misroute of that kind', () => {
  const r = simulate(bDropsTag());
  assert.ok(kinds(r).tagLost > 0, JSON.stringify(kinds(r)));
  assert.is(kinds(r).tagLost, r.requests.byCause.misroute);
  assert.is(kinds(r).laneUnseen, 0);
  sumsToMisroute(r);
});

const chain = scenario(`
seed: 4
duration: 20s
services:
  a: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 5ms, calls: [b], readinessProbe: {periodSeconds: 1}}
  b: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 5ms, readinessProbe: {periodSeconds: 1}}
entry: a
registry: {push: {delay: {uniform: {min: 100ms, max: 1s}}}}
traffic: {rate: 200, users: 10}
`);
const gray: LaneSpec = { name: 'gray', tag: 'gray', match: { header: { name: 'x-user-id', value: '3' } }, services: { a: 'v2', b: 'v2' }, replicas: 1 };

test('a lane version without any instance: laneDown', () => {
  function* plan(): Plan {
    yield* setWeights('a', { v1: 100 });
    yield* setWeights('b', { v1: 100 });
    yield* scale('a', 'v2', 1);
    yield* waitReady('a', 'v2', 1);
    yield* sleep(2000); // every caller knows a:v2; b:v2 is never deployed
    yield* setLanes([gray], 'permissive');
  }
  const r = simulate(chain, { plan: plan() });
  assert.ok(kinds(r).laneDown > 0, JSON.stringify(kinds(r)));
  assert.is(kinds(r).laneDown, r.requests.byCause.misroute);
  sumsToMisroute(r);
});

test('base weight sent to a lane-only version: baseToLane', () => {
  function* plan(): Plan {
    yield* scale('a', 'v2', 1);
    yield* scale('b', 'v2', 1);
    yield* waitReady('a', 'v2', 1);
    yield* waitReady('b', 'v2', 1);
    yield* sleep(2000);
    yield* setWeights('b', { v1: 100 });
    yield* setLanes([gray], 'permissive');
    yield* sleep(1000);
    yield* setWeights('a', { v2: 100 }); // a:v2 belongs to the lane: base traffic must not reach it
  }
  const r = simulate(chain, { plan: plan() });
  assert.ok(kinds(r).baseToLane > 0, JSON.stringify(kinds(r)));
  assert.is(kinds(r).tagLost, 0);
  sumsToMisroute(r);
});

test.run();
