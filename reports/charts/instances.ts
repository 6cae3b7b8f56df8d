/**
 * Instances per lifecycle state per version over time (`instances.<svc>.<ver>.<state>`),
 * one stacked panel per service: ready solid, starting pale, terminating hatched, in the
 * version's colour. Shows surge, capacity gaps and slow drains at a glance.
 */
import * as d3 from 'd3';
import type { RunResult } from '../../sim/result/run-result.ts';
import { type ChartOptions, type G, hatchPattern, headerHeight, legend, newChart, noData, stepBands, timeAxis, timeScale, valueAxis, type LegendItem } from './frame.ts';
import { versionColor } from './palette.ts';
import { instanceSeries, type InstanceSeries, versionsOf } from './series.ts';

const PANEL_H = 120;
const GAP = 30;

export function renderInstancesChart(r: RunResult, opts: ChartOptions = {}): string {
  const width = opts.width ?? 1160;
  const all = instanceSeries(r);
  const services = [...new Set(all.map((s) => s.service))];
  // Services whose instance counts never change are noise in a rollout picture.
  const changing = services.filter((svc) => all.some((s) => s.service === svc && (s.state !== 'ready' || new Set(s.values).size > 1)));
  const shown = changing.length ? changing : services.slice(0, 1);
  const title = opts.title ?? 'Instances per version and state';
  const colorOf = (s: { service: string; version: string }) =>
    versionColor(Math.max(0, versionsOf(r, s.service, all.filter((x) => x.service === s.service).map((x) => x.version)).indexOf(s.version)));
  const items: LegendItem[] = all.filter((x) => shown.includes(x.service)).map((s) => ({
    label: `${s.service} ${s.version} ${s.state}`,
    color: s.state === 'starting' ? lighten(colorOf(s)) : colorOf(s),
    shape: s.state === 'terminating' ? 'hatch' : 'swatch',
  }));
  const top = headerHeight(title, items, width);
  const height = top + Math.max(1, shown.length) * (PANEL_H + GAP) - GAP + 42;
  const chart = newChart('instances', title, width, height, { top, right: 24, bottom: 42, left: 64 });
  if (all.length === 0) return noData(chart, 'no instance series (instances.<service>.<version>.<state>) in this run');
  for (const s of all) if (s.state === 'terminating') hatchPattern(chart.svg, colorOf(s));
  legend(chart.svg, items, title, width);

  const x = d3.scaleLinear().domain([0, Math.max(...all.map((s) => s.values.length)) * r.timeline.bucketMs / 1000]).range([0, chart.innerWidth]);
  const xt = timeScale(x.domain()[1], chart.innerWidth);
  shown.forEach((svc, p) => {
    const list = all.filter((s) => s.service === svc);
    const panel = chart.plot.append('g').attr('class', 'panel').attr('data-service', svc).attr('transform', `translate(0,${p * (PANEL_H + GAP)})`) as unknown as G;
    stepBands(panel, r, xt, PANEL_H, p === 0);
    const n = Math.max(...list.map((s) => s.values.length));
    const totals = d3.range(n).map((i) => list.reduce((t, s) => t + (s.values[i] || 0), 0));
    const y = d3.scaleLinear().domain([0, Math.max(1, d3.max(totals) ?? 1)]).nice().range([PANEL_H, 0]);
    valueAxis(panel, y, chart.innerWidth, `${svc}: instances`, (v) => (Number.isInteger(v) ? String(v) : ''));
    drawStack(panel, r, list, x, y, colorOf, chart.svg);
    if (p === shown.length - 1) timeAxis(panel, xt, PANEL_H);
  });
  return chart.done();
}

function drawStack(panel: G, r: RunResult, list: InstanceSeries[], x: d3.ScaleLinear<number, number>, y: d3.ScaleLinear<number, number>,
  colorOf: (s: InstanceSeries) => string, svg: Parameters<typeof hatchPattern>[0]) {
  const n = Math.max(...list.map((s) => s.values.length));
  const base = new Array<number>(n + 1).fill(0);
  // Draw order bottom→top: ready of every version first, so capacity reads as one band.
  const ordered = [...list.filter((s) => s.state === 'ready'), ...list.filter((s) => s.state === 'starting'), ...list.filter((s) => s.state === 'terminating')];
  for (const s of ordered) {
    const vals = [...s.values, s.values[s.values.length - 1] ?? 0];
    const lo = base.slice();
    const hi = base.map((b, i) => b + (vals[i] || 0));
    for (let i = 0; i <= n; i++) base[i] = hi[i];
    const area = d3.area<number>().curve(d3.curveStepAfter).x((i) => x((i * r.timeline.bucketMs) / 1000)).y0((i) => y(lo[i])).y1((i) => y(hi[i]));
    const c = colorOf(s);
    panel.append('path').attr('class', 'series').attr('data-series', `instances.${s.service}.${s.version}.${s.state}`)
      .attr('d', area(d3.range(n + 1)) ?? '')
      .attr('fill', s.state === 'terminating' ? hatchPattern(svg, c) : s.state === 'starting' ? lighten(c) : c)
      .attr('stroke', s.state === 'ready' ? 'none' : c).attr('stroke-width', 0.6);
  }
}

function lighten(color: string): string {
  const c = d3.hsl(color);
  c.l = Math.min(0.88, c.l + 0.3);
  return c.formatHex();
}
