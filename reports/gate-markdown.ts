/**
 * `relsim gate --md`: a job summary (GitHub's $GITHUB_STEP_SUMMARY, GitLab or any Markdown
 * viewer): the overall verdict, then per scenario a table of checks with what was observed,
 * what was allowed, the verdict, and for a check that did not pass the message and the
 * cause behind it with its usual cure.
 */
import type { GateVerdict } from './gate.ts';
import { combine, type Verdict } from './verdict.ts';
import { fmtConfidence } from './format.ts';

const ICON: Record<Verdict, string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '❔ inconclusive' };

export function renderGateMarkdown(verdicts: GateVerdict[]): string {
  const overall = combine(verdicts.map((v) => v.verdict));
  const out = [`## relsim gate: ${ICON[overall]}`, ''];
  if (overall === 'inconclusive') {
    out.push('Nothing failed, but some checks could not be decided with these seeds: run more (`--seeds auto`).', '');
  }
  for (const v of verdicts) {
    const seeds = `${v.seeds.length} seed${v.seeds.length === 1 ? '' : 's'}`;
    const how = v.sequential ? `${seeds} (auto: looks at ${v.sequential.looks.join(', ')} of at most ${v.sequential.maxSeeds}${v.sequential.decided ? '' : ', still undecided'})` : seeds;
    out.push(`### ${ICON[v.verdict]} · ${cell(v.file ?? v.scenario)} · ${cell(v.strategy)} · ${how}`, '');
    out.push('| check | observed | allowed | seeds meeting it | verdict |', '|---|---:|---:|---:|---|');
    for (const c of v.checks) {
      const met = c.seedsMet ? `${c.seedsMet.k}/${c.seedsMet.n}` : '–';
      out.push(`| ${cell(c.label)} | ${cell(c.observed)} | ${cell(c.allowed)} | ${met} | ${ICON[c.verdict]} |`);
    }
    const notes = v.checks.filter((c) => c.verdict !== 'pass');
    if (notes.length > 0) {
      out.push('');
      for (const c of notes) out.push(`- **${cell(c.label)}**: ${cell(c.message)}${c.cause ? `\n  - cause: ${cell(c.cause)}` : ''}`);
    }
    out.push('');
  }
  const confidence = verdicts[0]?.confidence ?? 0.95;
  out.push(`<sub>Each limit is judged on the ${fmtConfidence(confidence)} interval of the mean over seeds: pass when the whole interval meets it, ` +
    'fail when the whole interval misses it, inconclusive in between.</sub>', '');
  return out.join('\n');
}

/** A table cell: no pipe or newline can break the row, and no HTML gets through. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
