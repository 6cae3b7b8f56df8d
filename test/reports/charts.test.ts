import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare, buildRun } from './fixtures.ts';
import { renderRequestsChart } from '../../reports/charts/requests.ts';
import { renderShareChart } from '../../reports/charts/traffic-share.ts';
import { renderInstancesChart } from '../../reports/charts/instances.ts';
import { renderLatencyChart } from '../../reports/charts/latency.ts';
import { renderRolloutTimeline } from '../../reports/charts/rollout-timeline.ts';
import { renderTopology } from '../../reports/charts/topology.ts';
import { renderCompareHtml, renderRunHtml } from '../../reports/html.ts';

const drops = [
  { bucket: 21, cause: 'refused' as const, count: 40 }, { bucket: 31, cause: 'refused' as const, count: 23 },
  { bucket: 22, cause: 'timeout' as const, count: 30 }, { bucket: 12, cause: 'reset' as const, count: 7 },
];

/** The element (open tag through its matching close) carrying data-series="name". */
function seriesElement(svg: string, name: string): string | undefined {
  const m = new RegExp(`<(path|g)[^>]*data-series="${name.replace(/\./g, '\\.')}"[^>]*>`).exec(svg);
  if (!m) return undefined;
  if (m[1] === 'path') return m[0];
  const end = svg.indexOf('</g>', m.index);
  return svg.slice(m.index, end);
}

