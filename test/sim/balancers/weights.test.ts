// Endpoint weights (`versions.<v>.weight`) in every balancer. The expected orders are
// nginx's, traced by hand from ngx_http_upstream_get_peer (cw += w; pick the largest cw,
// first on ties; its cw −= total), not from our implementation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { smoothWrr } from '../../../sim/balancers/smooth-wrr.ts';
import { roundRobin } from '../../../sim/balancers/round-robin.ts';
import { random } from '../../../sim/balancers/random.ts';
import { leastRequest } from '../../../sim/balancers/least-request.ts';
import { consistentHash } from '../../../sim/balancers/consistent-hash.ts';
import type { BalancerFactory } from '../../../sim/balancers/balancer.ts';
import { add, lbOptions, picks, remove, scripted, StubMembers } from './helpers.ts';

/** A balancer over `weights` (instance id → weight), members added in id order. */
function weighted(make: BalancerFactory, weights: Record<number, number>, u: () => number = () => { throw new Error('no draws'); }, lb = lbOptions()) {
  const m = new StubMembers();
  for (const [id, w] of Object.entries(weights)) m.weights.set(Number(id), w);
  const b = make(m, lb, u);
  for (const id of Object.keys(weights)) add(m, b, Number(id));
  return { m, b };
}

// {3, 2, 1}: cw (3,2,1)→a (−3,2,1); (0,4,2)→b (0,−2,2); (3,0,3)→a; (0,2,4)→c; (3,4,−1)→b; (6,0,0)→a.
const A = 1, B = 2, C = 3;
const NGINX_321 = [A, B, A, C, B, A];
// nginx's own comment in ngx_http_upstream_round_robin.c: weights {5, 1, 1} give { a, a, b, a, c, a, a }.
const NGINX_511 = [A, A, B, A, C, A, A];

for (const [name, make] of [['smooth-wrr', smoothWrr], ['round-robin', roundRobin]] as const) {
  test(`${name}: weights {3, 2, 1} pick in nginx's exact order, cycle after cycle`, () => {
    const { m, b } = weighted(make, { [A]: 3, [B]: 2, [C]: 1 });
    assert.equal(picks(m, b, 12), [...NGINX_321, ...NGINX_321]);
  });

  test(`${name}: weights {5, 1, 1} pick as nginx documents`, () => {
    const { m, b } = weighted(make, { [A]: 5, [B]: 1, [C]: 1 });
    assert.equal(picks(m, b, 14), [...NGINX_511, ...NGINX_511]);
  });
}

test('round-robin: equal weights keep the plain rotation; a weighted member switches it to smooth WRR', () => {
  const { m, b } = weighted(roundRobin, { [A]: 1, [B]: 1 });
  assert.equal(picks(m, b, 4), [A, B, A, B]);
  m.weights.set(C, 2);
  add(m, b, C);
  const seq = picks(m, b, 8);
  assert.equal([seq.filter((x) => x === C).length, seq.filter((x) => x === A).length], [4, 2]);
  remove(m, b, C);
  assert.is(m.weighted(), false);
  assert.equal(picks(m, b, 2).sort(), [A, B]);
});

test('smooth-wrr: slow start scales a weighted member\'s weight, not replaces it', () => {
  const slow = lbOptions({ slowStart: { mode: 'envoy', window: 60_000, aggression: 1, minWeightPercent: 10 } });
  const { m, b } = weighted(smoothWrr, { [A]: 1, [B]: 4 }, undefined, slow);
  m.warm.set(B, 0.5); // B weighs 4 × 0.5 = 2 against A's 1
  const seq = picks(m, b, 300, 0, 0, true);
  assert.is(seq.filter((x) => x === B).length, 200);
});

test('random: a draw in proportion to weight', () => {
  // weights 3 and 1, total 4: 0.7·4 = 2.8 < 3 → A; 0.8·4 = 3.2 → B.
  const u = scripted(0.7, 0.8);
  const { m, b } = weighted(random, { [A]: 3, [B]: 1 }, u);
  assert.equal(picks(m, b, 2), [A, B]);
  assert.is(u.drawn, 2);
});

test('least-request: with weights, one draw on weight ÷ (outstanding + 1), as Envoy\'s EDF weighs', () => {
  // A: 2 / (1 + 1) = 1, B: 1 / (0 + 1) = 1, total 2: 0.4 → A, 0.6 → B.
  const u = scripted(0.4, 0.6);
  const { m, b } = weighted(leastRequest, { [A]: 2, [B]: 1 }, u);
  m.active.set(A, 1);
  assert.equal(picks(m, b, 2), [A, B]);
});

test('consistent-hash: weighted rendezvous gives each member its weight\'s share of users, and moves few', () => {
  const { m, b } = weighted(consistentHash, { [A]: 3, [B]: 1 });
  const N = 20_000;
  const before = Array.from({ length: N }, (_, k) => m.inst[b.pick(0, k + 1, false)]);
  const shareA = before.filter((x) => x === A).length / N;
  // Binomial sd at p = 0.75, n = 20,000 is 0.0031; 4 sd.
  assert.ok(Math.abs(shareA - 0.75) < 0.0125, `A's share ${shareA}`);
  m.weights.set(C, 4);
  add(m, b, C);
  const after = Array.from({ length: N }, (_, k) => m.inst[b.pick(0, k + 1, false)]);
  const moved = after.filter((x, k) => x !== before[k]);
  assert.ok(moved.every((x) => x === C), 'only users won by the new member move');
  assert.ok(Math.abs(moved.length / N - 0.5) < 0.0142, `C took ${moved.length / N} (weight 4 of 8)`);
});

test.run();
