/**
 * The HTML training report: one self-contained file (inline SVG and CSS, no scripts, no
 * network) for a run or a comparison of strategies.
 */
import { sideNotes } from './side-notes.ts';
import { DROP_CAUSES, type CompareResult, type RunResult } from '../sim/result/run-result.ts';
import { explain, explainRuns, rankCauses } from './explain.ts';
import { fmtCount, fmtFrequency, fmtInterval, fmtMs, fmtPct, METRIC_LABELS } from './format.ts';
import { REPORT_CSS } from './html-style.ts';
import { bestRows, cheapestMeetingSlo, COMPARE_COLUMNS, FREQUENCY_LABELS, pickSentence, sequentialNote, sloVerdictText } from './summary.ts';
import { dropsByCause } from './markdown.ts';
import { CAUSE_COLORS } from './charts/palette.ts';
import { renderTopology } from './charts/topology.ts';
import { renderRolloutTimeline } from './charts/rollout-timeline.ts';
import { renderShareChart } from './charts/traffic-share.ts';
import { renderInstancesChart } from './charts/instances.ts';
import { renderRequestsChart } from './charts/requests.ts';
import { renderLatencyChart } from './charts/latency.ts';
import { bucketCount, perSecond } from './charts/series.ts';

export function renderRunHtml(r: RunResult): string {
  const body = [
    `<header class="top"><h1>${esc(r.scenario)}</h1><span class="sub">${esc(r.strategy)} · seed ${r.seed} · ${r.platform === 'sim' ? 'simulated' : 'replayed against a real proxy'}</span>` +
      `${outcomeBadge(r)} ${r.slo.pass ? '<span class="badge pass">SLO PASS</span>' : '<span class="badge fail">SLO FAIL</span>'}</header>`,
    kpis(r),
    `<div class="why"><b>Why</b>${md(explain(r))}</div>`,
    sideNotes(r).length ? `<div class="also"><b>Also</b><ul>${sideNotes(r).map((n) => `<li>${esc(n)}</li>`).join('')}</ul></div>` : '',
    r.slo.violations.length ? `<div class="slo"><b>SLO violations</b><ul>${r.slo.violations.map((v) => `<li>${esc(v)}</li>`).join('')}</ul></div>` : '',
    section('Topology', 'Services left to right by call depth; versions as chips (first = base); lane versions outlined in the lane colour.', renderTopology(r, { title: '' })),
    section('Rollout', 'Each step of the strategy over time; red fill is proportional to the step\'s dropped requests.', renderRolloutTimeline(r, { title: '' })),
    section('Traffic share per version', 'Fraction of each service\'s requests served by each version, per time bucket. Shaded bands are the rollout steps.', renderShareChart(r, { title: '' })),
    section('Instances', 'Instances per version and state: ready (solid), starting (pale), terminating (hatched).', renderInstancesChart(r, { title: '' })),
    section('Requests', `Offered vs successfully served requests per second; dropped requests per second stacked by cause below (bucket ${fmtMs(r.timeline.bucketMs)}).`, renderRequestsChart(r, { title: '' })),
    section('Latency', 'p50 and p99 latency of completed requests per time bucket.', renderLatencyChart(r, { title: '' })),
    `<section><h2>Drops by cause and by step</h2><div class="tables">${causeTable(r)}${stepTable(r)}</div></section>`,
  ];
  return page(`relsim · ${r.scenario} · ${r.strategy}`, body.join('\n'));
}

