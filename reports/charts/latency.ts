/** p50 and p99 latency per time bucket, ms. Buckets without completed requests are gaps. */
import * as d3 from 'd3';
import type { RunResult } from '../../sim/result/run-result.ts';
import { type ChartOptions, headerHeight, legend, type LegendItem, newChart, noData, stepBands, timeAxis, timeScale, valueAxis } from './frame.ts';
import { bucketMidSeconds, durationSeconds } from './series.ts';

const P50 = '#5B7FA6';
const P99 = '#D55E00';

export function renderLatencyChart(r: RunResult, opts: ChartOptions = {}): string {
  const width = opts.width ?? 1160;
  const title = opts.title ?? 'Latency over time (p50, p99)';
  const items: LegendItem[] = [{ label: 'p50', color: P50, shape: 'line' }, { label: 'p99', color: P99, shape: 'line' }];
  const top = headerHeight(title, items, width);
  const chart = newChart('latency', title, width, top + 200 + 42, { top, right: 24, bottom: 42, left: 64 });
  const p50 = r.timeline.series.p50Ms;
  const p99 = r.timeline.series.p99Ms;
  if (!p50 && !p99) return noData(chart, 'no latency series (p50Ms, p99Ms) in this run');
  legend(chart.svg, items, title, width);
  const x = timeScale(durationSeconds(r), chart.innerWidth);
  stepBands(chart.plot, r, x, chart.innerHeight);
  const all = [...(p50 ?? []), ...(p99 ?? [])].filter(Number.isFinite);
  const y = d3.scaleLinear().domain([0, opts.yMax ?? Math.max(d3.max(all) ?? 1, 1) * 1.08]).nice().range([chart.innerHeight, 0]);
  valueAxis(chart.plot, y, chart.innerWidth, 'latency (ms)');
  timeAxis(chart.plot, x, chart.innerHeight);
  // A bucket with no completed request has no latency (the simulator may write 0): a gap.
  const ok = r.timeline.series.ok;
  const line = d3.line<number>().defined((v, i) => Number.isFinite(v) && v !== null && (!ok || ok[i] > 0)).x((_, i) => x(bucketMidSeconds(r, i))).y((v) => y(v));
  for (const [key, values, color] of [['p50Ms', p50, P50], ['p99Ms', p99, P99]] as const) {
    if (!values) continue;
    chart.plot.append('path').attr('class', 'series').attr('data-series', key).attr('d', line(values) ?? '')
      .attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
  }
  return chart.done();
}
