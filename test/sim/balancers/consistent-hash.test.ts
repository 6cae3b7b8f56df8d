import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { consistentHash } from '../../../sim/balancers/consistent-hash.ts';
import { add, picks, remove, setUp } from './helpers.ts';

const USERS = Array.from({ length: 2_000 }, (_, k) => k + 1);

test('consistent-hash: a user always lands on the same member, and no random number is drawn', () => {
  const { m, b } = setUp(consistentHash, [10, 11, 12, 13]);
  for (const user of USERS.slice(0, 50)) assert.equal(new Set(picks(m, b, 5, 0, user)).size, 1);
});

test('consistent-hash: removing a member moves only its users; adding one takes only users it wins', () => {
  const { m, b } = setUp(consistentHash, [10, 11, 12, 13]);
  const home = new Map(USERS.map((k) => [k, picks(m, b, 1, 0, k)[0]]));
  remove(m, b, 11);
  let moved = 0;
  for (const k of USERS) {
    const now = picks(m, b, 1, 0, k)[0];
    if (home.get(k) === 11) { moved++; assert.ok(now !== 11); } else assert.is(now, home.get(k));
  }
  assert.ok(moved > 300 && moved < 700, `users of the removed member: ${moved}`);
  add(m, b, 11);
  for (const k of USERS) assert.is(picks(m, b, 1, 0, k)[0], home.get(k)); // back home
});

test('consistent-hash: an unwanted member\'s users go to their second choice', () => {
  const { m, b } = setUp(consistentHash, [10, 11, 12]);
  const home = new Map(USERS.map((k) => [k, picks(m, b, 1, 0, k)[0]]));
  m.skip.add(12);
  const fallback = new Map(USERS.map((k) => [k, picks(m, b, 1, 0, k)[0]]));
  remove(m, b, 12);
  for (const k of USERS) {
    assert.is(picks(m, b, 1, 0, k)[0], fallback.get(k));
    if (home.get(k) !== 12) assert.is(fallback.get(k), home.get(k));
  }
});

test('consistent-hash: the identity is the stable hash, not the instance id', () => {
  const a = setUp(consistentHash, [10, 11, 12]);
  const b = setUp(consistentHash, [20, 21, 22]);
  [10, 11, 12].forEach((id, k) => { a.m.ids.set(id, 100 + k); b.m.ids.set(id + 10, 100 + k); });
  for (const k of USERS.slice(0, 200)) assert.is(picks(b.m, b.b, 1, 0, k)[0], picks(a.m, a.b, 1, 0, k)[0] + 10);
});

test.run();
