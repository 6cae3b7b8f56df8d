/**
 * The plain-text reports: the human summary `relsim run` prints, and the side-by-side
 * table of `relsim compare` (mean ± half of the 95% interval).
 */
import type { CompareResult, CompareRow, RunResult } from '../sim/result/run-result.ts';
import { explain, rankCauses } from './explain.ts';
import { sideNotes } from './side-notes.ts';
import { fmtConfidence, fmtCount, fmtFrequency, fmtInterval, fmtMetric, fmtMs, fmtPct, METRIC_LABELS } from './format.ts';

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
  for (const note of sideNotes(r)) lines.push(`also      ${note}`);
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
  const pick = cheapestMeetingSlo(cmp);
  const head = ['strategy', 'SLO', ...COMPARE_COLUMNS.map((c) => METRIC_LABELS[c]), ...FREQUENCY_LABELS];
  const rows = cmp.rows.map((row, i) => [`${row.label}${i === pick ? ' ✓' : ''}`, sloVerdictText(row), ...COMPARE_COLUMNS.map((c) => (row.stats[c] ? fmtInterval(c, row.stats[c]) : '–')),
    fmtFrequency(row.frequencies?.anyDrops), fmtFrequency(row.frequencies?.sloMet)]);
  return [
    `${cmp.scenario}: ${cmp.rows.length} strategies × ${n} seed${n === 1 ? '' : 's'}${sequentialNote(cmp)} (mean ± 95% interval, or mean (low–high) where cut at 0; seeds with any drop and seeds meeting the SLO, with exact 95% intervals)`,
    ...table(head, rows, [false, false, ...COMPARE_COLUMNS.map(() => true), true, true]),
    '',
    pickSentence(cmp) + (pick !== null ? ' (✓)' : ''),
  ].join('\n');
}

/** ", auto: 10 of at most 40, decided" under --seeds auto; '' otherwise. */
export function sequentialNote(cmp: CompareResult): string {
  const s = cmp.sequential;
  if (!s) return '';
  return ` (--seeds auto: ${s.looks.at(-1)} of at most ${s.maxSeeds}, ${s.decided ? 'every SLO verdict decided' : 'some SLO verdicts still undecided'}; verdicts at ${fmtConfidence(s.confidence)})`;
}

/**
 * Rows holding a value better than every other row's beyond noise, per column: the lowest
 * mean, and its interval's upper end below every other row's lower end. A difference within
 * the seeds' noise marks nothing, since "best" would claim more than the seeds show.
 */
export function bestRows(cmp: CompareResult): Record<string, Set<number>> {
  const best: Record<string, Set<number>> = {};
  for (const c of COMPARE_COLUMNS) {
    const stats = cmp.rows.map((row) => row.stats[c]);
    const means = stats.map((i) => i?.mean ?? NaN);
    const finite = means.filter(Number.isFinite);
    if (finite.length < 2) continue;
    const min = Math.min(...finite);
    const at = means.indexOf(min);
    const clear = stats.every((i, k) => k === at || !i || !Number.isFinite(i.mean) || stats[at]!.hi < i.lo);
    if (clear) best[c] = new Set([at]);
  }
  return best;
}

/** "meets", "fails: dropped requests", "unclear: p99 latency" — the row's SLO verdict in a few words. */
export function sloVerdictText(row: CompareRow): string {
  if (!row.slo) return '–';
  if (row.slo.verdict === 'pass') return 'meets';
  const of = (v: string) => row.slo!.checks.filter((c) => c.verdict === v).map((c) => c.label).join(', ');
  return row.slo.verdict === 'fail' ? `fails: ${of('fail')}` : `unclear: ${of('inconclusive')}`;
}

/**
 * The strategy to pick: among the simulated rows that meet the SLO, the cheapest —
 * fewest instance-seconds, then the shortest rollout. Null when none meets it.
 */
export function cheapestMeetingSlo(cmp: CompareResult): number | null {
  let pick: number | null = null;
  const cost = (i: number) => [cmp.rows[i].stats.instanceSeconds?.mean ?? Infinity, cmp.rows[i].stats.rolloutMs?.mean ?? Infinity];
  cmp.rows.forEach((row, i) => {
    if (row.platform !== 'sim' || row.slo?.verdict !== 'pass') return;
    if (pick === null) { pick = i; return; }
    const [a, b] = [cost(i), cost(pick)];
    if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])) pick = i;
  });
  return pick;
}

/** One sentence on the pick: which strategy, at what cost; or why there is none. */
export function pickSentence(cmp: CompareResult): string {
  const i = cheapestMeetingSlo(cmp);
  if (i !== null) {
    const row = cmp.rows[i];
    const others = cmp.rows.filter((r, k) => k !== i && r.slo?.verdict === 'pass').length;
    return `Cheapest strategy meeting the SLO: ${row.label} (${fmtMetric('instanceSeconds', row.stats.instanceSeconds.mean)}, ` +
      `rollout ${fmtMetric('rolloutMs', row.stats.rolloutMs.mean)})${others ? `; ${others} other${others === 1 ? '' : 's'} also meet${others === 1 ? 's' : ''} it` : ''}.`;
  }
  const unclear = cmp.rows.filter((r) => r.slo?.verdict === 'inconclusive').map((r) => r.label);
  if (unclear.length > 0) return `No strategy meets the SLO for certain; undecided with these seeds: ${unclear.join(', ')} (more seeds, or --seeds auto, would decide).`;
  return 'No strategy meets the SLO.';
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
