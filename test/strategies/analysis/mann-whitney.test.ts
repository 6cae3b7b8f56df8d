import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { mannWhitney, normalCdf, normalQuantile, uStatistic } from '../../../strategies/analysis/mann-whitney.ts';

const close = (a: number, b: number, eps = 1e-4) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('U, z and Hodges-Lehmann estimate match a hand computation with ties', () => {
  // x = 1 2 2 4, y = 2 3 5. Pooled ranks: 1→1, the three 2s→3, 3→5, 4→6, 5→7.
  // R_x = 1+3+3+6 = 13, U_x = 13 − 4·5/2 = 3, E[U] = 4·3/2 = 6.
  // σ² = 4·3/12 · (8 − (3³−3)/(7·6)) = 8 − 24/42 = 7.428571…, z = (3 − 6 + ½)/σ = −0.917248.
  const x = [1, 2, 2, 4];
  const y = [2, 3, 5];
  const s = uStatistic(x, y);
  assert.is(s.u, 3);
  close(s.sigma, Math.sqrt(8 - 24 / 42));
  close(s.z, -2.5 / Math.sqrt(8 - 24 / 42));
  const r = mannWhitney(x, y, { confidence: 0.95, tolerance: 0.25, direction: 'either' });
  // Pairwise x−y sorted: −4 −3 −3 −2 −1 −1 −1 −1 0 0 1 2 → median −1.
  assert.is(r.estimate, -1);
  close(r.pValue, 2 * (1 - normalCdf(2.5 / Math.sqrt(8 - 24 / 42))));
  assert.is(r.classification, 'pass');
});

test('normal helpers', () => {
  close(normalCdf(1.959964), 0.975, 1e-6);
  close(normalQuantile(0.99), 2.326348, 1e-5);
  close(normalQuantile(0.5), 0, 1e-9);
});

function sample(seed: string, n: number, shift = 0): number[] {
  const u = seedrandom.tychei(seed);
  return Array.from({ length: n }, () => 50 + 20 * -Math.log(1 - u()) + shift);
}

test('identical samples pass; samples of the same distribution pass at 98%', () => {
  const a = sample('a', 200);
  assert.is(mannWhitney(a, a.slice(), { confidence: 0.98, tolerance: 0.25, direction: 'either' }).classification, 'pass');
  const b = sample('b', 200);
  const r = mannWhitney(a, b, { confidence: 0.98, tolerance: 0.25, direction: 'either' });
  assert.ok(r.lower < 0 && r.upper > 0, `interval ${r.lower}..${r.upper} should straddle 0`);
  assert.is(r.classification, 'pass');
});

test('a shifted canary is High at 98%, and only in the directions asked for', () => {
  const base = sample('base', 200);
  const slow = sample('canary', 200, 15);
  const r = mannWhitney(slow, base, { confidence: 0.98, tolerance: 0.25, direction: 'increase' });
  assert.is(r.classification, 'high');
  assert.ok(r.estimate > 10 && r.estimate < 20, `estimate ${r.estimate}`);
  assert.ok(r.lower > 0.25 * r.estimate);
  assert.is(mannWhitney(slow, base, { confidence: 0.98, tolerance: 0.25, direction: 'decrease' }).classification, 'pass');
  assert.is(mannWhitney(base, slow, { confidence: 0.98, tolerance: 0.25, direction: 'either' }).classification, 'low');
  // A small shift with a large tolerance is tolerated.
  const nudged = sample('canary', 200, 1);
  assert.is(mannWhitney(nudged, base, { confidence: 0.98, tolerance: 0.25, direction: 'increase' }).classification, 'pass');
});

test('no data is nodata', () => {
  assert.is(mannWhitney([], [1, 2], { confidence: 0.95, tolerance: 0.25, direction: 'either' }).classification, 'nodata');
});

test.run();
