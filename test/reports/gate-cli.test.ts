// test:slow
/**
 * `relsim gate` end to end through the real CLI: exit 1 on a scenario whose SLO is
 * violated, 0 on the fixed one, JUnit a CI system can read, and a baseline regression
 * caught on a deliberately worsened setting (preStop removed) while seed noise passes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { summarizeRuns } from '../../reports/stats.ts';
import type { CompareResult } from '../../sim/result/run-result.ts';
import { runRelsim, type Ran } from '../bin/relsim-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'relsim-gate-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One `relsim` process, without blocking this one: the runs within a test are independent
 * processes (each its own output file), mostly CLI start-up, so they go side by side.
 */
async function relsim(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = await runRelsim(args, { timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('exit 1 on a violated SLO, 0 on the fixed scenario, with JUnit per scenario × check', async () => {
  const junit = join(dir, 'gate.xml');
  const [bad, good] = await Promise.all([
    relsim('gate', 'scenarios/examples/rolling-default.yaml', 'scenarios/examples/rolling-tuned.yaml', '--seeds', '2', '--junit', junit),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--seeds', '2'),
  ]);
  assert.is(bad.code, 1, bad.err);
  assert.match(bad.out, /FAIL {2}rolling-default .*\n\s+FAIL maxDropped: dropped [\d,.]+ > max 0 \(over by [\d,.]+\)/);
  assert.match(bad.out, /PASS {2}rolling-tuned/);
  const xml = readFileSync(junit, 'utf8');
  // per scenario: the rollout finished (passes) and maxDropped
  assert.is((xml.match(/<testcase /g) ?? []).length, 4);
  assert.is((xml.match(/<failure /g) ?? []).length, 1);
  assert.match(xml, /<testsuite name="rolling-default" tests="2" failures="1"/);

  assert.is(good.code, 0, good.out + good.err);
  assert.match(good.out, /gate: pass \(1 scenario\)/);
});

test('baseline: same settings on other seeds pass; removing preStop fails on dropped', async () => {
  // Baseline: the tuned scenario's CompareResult row over seeds 1–3.
  const tuned = loadScenario('scenarios/examples/rolling-tuned.yaml');
  const runs = [1, 2, 3].map((seed) => simulate(tuned, { seed }));
  const baseline: CompareResult = {
    schema: 'relsim.compare/1', scenario: tuned.name, seeds: [1, 2, 3],
    rows: [{ label: 'rolling', strategy: 'rolling', platform: 'sim', runs, stats: summarizeRuns(runs) }],
  };
  const baseFile = join(dir, 'baseline.json');
  writeFileSync(baseFile, JSON.stringify(baseline));

  // Loose SLO so only the baseline decides; seed 21 so the runs differ from the baseline's.
  const text = readFileSync('scenarios/examples/rolling-tuned.yaml', 'utf8').replace(/^seed: 1$/m, 'seed: 21').replace(/^slo: .*$/m, 'slo: {maxDropped: 1000000}');
  const same = join(dir, 'same.yaml');
  const worse = join(dir, 'worse.yaml');
  writeFileSync(same, text);
  writeFileSync(worse, text.replace(/preStop: 6s/, 'preStop: 0s'));
  assert.ok(readFileSync(worse, 'utf8').includes('preStop: 0s'), 'worsened setting applied');

  const [ok, bad] = await Promise.all([
    relsim('gate', same, '--seeds', '3', '--baseline', baseFile),
    relsim('gate', worse, '--seeds', '3', '--baseline', baseFile, '--json', join(dir, 'v.json')),
  ]);
  assert.is(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /ok {3}baseline\.dropped: dropped 0 vs baseline 0: within tolerance 10%/);
  assert.match(ok.out, /ok {3}baseline\.p99: p99 latency .* within tolerance/);

  assert.is(bad.code, 1, bad.out + bad.err);
  assert.match(bad.out, /FAIL baseline\.dropped: dropped [\d,.]+ ± [\d,.]+ vs baseline 0: regressed; even the interval's low end [\d,.]+ exceeds the allowed 0/);
  const doc = JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8'));
  assert.is(doc.pass, false);
  assert.ok(doc.scenarios[0].stats['dropped.refused'].mean > 0, 'the regression is refused drops');
});

test('bad input exits 2 with one line', async () => {
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ schema: 'relsim.run/1', scenario: 'elsewhere' }));
  const [missing, other, seeds] = await Promise.all([
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--baseline', join(dir, 'nope.json')),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--baseline', join(dir, 'other.json')),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--seeds', '0'),
  ]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /^relsim: --baseline .*nope\.json: no such file\n$/);
  assert.is(other.code, 2);
  assert.match(other.err, /it is for scenario "elsewhere", which is not among the gated scenarios/);
  assert.is(seeds.code, 2);
  assert.not.match(seeds.err, /\n\s+at /);
});

