/**
 * Sweeps in process: the points the loader checks, the mechanism a preStop sweep shows,
 * and the same bytes for 1 or 2 workers and for shards merged. Short scenario, 2 seeds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVary } from '../../../bin/sweep/grid.ts';
import { planSweep } from '../../../bin/sweep/plan.ts';
import { assembleSweep, runShard } from '../../../bin/sweep/run-sweep.ts';
import { mergeShards, readShard } from '../../../bin/sweep/merge-shards.ts';
import { UserError } from '../../../scenarios/user-error.ts';
import type { SweepResult, SweepShard } from '../../../sim/result/sweep-result.ts';
import { renderSweepHtml } from '../../../reports/sweep-html.ts';
import { parseSample } from '../../../bin/sweep/sample.ts';

const FIXTURE = 'test/bin/sweep/fixtures/prestop.yaml';
const plan = (vary: string[], seeds = 2) => planSweep(FIXTURE, { axes: vary.map(parseVary), seeds });
const PRESTOP = ['services.api.preStop=0s..3s/1s'];

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).exitCode, 2);
    return (e as Error).message;
  }
  assert.unreachable('expected a UserError');
  return '';
}

test('every point is loaded by the loader: a rejected value names the point, the file and the field', () => {
  assert.match(refusal(() => plan(['services.api.replicas=2,-1'])), `--vary at services.api.replicas=-1: ${FIXTURE}: services.api.replicas: expected`);
  assert.match(refusal(() => plan(['services.api.preStpo=1s'])), 'services.api.preStpo: unknown field (did you mean `preStop`?)');
  assert.match(refusal(() => plan(['registry.poll.interval=1s'])), 'registry has no field "poll" in the scenario file (it has: push)');
  const p = plan(['services.api.preStop=0s,2s', 'registry.push.delay.uniform.max=3s,5s']);
  assert.equal(p.scenarios.map((s) => s.services[0].instance.preStop), [0, 0, 2000, 2000]);
  assert.equal(p.identity.vary, [{ path: 'services.api.preStop', values: ['0s', '2s'] }, { path: 'registry.push.delay.uniform.max', values: ['3s', '5s'] }]);
});

let single = '';

test('preStop 0s..3s: refused drops fall as preStop covers the 1–3 s propagation delay, to none at 3 s', async () => {
  const result = assembleSweep([await runShard(plan(PRESTOP), { workers: 1 })]);
  single = JSON.stringify(result, null, 2);
  const refused = result.points.map((p) => p.stats['dropped.refused'].mean);
  assert.equal(result.points.map((p) => p.values['services.api.preStop']), ['0s', '1s', '2s', '3s']);
  assert.ok(refused[0] > 0, `drops without preStop: ${refused}`);
  for (let i = 1; i < refused.length; i++) assert.ok(refused[i] <= refused[i - 1], `monotone fall: ${refused}`);
  assert.is(refused[3], 0);
  assert.is(result.points[3].slo.verdict, 'pass');
  assert.is(result.points[0].frequencies.anyDrops.k, 2);
  assert.is(result.schema, 'relsim.sweep/1');
});

test('same bytes with 2 workers, and from 3 shards merged in any order', async () => {
  const two = assembleSweep([await runShard(plan(PRESTOP), { workers: 2 })]);
  assert.is(JSON.stringify(two, null, 2), single);
  const dir = mkdtempSync(join(tmpdir(), 'relsim-sweep-'));
  const files = [];
  for (const index of [2, 0, 1]) {
    const file = join(dir, `shard-${index}.json`);
    writeFileSync(file, JSON.stringify(await runShard(plan(PRESTOP), { shard: { index, count: 3 }, workers: 1 })));
    files.push(file);
  }
  assert.is(JSON.stringify(mergeShards(files.map(readShard)), null, 2), single);

  // Refusals: a missing shard, a shard twice, a shard of another sweep, a truncated one.
  const [s2, s0, s1] = files;
  assert.match(refusal(() => mergeShards([s0, s2].map(readShard))), '1 of 3 shards missing: index 1');
  assert.match(refusal(() => mergeShards([s0, s1, s1, s2].map(readShard))), 'shard 1/3 is given twice');
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, JSON.stringify(await runShard(plan(PRESTOP, 1), { shard: { index: 1, count: 3 }, workers: 1 })));
  assert.match(refusal(() => mergeShards([s0, foreign, s2].map(readShard))), `${foreign}: not a shard of the same sweep as ${s0}: the seeds differ (2 vs 1)`);
  const cut = join(dir, 'cut.json');
  const doc = JSON.parse(JSON.stringify(readShard(s1).shard)) as SweepShard;
  doc.runs.pop();
  writeFileSync(cut, JSON.stringify(doc));
  assert.match(refusal(() => mergeShards([s0, cut, s2].map(readShard))), 'does not hold its share of the runs');
  assert.match(refusal(() => readShard(join(dir, 'nope.json'))), 'no such file');
});

test('a sampled sweep: the drawn points, and 2 shards merged = the whole run', async () => {
  const sampled = () => planSweep(FIXTURE, { axes: ['services.api.preStop=0s..3s/1s', 'registry.push.delay.uniform.max=2s,3s'].map(parseVary), seeds: 1, sample: parseSample('lhs:3') });
  const whole = assembleSweep([await runShard(sampled(), { workers: 1 })]);
  assert.is(whole.points.length, 3);
  assert.is(whole.sample, 'lhs:3');
  assert.equal(whole.points.map((p) => p.values), whole.sampled!.map((at) => ({ 'services.api.preStop': ['0s', '1s', '2s', '3s'][at[0]], 'registry.push.delay.uniform.max': ['2s', '3s'][at[1]] })));
  const shards = await Promise.all([0, 1].map((index) => runShard(sampled(), { shard: { index, count: 2 }, workers: 1 })));
  const dir = mkdtempSync(join(tmpdir(), 'relsim-sample-'));
  const files = shards.map((s, i) => { const f = join(dir, `s${i}.json`); writeFileSync(f, JSON.stringify(s)); return f; });
  assert.is(JSON.stringify(mergeShards(files.map(readShard))), JSON.stringify(whole));
});

test('HTML: a line per metric against one field, a heat map cell per point for two', async () => {
  const line = renderSweepHtml(JSON.parse(single) as SweepResult);
  const means = [...line.matchAll(/<circle class="point"[^>]*data-mean="([^"]+)"/g)].map((m) => Number(m[1]));
  assert.is(means.length, 4 * 4, '4 points in each of 4 charts');
  assert.equal(means.slice(0, 4), (JSON.parse(single) as SweepResult).points.map((p) => p.stats.dropped.mean));
  const grid = assembleSweep([await runShard(plan(['services.api.preStop=0s,3s', 'registry.push.delay.uniform.max=2s,3s'], 1), { workers: 1 })]);
  const heat = renderSweepHtml(grid);
  assert.is([...heat.matchAll(/<g class="cell" data-row="([^"]+)" data-col="([^"]+)"/g)].length, 4 * 4);
  assert.match(heat, '<g class="cell" data-row="3s" data-col="3s" data-mean="0"');
});

test.run();