export function renderCompareHtml(cmp: CompareResult): string {
  const first = cmp.rows.map((row) => row.runs[0]).filter((r): r is RunResult => !!r);
  const n = cmp.rows[0]?.runs.length ?? 0;
  const half = 580;
  // Shared y scales so the small multiples compare by eye.
  const dropMax = Math.max(1, ...first.map((r) => maxDropRate(r)));
  const latMax = Math.max(1, ...first.map((r) => Math.max(finiteMax(r.timeline.series.p99Ms), finiteMax(r.timeline.series.p50Ms)))) * 1.08;
  const multiples = (title: string, note: string, render: (r: RunResult) => string) =>
    `<section><h2>${esc(title)}</h2><p class="note">${esc(note)}</p><div class="grid">${first.map((r, i) =>
      `<figure><figcaption>${esc(cmp.rows[i].label)}</figcaption>${render(r)}</figure>`).join('')}</div></section>`;
  const body = [
    `<header class="top"><h1>${esc(cmp.scenario)}</h1><span class="sub">${cmp.rows.length} strategies × ${n} seed${n === 1 ? '' : 's'} compared</span></header>`,
    `<section><h2>Comparison</h2><p class="pick">${esc(pickSentence(cmp))}</p><p class="note">SLO: the scenario's slo judged on the interval of the mean (meets, fails, or unclear when the seeds cannot tell)${esc(sequentialNote(cmp))}; ✓ marks the cheapest strategy that meets it (fewest instance-seconds, then shortest rollout). Mean ± half-width of the 95% Student-t interval over ${n} seed${n === 1 ? '' : 's'}, or mean (low–high) where the interval is cut at 0; ★ marks a value better than every other strategy's beyond the seeds' noise (intervals apart). Seeds with drops, and seeds meeting the SLO under each verdict, count seeds with the exact (Clopper-Pearson) 95% interval of the probability.</p><div class="table-scroll">${compareTableHtml(cmp)}</div></section>`,
    `<section><h2>Dropped by cause</h2><p class="note">Mean ± half-width of the 95% interval per strategy, for the causes that occur in some run.</p>${compareCauseTableHtml(cmp)}</section>`,
    `<section><h2>Why</h2><ul class="explain">${cmp.rows.map((row) => row.runs[0] ? `<li><b>${esc(row.label)}</b>: ${md(explainRuns(row.runs))}</li>` : '').join('')}</ul>` +
      `<p class="note">Each explanation covers all of the strategy's seeds; the charts below use its first seed (${cmp.seeds[0] ?? '–'}).</p></section>`,
    first[0] ? section('Topology', 'Services, calls and versions (the same for every strategy).', renderTopology(first[0], { title: '' })) : '',
    multiples('Rollout', 'Steps of each strategy over time; red fill is proportional to the step\'s drops.', (r) => renderRolloutTimeline(r, { width: half, title: '' })),
    multiples('Traffic share per version', 'Fraction of requests served by each version.', (r) => renderShareChart(r, { width: half, title: '' })),
    multiples('Requests and drops', 'Offered vs ok per second; dropped per second by cause (same drop scale in every panel).', (r) => renderRequestsChart(r, { width: half, title: '', yMax: dropMax })),
    multiples('Latency', 'p50 and p99 per time bucket (same scale in every panel).', (r) => renderLatencyChart(r, { width: half, title: '', yMax: latMax })),
    multiples('Instances', 'Instances per version and state: ready (solid), starting (pale), terminating (hatched).', (r) => renderInstancesChart(r, { width: half, title: '' })),
  ];
  return page(`relsim · ${cmp.scenario} · compare`, body.join('\n'));
}

