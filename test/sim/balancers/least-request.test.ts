import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leastRequest } from '../../../sim/balancers/least-request.ts';
import { lbOptions, picks, scripted, setUp } from './helpers.ts';

test('least-request: two choices with replacement, fewer outstanding requests wins', () => {
  const u = scripted(0.1, 0.6, 0.6, 0.1);
  const { m, b } = setUp(leastRequest, [10, 11, 12, 13], lbOptions(), u);
  m.active.set(10, 3);
  m.active.set(12, 1);
  assert.equal(picks(m, b, 2), [12, 12]); // either order of the same two choices
  assert.is(u.drawn, 4);
});

test('least-request: a tie goes to the first choice drawn', () => {
  const u = scripted(0.6, 0.1);
  const { m, b } = setUp(leastRequest, [10, 11, 12, 13], lbOptions(), u);
  assert.equal(picks(m, b, 1), [12]);
});

test('least-request: choiceCount draws that many; a single member draws once', () => {
  const u = scripted(0, 0.3, 0.6, 0.9);
  const { m, b } = setUp(leastRequest, [10, 11, 12, 13], lbOptions({ choiceCount: 3 }), u);
  m.active.set(10, 2).set(11, 2).set(12, 1).set(13, 0);
  assert.equal(picks(m, b, 1), [12]); // 13 was not among the three choices
  assert.is(u.drawn, 3);
  const one = scripted(0.7);
  const single = setUp(leastRequest, [10], lbOptions(), one);
  assert.equal(picks(single.m, single.b, 1), [10]);
  assert.is(one.drawn, 1);
});

test('least-request: choices are drawn among the wanted members only', () => {
  const u = scripted(0.4, 0.9, 0.2);
  const { m, b } = setUp(leastRequest, [10, 11, 12, 13], lbOptions(), u);
  m.skip.add(10).add(12);
  m.active.set(13, 1);
  assert.equal(picks(m, b, 1), [11]); // choices 11 (0.4 of 2) and 13 (0.9 of 2)
  m.skip.add(11);
  assert.equal(picks(m, b, 1), [13]); // one wanted member: one draw
  assert.is(u.drawn, 3);
});

test('least-request while warming: one draw on warmup weight / (active + 1)', () => {
  const u = scripted(0.66, 0.67);
  const { m, b } = setUp(leastRequest, [10, 11], lbOptions(), u);
  m.active.set(10, 1);
  m.warm.set(11, 0.25); // 10 weighs 1 / (1 + 1), 11 weighs 0.25 / 1: 10 takes [0, 2/3) of the draw
  assert.equal(picks(m, b, 2, 0, 0, true), [10, 11]);
});

test.run();