function points(d: string): [number, number][] {
  return [...d.matchAll(/(-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** y of a step-shaped polyline at pixel x (the horizontal segment that covers x). */
function yAt(pts: [number, number][], x: number): number {
  for (let k = 0; k + 1 < pts.length; k++) {
    const [x0, y0] = pts[k];
    const [x1, y1] = pts[k + 1];
    if (y0 === y1 && Math.min(x0, x1) <= x && x <= Math.max(x0, x1)) return y0;
  }
  throw new Error(`no horizontal segment at x=${x}`);
}

test('drop chart: exactly one series per cause that occurred, bars summing to the drops', () => {
  const svg = renderRequestsChart(buildRun({ drops }));
  const series = [...svg.matchAll(/data-series="(dropped\.[^"]+)"/g)].map((m) => m[1]);
  assert.equal(series.sort(), ['dropped.refused', 'dropped.reset', 'dropped.timeout']);
  const refused = seriesElement(svg, 'dropped.refused')!;
  const values = [...refused.matchAll(/data-value="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(values, [40, 23]);
  assert.match(svg, /data-label="dropped: timeout"/);
  assert.not.match(svg, /dropped: error/);
  assert.match(svg, />requests \/ s</);
  assert.match(svg, />dropped \/ s</);
});

test('drop chart: per-second values scale with the bucket width', () => {
  const svg = renderRequestsChart(buildRun({ bucketMs: 500, drops: [{ bucket: 3, cause: 'error', count: 10 }] }));
  assert.match(seriesElement(svg, 'dropped.error')!, /data-value="20"/);
  assert.match(renderRequestsChart(buildRun()), /no requests dropped/);
});

test('share chart: band thickness at each step equals the share in the RunResult', () => {
  const r = buildRun();
  const svg = renderShareChart(r);
  const plotW = Number(/data-plot-width="([\d.]+)"/.exec(svg)![1]);
  const panelH = Number(/data-panel-height="([\d.]+)"/.exec(svg)![1]);
  const seconds = 50; // 50 buckets of 1 s
  assert.match(svg, /data-service="a"/);
  assert.not.match(svg, /data-service="b"/); // b never changes version
  for (const version of ['v1', 'v2']) {
    const d = /d="([^"]+)"/.exec(seriesElement(svg, `share.a.${version}`)!)![1];
    const pts = points(d);
    const top = pts.slice(0, pts.length / 2);
    const bottom = pts.slice(pts.length / 2);
    for (const step of r.rollout.steps) {
      const bucket = step.startMs / 1000 + 2;
      const x = ((bucket + 0.5) / seconds) * plotW;
      const share = (yAt(bottom, x) - yAt(top, x)) / panelH;
      const expected = r.timeline.series[`share.a.${version}`][bucket];
      assert.ok(Math.abs(share - expected) < 0.01, `${version} at ${step.name}: drew ${share}, RunResult ${expected}`);
    }
  }
});

test('instances chart: a series per state that occurred; terminating is hatched', () => {
  const svg = renderInstancesChart(buildRun());
  for (const k of ['instances.a.v1.ready', 'instances.a.v1.terminating', 'instances.a.v2.starting', 'instances.a.v2.ready']) {
    assert.ok(seriesElement(svg, k), k);
  }
  assert.match(seriesElement(svg, 'instances.a.v1.terminating')!, /fill="url\(#hatch-/);
  assert.match(svg, /<pattern id="hatch-/);
});

test('latency chart: p99 line reaches the highest p99 bucket', () => {
  const r = buildRun({ drops, p99: 80 });
  const svg = renderLatencyChart(r);
  const pts = points(/d="([^"]+)"/.exec(seriesElement(svg, 'p99Ms')!)![1]);
  assert.is(pts.length, 50);
  const ys = pts.map((p) => p[1]);
  // 120 ms buckets are drawn higher (smaller y) than 80 ms ones, at the buckets with drops
  assert.ok(ys[21] < ys[5], 'drop bucket is higher');
  assert.is(ys[21], Math.min(...ys));
  assert.match(svg, />latency \(ms\)</);
});

test('latency chart: buckets with no ok request are gaps, not 0 ms', () => {
  const r = buildRun();
  for (let i = 10; i < 15; i++) { r.timeline.series.ok[i] = 0; r.timeline.series.p99Ms[i] = 0; }
  const d = /d="([^"]+)"/.exec(seriesElement(renderLatencyChart(r), 'p99Ms')!)![1];
  assert.is((d.match(/M/g) ?? []).length, 2);
  assert.is(points(d).length, 45);
});

test('rollout timeline: one bar per step with its drops', () => {
  const svg = renderRolloutTimeline(buildRun({ drops }));
  const steps = [...svg.matchAll(/class="step" data-step="([^"]+)" data-dropped="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
  assert.equal(steps, [['setWeight 10', 7], ['setWeight 50', 70], ['setWeight 100', 23]]);
  assert.match(svg, /canary: promoted after 30 s/);
});

test('topology: services, versions, lane versions and observed lane paths', () => {
  const svg = renderTopology(buildRun({ lanes: { gray: { requests: 500, paths: { 'a:v2>b:v1': 480, 'a:v1>b:v1': 20 } } } }));
  assert.equal([...svg.matchAll(/class="service" data-service="([^"]+)"/g)].map((m) => m[1]), ['a', 'b']);
  assert.match(svg, /v2 · lane gray/);
  assert.match(svg, /a:v2  →  b:v1 {4}480 \(96%\)/);
  assert.is((svg.match(/class="call"/g) ?? []).length, 2); // gateway → a, a → b
});

test('missing series and topology render a note instead of failing', () => {
  const r = buildRun();
  r.timeline.series = {};
  delete r.meta;
  for (const svg of [renderRequestsChart(r), renderShareChart(r), renderInstancesChart(r), renderLatencyChart(r), renderTopology(r)]) {
    assert.match(svg, /^<svg/);
    assert.match(svg, /class="no-data"/);
  }
});

test('run HTML is self-contained: no scripts, no external fetches, every chart present', () => {
  const html = renderRunHtml(buildRun({ drops, maxStaleSendMs: 4800 }));
  assert.not.match(html, /<script/i);
  assert.not.match(html, /(src|href)="(https?:)?\/\//i);
  assert.not.match(html, /@import|url\(http/i);
  for (const kind of ['topology', 'rollout', 'share', 'instances', 'requests', 'latency']) assert.match(html, new RegExp(`data-chart="${kind}"`));
  assert.match(html, /<code>refused<\/code>: callers kept sending/);
  assert.match(html, /<tr data-step="setWeight 50"><td>setWeight 50<\/td><td>20 s<\/td><td>30 s<\/td><td class="">40<\/td><td class="zero">0<\/td><td class="">30<\/td>/);
  assert.match(html, /@media print/);
});

test('compare HTML: small multiples per strategy and the best value marked', () => {
  const cmp = buildCompare([
    { strategy: 'rolling', runs: [{ drops }, { drops }] },
    { strategy: 'canary', runs: [{}, {}] },
  ]);
  const html = renderCompareHtml(cmp);
  assert.is((html.match(/data-chart="requests"/g) ?? []).length, 2);
  assert.is((html.match(/data-chart="topology"/g) ?? []).length, 1);
  // the fixture's rows carry no SLO verdict: that column shows –
  assert.match(html, /<tr data-strategy="canary"><td><b>canary<\/b><\/td><td class="slo-verdict " data-slo="">–<br><small data-frequency="sloMet">–<\/small><\/td><td class="best" data-metric="dropped">0<\/td>/);
  assert.match(html, /<tr data-strategy="rolling"><td><b>rolling<\/b><\/td><td class="slo-verdict " data-slo="">–<br><small data-frequency="sloMet">–<\/small><\/td><td class="" data-metric="dropped">100<\/td>/);
});

test.run();
