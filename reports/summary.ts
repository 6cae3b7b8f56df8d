/**
 * The plain-text reports: the human summary `relsim run` prints, and the side-by-side
 * table of `relsim compare` (mean ± half of the 95% interval).
 */
import type { CompareResult, RunResult } from '../sim/result/run-result.ts';
import { explain, rankCauses } from './explain.ts';
import { fmtCount, fmtFrequency, fmtInterval, fmtMs, fmtPct, METRIC_LABELS } from './format.ts';

export function summarizeRun(r: RunResult): string {
  const q = r.requests;
  const lines: string[] = [];
  lines.push(`${r.scenario} · ${r.strategy} · seed ${r.seed} · ${r.platform}`);
  lines.push(`requests  offered ${fmtCount(q.offered)}  ok ${fmtCount(q.ok)}  dropped ${fmtCount(q.dropped)} (${fmtPct(q.offered ? q.dropped / q.offered : 0)})` +
    (q.inFlightAtEnd ? `  in flight at end ${fmtCount(q.inFlightAtEnd)}` : ''));
  const causes = rankCauses(r);
  if (causes.length) lines.push(`drops     ${causes.map((c) => `${c.cause} ${fmtCount(c.count)}`).join(' · ')}`);
  lines.push(`latency   p50 ${fmtMs(r.latencyMs.p50)}  p99 ${fmtMs(r.latencyMs.p99)}  max ${fmtMs(r.latencyMs.max)}`);
  if (r.rollout.outcome === 'none' && r.rollout.steps.length === 0) {
    lines.push('rollout   none');
  } else {
    lines.push(`rollout   ${r.rollout.outcome} in ${fmtMs(r.rollout.endMs - r.rollout.startMs)} (${fmtMs(r.rollout.startMs)} → ${fmtMs(r.rollout.endMs)})`);
    const rows = r.rollout.steps.map((s) => [
      s.name, fmtMs(s.startMs), fmtMs(s.endMs), fmtCount(s.dropped),
      Object.entries(s.byCause ?? {}).filter(([, n]) => n).map(([c, n]) => `${c} ${fmtCount(n as number)}`).join(', '),
    ]);
    // A loop, not push(...rows): a canary may have 200,000 steps, more than a call's arguments.
    if (rows.length) for (const l of table(['step', 'start', 'end', 'dropped', 'causes'], rows, [false, true, true, true, false])) lines.push(`  ${l}`);
  }
  lines.push(`cost      ${fmtCount(Math.round(r.cost.instanceSeconds))} instance-seconds, peak ${fmtCount(r.cost.peakInstances)} instances`);
  lines.push(`slo       ${r.slo.pass ? 'pass' : `FAIL: ${r.slo.violations.join('; ')}`}`);
  lines.push(`why       ${explain(r)}`);
  return lines.join('\n');
}

/** The per-seed frequency columns after the metrics (CompareRow.frequencies). */
export const FREQUENCY_LABELS = ['seeds with drops', 'seeds meeting SLO'] as const;

/** Columns of the comparison (metric names from reports/stats.ts). Lower is better for all. */
export const COMPARE_COLUMNS = ['dropped', 'errorRate', 'p99', 'rolloutMs', 'instanceSeconds', 'peakInstances'] as const;

export function compareTable(cmp: CompareResult): string {
  const n = cmp.rows[0]?.runs.length ?? 0;
  const head = ['strategy', ...COMPARE_COLUMNS.map((c) => METRIC_LABELS[c]), ...FREQUENCY_LABELS];
  const rows = cmp.rows.map((row) => [row.label, ...COMPARE_COLUMNS.map((c) => (row.stats[c] ? fmtInterval(c, row.stats[c]) : '–')),
    fmtFrequency(row.frequencies?.anyDrops), fmtFrequency(row.frequencies?.sloMet)]);
  return [
    `${cmp.scenario}: ${cmp.rows.length} strategies × ${n} seed${n === 1 ? '' : 's'} (mean ± 95% interval, or mean (low–high) where cut at 0; seeds with any drop and seeds meeting the SLO, with exact 95% intervals)`,
    ...table(head, rows, [false, ...COMPARE_COLUMNS.map(() => true), true, true]),
  ].join('\n');
}

/**
 * Rows holding the best (lowest mean) value per column. Ties are all marked; a column
 * where every row is equal marks none, since "best" would say nothing there.
 */
export function bestRows(cmp: CompareResult): Record<string, Set<number>> {
  const best: Record<string, Set<number>> = {};
  for (const c of COMPARE_COLUMNS) {
    const means = cmp.rows.map((row) => row.stats[c]?.mean ?? NaN);
    const finite = means.filter(Number.isFinite);
    if (finite.length < 2) continue;
    const min = Math.min(...finite);
    if (finite.every((m) => m === min)) continue;
    best[c] = new Set(means.flatMap((m, i) => (m === min ? [i] : [])));
  }
  return best;
}

export function table(head: string[], rows: string[][], rightAlign: boolean[]): string[] {
  // Column widths by a loop, not Math.max(...column): rows may be a canary's 200,000 steps,
  // more arguments than a call can take.
  const widths = head.map((h) => h.length);
  for (const r of rows) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (r[i] ?? '').length);
  }
  const fmt = (cells: string[]) => cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)];
}