test('a rollout that never finishes (an indefinite pause) fails the gate, even within maxRollout', async () => {
  // Argo's `pause: {}` waits for a promotion that never comes; the rollout time then runs
  // to the end of the run and used to pass `maxRollout` as if the release had finished.
  // Three variants of the scenario, each in its own file, so the three runs go side by side.
  const file = join(dir, 'paused.yaml');
  const anyFile = join(dir, 'paused-any.yaml');
  const doneFile = join(dir, 'paused-done.yaml');
  writeFileSync(file, [
    'duration: 2m',
    'services: {a: {replicas: 2, versions: [v1, v2], serviceTime: 10ms}}',
    'entry: {service: a}',
    'traffic: {rate: 20}',
    'release: {startAt: 10s, to: v2, strategy: {name: canary, steps: [{setWeight: 20}, {pause: {}}]}}',
    'slo: {maxRollout: 10m}',
  ].join('\n'));
  writeFileSync(anyFile, readFileSync(file, 'utf8').replace('slo: {maxRollout: 10m}', 'slo: {rollout: any}'));
  writeFileSync(doneFile, readFileSync(anyFile, 'utf8').replace('slo: {rollout: any}', 'slo: {rollout: done}'));
  const [r, allowed, bad] = await Promise.all([
    relsim('gate', file, '--seeds', '2'),
    relsim('gate', anyFile, '--seeds', '2'),
    relsim('validate', doneFile),
  ]);
  assert.is(r.code, 1, r.out + r.err);
  assert.match(r.out, /FAIL rollout: release did not finish within the run in 2 of 2 seeds/);
  assert.match(r.out, /FAIL maxRolloutMs: rollout time: not measured, the rollout did not finish/);

  assert.is(allowed.code, 0, allowed.out + allowed.err);

  assert.is(bad.code, 2);
  assert.match(bad.err, /slo\.rollout: expected one of finished, rolled-back, any, got "done"/);
});

test('gate --strategy: the scenario under other strategies, one verdict and JUnit suite each', async () => {
  const junit = join(dir, 'strategies.xml');
  const [r, unknown] = await Promise.all([
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--strategy', 'rolling,recreate', '--seeds', '1', '--junit', junit),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--strategy', 'rollin'),
  ]);
  // rolling-tuned meets maxDropped 0 as a rolling update; recreate drops during its gap
  assert.is(r.code, 1, r.out + r.err);
  assert.match(r.out, /^PASS {2}rolling-tuned \(rolling, 1 seed\)/m);
  assert.match(r.out, /^FAIL {2}rolling-tuned \(recreate, 1 seed\)/m);
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /<testsuite name="rolling-tuned \(rolling\)"/);
  assert.match(xml, /<testsuite name="rolling-tuned \(recreate\)"/);
  assert.is(unknown.code, 2);
  assert.match(unknown.err, /--strategy: unknown strategy 'rollin'/);
});


test('a rare-drop regression at 3 seeds is inconclusive (exit 4) with a job summary; --seeds auto is deterministic', async () => {
  // default.yaml under blue-green drops in seed 4 only (65 of 5 seeds' 0, 0, 0, 65, 0); the
  // baseline is seed 1's run, with nothing dropped.
  const base = join(dir, 'bg-base.json');
  const made = await relsim('run', 'scenarios/examples/default.yaml', '--strategy', 'blue-green', '--json', base);
  assert.is(made.code, 0, made.err);
  const rare = join(dir, 'default-seed4.yaml');
  writeFileSync(rare, readFileSync('scenarios/examples/default.yaml', 'utf8').replace(/^seed: 1$/m, 'seed: 4'));
  const md = join(dir, 'summary.md');
  const [three, autoA, autoB] = await Promise.all([
    relsim('gate', rare, '--strategy', 'blue-green', '--seeds', '3', '--baseline', base, '--md', md),
    relsim('gate', rare, '--strategy', 'blue-green', '--seeds', 'auto', '--max-seeds', '6', '--baseline', base, '--json', '-', '--workers', '2'),
    relsim('gate', rare, '--strategy', 'blue-green', '--seeds', 'auto', '--max-seeds', '6', '--baseline', base, '--json', '-', '--workers', '1'),
  ]);
  assert.is(three.code, 4, three.out + three.err);
  assert.match(three.out, /\?\? {3}baseline\.dropped: dropped 21\.7 \(0–[\d.,]+\) vs baseline 0: inconclusive; .*3 seeds cannot rule out a regression/);
  assert.match(three.out, /gate: INCONCLUSIVE/);
  const summary = readFileSync(md, 'utf8');
  assert.match(summary, /^## relsim gate: ❔ inconclusive/);
  assert.match(summary, /\| dropped vs baseline \| 21\.7 \(0–[\d.,]+\) \| ≤ 0 \| – \| ❔ inconclusive \|/);
  assert.match(summary, /cause: 100% `no-endpoint`/);

  // auto: 5 seeds, then 6 (the maximum); still undecided, so still inconclusive, and the same
  // JSON byte for byte whatever the worker count
  assert.is(autoA.code, 4, autoA.err);
  assert.is(autoA.out, autoB.out);
  const doc = JSON.parse(autoA.out);
  assert.is(doc.verdict, 'inconclusive');
  assert.equal(doc.scenarios[0].sequential, { looks: [5, 6], maxSeeds: 6, confidence: 0.975, decided: false });
  assert.equal(doc.scenarios[0].seeds, [4, 5, 6, 7, 8, 9]);
});

test('--seeds auto stops at the first decided look; --seeds and --max-seeds refuse nonsense', async () => {
  const [decided, word, max, lone] = await Promise.all([
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--seeds', 'auto', '--json', '-'),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--seeds', 'many'),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--seeds', 'auto', '--max-seeds', '1'),
    relsim('gate', 'scenarios/examples/rolling-tuned.yaml', '--seeds', '3', '--max-seeds', '9'),
  ]);
  assert.is(decided.code, 0, decided.err);
  const doc = JSON.parse(decided.out);
  assert.equal(doc.scenarios[0].sequential.looks, [5]);
  assert.is(doc.scenarios[0].sequential.decided, true);
  assert.is(word.code, 2);
  assert.match(word.err, /--seeds: expected a positive integer or auto, got many/);
  assert.is(max.code, 2);
  assert.match(max.err, /--max-seeds: expected an integer ≥ 2, got 1/);
  assert.is(lone.code, 2);
  assert.match(lone.err, /--max-seeds: only with --seeds auto/);
});

test.run();
