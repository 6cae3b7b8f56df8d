/** Number formatting shared by the text, Markdown and HTML reports, so they agree. */
import type { Frequency, Interval } from '../sim/result/run-result.ts';
import { fmtCount, fmtMs, fmtPct } from '../sim/result/units.ts';

export { fmtCount, fmtMs, fmtPct, round } from '../sim/result/units.ts';

/** How each summary metric is printed (value only; units included). */
export function fmtMetric(name: string, v: number): string {
  if (name === 'errorRate') return fmtPct(v);
  if (name === 'p99' || name === 'rolloutMs') return fmtMs(v);
  if (name === 'instanceSeconds') return `${fmtCount(Math.round(v))} inst·s`;
  return fmtCount(Math.round(v * 10) / 10);
}

/**
 * "150 ± 12" (the half-width of the 95% interval), or "13 (0–58)" when the interval was cut
 * at the metric's range and is no longer centred on the mean; n=1 prints the value alone.
 */
export function fmtInterval(name: string, i: Interval): string {
  const half = (i.hi - i.lo) / 2;
  const halfText = fmtMetric(name, half).replace(/ inst·s$/, '');
  // A half-width that prints as zero says nothing; show the value alone.
  if (i.n <= 1 || !(half > 0) || /^0( |%|$)/.test(halfText)) return fmtMetric(name, i.mean);
  const lopsided = Math.abs((i.hi - i.mean) - (i.mean - i.lo)) > 1e-9 * Math.max(1, Math.abs(i.mean));
  if (lopsided) return `${fmtMetric(name, i.mean)} (${fmtMetric(name, i.lo).replace(/ inst·s$/, '')}–${fmtMetric(name, i.hi)})`;
  return `${fmtMetric(name, i.mean)} ± ${halfText}`;
}

/** "1/5 (0.5–72%)": k of n seeds, with the exact 95% interval of the probability. */
export function fmtFrequency(f: Frequency | undefined): string {
  if (!f || f.n === 0) return '–';
  return `${f.k}/${f.n} (${fmtPct(f.lo)}–${fmtPct(f.hi)})`;
}

export const METRIC_LABELS: Record<string, string> = {
  dropped: 'dropped',
  errorRate: 'error rate',
  p99: 'p99 latency',
  rolloutMs: 'rollout time',
  instanceSeconds: 'cost',
  peakInstances: 'peak instances',
};

/** A confidence level as people write it: 0.95 → "95%", 1 − 0.05/4 → "98.8%". */
export function fmtConfidence(c: number): string {
  return `${Math.round(c * 1000) / 10}%`;
}
