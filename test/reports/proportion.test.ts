import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binomCdf, proportion } from '../../reports/proportion.ts';

// Reference: scipy.stats.beta.ppf(0.025, k, n − k + 1) and beta.ppf(0.975, k + 1, n − k),
// the closed form of the Clopper-Pearson bounds (computed outside this code base).
const REFERENCE: [number, number, number, number][] = [
  [0, 5, 0, 0.5218237501049814],
  [5, 5, 0.4781762498950185, 1],
  [1, 10, 0.0025285785444617848, 0.4450161170281954],
  [3, 10, 0.06673951117773447, 0.6524528500599973],
  [1, 5, 0.0050507633794680575, 0.7164179361180895],
  [0, 20, 0, 0.1684334709830853],
  [50, 100, 0.39832112950330095, 0.601678870496699],
];

test('Clopper-Pearson bounds match the beta-quantile reference', () => {
  for (const [k, n, lo, hi] of REFERENCE) {
    const p = proportion(k, n);
    assert.ok(Math.abs(p.lo - lo) < 1e-9 && Math.abs(p.hi - hi) < 1e-9, `${k}/${n}: [${p.lo}, ${p.hi}] vs [${lo}, ${hi}]`);
    assert.is(p.p, k / n);
  }
});

test('bounds stay in [0, 1], contain k/n and shrink with more seeds', () => {
  for (let n = 1; n <= 30; n++) {
    for (let k = 0; k <= n; k++) {
      const p = proportion(k, n);
      assert.ok(p.lo >= 0 && p.lo <= p.p && p.p <= p.hi && p.hi <= 1, `${k}/${n}`);
    }
  }
  assert.ok(proportion(0, 20).hi < proportion(0, 5).hi);
});

test('binomial CDF: exact small cases and no underflow at large n', () => {
  assert.ok(Math.abs(binomCdf(1, 3, 0.5) - 0.5) < 1e-12);
  assert.ok(Math.abs(binomCdf(0, 4, 0.25) - 0.75 ** 4) < 1e-12);
  // exact: Σ C(10000, i) / 2^10000 for i ≤ 5000, by integer arithmetic
  assert.ok(Math.abs(binomCdf(5000, 10_000, 0.5) - 0.5039893230696911) < 1e-9);
});

test('bad counts are refused', () => {
  assert.throws(() => proportion(3, 2));
  assert.throws(() => proportion(-1, 2));
  assert.throws(() => proportion(0.5, 2));
});

test.run();
