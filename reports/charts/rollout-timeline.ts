/**
 * The rollout as a Gantt strip: one bar per step over the same time axis as the other
 * charts, the step's drops written beside it (red when non-zero), and the whole rollout
 * window with its outcome on top.
 */
import * as d3 from 'd3';
import type { RunResult } from '../../sim/result/run-result.ts';
import { fmtCount, fmtMs } from '../format.ts';
import { type ChartOptions, newChart, noData, timeAxis, timeScale } from './frame.ts';
import { CAUSE_COLORS, MUTED } from './palette.ts';
import { durationSeconds } from './series.ts';

const OUTCOME_COLORS = { promoted: '#2E9E6A', 'rolled-back': '#D55E00', none: MUTED };

export function renderRolloutTimeline(r: RunResult, opts: ChartOptions = {}): string {
  const width = opts.width ?? 1160;
  const steps = r.rollout.steps;
  const rowH = steps.length > 12 ? Math.max(12, Math.floor(300 / steps.length)) : 24;
  const title = opts.title ?? 'Rollout steps';
  const top = title ? 36 : 10;
  const height = top + 26 + Math.max(1, steps.length) * rowH + 42;
  const chart = newChart('rollout', title, width, height, { top, right: 24, bottom: 42, left: 64 });
  if (steps.length === 0 && r.rollout.outcome === 'none') return noData(chart, 'no rollout in this run');
  const x = timeScale(durationSeconds(r), chart.innerWidth);
  const { plot } = chart;

  // Whole rollout window with its outcome.
  const a = x(r.rollout.startMs / 1000);
  const b = Math.max(a + 2, x(r.rollout.endMs / 1000));
  const oc = OUTCOME_COLORS[r.rollout.outcome];
  plot.append('line').attr('class', 'rollout-window').attr('x1', a).attr('x2', b).attr('y1', 8).attr('y2', 8).attr('stroke', oc).attr('stroke-width', 4).attr('stroke-linecap', 'round');
  const label = `${r.strategy}: ${r.rollout.outcome} after ${fmtMs(r.rollout.endMs - r.rollout.startMs)}`;
  const labelW = label.length * 6.8;
  const fitsRight = b + 8 + labelW < chart.innerWidth;
  const fitsLeft = a - 8 - labelW > 0;
  plot.append('text').attr('class', 'rollout-label')
    .attr('x', fitsRight ? b + 8 : fitsLeft ? a - 8 : Math.max(0, Math.min(a, chart.innerWidth - labelW)))
    .attr('y', fitsRight || fitsLeft ? 12 : 0).attr('text-anchor', fitsRight || !fitsLeft ? 'start' : 'end')
    .attr('font-weight', 600).attr('fill', oc).text(label);

  const maxDropped = d3.max(steps, (s) => s.dropped) ?? 0;
  const rows = plot.append('g').attr('transform', 'translate(0,26)');
  steps.forEach((s, i) => {
    const y = i * rowH;
    const x0 = x(s.startMs / 1000);
    const x1 = Math.max(x0 + 2, x(s.endMs / 1000));
    const g = rows.append('g').attr('class', 'step').attr('data-step', s.name).attr('data-dropped', s.dropped);
    g.append('rect').attr('x', x0).attr('y', y + 2).attr('width', x1 - x0).attr('height', rowH - 4).attr('rx', 3)
      .attr('fill', s.dropped > 0 ? '#f6d3c1' : '#d6e0ea').attr('stroke', s.dropped > 0 ? CAUSE_COLORS.refused : '#9fb3c8');
    // Width of the red fill ∝ this step's share of the worst step's drops.
    if (s.dropped > 0 && maxDropped > 0) {
      g.append('rect').attr('x', x0).attr('y', y + 2).attr('width', Math.max(2, (x1 - x0) * (s.dropped / maxDropped))).attr('height', rowH - 4)
        .attr('rx', 3).attr('fill', CAUSE_COLORS.refused).attr('fill-opacity', 0.55);
    }
    const text = `${s.name}${s.dropped > 0 ? ` · ${fmtCount(s.dropped)} dropped` : ''}`;
    const right = x1 + 6 + text.length * 6.3 < chart.innerWidth;
    g.append('text').attr('x', right ? x1 + 6 : x0 - 6).attr('y', y + rowH / 2 + 4).attr('text-anchor', right ? 'start' : 'end')
      .attr('font-size', rowH < 18 ? 10 : 12).attr('fill', s.dropped > 0 ? '#a33c00' : '#1f2933').text(text);
  });
  timeAxis(rows, x, Math.max(1, steps.length) * rowH);
  return chart.done();
}