/** The report page around a body: shared by the run, compare and sweep reports. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
${body}
<footer>Generated by relsim. Self-contained: inline SVG and CSS, no scripts, no network. Print-friendly (A4 landscape).</footer>
</main></body></html>
`;
}

function section(title: string, note: string, svg: string): string {
  return `<section><h2>${esc(title)}</h2><p class="note">${esc(note)}</p><figure>${svg}</figure></section>`;
}

function kpis(r: RunResult): string {
  const q = r.requests;
  const rate = q.offered ? q.dropped / q.offered : 0;
  const card = (k: string, v: string, bad = false) => `<div class="kpi${bad ? ' bad' : ''}"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`;
  return `<div class="kpis">${[
    card('offered requests', fmtCount(q.offered)),
    card(`dropped (${fmtPct(rate)})`, fmtCount(q.dropped), q.dropped > 0),
    card('p99 latency', fmtMs(r.latencyMs.p99)),
    card('rollout time', fmtMs(r.rollout.endMs - r.rollout.startMs)),
    card('instance-seconds', fmtCount(Math.round(r.cost.instanceSeconds))),
    card('peak instances', fmtCount(r.cost.peakInstances)),
  ].join('')}</div>`;
}

function outcomeBadge(r: RunResult): string {
  const cls = r.rollout.outcome === 'promoted' ? 'pass' : r.rollout.outcome === 'rolled-back' ? 'fail' : 'neutral';
  return `<span class="badge ${cls}">${esc(r.rollout.outcome.toUpperCase())}</span>`;
}

function causeTable(r: RunResult): string {
  const causes = rankCauses(r);
  const rows = causes.map((c) => `<tr><td><span class="swatch" style="background:${CAUSE_COLORS[c.cause]}"></span><code>${c.cause}</code></td>` +
    `<td>${fmtCount(c.count)}</td><td>${fmtPct(c.count / r.requests.dropped)}</td></tr>`);
  return `<table class="by-cause"><thead><tr><th>cause</th><th>dropped</th><th>share</th></tr></thead><tbody>${
    rows.join('') || '<tr><td colspan="3">no drops</td></tr>'}</tbody><tfoot><tr><td><b>total</b></td><td><b>${fmtCount(r.requests.dropped)}</b></td><td></td></tr></tfoot></table>`;
}

function stepTable(r: RunResult): string {
  const causes = DROP_CAUSES.filter((c) => r.rollout.steps.some((s) => (s.byCause?.[c] ?? 0) > 0));
  const head = `<tr><th>step</th><th>start</th><th>end</th>${causes.map((c) => `<th>${c}</th>`).join('')}<th>dropped</th></tr>`;
  const rows = r.rollout.steps.map((s) => `<tr data-step="${esc(s.name)}"><td>${esc(s.name)}</td><td>${fmtMs(s.startMs)}</td><td>${fmtMs(s.endMs)}</td>` +
    causes.map((c) => { const v = s.byCause?.[c] ?? 0; return `<td class="${v ? '' : 'zero'}">${fmtCount(v)}</td>`; }).join('') +
    `<td class="${s.dropped ? '' : 'zero'}"><b>${fmtCount(s.dropped)}</b></td></tr>`);
  const inSteps = r.rollout.steps.reduce((t, s) => t + s.dropped, 0);
  const outside = r.requests.dropped - inSteps;
  const extra = r.rollout.steps.length && outside > 0 ? `<tr><td colspan="${3 + causes.length}"><i>outside the rollout steps</i></td><td>${fmtCount(outside)}</td></tr>` : '';
  return `<table class="by-step"><thead>${head}</thead><tbody>${rows.join('') || `<tr><td colspan="4">no rollout steps</td></tr>`}${extra}</tbody></table>`;
}

function compareTableHtml(cmp: CompareResult): string {
  const best = bestRows(cmp);
  const pick = cheapestMeetingSlo(cmp);
  // The seeds meeting the SLO sit under the verdict, so the table fits the page.
  const head = `<tr><th>strategy</th><th>SLO (seeds meeting it)</th>${[...COMPARE_COLUMNS.map((c) => METRIC_LABELS[c]), FREQUENCY_LABELS[0]].map((l) => `<th>${esc(l)}</th>`).join('')}</tr>`;
  const rows = cmp.rows.map((row, i) => `<tr data-strategy="${esc(row.label)}"${i === pick ? ' class="pick"' : ''}><td><b>${esc(row.label)}</b>${i === pick ? ' <span class="badge pass" title="cheapest strategy meeting the SLO">✓ pick</span>' : ''}</td>` +
    `<td class="slo-verdict ${row.slo?.verdict ?? ''}" data-slo="${row.slo?.verdict ?? ''}">${esc(sloVerdictText(row))}` +
    `<br><small data-frequency="sloMet">${esc(fmtFrequency(row.frequencies?.sloMet))}</small></td>${COMPARE_COLUMNS.map((c) =>
    `<td class="${best[c]?.has(i) ? 'best' : ''}" data-metric="${c}">${esc(row.stats[c] ? fmtInterval(c, row.stats[c]) : '–')}</td>`).join('')}` +
    `<td data-frequency="anyDrops">${esc(fmtFrequency(row.frequencies?.anyDrops))}</td></tr>`);
  return `<table class="compare"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function compareCauseTableHtml(cmp: CompareResult): string {
  const d = dropsByCause(cmp);
  if (d.causes.length === 0) return '<p>No drops in any run.</p>';
  const head = `<tr><th>strategy</th>${d.causes.map((c) => `<th><span class="swatch" style="background:${CAUSE_COLORS[c]}"></span>${c}</th>`).join('')}</tr>`;
  const rows = d.rows.map((row) => `<tr data-strategy="${esc(row.label)}"><td><b>${esc(row.label)}</b></td>${row.byCause.map((i, k) =>
    `<td class="${i?.mean ? '' : 'zero'}" data-cause="${d.causes[k]}">${esc(i ? fmtInterval('dropped', i) : '–')}</td>`).join('')}</tr>`);
  return `<table class="compare-by-cause"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function maxDropRate(r: RunResult): number {
  const s = r.timeline.series;
  let max = 0;
  for (let i = 0; i < bucketCount(r); i++) {
    let t = 0;
    for (const c of DROP_CAUSES) t += s[`dropped.${c}`]?.[i] ?? 0;
    max = Math.max(max, perSecond(r, t), perSecond(r, s.dropped?.[i] ?? 0));
  }
  return max;
}

/**
 * Largest finite value (−∞ when none), by a loop: a series has one value per time bucket,
 * so a long run's would exceed the arguments a Math.max(...values) call can take.
 */
function finiteMax(values: readonly number[] | undefined): number {
  let max = -Infinity;
  for (const v of values ?? []) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The explanation's `code` spans as <code>, everything else escaped. */
function md(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}
