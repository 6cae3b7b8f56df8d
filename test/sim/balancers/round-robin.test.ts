import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { roundRobin } from '../../../sim/balancers/round-robin.ts';
import { add, lbOptions, picks, remove, setUp } from './helpers.ts';

test('round-robin: members in turn, in the order they joined, drawing nothing', () => {
  const { m, b } = setUp(roundRobin, [10, 11, 12]);
  assert.equal(picks(m, b, 7), [10, 11, 12, 10, 11, 12, 10]);
});

test('round-robin: a filtered pick takes the next wanted member and the turn moves past it', () => {
  const { m, b } = setUp(roundRobin, [10, 11, 12, 13]);
  assert.equal(picks(m, b, 1), [10]);
  m.skip.add(11);
  assert.equal(picks(m, b, 3), [12, 13, 10]);
  m.skip.clear();
  assert.equal(picks(m, b, 2), [11, 12]);
  m.skip.add(10).add(11).add(12).add(13);
  assert.equal(picks(m, b, 1), [-1]);
});

test('round-robin: removing a member carries the turn on to the member it would have reached', () => {
  const { m, b } = setUp(roundRobin, [10, 11, 12, 13]);
  assert.equal(picks(m, b, 2), [10, 11]); // next: 12
  remove(m, b, 10); // before the turn
  assert.equal(picks(m, b, 1), [12]);
  remove(m, b, 13); // the turn pointed at the removed last member: wrap
  assert.equal(picks(m, b, 2), [11, 12]);
  add(m, b, 14); // joins at the end of the rotation
  assert.equal(picks(m, b, 4), [11, 12, 14, 11]);
});

test('round-robin while warming: smooth WRR on warmup weights, deterministic and proportional', () => {
  const { m, b } = setUp(roundRobin, [10, 11], lbOptions({ slowStart: { mode: 'haproxy', window: 10_000 } }));
  m.warm.set(11, 0.25); // 25 hundredths against 100
  const seq = picks(m, b, 125, 0, 0, true);
  assert.is(seq.filter((x) => x === 11).length, 25);
  assert.equal(seq.slice(0, 5), [10, 10, 11, 10, 10]);
  // Warm again: the plain rotation resumes where it stood (it did not move while warming).
  assert.equal(picks(m, b, 3), [10, 11, 10]);
});

test.run();
