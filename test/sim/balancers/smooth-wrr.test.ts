import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { smoothWrr } from '../../../sim/balancers/smooth-wrr.ts';
import { add, lbOptions, picks, remove, setUp } from './helpers.ts';

test('smooth-wrr: equal weights rotate like round robin, drawing nothing', () => {
  const { m, b } = setUp(smoothWrr, [10, 11, 12]);
  assert.is(b.passiveHealth, false);
  assert.equal(picks(m, b, 6), [10, 11, 12, 10, 11, 12]);
  m.skip.add(11);
  assert.equal(picks(m, b, 4), [10, 12, 10, 12]);
});

test('smooth-wrr: warmup weights in hundredths, an effective weight above one drops with it', () => {
  const { m, b } = setUp(smoothWrr, [10, 11], lbOptions({ slowStart: { mode: 'envoy', window: 60_000, aggression: 1, minWeightPercent: 10 } }));
  m.warm.set(11, 0.5);
  const seq = picks(m, b, 150, 0, 0, true);
  assert.is(seq.filter((x) => x === 11).length, 50);
});

test('smooth-wrr: max_fails benches a peer for fail_timeout, then it is tried again', () => {
  const { m, b } = setUp(smoothWrr, [10, 11], lbOptions({ maxFails: 1, failTimeout: 10_000 }));
  assert.is(b.passiveHealth, true);
  b.failed(1, 1_000);
  assert.equal(picks(m, b, 3, 5_000), [10, 10, 10]);
  assert.ok(picks(m, b, 4, 11_001).includes(11), 'back after fail_timeout');
});

test('smooth-wrr: the only server of the pick is never benched (nginx peers->single)', () => {
  const { m, b } = setUp(smoothWrr, [10], lbOptions({ maxFails: 1, failTimeout: 10_000 }));
  b.failed(0, 1_000);
  assert.equal(picks(m, b, 2, 5_000), [10, 10]);
  // Two members, but the pick wants one of them: that one is the upstream's only server.
  const two = setUp(smoothWrr, [10, 11], lbOptions({ maxFails: 1, failTimeout: 10_000 }));
  two.b.failed(0, 1_000);
  assert.equal(picks(two.m, two.b, 2, 5_000), [11, 11], 'benched while another serves');
  two.m.skip.add(11);
  assert.equal(picks(two.m, two.b, 2, 5_000), [10, 10], 'alone in the pick: tried again');
});

test('smooth-wrr: peer state follows its member when an earlier one is removed', () => {
  const { m, b } = setUp(smoothWrr, [10, 11, 12], lbOptions({ maxFails: 1, failTimeout: 10_000 }));
  b.failed(2, 0); // 12 benched
  remove(m, b, 10);
  assert.equal(picks(m, b, 3, 1), [11, 11, 11]);
  add(m, b, 13, 0);
  assert.equal(picks(m, b, 4, 1).sort(), [11, 11, 13, 13]);
});

test.run();
