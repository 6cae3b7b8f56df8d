/**
 * The HTML report of a sweep: the table, and charts of the metrics against the varied
 * fields — line charts with the interval band for one field, heat maps for two. With three
 * or more fields a picture would hide most of the grid, so there is the table only.
 */
import type { SweepResult } from '../sim/result/sweep-result.ts';
import { esc, page } from './html.ts';
import { grid, LEGEND, title } from './sweep-table.ts';
import { renderSweepHeatmap, renderSweepLine, type SweepMetric } from './charts/sweep.ts';

const METRICS: SweepMetric[] = [
  { key: 'dropped', label: 'dropped requests' },
  { key: 'sloMet', label: 'seeds meeting the SLO' },
  { key: 'rolloutMs', label: 'rollout time (ms)' },
  { key: 'instanceSeconds', label: 'cost (instance-seconds)' },
];

export function renderSweepHtml(s: SweepResult): string {
  const g = grid(s);
  // The report's tables align right; the varied values and the verdict are words.
  const align = (i: number) => (g.right[i] ? '' : ' style="text-align:left"');
  const tableHtml = `<table class="compare"><thead><tr>${g.head.map((h, i) => `<th${align(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    g.rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${esc(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
  const body = [
    `<header class="top"><h1>${esc(s.scenario)}</h1><span class="sub">sweep · ${esc(title(s))}</span></header>`,
    `<section><h2>Points</h2><p class="note">${esc(LEGEND)}.</p><div class="table-scroll">${tableHtml}</div></section>`,
    charts(s),
  ];
  return page(`relsim · ${s.scenario} · sweep`, body.join('\n'));
}

function charts(s: SweepResult): string {
  if (s.vary.length > 2) return '<section><h2>Charts</h2><p class="note">Three or more varied fields: see the table (charts show one field as lines, two as heat maps).</p></section>';
  const one = s.vary.length === 1;
  const note = one
    ? `Mean over ${s.seeds.length} seeds against ${s.vary[0].path}; the band is the 95% interval (for seeds meeting the SLO, the exact interval of the probability).`
    : `Mean over ${s.seeds.length} seeds; rows ${s.vary[0].path}, columns ${s.vary[1].path}; green is better.`;
  const figures = METRICS.map((m) => `<figure><figcaption>${esc(m.label)}</figcaption>${one ? renderSweepLine(s, m) : renderSweepHeatmap(s, m)}</figure>`).join('');
  return `<section><h2>${one ? 'Against ' + esc(s.vary[0].path) : 'Heat maps'}</h2><p class="note">${esc(note)}</p><div class="grid">${figures}</div></section>`;
}
