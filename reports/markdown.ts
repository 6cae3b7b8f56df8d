/**
 * Markdown for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY and the like): the summary
 * and comparison tables plus the explanation line. Tables only, no HTML.
 */
import type { CompareResult, RunResult } from '../sim/run-result.ts';
import { explain, rankCauses } from './explain.ts';
import { fmtCount, fmtInterval, fmtMs, fmtPct, METRIC_LABELS } from './format.ts';
import { bestRows, COMPARE_COLUMNS } from './summary.ts';

export function renderRunMarkdown(r: RunResult): string {
  const q = r.requests;
  const out: string[] = [];
  out.push(`## relsim run: ${esc(r.scenario)} · ${esc(r.strategy)} (seed ${r.seed}, ${r.platform})`, '');
  out.push(r.slo.pass ? '**SLO: pass**' : `**SLO: FAIL** — ${r.slo.violations.map(esc).join('; ')}`, '');
  out.push('| offered | ok | dropped | error rate | p50 | p99 | rollout | outcome | cost |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|:--|---:|');
  out.push(`| ${fmtCount(q.offered)} | ${fmtCount(q.ok)} | ${fmtCount(q.dropped)} | ${fmtPct(q.offered ? q.dropped / q.offered : 0)} | ` +
    `${fmtMs(r.latencyMs.p50)} | ${fmtMs(r.latencyMs.p99)} | ${fmtMs(r.rollout.endMs - r.rollout.startMs)} | ${r.rollout.outcome} | ` +
    `${fmtCount(Math.round(r.cost.instanceSeconds))} inst·s |`, '');
  const causes = rankCauses(r);
  if (causes.length) {
    out.push('| cause | dropped | share |', '|:--|---:|---:|');
    for (const c of causes) out.push(`| \`${c.cause}\` | ${fmtCount(c.count)} | ${fmtPct(c.count / q.dropped)} |`);
    out.push('');
  }
  if (r.rollout.steps.length) {
    out.push('| step | start | end | dropped |', '|:--|---:|---:|---:|');
    for (const s of r.rollout.steps) out.push(`| ${esc(s.name)} | ${fmtMs(s.startMs)} | ${fmtMs(s.endMs)} | ${fmtCount(s.dropped)} |`);
    out.push('');
  }
  out.push(`> ${esc(explain(r))}`, '');
  return out.join('\n');
}

export function renderCompareMarkdown(cmp: CompareResult): string {
  const n = cmp.rows[0]?.runs.length ?? 0;
  const best = bestRows(cmp);
  const out: string[] = [];
  out.push(`## relsim compare: ${esc(cmp.scenario)}`, '');
  out.push(`${cmp.rows.length} strategies × ${n} seeds; mean ± half-width of the 95% interval; **bold** = best in column.`, '');
  out.push(`| strategy | ${COMPARE_COLUMNS.map((c) => METRIC_LABELS[c]).join(' | ')} |`);
  out.push(`|:--|${COMPARE_COLUMNS.map(() => '---:').join('|')}|`);
  cmp.rows.forEach((row, i) => {
    const cells = COMPARE_COLUMNS.map((c) => {
      const text = row.stats[c] ? fmtInterval(c, row.stats[c]) : '–';
      return best[c]?.has(i) ? `**${text}**` : text;
    });
    out.push(`| ${esc(row.label)} | ${cells.join(' | ')} |`);
  });
  out.push('');
  for (const row of cmp.rows) if (row.runs[0]) out.push(`- **${esc(row.label)}**: ${esc(explain(row.runs[0]))}`);
  out.push('');
  return out.join('\n');
}

/** Keep table cells intact: a pipe would split the cell. */
function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}
