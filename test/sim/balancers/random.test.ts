import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { random } from '../../../sim/balancers/random.ts';
import { RandomStreams } from '../../../sim/kernel/random.ts';
import { lbOptions, picks, scripted, setUp } from './helpers.ts';

test('random: one draw per pick, mapped onto the wanted members in order', () => {
  const u = scripted(0, 0.99, 0.5, 0.5);
  const { m, b } = setUp(random, [10, 11, 12, 13], lbOptions(), u);
  assert.equal(picks(m, b, 3), [10, 13, 12]);
  m.skip.add(10).add(12);
  assert.equal(picks(m, b, 1), [13]); // 0.5 of the two left
  assert.is(u.drawn, 4);
});

test('random: nothing wanted, nothing drawn', () => {
  const u = scripted();
  const { m, b } = setUp(random, [10], lbOptions(), u);
  m.skip.add(10);
  assert.equal(picks(m, b, 1), [-1]);
});

test('random: uniform over the members', () => {
  const { m, b } = setUp(random, [0, 1, 2, 3], lbOptions(), new RandomStreams(7).stream('lb/test'));
  const counts = [0, 0, 0, 0];
  for (const x of picks(m, b, 40_000)) counts[x]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, String(counts));
});

test('random while warming: one draw weighted by warmup weight', () => {
  const u = scripted(0.79, 0.81);
  const { m, b } = setUp(random, [10, 11], lbOptions(), u);
  m.warm.set(11, 0.25); // 1 : 0.25, so 10 takes [0, 0.8) of the draw
  m.active.set(10, 5); // ignored by plain random
  assert.equal(picks(m, b, 2, 0, 0, true), [10, 11]);
  assert.is(u.drawn, 2);
});

test.run();
