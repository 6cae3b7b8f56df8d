/**
 * Markdown for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY and the like): the summary
 * and comparison tables plus the explanation line. Tables only, no HTML.
 */
import { sideNotes } from './side-notes.ts';
import { DROP_CAUSES, type CompareResult, type DropCause, type Interval, type RunResult } from '../sim/result/run-result.ts';
import { explain, explainRuns, rankCauses } from './explain.ts';
import { fmtCount, fmtFrequency, fmtInterval, fmtMs, fmtPct, METRIC_LABELS } from './format.ts';
import { bestRows, cheapestMeetingSlo, COMPARE_COLUMNS, FREQUENCY_LABELS, pickSentence, sequentialNote, sloVerdictText } from './summary.ts';

/** The by-cause columns of a comparison: the same numbers in stdout, Markdown and HTML. */
export interface DropsByCause {
  /** Causes with a drop in some run, in DROP_CAUSES order. */
  causes: DropCause[];
  /** One per compare row, same order: each cause's mean and 95% interval (undefined when the row has no such stat). */
  rows: { label: string; byCause: (Interval | undefined)[] }[];
}

/**
 * Mean drops per cause and strategy, for the causes that occur in some run. It lives here
 * for the three compare outputs (stdout, Markdown, HTML) to share.
 */
export function dropsByCause(cmp: CompareResult): DropsByCause {
  // A mean over non-negative counts is > 0 exactly when some run has such a drop.
  const causes = DROP_CAUSES.filter((c) => cmp.rows.some((row) => (row.stats[`dropped.${c}`]?.mean ?? 0) > 0));
  return { causes, rows: cmp.rows.map((row) => ({ label: row.label, byCause: causes.map((c) => row.stats[`dropped.${c}`]) })) };
}

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
  for (const note of sideNotes(r)) out.push(`- ${esc(note)}`);
  if (sideNotes(r).length) out.push('');
  return out.join('\n');
}

export function renderCompareMarkdown(cmp: CompareResult): string {
  const n = cmp.rows[0]?.runs.length ?? 0;
  const best = bestRows(cmp);
  const out: string[] = [];
  out.push(`## relsim compare: ${esc(cmp.scenario)}`, '');
  const pick = cheapestMeetingSlo(cmp);
  out.push(`**${esc(pickSentence(cmp))}**`, '');
  out.push(`${cmp.rows.length} strategies × ${n} seeds${esc(sequentialNote(cmp))}. SLO: the scenario's slo judged on the interval of the mean (meets, fails, or unclear when the seeds cannot tell); ` +
    '✓ = cheapest strategy meeting it (fewest instance-seconds, then shortest rollout). Mean ± half-width of the 95% interval, or mean (low–high) where the interval is cut at 0; ' +
    '**bold** = better than every other strategy beyond the seeds\' noise; the last two columns count seeds, with the exact (Clopper-Pearson) 95% interval of the probability.', '');
  out.push(`| strategy | SLO | ${[...COMPARE_COLUMNS.map((c) => METRIC_LABELS[c]), ...FREQUENCY_LABELS].join(' | ')} |`);
  out.push(`|:--|:--|${[...COMPARE_COLUMNS, ...FREQUENCY_LABELS].map(() => '---:').join('|')}|`);
  cmp.rows.forEach((row, i) => {
    const cells = COMPARE_COLUMNS.map((c) => {
      const text = row.stats[c] ? fmtInterval(c, row.stats[c]) : '–';
      return best[c]?.has(i) ? `**${text}**` : text;
    });
    cells.push(fmtFrequency(row.frequencies?.anyDrops), fmtFrequency(row.frequencies?.sloMet));
    out.push(`| ${esc(row.label)}${i === pick ? ' ✓' : ''} | ${esc(sloVerdictText(row))} | ${cells.join(' | ')} |`);
  });
  out.push('', ...causeTableMarkdown(dropsByCause(cmp)));
  for (const row of cmp.rows) if (row.runs[0]) out.push(`- **${esc(row.label)}**: ${esc(explainRuns(row.runs))}`);
  out.push('');
  return out.join('\n');
}

function causeTableMarkdown(d: DropsByCause): string[] {
  if (d.causes.length === 0) return ['Dropped by cause: no drops in any run.', ''];
  return [
    '**Dropped by cause** (mean ± half-width of the 95% interval, or mean (low–high) where cut at 0):', '',
    `| strategy | ${d.causes.map((c) => `\`${c}\``).join(' | ')} |`,
    `|:--|${d.causes.map(() => '---:').join('|')}|`,
    ...d.rows.map((row) => `| ${esc(row.label)} | ${row.byCause.map((i) => (i ? fmtInterval('dropped', i) : '–')).join(' | ')} |`),
    '',
  ];
}

/** Keep table cells intact: a pipe would split the cell. */
function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}
