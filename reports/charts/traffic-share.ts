/**
 * Traffic share per version over time, one stacked-area panel per released service
 * (fractions 0–1 per bucket from `share.<service>.<version>`). Each area carries
 * data-series; its upper and lower edges are the cumulative shares, so the band's
 * thickness at a bucket is that version's share there.
 */
import * as d3 from 'd3';
import type { RunResult } from '../../sim/result/run-result.ts';
import { type ChartOptions, type G, headerHeight, legend, type LegendItem, newChart, noData, stepBands, timeAxis, timeScale, valueAxis } from './frame.ts';
import { versionColor } from './palette.ts';
import { durationSeconds, shareSeries, versionsOf, type ShareSeries } from './series.ts';

const PANEL_H = 130;
const GAP = 30;

export function renderShareChart(r: RunResult, opts: ChartOptions = {}): string {
  const width = opts.width ?? 1160;
  const all = shareSeries(r);
  const services = [...new Set(all.map((s) => s.service))];
  // A service that stayed on one version the whole run says nothing here; list it instead.
  const moving = services.filter((svc) => all.filter((s) => s.service === svc).some((s) => s.values.some((v) => v > 0 && v < 1) || s.values.some((v) => v === 0)));
  const shown = moving.length ? moving : services.slice(0, 1);
  const title = opts.title ?? 'Traffic share per version';
  const items: LegendItem[] = all.filter((s) => shown.includes(s.service))
    .map((s) => ({ label: `${s.service} ${s.version}`, color: colorFor(r, all, s.service, s.version) }));
  const top = headerHeight(title, items, width);
  const height = top + Math.max(1, shown.length) * (PANEL_H + GAP) - GAP + 42;
  const chart = newChart('share', title, width, height, { top, right: 24, bottom: 42, left: 64 });
  if (all.length === 0) return noData(chart, 'no traffic share series (share.<service>.<version>) in this run');
  legend(chart.svg, items, title, width);

  const x = timeScale(durationSeconds(r), chart.innerWidth);
  shown.forEach((svc, p) => {
    const panel = chart.plot.append('g').attr('class', 'panel').attr('data-service', svc).attr('transform', `translate(0,${p * (PANEL_H + GAP)})`)
      .attr('data-panel-height', PANEL_H) as unknown as G;
    stepBands(panel, r, x, PANEL_H, p === 0);
    const y = d3.scaleLinear().domain([0, 1]).range([PANEL_H, 0]);
    valueAxis(panel, y, chart.innerWidth, `${svc}: share`, (v) => `${Math.round(v * 100)}%`);
    drawStack(panel, r, all.filter((s) => s.service === svc), x, y);
    if (p === shown.length - 1) timeAxis(panel, x, PANEL_H);
  });
  return chart.done();
}

function drawStack(panel: G, r: RunResult, list: ShareSeries[], x: d3.ScaleLinear<number, number>, y: d3.ScaleLinear<number, number>) {
  // Bucket values are averages over the bucket: drawn as steps over bucket edges, with
  // the last value repeated to close the final bucket.
  const n = Math.max(...list.map((s) => s.values.length));
  const base = new Array<number>(n + 1).fill(0);
  for (const s of list) {
    const vals = [...s.values, s.values[s.values.length - 1]];
    const lo = base.slice();
    const hi = base.map((b, i) => b + (Number.isFinite(vals[i]) ? vals[i] : 0));
    for (let i = 0; i <= n; i++) base[i] = hi[i];
    const area = d3.area<number>().curve(d3.curveStepAfter).x((i) => x((i * r.timeline.bucketMs) / 1000)).y0((i) => y(lo[i])).y1((i) => y(hi[i]));
    panel.append('path').attr('class', 'series').attr('data-series', `share.${s.service}.${s.version}`)
      .attr('d', area(d3.range(n + 1)) ?? '').attr('fill', colorFor(r, list, s.service, s.version)).attr('fill-opacity', 0.85)
      .attr('stroke', '#fff').attr('stroke-width', 0.5);
  }
}

function colorFor(r: RunResult, all: ShareSeries[], service: string, version: string): string {
  const versions = versionsOf(r, service, all.filter((s) => s.service === service).map((s) => s.version));
  return versionColor(Math.max(0, versions.indexOf(version)));
}
