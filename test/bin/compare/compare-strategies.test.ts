import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario } from '../../../scenarios/load.ts';
import { compareJobs, compareStrategies, defaultStrategies } from '../../../bin/compare/compare-strategies.ts';

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

test.run();
