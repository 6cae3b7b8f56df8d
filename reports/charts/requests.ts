/**
 * Offered vs ok (req/s, lines) above, and dropped requests stacked by cause (req/s, bars)
 * below: drops are usually far smaller than traffic, so they get their own scale.
 * One <g data-series="dropped.<cause>"> per cause that occurred.
 */
import * as d3 from 'd3';
import { DROP_CAUSES, type RunResult } from '../../sim/result/run-result.ts';
import { type ChartOptions, headerHeight, legend, type LegendItem, newChart, noData, stepBands, timeAxis, timeScale, valueAxis } from './frame.ts';
import { CAUSE_COLORS, OFFERED, OK } from './palette.ts';
import { bucketCount, bucketMidSeconds, durationSeconds, perSecond } from './series.ts';

export function renderRequestsChart(r: RunResult, opts: ChartOptions = {}): string {
  const width = opts.width ?? 1160;
  const s = r.timeline.series;
  const title = opts.title ?? 'Requests: offered vs ok, and dropped by cause';
  const causes = DROP_CAUSES.filter((c) => (s[`dropped.${c}`] ?? []).some((v) => v > 0));
  const items: LegendItem[] = [
    { label: 'offered', color: OFFERED, shape: 'dashed' },
    { label: 'ok', color: OK, shape: 'line' },
    ...causes.map((c) => ({ label: `dropped: ${c}`, color: CAUSE_COLORS[c] })),
  ];
  const top = headerHeight(title, items, width);
  const chart = newChart('requests', title, width, top + 360 + 42, { top, right: 24, bottom: 42, left: 64 });
  const n = bucketCount(r);
  if (!s.offered && !s.ok && !s.dropped) return noData(chart, 'no offered/ok/dropped series in this run');
  legend(chart.svg, items, title, width);

  const x = timeScale(durationSeconds(r), chart.innerWidth);
  const gap = 22;
  const topH = Math.round((chart.innerHeight - gap) * 0.55);
  const botH = chart.innerHeight - gap - topH;

  // Top panel: offered and ok, req/s.
  const upper = chart.plot.append('g').attr('class', 'panel panel-traffic');
  stepBands(upper, r, x, topH);
  const rate = (k: string) => (s[k] ?? []).map((v) => perSecond(r, v));
  const yTop = d3.scaleLinear().domain([0, (d3.max([...rate('offered'), ...rate('ok')]) ?? 1) * 1.08 || 1]).nice().range([topH, 0]);
  valueAxis(upper, yTop, chart.innerWidth, 'requests / s');
  const line = d3.line<number>().defined((v) => Number.isFinite(v)).x((_, i) => x(bucketMidSeconds(r, i))).y((v) => yTop(v));
  for (const [key, color, dash] of [['offered', OFFERED, '5 3'], ['ok', OK, null]] as const) {
    if (!s[key]) continue;
    upper.append('path').attr('class', 'series').attr('data-series', key).attr('d', line(rate(key)) ?? '')
      .attr('fill', 'none').attr('stroke', color).attr('stroke-width', key === 'ok' ? 2 : 1.5).attr('stroke-dasharray', dash);
  }
  upper.append('g').attr('transform', `translate(0,${topH})`).call(d3.axisBottom(x).ticks(10).tickFormat(() => '').tickSizeOuter(0))
    .call((g) => g.selectAll('line,path').attr('stroke', '#b8c0c8'));

  // Bottom panel: drops stacked by cause, per second.
  const bot = chart.plot.append('g').attr('class', 'panel panel-drops').attr('transform', `translate(0,${topH + gap})`);
  stepBands(bot, r, x, botH, false);
  const totals = Array.from({ length: n }, (_, i) => causes.reduce((t, c) => t + perSecond(r, s[`dropped.${c}`]?.[i] ?? 0), 0));
  const fallbackTotal = rate('dropped');
  const yMax = opts.yMax ?? Math.max(d3.max(totals) ?? 0, d3.max(fallbackTotal) ?? 0, 1);
  const yBot = d3.scaleLinear().domain([0, yMax]).nice().range([botH, 0]);
  valueAxis(bot, yBot, chart.innerWidth, 'dropped / s');
  timeAxis(bot, x, botH);
  const barW = Math.max(1, x(r.timeline.bucketMs / 1000) - x(0) - (n > 200 ? 0 : 1));
  const stackBase = new Array<number>(n).fill(0);
  for (const c of causes) {
    const g = bot.append('g').attr('class', 'series').attr('data-series', `dropped.${c}`).attr('fill', CAUSE_COLORS[c]);
    const values = s[`dropped.${c}`];
    values.forEach((count, i) => {
      if (!(count > 0)) return;
      const v = perSecond(r, count);
      const y0 = stackBase[i];
      stackBase[i] += v;
      g.append('rect').attr('x', x((i * r.timeline.bucketMs) / 1000)).attr('width', barW)
        .attr('y', yBot(y0 + v)).attr('height', Math.max(0.5, yBot(y0) - yBot(y0 + v))).attr('data-bucket', i).attr('data-value', v);
    });
  }
  if (causes.length === 0) {
    bot.append('text').attr('x', chart.innerWidth / 2).attr('y', botH / 2).attr('text-anchor', 'middle').attr('fill', OK)
      .attr('font-weight', 600).text(r.requests.dropped > 0 ? `${r.requests.dropped} dropped (no per-cause series)` : 'no requests dropped');
  }
  return chart.done();
}
