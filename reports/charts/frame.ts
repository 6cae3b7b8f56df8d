/**
 * The common frame of every chart: one shared jsdom document (d3-node) so a report with
 * dozens of charts does not build dozens of DOMs, an SVG with a viewBox (it scales with the
 * page), a title, a legend row, time axes in seconds with the rollout steps as bands.
 * Charts mark their data with data-* attributes so tests can read values back.
 */
import * as d3 from 'd3';
import { D3Node } from 'd3-node';
import type { RunResult } from '../../sim/result/run-result.ts';
import { BAND, GRID, INK, MUTED } from './palette.ts';

export type G = d3.Selection<SVGGElement, unknown, null, undefined>;
export type Svg = d3.Selection<SVGSVGElement, unknown, null, undefined>;

export interface ChartOptions {
  /** Drawing width in px (the SVG scales down with the page). */
  width?: number;
  /** Shared y maximum, so small multiples compare at the same scale. */
  yMax?: number;
  /** Omit the chart's own title (the HTML puts it in a caption). */
  title?: string;
}

export const MARGIN = { top: 44, right: 24, bottom: 42, left: 64 };
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

let shared: D3Node | undefined;

export interface Chart {
  svg: Svg;
  /** The plot area, translated by the margins. */
  plot: G;
  innerWidth: number;
  innerHeight: number;
  /** Serialize and detach. */
  done(): string;
}

export function newChart(kind: string, title: string, width: number, height: number, margin = MARGIN): Chart {
  shared ??= new D3Node();
  const holder = shared.d3Element.append('div');
  const svg = holder.append('svg')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('class', `chart chart-${kind}`)
    .attr('data-chart', kind)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('width', width)
    .attr('height', height)
    .attr('role', 'img')
    .attr('aria-label', title)
    .attr('font-family', FONT)
    .attr('font-size', 12)
    .attr('fill', INK) as unknown as Svg;
  svg.append('title').text(title || kind);
  if (title) svg.append('text').attr('class', 'chart-title').attr('x', 0).attr('y', 16).attr('font-size', 14).attr('font-weight', 600).text(title);
  const plot = svg.append('g').attr('class', 'plot').attr('transform', `translate(${margin.left},${margin.top})`)
    .attr('data-plot-width', width - margin.left - margin.right)
    .attr('data-plot-height', height - margin.top - margin.bottom) as unknown as G;
  return {
    svg, plot,
    innerWidth: width - margin.left - margin.right,
    innerHeight: height - margin.top - margin.bottom,
    done() {
      const node = svg.node() as SVGSVGElement;
      const text = node.outerHTML;
      holder.remove();
      return text;
    },
  };
}

export function timeScale(seconds: number, innerWidth: number) {
  return d3.scaleLinear().domain([0, seconds]).range([0, innerWidth]);
}

