/**
 * Charts of a SweepResult: a metric against one varied field (a line through the means
 * with the 95% interval as a band), or against two (a heat map of the means, the value
 * written in each cell). The varied values are categories in command-line order (`0s`,
 * `25%`, `rolling`), so the x axis is a point scale, not a number line.
 */
import * as d3 from 'd3';
import type { SweepResult } from '../../sim/result/sweep-result.ts';
import type { Interval } from '../../sim/result/run-result.ts';
import { fmtMetric } from '../format.ts';
import { newChart, valueAxis } from './frame.ts';
import { GRID, INK, MUTED } from './palette.ts';

const LINE = '#C0392B';

export interface SweepMetric {
  /** A stats key (`dropped`, `dropped.refused`, `p99`…) or `sloMet` / `anyDrops` (a frequency). */
  key: string;
  label: string;
}

/** Mean and interval of a metric at a point: stats keys as they are, frequencies as p with their exact interval. */
export function metricAt(s: SweepResult, p: number, key: string): Interval {
  const point = s.points[p];
  if (key === 'sloMet' || key === 'anyDrops') {
    const f = point.frequencies[key];
    return { mean: f.p, lo: f.lo, hi: f.hi, n: f.n };
  }
  return point.stats[key];
}

/** The metric against the only varied field: mean line, interval band, points marked with data-*. */
export function renderSweepLine(s: SweepResult, m: SweepMetric, width = 580): string {
  const chart = newChart('sweep-line', '', width, 280, { top: 16, right: 24, bottom: 48, left: 64 });
  // The points' own values: a sampled sweep may have only some of the field's values.
  const labels = s.points.map((p) => p.values[s.vary[0].path]);
  const x = d3.scalePoint<string>().domain(labels).range([0, chart.innerWidth]).padding(0.3);
  const values = labels.map((_, p) => metricAt(s, p, m.key));
  const fraction = m.key === 'sloMet' || m.key === 'anyDrops';
  const top = fraction ? 1 : Math.max(1, d3.max(values, (v) => v.hi) ?? 1) * 1.08;
  const y = d3.scaleLinear().domain([0, top]).nice().range([chart.innerHeight, 0]);
  valueAxis(chart.plot, y, chart.innerWidth, m.label, fraction ? (v) => `${Math.round(v * 100)}%` : undefined);
  categoryAxis(chart, x, s.vary[0].path);
  const at = (i: number) => x(labels[i])!;
  const band = d3.area<Interval>().x((_, i) => at(i)).y0((v) => y(v.lo)).y1((v) => y(v.hi));
  chart.plot.append('path').attr('class', 'interval').attr('d', band(values) ?? '').attr('fill', LINE).attr('fill-opacity', 0.15);
  const line = d3.line<Interval>().x((_, i) => at(i)).y((v) => y(v.mean));
  chart.plot.append('path').attr('class', 'series').attr('d', line(values) ?? '').attr('fill', 'none').attr('stroke', LINE).attr('stroke-width', 2);
  values.forEach((v, i) => {
    chart.plot.append('circle').attr('class', 'point').attr('cx', at(i)).attr('cy', y(v.mean)).attr('r', 3.5).attr('fill', LINE)
      .attr('data-value', labels[i]).attr('data-mean', v.mean).attr('data-lo', v.lo).attr('data-hi', v.hi)
      .append('title').text(`${s.vary[0].path} = ${labels[i]}: ${fmt(m.key, v.mean)} (${fmt(m.key, v.lo)}–${fmt(m.key, v.hi)})`);
  });
  return chart.done();
}

/** The metric's mean over the two varied fields: rows the first field, columns the second. */
export function renderSweepHeatmap(s: SweepResult, m: SweepMetric, width = 580): string {
  const [rows, cols] = [s.vary[0], s.vary[1]];
  const height = Math.max(160, 40 + 28 * rows.values.length + 48);
  const chart = newChart('sweep-heatmap', '', width, height, { top: 16, right: 24, bottom: 48, left: 96 });
  const x = d3.scaleBand<string>().domain(cols.values).range([0, chart.innerWidth]).padding(0.04);
  const y = d3.scaleBand<string>().domain(rows.values).range([0, chart.innerHeight]).padding(0.04);
  const means = s.points.map((_, p) => metricAt(s, p, m.key).mean);
  const fraction = m.key === 'sloMet' || m.key === 'anyDrops';
  const [lo, hi] = fraction ? [0, 1] : [d3.min(means) ?? 0, d3.max(means) ?? 0];
  // Green is good: few drops, a short rollout, low cost, many seeds meeting the SLO. The
  // scale's pale middle (0.15–0.85 of RdYlGn) keeps the written values readable.
  const good = (v: number) => (m.key === 'sloMet' ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo));
  const color = (v: number) => (hi > lo ? d3.interpolateRdYlGn(0.15 + 0.7 * good(v)) : '#eef1f4');
  s.points.forEach((point, p) => {
    const [r, c] = [point.values[rows.path], point.values[cols.path]];
    const g = chart.plot.append('g').attr('class', 'cell').attr('data-row', r).attr('data-col', c).attr('data-mean', means[p]);
    g.append('rect').attr('x', x(c)!).attr('y', y(r)!).attr('width', x.bandwidth()).attr('height', y.bandwidth()).attr('fill', color(means[p]));
    g.append('text').attr('x', x(c)! + x.bandwidth() / 2).attr('y', y(r)! + y.bandwidth() / 2 + 4).attr('text-anchor', 'middle')
      .attr('font-size', 11).attr('fill', INK).text(fmt(m.key, means[p]));
  });
  const left = chart.plot.append('g').attr('class', 'axis axis-y').call(d3.axisLeft(y).tickSizeOuter(0));
  left.selectAll('text').attr('fill', MUTED);
  chart.plot.append('text').attr('transform', 'rotate(-90)').attr('x', 0).attr('y', -80).attr('text-anchor', 'end').attr('fill', MUTED).text(rows.path);
  categoryAxis(chart, x, cols.path);
  return chart.done();
}

function categoryAxis(chart: ReturnType<typeof newChart>, x: d3.ScalePoint<string> | d3.ScaleBand<string>, label: string) {
  const axis = chart.plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${chart.innerHeight})`).call(d3.axisBottom(x).tickSizeOuter(0));
  axis.selectAll('text').attr('fill', MUTED).attr('font-size', 11);
  axis.selectAll('line').attr('stroke', GRID);
  chart.plot.append('text').attr('class', 'axis-label').attr('x', chart.innerWidth).attr('y', chart.innerHeight + 38).attr('text-anchor', 'end').attr('fill', MUTED).text(label);
}

function fmt(key: string, v: number): string {
  if (key === 'sloMet' || key === 'anyDrops') return `${Math.round(v * 100)}%`;
  return fmtMetric(key.startsWith('dropped') ? 'dropped' : key, v);
}
