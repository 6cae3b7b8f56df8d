// Balancer details that must match the real proxies' source code exactly (nginx passive
// health, HAProxy slow start), and the engine's cancel bookkeeping.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { smoothFail, smoothPick, type SmoothPeers } from '../../../sim/balancers/smooth-wrr.ts';
import { slowStartFactor, slowStartSpan } from '../../../sim/balancers/slow-start.ts';
import { View } from '../../../sim/model/view.ts';
import { Engine } from '../../../sim/kernel/engine.ts';
import type { ClientSpec } from '../../../scenarios/types.ts';

function peers(weights: number[]): SmoothPeers {
  const n = weights.length;
  return { w: Float64Array.from(weights), ew: Float64Array.from(weights), cw: new Float64Array(n),
    fails: new Int32Array(n), checked: new Float64Array(n), accessed: new Float64Array(n) };
}

const pickAll = (p: SmoothPeers, picks: number, maxFails: number) =>
  Array.from({ length: picks }, () => smoothPick(p, p.w.length, null, 0, maxFails, 10_000));

test('nginx failure penalty is weight / max_fails in integer division', () => {
  const p = peers([5, 5]);
  smoothFail(p, 0, 0, 2);
  assert.is(p.ew[0], 3); // 5 - 5/2 = 5 - 2, not 2.5
  const q = peers([7, 7]);
  smoothFail(q, 0, 0, 3);
  assert.is(q.ew[0], 5); // 7 - 7/3 = 7 - 2
  smoothFail(q, 0, 0, 3);
  smoothFail(q, 0, 0, 3);
  assert.is(q.ew[0], 1);
  smoothFail(q, 0, 0, 1);
  assert.is(q.ew[0], 0); // never below 0
});

test('nginx weight 1 with max_fails 2: one failure leaves the rotation exactly as it was', () => {
  // 1 / 2 = 0 in C, so the effective weight does not move and neither does the sequence.
  const failed = peers([1, 1, 1]);
  smoothFail(failed, 0, 0, 2);
  assert.is(failed.ew[0], 1);
  assert.equal(pickAll(failed, 9, 2), pickAll(peers([1, 1, 1]), 9, 2));
});

test('nginx weight 5 with max_fails 2: the effective weight climbs back from 3 by one per round', () => {
  const p = peers([5, 5]);
  smoothFail(p, 0, 0, 2);
  const seen: number[] = [];
  for (let k = 0; k < 3; k++) {
    smoothPick(p, 2, null, 0, 2, 10_000);
    seen.push(p.ew[0]);
  }
  assert.equal(seen, [4, 5, 5]);
});

test('HAProxy slow start: w = (16·sec + S) / S in integers, as sixteenths of full weight', () => {
  const hap = { mode: 'haproxy' as const, window: 30_000 };
  const at = (ms: number) => slowStartFactor(hap, ms);
  assert.is(at(0), 1 / 16); // (0 + 30) / 30 = 1
  assert.is(at(999), 1 / 16); // whole seconds only
  assert.is(at(2_000), 2 / 16); // (32 + 30) / 30 = 2
  assert.is(at(15_000), 9 / 16); // (240 + 30) / 30 = 9: 0.5625, not 0.5
  assert.is(at(15_999), 9 / 16);
  assert.is(at(28_000), 15 / 16); // 478 / 30 = 15
  assert.is(at(29_000), 1); // 494 / 30 = 16: full a second early
  assert.is(at(30_000), 1);
});

test('HAProxy slow start: the window is whole seconds, rounded up, so 1.5 s ramps for 2 s', () => {
  const hap = { mode: 'haproxy' as const, window: 1_500 };
  assert.is(slowStartSpan(hap), 2_000);
  assert.is(slowStartFactor(hap, 1_600), 9 / 16); // second 1 of 2: (16 + 2) / 2 = 9
  assert.is(slowStartFactor(hap, 2_000), 1);
  assert.is(slowStartSpan({ mode: 'envoy', window: 1_500, aggression: 1, minWeightPercent: 10 }), 1_500);
});

test('a round-robin view with HAProxy slow start still ramps past the configured window', () => {
  // Two endpoints: one long joined, one joined at t = 0. At 1.6 s the new one weighs 9/16,
  // i.e. 56 hundredths against 100, so 156 smooth picks give it exactly 56.
  const client: ClientSpec = {
    lb: { algorithm: 'round-robin', slowStart: { mode: 'haproxy', window: 1_500 }, maxFails: 0, failTimeout: 10_000, choiceCount: 2 },
    timeout: 0, retry: { attempts: 0, on: [] }, pool: null,
  };
  const insts = { upAt: new Float64Array(2), stableId: Int32Array.from([1, 2]) };
  const never = () => { throw new Error('round robin draws no random number'); };
  const v = new View(0, 0, -1, client, new Uint8Array(1), new Float64Array([1]), insts, never, never);
  v.add(0, 0, -1e12);
  v.add(1, 0, 0);
  let fresh = 0;
  for (let k = 0; k < 156; k++) if (v.pick(-1, 1_600, 0) === 1) fresh++;
  assert.is(fresh, 56);
});

test('engine: cancelling an event that already ran leaves nothing behind', () => {
  const env = new Engine();
  const ran: number[] = [];
  const K = env.register((a) => ran.push(a));
  const fired = env.schedule(1, K, 1);
  env.run();
  assert.is(env.cancel(fired), false);
  assert.is(env.cancelledPending, 0);
  const later = env.schedule(5, K, 2);
  assert.is(env.cancel(later), true);
  assert.is(env.cancel(later), false); // twice is once
  assert.is(env.cancelledPending, 1);
  env.schedule(6, K, 3);
  const before = env.dispatched;
  env.run();
  assert.equal(ran, [1, 3]);
  assert.is(env.dispatched - before, 1); // the cancelled event is not dispatched
  assert.is(env.cancelledPending, 0);
  assert.is(env.pending, 0);
});

test('engine: a handler cancelling its own (already popped) handle is a no-op', () => {
  const env = new Engine();
  let self = -1;
  let result: boolean | null = null;
  const K = env.register(() => { result = env.cancel(self); });
  self = env.schedule(1, K);
  env.run();
  assert.is(result, false);
  assert.is(env.cancelledPending, 0);
});

test.run();
