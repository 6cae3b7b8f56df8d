/**
 * Means and 95% intervals over seeds: the numbers compare, gate and the reports print. A
 * gate compares intervals rather than single runs so that seed noise alone does not fail
 * a build.
 *
 * The interval is Student-t's, cut to the metric's range: a mean of counts cannot be below
 * 0 and a rate not outside [0, 1], so the part of the interval outside is impossible and
 * cutting it off loses no coverage. Mostly-zero counts (a rare drop) give a lopsided
 * interval such as 13 (0–58); how often a seed dropped anything is the better summary
 * there, and frequenciesOf gives it with an exact interval.
 */
import { DROP_CAUSES, type Interval, type RunResult } from '../sim/result/run-result.ts';
import { metricOf } from '../sim/result/slo.ts';
import type { Frequency } from '../sim/result/run-result.ts';
import { proportion } from './proportion.ts';
import { tQuantile } from './student-t.ts';

export { metricOf };

export type { Interval };

/** The values a metric can take: counts, times and costs are ≥ 0, rates in [0, 1]. */
export interface MetricRange { min: number; max: number }
export const NON_NEGATIVE: MetricRange = { min: 0, max: Infinity };
export const FRACTION: MetricRange = { min: 0, max: 1 };

export function rangeOf(metric: string): MetricRange {
  return metric === 'errorRate' ? FRACTION : NON_NEGATIVE;
}

/**
 * Mean, median, min and max, and the two-sided Student-t interval of the mean (95% unless
 * `confidence` says otherwise) cut to `range`. n=1 → lo = hi = mean; n=0 → all NaN.
 */
export function interval(values: number[], range: MetricRange = { min: -Infinity, max: Infinity }, confidence = 0.95): Interval {
  const n = values.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0, median: NaN, min: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const spread = { median, min: sorted[0], max: sorted[n - 1] };
  if (n === 1) return { mean, lo: mean, hi: mean, n, ...spread };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const t = confidence === 0.95 ? tQuantile975(n - 1) : tQuantile((1 + confidence) / 2, n - 1);
  const half = t * Math.sqrt(variance / n);
  return { mean, lo: Math.max(range.min, mean - half), hi: Math.min(range.max, mean + half), n, ...spread };
}

/** Half-width of an interval (what "± x" prints). */
export function halfWidth(i: Interval): number {
  return (i.hi - i.lo) / 2;
}

/** The metric names summarizeRuns produces, in display order. */
export const SUMMARY_METRICS: readonly string[] = [
  'dropped',
  ...DROP_CAUSES.map((c) => `dropped.${c}`),
  'errorRate',
  'p99',
  'rolloutMs',
  'instanceSeconds',
  'peakInstances',
];

/** Per-metric intervals over a set of runs (normally one strategy × several seeds). */
export function summarizeRuns(runs: RunResult[]): Record<string, Interval> {
  const out: Record<string, Interval> = {};
  for (const name of SUMMARY_METRICS) out[name] = interval(runs.map((r) => metricOf(r, name)), rangeOf(name));
  return out;
}

/**
 * How often the runs dropped anything and met their SLO. Means hide this: 13 dropped on
 * average may be one seed of 65 and four of 0, a rare event whose probability is the honest
 * summary, with an interval that says how little 5 seeds can tell.
 */
export function frequenciesOf(runs: RunResult[]): { anyDrops: Frequency; sloMet: Frequency } {
  const n = runs.length;
  const round = (f: Frequency): Frequency => ({ ...f, p: r6(f.p), lo: r6(f.lo), hi: r6(f.hi) });
  return {
    anyDrops: round(proportion(runs.filter((r) => r.requests.dropped > 0).length, n)),
    sloMet: round(proportion(runs.filter((r) => r.slo.pass).length, n)),
  };
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

// t(0.975, df) for df 1..30; beyond that the Cornish-Fisher expansion is accurate to 1e-4.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  const z = 1.959964;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  return z + g1 / df + g2 / df ** 2;
}
