import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FRACTION, frequenciesOf, interval, NON_NEGATIVE, summarizeRuns, tQuantile975, SUMMARY_METRICS } from '../../reports/stats.ts';
import { proportion } from '../../reports/proportion.ts';
import { lineProgress } from '../../reports/progress.ts';
import { emptyByCause, type RunResult } from '../../sim/result/run-result.ts';

const close = (a: number, b: number, eps = 1e-3) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('interval: n=1 collapses to the mean', () => {
  assert.equal(interval([7]), { mean: 7, lo: 7, hi: 7, n: 1, median: 7, min: 7, max: 7 });
});

test('interval: known t interval for 5 values', () => {
  // mean 3, sd = sqrt(2.5), t(0.975,4)=2.776 → half = 2.776*sqrt(2.5/5) = 1.9629
  const i = interval([1, 2, 3, 4, 5]);
  close(i.mean, 3);
  close(i.hi - i.mean, 1.9629);
  close(i.mean - i.lo, 1.9629);
  assert.is(i.n, 5);
});

test('interval: identical values give a zero-width interval', () => {
  const i = interval([4, 4, 4]);
  assert.is(i.lo, 4); assert.is(i.hi, 4);
});

test('tQuantile975 is continuous past the table', () => {
  assert.ok(tQuantile975(31) < tQuantile975(30) && tQuantile975(31) > 2.03);
  close(tQuantile975(1000), 1.962, 2e-3);
});

function run(dropped: number, refused: number, p99: number): RunResult {
  const byCause = emptyByCause(); byCause.refused = refused; byCause.timeout = dropped - refused;
  return {
    schema: 'relsim.run/1', scenario: 's', strategy: 'rolling', seed: 1, platform: 'sim',
    requests: { offered: 1000, ok: 1000 - dropped, dropped, inFlightAtEnd: 0, byCause },
    latencyMs: { p50: 1, p90: 2, p99, p999: p99, max: p99 },
    rollout: { startMs: 1000, endMs: 31000, outcome: 'promoted', finished: true, steps: [] },
    cost: { instanceSeconds: 100, peakInstances: 4 }, lanes: {},
    timeline: { bucketMs: 1000, series: {} }, slo: { pass: true, violations: [] },
  };
}

test('summarizeRuns covers every metric with the right means', () => {
  const s = summarizeRuns([run(10, 6, 100), run(20, 8, 200)]);
  assert.equal(Object.keys(s), [...SUMMARY_METRICS]);
  close(s.dropped.mean, 15);
  close(s['dropped.refused'].mean, 7);
  close(s['dropped.timeout'].mean, 8);
  close(s.errorRate.mean, 0.015);
  close(s.p99.mean, 150);
  close(s.rolloutMs.mean, 30000);
  assert.is(s['dropped.reset'].mean, 0);
});

test('lineProgress writes about ten lines, then done', () => {
  const lines: string[] = [];
  const p = lineProgress(100, 'runs', (l) => lines.push(l));
  for (let i = 0; i < 100; i++) p.tick();
  p.done(); p.done();
  assert.ok(lines.length >= 9 && lines.length <= 11, String(lines.length));
  assert.is(lines[lines.length - 1], 'runs: 100/100 done');
});

test('frequencies: seeds with any drop and seeds meeting the SLO, as exact proportions', () => {
  // the blue-green case of the default scenario: one seed of five dropped, all met the SLO
  const runs = [0, 0, 65, 0, 0].map((d) => run(d, d, 80));
  runs[2].slo = { pass: false, violations: ['dropped 65 > max 0'] };
  const f = frequenciesOf(runs);
  assert.equal({ k: f.anyDrops.k, n: f.anyDrops.n, p: f.anyDrops.p }, { k: 1, n: 5, p: 0.2 });
  assert.ok(Math.abs(f.anyDrops.lo - proportion(1, 5).lo) < 1e-6 && Math.abs(f.anyDrops.hi - proportion(1, 5).hi) < 1e-6);
  assert.equal({ k: f.sloMet.k, n: f.sloMet.n }, { k: 4, n: 5 });
  assert.ok(f.anyDrops.lo >= 0 && f.sloMet.hi <= 1);
});

test('interval: cut to the metric range, never below 0 for counts or outside [0, 1] for rates', () => {
  // the blue-green case: four seeds without drops, one with 65
  const counts = interval([0, 0, 65, 0, 0], NON_NEGATIVE);
  const free = interval([0, 0, 65, 0, 0]);
  assert.ok(free.lo < 0, 'the uncut t interval goes negative (the bug this guards against)');
  assert.is(counts.lo, 0);
  assert.is(counts.hi, free.hi);
  assert.equal([counts.median, counts.min, counts.max], [0, 0, 65]);
  const rates = interval([0.9, 1, 1], FRACTION);
  assert.ok(rates.lo >= 0 && rates.hi === 1);
  // every summarized metric of a mostly-zero set of runs stays in range
  const s = summarizeRuns([run(0, 0, 80), run(0, 0, 80), run(40, 40, 90)]);
  for (const [name, i] of Object.entries(s)) assert.ok(i.lo >= 0 && (name !== 'errorRate' || i.hi <= 1), `${name}: ${JSON.stringify(i)}`);
});

test.run();
