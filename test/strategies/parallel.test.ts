// `all` (strategies/parallel.ts): several plans at once over the existing actions, each
// resumed with its own answer, one step list that still partitions time; and
// `release.order: parallel` built on it, timed against the sequential release.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StrategySpec } from '../../scenarios/types.ts';
import { all, POLL_MS } from '../../strategies/parallel.ts';
import { now, scale, sleep, step, waitReady, type Plan } from '../../strategies/protocol.ts';
import { releasePlan } from '../../strategies/index.ts';
import { FakePlatform } from './fake-platform.ts';
import { scenario, service } from './fixture.ts';

const ROLLING: StrategySpec = { name: 'rolling', maxSurge: 1, maxUnavailable: 0, minReadySeconds: 0, progressDeadlineSeconds: 600_000, batches: null, takeOutFirst: false, drainWait: 0 };

function* timed(name: string, ms: number): Plan<string> {
  yield* step(name);
  yield* sleep(ms);
  return `${name}@${yield* now()}`;
}

test('each plan sleeps on its own clock and gets its own answers; the result keeps plan order', () => {
  let result: string[] = [];
  const p = new FakePlatform({}).run((function* () { result = yield* all([timed('slow', 3000), timed('fast', 1000)]); })());
  assert.equal(result, ['slow@3000', 'fast@1000']);
  // one step list in time order, named after every plan still running
  assert.equal(p.stepLog.steps.map((s) => [s.name, s.startMs]), [['slow + fast', 0], ['slow', 1000], ['after rollout', 3000]]);
});

test('pods waits: one answered exactly, the other within POLL_MS; a timeout answers false at its deadline', () => {
  const at: Record<string, [number, boolean]> = {};
  function* pods(service: string, timeoutMs: number): Plan {
    yield* scale(service, 'v2', 1);
    const ok = yield* waitReady(service, 'v2', 1, timeoutMs);
    at[service] = [yield* now(), ok];
  }
  // a's pods are ready at 10 s, b's at 10 s too (the same delay), c's never in time
  new FakePlatform({ a: { v1: 1 }, b: { v1: 1 }, c: { v1: 1 } }, { readyDelayMs: 10_000 })
    .run(all([pods('a', 60_000), pods('b', 60_000), pods('c', 4_000)]));
  assert.equal(at.c, [4000, false]);
  assert.equal(at.a, [10_000, true]);
  assert.ok(at.b[1] && at.b[0] >= 10_000 && at.b[0] <= 10_000 + POLL_MS, `b seen at ${at.b[0]}`);
});

function twoRolling(order: 'sequential' | 'parallel'): FakePlatform {
  const sc = scenario(ROLLING, [service('a', 4, ['b']), service('b', 4)], ['b', 'a']);
  sc.release!.order = order;
  // each service: 4 pods replaced one at a time, 10 s each (T = 40 s)
  return new FakePlatform({ a: { v1: 4 }, b: { v1: 4 } }, { readyDelayMs: 10_000 }).run(releasePlan(sc));
}

test('two rolling updates of T = 40 s: in turn the release ends at 2T, in parallel at T', () => {
  const seq = twoRolling('sequential');
  const par = twoRolling('parallel');
  assert.is(seq.stepLog.rolloutEndMs, 80_000);
  assert.is(par.stepLog.rolloutEndMs, 40_000);
  assert.equal(seq.stepLog.steps.map((s) => [s.name, s.startMs, s.endMs]), [
    ['b: rolling update', 0, 40_000], ['a: rolling update', 40_000, 80_000], ['after rollout', 80_000, -1],
  ]);
  // both services' batches overlap: each new pod of a starts with b's, 10 s apart
  const ups = (p: FakePlatform, svc: string) => p.of('scale').filter((r) => r.action.service === svc && r.action.version === 'v2').map((r) => r.t);
  assert.equal(ups(par, 'a'), [0, 10_000, 20_000, 30_000]);
  assert.equal(ups(par, 'b'), [0, 10_000, 20_000, 30_000]);
  assert.equal(par.stepLog.steps.map((s) => [s.name, s.startMs, s.endMs]), [['b: rolling update + a: rolling update', 0, 40_000], ['after rollout', 40_000, -1]]);
  assert.equal(par.of('outcome').map((r) => r.action.outcome), ['promoted']);
});

test.run();
