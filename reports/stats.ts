/**
 * Means and 95% Student-t intervals over seeds: the numbers compare, gate and the reports
 * print. A gate compares intervals rather than single runs so that seed noise alone does
 * not fail a build.
 */
import { DROP_CAUSES, type Interval, type RunResult } from '../sim/result/run-result.ts';
import { metricOf } from '../sim/result/slo.ts';
import type { Frequency } from '../sim/result/run-result.ts';
import { proportion } from './proportion.ts';

export { metricOf };

export type { Interval };

/** Mean and two-sided 95% Student-t interval. n=1 → lo = hi = mean; n=0 → all NaN. */
export function interval(values: number[]): Interval {
  const n = values.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, n };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { mean, lo: mean - half, hi: mean + half, n };
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
  for (const name of SUMMARY_METRICS) out[name] = interval(runs.map((r) => metricOf(r, name)));
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
