/**
 * Kayenta-style Mann-Whitney classification of one metric: canary ("experiment") vs
 * baseline ("control") samples.
 *
 * Kayenta (MannWhitneyClassifier.scala) runs R's wilcox.test with conf.int and then:
 * bounds = ±tolerance × |Hodges-Lehmann estimate|; High when the confidence interval's
 * lower end is above the upper bound (direction increase/either), Low when its upper end
 * is below the lower bound (decrease/either), else Pass; identical samples Pass; an
 * empty sample is NoData. Here the test uses the normal approximation with tie and
 * continuity correction, and the interval is the distribution-free one on the sorted
 * pairwise differences (Moses), which is what wilcox.test approximates for large samples.
 */

export type Direction = 'increase' | 'decrease' | 'either';
export type Classification = 'pass' | 'high' | 'low' | 'nodata';

export interface JudgeOptions {
  /** Confidence level of the interval, e.g. 0.98 (Kayenta's judge) or 0.95. */
  confidence: number;
  /** Fraction of |estimate| the interval must clear, e.g. 0.25. */
  tolerance: number;
  direction: Direction;
}

export interface MannWhitneyResult {
  classification: Classification;
  /** U of the experiment sample: pairs with experiment > control, ties counting ½. */
  u: number;
  z: number;
  pValue: number;
  /** Hodges-Lehmann estimate of the shift experiment − control. */
  estimate: number;
  lower: number;
  upper: number;
}

/** Larger samples are thinned by a fixed stride: the interval needs n1·n2 differences. */
export const MAX_SAMPLE = 300;

export function mannWhitney(experiment: readonly number[], control: readonly number[], opts: JudgeOptions): MannWhitneyResult {
  if (experiment.length === 0 || control.length === 0) {
    return { classification: 'nodata', u: NaN, z: NaN, pValue: NaN, estimate: NaN, lower: NaN, upper: NaN };
  }
  const x = thin(experiment);
  const y = thin(control);
  const { u, z, sigma } = uStatistic(x, y);
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  const { estimate, lower, upper } = shiftInterval(x, y, opts.confidence, sigma);
  const base = { u, z, pValue, estimate, lower, upper };
  if (sameElements(experiment, control)) return { classification: 'pass', ...base };
  const bound = opts.tolerance * Math.abs(estimate);
  if ((opts.direction === 'increase' || opts.direction === 'either') && lower > bound) return { classification: 'high', ...base };
  if ((opts.direction === 'decrease' || opts.direction === 'either') && upper < -bound) return { classification: 'low', ...base };
  return { classification: 'pass', ...base };
}

/** U of `x` against `y`, its z with tie and continuity correction, and σ of U under H0. */
export function uStatistic(x: readonly number[], y: readonly number[]): { u: number; z: number; sigma: number } {
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const all = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))];
  all.sort((a, b) => a.v - b.v);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const t = j - i + 1;
    const avgRank = (i + j + 2) / 2; // ranks are 1-based
    for (let k = i; k <= j; k++) if (all[k].fromX) rankSumX += avgRank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const sigma = Math.sqrt(Math.max(variance, 0));
  const d = u - mean;
  const z = sigma === 0 ? 0 : (d - 0.5 * Math.sign(d)) / sigma;
  return { u, z, sigma };
}

function shiftInterval(x: readonly number[], y: readonly number[], confidence: number, sigma: number): { estimate: number; lower: number; upper: number } {
  const diffs: number[] = [];
  for (const a of x) for (const b of y) diffs.push(a - b);
  diffs.sort((a, b) => a - b);
  const N = diffs.length;
  const estimate = N % 2 === 1 ? diffs[(N - 1) / 2] : (diffs[N / 2 - 1] + diffs[N / 2]) / 2;
  const zc = normalQuantile(1 - (1 - confidence) / 2);
  // The k-th smallest and k-th largest differences bound the interval (1-based k).
  const k = Math.min(Math.max(Math.round(N / 2 - zc * sigma), 1), N);
  return { estimate, lower: diffs[k - 1], upper: diffs[N - k] };
}

function thin(v: readonly number[]): readonly number[] {
  if (v.length <= MAX_SAMPLE) return v;
  const out: number[] = [];
  const stride = v.length / MAX_SAMPLE;
  for (let i = 0; i < MAX_SAMPLE; i++) out.push(v[Math.floor(i * stride)]);
  return out;
}

function sameElements(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lowP) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