/** Bottom time axis in seconds with light vertical grid lines. */
export function timeAxis(plot: G, x: d3.ScaleLinear<number, number>, innerHeight: number, label = 'time (s)') {
  const axis = plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerHeight})`)
    .call(d3.axisBottom(x).ticks(10).tickSizeOuter(0));
  styleAxis(axis);
  plot.append('text').attr('class', 'axis-label').attr('x', x.range()[1]).attr('y', innerHeight + 34)
    .attr('text-anchor', 'end').attr('fill', MUTED).text(label);
}

/** Left axis with horizontal grid lines and a unit label. */
export function valueAxis(plot: G, y: d3.ScaleLinear<number, number>, innerWidth: number, label: string, format?: (v: number) => string) {
  const ax = d3.axisLeft(y).ticks(5).tickSizeOuter(0);
  if (format) ax.tickFormat((v) => format(Number(v)));
  plot.append('g').attr('class', 'grid').call(d3.axisLeft(y).ticks(5).tickSize(-innerWidth).tickFormat(() => ''))
    .call((g) => g.select('.domain').remove())
    .call((g) => g.selectAll('line').attr('stroke', GRID));
  styleAxis(plot.append('g').attr('class', 'axis axis-y').call(ax));
  plot.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)').attr('x', 0).attr('y', -48)
    .attr('text-anchor', 'end').attr('fill', MUTED).text(label);
}

function styleAxis(axis: d3.Selection<SVGGElement, unknown, null, undefined>) {
  axis.selectAll('text').attr('fill', MUTED).attr('font-size', 11);
  axis.selectAll('line').attr('stroke', '#b8c0c8');
  axis.select('.domain').attr('stroke', '#b8c0c8');
}

/** The rollout steps as alternating light bands with their names, behind the data. */
export function stepBands(plot: G, r: RunResult, x: d3.ScaleLinear<number, number>, innerHeight: number, labels = true) {
  const g = plot.append('g').attr('class', 'step-bands');
  const [x0, x1] = x.range();
  r.rollout.steps.forEach((s, i) => {
    const a = Math.max(x0, x(s.startMs / 1000));
    const b = Math.min(x1, x(s.endMs / 1000));
    if (!(b > a)) return;
    g.append('rect').attr('x', a).attr('y', 0).attr('width', b - a).attr('height', innerHeight)
      .attr('fill', i % 2 ? '#ffffff' : BAND).attr('data-step', s.name);
    g.append('line').attr('x1', a).attr('x2', a).attr('y1', 0).attr('y2', innerHeight).attr('stroke', '#c9d1d9').attr('stroke-dasharray', '3 3');
    if (labels && b - a > 28) {
      g.append('text').attr('class', 'step-label').attr('x', a + 3).attr('y', -5).attr('font-size', 10).attr('fill', MUTED)
        .text(clip(s.name, Math.floor((b - a - 6) / 5.5)));
    }
  });
}

export interface LegendItem { label: string; color: string; shape?: 'swatch' | 'line' | 'dashed' | 'hatch' }

/**
 * Top margin for a chart: title line, legend rows, and a row for the step labels, which
 * sit above the plot so they never cover data.
 */
export function headerHeight(title: string | undefined, items: LegendItem[], width: number): number {
  return legendTop(title) + (items.length ? legendRows(items, width) * 16 : 0) + 14;
}

export function legendTop(title: string | undefined): number {
  return title ? 36 : 10;
}

function legendRows(items: LegendItem[], maxWidth: number): number {
  let rows = 1;
  let cx = 0;
  for (const item of items) {
    const w = legendItemWidth(item);
    if (cx > 0 && cx + w > maxWidth) { cx = 0; rows++; }
    cx += w;
  }
  return rows;
}

function legendItemWidth(item: LegendItem): number {
  return 22 + item.label.length * 6.6 + 14;
}

/** The legend under the title (at legendTop); wraps when wider than the chart. */
export function legend(svg: Svg, items: LegendItem[], title: string | undefined, maxWidth: number) {
  const g = svg.append('g').attr('class', 'legend').attr('transform', `translate(0,${legendTop(title)})`);
  let cx = 0;
  let cy = 0;
  for (const item of items) {
    const w = legendItemWidth(item);
    if (cx > 0 && cx + w > maxWidth) { cx = 0; cy += 16; }
    const it = g.append('g').attr('class', 'legend-item').attr('data-label', item.label).attr('transform', `translate(${cx},${cy})`);
    if (item.shape === 'line' || item.shape === 'dashed') {
      it.append('line').attr('x1', 0).attr('x2', 16).attr('y1', 0).attr('y2', 0).attr('stroke', item.color).attr('stroke-width', 2.5)
        .attr('stroke-dasharray', item.shape === 'dashed' ? '5 3' : null);
    } else {
      it.append('rect').attr('x', 0).attr('y', -6).attr('width', 16).attr('height', 12).attr('rx', 2)
        .attr('fill', item.shape === 'hatch' ? `url(#hatch-${cssId(item.color)})` : item.color)
        .attr('stroke', item.shape === 'hatch' ? item.color : 'none');
    }
    it.append('text').attr('x', 22).attr('y', 4).attr('font-size', 11.5).text(item.label);
    cx += w;
  }
  return cy + 16;
}

/** A diagonal hatch in a colour (for "terminating"): reads in greyscale print too. */
export function hatchPattern(svg: Svg, color: string): string {
  const id = `hatch-${cssId(color)}`;
  let defs = svg.select<SVGDefsElement>('defs');
  if (defs.empty()) defs = svg.insert('defs', ':first-child') as unknown as d3.Selection<SVGDefsElement, unknown, null, undefined>;
  if (defs.select(`#${id}`).empty()) {
    const p = defs.append('pattern').attr('id', id).attr('patternUnits', 'userSpaceOnUse').attr('width', 6).attr('height', 6)
      .attr('patternTransform', 'rotate(45)');
    p.append('rect').attr('width', 6).attr('height', 6).attr('fill', color).attr('fill-opacity', 0.18);
    p.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 6).attr('stroke', color).attr('stroke-width', 2.5);
  }
  return `url(#${id})`;
}

/** A note in place of a chart whose series the run did not record. */
export function noData(chart: Chart, message: string) {
  chart.plot.append('text').attr('class', 'no-data').attr('x', chart.innerWidth / 2).attr('y', chart.innerHeight / 2)
    .attr('text-anchor', 'middle').attr('fill', MUTED).text(message);
  return chart.done();
}

export function cssId(s: string): string {
  return s.replace(/[^a-zA-Z0-9_-]/g, '_');
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : max <= 1 ? '' : s.slice(0, max - 1) + '…';
}
