import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario } from '../../../scenarios/load.ts';
import { compareJobs, compareStrategies, defaultStrategies } from '../../../bin/compare/compare-strategies.ts';
import { autoSchedule } from '../../../reports/sequential.ts';
import { readdirSync } from 'node:fs';

// A short run of the shipped rolling scenario: 4 strategies × 10 seeds stay within seconds.
function shortScenario() {
  const sc = loadScenario('scenarios/examples/rolling-default.yaml');
  return { ...sc, duration: 45_000, release: { ...sc.release!, startAt: 5_000 } };
}
const strategies = ['recreate', 'rolling', 'blue-green', 'canary'] as const;

test('4 strategies × 10 seeds: JSON identical for 1 and 2 worker threads, intervals per row', async () => {
  const sc = shortScenario();
  const one = await compareStrategies(sc, { strategies, seeds: 10, workers: 1 });
  const two = await compareStrategies(sc, { strategies, seeds: 10, workers: 2 });
  assert.is(JSON.stringify(two), JSON.stringify(one));
  assert.equal(one.seeds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(one.rows.map((r) => r.label), [...strategies]);
  for (const row of one.rows) {
    assert.equal(row.runs.map((r) => r.seed), one.seeds);
    assert.ok(row.runs.every((r) => r.strategy === row.strategy));
    const d = row.stats.dropped;
    assert.is(d.n, 10);
    assert.ok(d.lo <= d.mean && d.mean <= d.hi);
  }
  // Seeds differ, so at least one strategy's drops vary across them (the interval has width).
  assert.ok(one.rows.some((r) => r.stats.dropped.hi > r.stats.dropped.lo));
  const recreate = one.rows[0].stats['dropped.no-endpoint'];
  assert.ok(recreate.lo > 0, 'recreate always drops no-endpoint');
});

test('jobs are strategy-major, seed-minor; default strategies add the scenario\'s own', () => {
  const sc = shortScenario();
  const jobs = compareJobs(sc, ['rolling', 'canary'], 3);
  assert.equal(jobs.map((j) => `${j.strategy}:${j.seed}`), ['rolling:1', 'rolling:2', 'rolling:3', 'canary:1', 'canary:2', 'canary:3']);
  assert.equal(defaultStrategies(sc), ['recreate', 'rolling', 'blue-green', 'canary']);
  assert.equal(defaultStrategies(loadScenario('scenarios/examples/lanes-abc.yaml')), ['recreate', 'rolling', 'blue-green', 'canary', 'lanes']);
});

test('extra RunResults are shown as their own rows', async () => {
  const sc = shortScenario();
  const base = await compareStrategies(sc, { strategies: ['rolling'], seeds: 2, workers: 1 });
  const replay = { ...base.rows[0].runs[0], platform: 'replay' as const };
  const cmp = await compareStrategies(sc, { strategies: ['rolling'], seeds: 2, workers: 1, extra: [replay] });
  assert.equal(cmp.rows.map((r) => [r.label, r.platform, r.runs.length]), [['rolling', 'sim', 2], ['rolling (replay)', 'replay', 1]]);
});

test('--seeds auto: looks at 5, 10, …; the runs are those of a fixed --seeds of that size; deterministic across workers', async () => {
  const sc = { ...shortScenario(), slo: { ...shortScenario().slo, maxDropped: 450 } };
  const schedule = autoSchedule(20);
  assert.equal(schedule, { looks: [5, 10, 20], confidence: 1 - 0.05 / 3 });
  const one = await compareStrategies(sc, { strategies: ['rolling', 'blue-green'], seeds: schedule, workers: 1 });
  const two = await compareStrategies(sc, { strategies: ['rolling', 'blue-green'], seeds: schedule, workers: 2 });
  assert.is(JSON.stringify(two), JSON.stringify(one));
  const used = one.sequential!.looks.at(-1)!;
  assert.ok(one.sequential!.looks.every((n, i) => n === schedule.looks[i]));
  // blue-green drops in a few seeds only: 5 seeds cannot decide it, more do
  assert.ok(one.sequential!.looks.length >= 2, JSON.stringify(one.sequential));
  assert.is(one.sequential!.decided, true);
  assert.is(one.sequential!.decided, one.rows.every((r) => r.slo!.verdict !== 'inconclusive'));
  // the same runs as a fixed-size compare of as many seeds
  const fixed = await compareStrategies(sc, { strategies: ['rolling', 'blue-green'], seeds: used, workers: 1 });
  assert.equal(one.rows.map((r) => r.runs.map((x) => x.requests.dropped)), fixed.rows.map((r) => r.runs.map((x) => x.requests.dropped)));
  assert.is(one.confidence, schedule.confidence);
});

test('every shipped scenario: no interval of a count or a rate leaves its range, every row has an SLO verdict', async () => {
  for (const file of readdirSync('scenarios/examples').filter((f) => f.endsWith('.yaml'))) {
    const sc = loadScenario(`scenarios/examples/${file}`);
    if (!sc.release) continue; // nothing to compare (mmc.yaml)
    const cmp = await compareStrategies({ ...sc, duration: Math.min(sc.duration, 90_000) }, { strategies: defaultStrategies(sc), seeds: 3, workers: 1 });
    for (const row of cmp.rows) {
      for (const [metric, i] of Object.entries(row.stats)) {
        assert.ok(i.lo >= 0, `${file} ${row.label} ${metric}: lo ${i.lo}`);
        if (metric === 'errorRate') assert.ok(i.hi <= 1, `${file} ${row.label} errorRate hi ${i.hi}`);
      }
      assert.ok(['pass', 'fail', 'inconclusive'].includes(row.slo!.verdict), `${file} ${row.label}`);
      const f = row.frequencies!.anyDrops;
      assert.is(f.k, row.runs.filter((r) => r.requests.dropped > 0).length);
    }
  }
});

test.run();
