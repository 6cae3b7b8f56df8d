/**
 * A SweepResult as a table, one row per point: the varied values, the SLO verdict, drops
 * (and the causes that occur at some point), how many seeds dropped anything and met the
 * SLO, p99, rollout time and cost — the numbers compare prints per strategy, formatted the
 * same way (format.ts). Plain text for the terminal, Markdown for `--md`.
 */
import type { SweepResult } from '../sim/result/sweep-result.ts';
import { DROP_CAUSES } from '../sim/result/run-result.ts';
import { fmtFrequency, fmtInterval, METRIC_LABELS } from './format.ts';
import { table, sloVerdictText } from './summary.ts';
import type { CompareRow } from '../sim/result/run-result.ts';

const METRICS = ['p99', 'rolloutMs', 'instanceSeconds'] as const;

/** The table's cells, for the text, Markdown and HTML renderings alike. */
export interface Grid { head: string[]; rows: string[][]; right: boolean[] }

export function grid(s: SweepResult): Grid {
  const causes = DROP_CAUSES.filter((c) => s.points.some((p) => (p.stats[`dropped.${c}`]?.max ?? 0) > 0));
  const head = [...s.vary.map((v) => v.path), 'SLO', 'dropped', ...causes, 'seeds with drops', 'seeds meeting SLO', ...METRICS.map((m) => METRIC_LABELS[m])];
  const rows = s.points.map((p) => [
    ...s.vary.map((v) => p.values[v.path]),
    sloVerdictText({ slo: p.slo } as CompareRow),
    fmtInterval('dropped', p.stats.dropped),
    ...causes.map((c) => fmtInterval('dropped', p.stats[`dropped.${c}`])),
    fmtFrequency(p.frequencies.anyDrops),
    fmtFrequency(p.frequencies.sloMet),
    ...METRICS.map((m) => fmtInterval(m, p.stats[m])),
  ]);
  const right = head.map((_, i) => i >= s.vary.length + 1);
  return { head, rows, right };
}

export function title(s: SweepResult): string {
  const n = s.seeds.length;
  const sampled = s.sample ? ` (sample ${s.sample} of ${s.vary.reduce((k, v) => k * v.values.length, 1)} grid points)` : '';
  return `${s.scenario} (${s.strategy}): ${s.points.length} point${s.points.length === 1 ? '' : 's'}${sampled} × ${n} seed${n === 1 ? '' : 's'}`;
}

export const LEGEND = 'mean ± 95% interval, or mean (low–high) where cut at 0; seeds with any drop and seeds meeting the SLO with exact 95% intervals';

export function sweepTable(s: SweepResult): string {
  const g = grid(s);
  return [`${title(s)} (${LEGEND})`, ...table(g.head, g.rows, g.right)].join('\n');
}

export function renderSweepMarkdown(s: SweepResult): string {
  const g = grid(s);
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const lines = [
    `# Sweep: ${title(s)}`,
    '',
    `Varied: ${s.vary.map((v) => `\`${v.path}\` = ${v.values.join(', ')}`).join('; ')}. Seeds ${s.seeds[0]}–${s.seeds.at(-1)}. Scenario file SHA-256 \`${s.scenarioSha256.slice(0, 12)}…\`.`,
    '',
    `${LEGEND[0].toUpperCase()}${LEGEND.slice(1)}.`,
    '',
    `| ${g.head.map(cell).join(' | ')} |`,
    `|${g.right.map((r) => (r ? ' ---: ' : ' --- ')).join('|')}|`,
    ...g.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}
