/**
 * How often something happened across seeds, with an exact (Clopper-Pearson) 95%
 * interval: the probability that a rollout drops anything, or that it meets its SLO.
 * Exact because the counts are tiny (3–20 seeds) and the interesting cases sit at 0 or n,
 * where the normal approximation gives nonsense (an interval of width 0, or below 0).
 *
 *   proportion(1, 5)  // { k: 1, n: 5, p: 0.2, lo: 0.00505, hi: 0.71641 }
 */
import type { Frequency } from '../sim/result/run-result.ts';

/** k of n, k / n (NaN when n = 0), and the exact 95% interval [lo, hi]: every probability not rejected at 2.5% on either side. */
export type Proportion = Frequency;

export function proportion(k: number, n: number, alpha = 0.05): Proportion {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && k <= n)) throw new Error(`proportion: need integers 0 ≤ k ≤ n, got ${k}, ${n}`);
  if (n === 0) return { k, n, p: NaN, lo: 0, hi: 1 };
  const lo = k === 0 ? 0 : solve((p) => 1 - binomCdf(k - 1, n, p) - alpha / 2, true);
  const hi = k === n ? 1 : solve((p) => binomCdf(k, n, p) - alpha / 2, false);
  return { k, n, p: k / n, lo, hi };
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space so large n does not underflow. */
export function binomCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const lp = Math.log(p), lq = Math.log1p(-p);
  let logC = 0; // log C(n, 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logC + i * lp + (n - i) * lq);
  }
  return Math.min(1, sum);
}

/** The root of a function of p that is monotone in p on (0, 1), by bisection to 1e-12. */
function solve(f: (p: number) => number, increasing: boolean): number {
  let a = 0, b = 1;
  for (let it = 0; it < 100 && b - a > 1e-12; it++) {
    const mid = (a + b) / 2;
    const v = f(mid);
    if ((v < 0) === increasing) a = mid; else b = mid;
  }
  return (a + b) / 2;
}
