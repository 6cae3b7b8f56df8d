import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare, buildRun } from './fixtures.ts';
import { evaluateSlo, sloChecks } from '../../sim/result/slo.ts';
import { baselineFrom, evaluateGate, formatVerdicts } from '../../reports/gate.ts';
import { renderJunit } from '../../reports/junit.ts';
import type { SloSpec } from '../../scenarios/types.ts';

const noSlo: SloSpec = { maxDropped: null, maxErrorRate: null, maxP99Ms: null, maxRolloutMs: null, lanePaths: {}, rollout: 'finished' };
const dropsRun = (n: number, seed = 1, p99 = 80) => buildRun({ seed, p99, drops: n ? [{ bucket: 15, cause: 'refused', count: n }] : [] });

test('evaluateSlo: each limit passes at the bound and fails above it, saying by how much', () => {
  const r = dropsRun(50); // 50 of 5000 = 1%, rollout 30 s, p99 80 ms
  assert.equal(evaluateSlo(r, { ...noSlo, maxDropped: 50, maxErrorRate: 0.01, maxP99Ms: 80, maxRolloutMs: 30000 }), { pass: true, violations: [] });
  const v = evaluateSlo(r, { ...noSlo, maxDropped: 20, maxErrorRate: 0.005, maxP99Ms: 50, maxRolloutMs: 20000 });
  assert.is(v.pass, false);
  assert.equal(v.violations, [
    'dropped 50 > max 20 (over by 30)',
    'error rate 1% > max 0.5% (over by 0.5%)',
    'p99 80 ms > max 50 ms (over by 30 ms)',
    'rollout time 30 s > max 20 s (over by 10 s)',
  ]);
});

test('lane path rules: stray paths fail, allowed ones pass, missing lane fails', () => {
  const lanes = { gray: { requests: 100, paths: { 'a:gray>b:v1>c:gray': 90, 'a:gray>b:v1>c:v1': 10 } } };
  const r = buildRun({ lanes });
  const ok = sloChecks({ dropped: 0, errorRate: 0, p99: 1, rolloutMs: 1, lanes, endings: { runs: 0, unfinished: 0, rolledBack: 0 } }, { ...noSlo, lanePaths: { gray: ['a:gray>b:v1>c:gray', 'a:gray>b:v1>c:v1'] } });
  assert.equal(ok.map((c) => c.pass), [true]);
  const bad = evaluateSlo(r, { ...noSlo, lanePaths: { gray: ['a:gray>b:v1>c:gray'], blue: ['a:blue'] } });
  assert.equal(bad.violations, [
    'lane gray: 10 requests took a:gray>b:v1>c:v1 (allowed: a:gray>b:v1>c:gray)',
    'lane blue: no traffic observed, so its paths cannot be checked',
  ]);
});

test('SLO limits are judged on the interval of the mean: pass inside, fail beyond, inconclusive across', () => {
  const steady = [19, 20, 21, 20, 20].map((n, i) => dropsRun(n, i + 1)); // 20 ± 0.9
  assert.is(evaluateGate(steady, { ...noSlo, maxDropped: 22 }, null).verdict, 'pass');
  const v = evaluateGate(steady, { ...noSlo, maxDropped: 17 }, null);
  assert.is(v.verdict, 'fail');
  assert.match(formatVerdicts([v]), /FAIL maxDropped: dropped 20 > max 17 \(over by 3\); interval 20 ± 0\.9/);
  // the mean meets the limit, the interval does not: these seeds cannot tell
  const spread = [10, 30].map((n, i) => dropsRun(n, i + 1));
  const unsure = evaluateGate(spread, { ...noSlo, maxDropped: 20 }, null);
  assert.is(unsure.verdict, 'inconclusive');
  assert.is(unsure.pass, false);
  const check = unsure.checks.find((c) => c.name === 'maxDropped')!;
  assert.match(check.message, /^dropped requests 20 \(0–147\.1\) vs max 20: the mean meets it, but the interval reaches above it; 2 seeds cannot decide at 95%/);
  assert.match(formatVerdicts([unsure]), /gate: INCONCLUSIVE/);
  // one seed's value is the verdict (no interval to speak of)
  assert.is(evaluateGate([dropsRun(30)], { ...noSlo, maxDropped: 20 }, null).verdict, 'fail');
});

test('a count limited to 0 fails as soon as one seed counts one: the mean cannot be 0', () => {
  const rare = [0, 0, 261].map((n, i) => dropsRun(n, i + 1));
  const v = evaluateGate(rare, { ...noSlo, maxDropped: 0 }, null);
  assert.is(v.verdict, 'fail');
  assert.equal(v.checks.find((c) => c.name === 'maxDropped')!.seedsMet, { k: 2, n: 3, p: 2 / 3, lo: v.checks[0].seedsMet!.lo, hi: v.checks[0].seedsMet!.hi });
  // the cause behind it, summed over the seeds, with its cure
  assert.match(v.checks[0].cause ?? '', /^100% `refused`: callers still sent to deregistered instances/);
  assert.is(evaluateGate([0, 0, 0].map((n, i) => dropsRun(n, i + 1)), { ...noSlo, maxDropped: 0 }, null).verdict, 'pass');
});

test('baseline: a clear improvement or equal passes, a clear regression fails, noise near the limit is inconclusive', () => {
  const base = baselineFrom(buildCompare([{ strategy: 'canary', runs: [10, 12, 9, 11, 13].map((n) => ({ drops: [{ bucket: 15, cause: 'refused' as const, count: n }] })) }]), 'base.json', 'canary');
  assert.is(base.source, 'base.json, canary row');
  const same = [10, 11, 10, 12, 11].map((n, i) => dropsRun(n, i + 1));
  assert.is(evaluateGate(same, noSlo, base).verdict, 'pass');
  const worse = [40, 44, 38, 41, 45].map((n, i) => dropsRun(n, i + 1));
  const v = evaluateGate(worse, noSlo, base);
  assert.is(v.verdict, 'fail');
  const failed = v.checks.filter((c) => c.verdict === 'fail');
  assert.equal(failed.map((c) => c.name), ['baseline.dropped']);
  assert.match(failed[0].message, /^dropped 41\.6 ± .* vs baseline 11 ± .*\(\+278%\): regressed/);
  const slower = [1, 2, 3].map((s) => dropsRun(11, s, 200));
  assert.equal(evaluateGate(slower, noSlo, base).checks.filter((c) => c.verdict === 'fail').map((c) => c.name), ['baseline.p99']);
  // 12.4 ± 2.6 against an allowed 14.3: a regression of the tolerance's size could hide in that
  const noisy = [11, 14, 10, 12, 15].map((n, i) => dropsRun(n, i + 1));
  const unsure = evaluateGate(noisy, noSlo, base);
  assert.is(unsure.verdict, 'inconclusive');
  assert.match(unsure.checks.find((c) => c.name === 'baseline.dropped')!.message,
    /inconclusive; the interval reaches above the allowed 14\.3 \(baseline high end \+ 10%\), so 5 seeds cannot rule out a regression and would only show one whose mean exceeds 16\.8/);
});

test('rare-drop regression at 3 seeds against a 0-drop baseline: inconclusive, never a pass', () => {
  const base = baselineFrom(buildCompare([{ strategy: 'canary', runs: [0, 0, 0, 0, 0].map(() => ({})) }]), 'base.json', 'canary');
  const rare = [0, 0, 261].map((n, i) => dropsRun(n, i + 1));
  const v = evaluateGate(rare, noSlo, base);
  assert.is(v.verdict, 'inconclusive');
  assert.is(v.pass, false);
  const all = [200, 230, 261].map((n, i) => dropsRun(n, i + 1));
  assert.is(evaluateGate(all, noSlo, base).verdict, 'fail');
});

test('baseline from a single RunResult, and rejects other files', () => {
  const b = baselineFrom(dropsRun(10), 'r.json', 'canary');
  assert.is(b.stats.dropped.hi, 10);
  assert.throws(() => baselineFrom({ schema: 'x' }, 'x.json', 'canary'), /x\.json: not a relsim RunResult/);
  assert.throws(() => baselineFrom(buildCompare([{ strategy: 'rolling', runs: [{}] }, { strategy: 'ab', runs: [{}] }]), 'c.json', 'canary'), /no row for strategy canary/);
});

test('junit: one testcase per check, failures where expected, escaped', () => {
  const v1 = evaluateGate([dropsRun(50)], { ...noSlo, maxDropped: 20, maxP99Ms: 500 }, null);
  const v2 = evaluateGate([dropsRun(0)], { ...noSlo, maxDropped: 20 }, null);
  const xml = renderJunit([
    { name: 'bad<1>', cases: v1.checks },
    { name: 'good', cases: v2.checks },
  ]);
  // each run also has the passing `rollout` check (its plan finished)
  assert.is((xml.match(/<testcase /g) ?? []).length, 5);
  assert.is((xml.match(/<failure /g) ?? []).length, 1);
  assert.match(xml, /<testsuites name="relsim gate" tests="5" failures="1" skipped="0" time="0.000">/);
  assert.match(xml, /<testsuite name="bad&lt;1&gt;" tests="3" failures="1" errors="0" skipped="0"/);
  assert.match(xml, /name="maxDropped" time="0.000">\n\s+<failure message="dropped 50 &gt; max 20 \(over by 30\)"/);
  // real time shared by the cases, human names, an undecided check as skipped
  const timed = renderJunit([{ name: 's', classname: 'relsim.s.yaml', timeSeconds: 1.5, cases: [
    { name: 'dropped requests', pass: false, skipped: true, message: 'cannot decide' },
    { name: 'release finishes', pass: true, message: 'ok' },
  ] }]);
  assert.match(timed, /<testsuites name="relsim gate" tests="2" failures="0" skipped="1" time="1.500">/);
  assert.match(timed, /<testcase classname="relsim.s.yaml" name="dropped requests" time="0.750">\n\s+<skipped message="cannot decide"\/>/);
});

test('rollout: a plan that never finished fails its own check and voids maxRollout; a rollback fails unless expected', () => {
  const paused = buildRun({ finished: false, outcome: 'none' });
  const v = evaluateGate([paused, buildRun({ seed: 2 })], { ...noSlo, maxRolloutMs: 600_000 }, null);
  assert.is(v.pass, false);
  const byName = Object.fromEntries(v.checks.map((c) => [c.name, c]));
  assert.is(byName.rollout.pass, false);
  assert.match(byName.rollout.message, /did not finish within the run in 1 of 2 seeds/);
  assert.is(byName.maxRolloutMs.pass, false);
  assert.match(byName.maxRolloutMs.message, /not measured, the rollout did not finish/);
  assert.ok(evaluateGate([paused], { ...noSlo, rollout: 'any' }, null).pass, 'rollout: any allows it');

  const rolledBack = buildRun({ outcome: 'rolled-back' });
  assert.is(evaluateGate([rolledBack], noSlo, null).pass, false);
  assert.ok(evaluateGate([rolledBack], { ...noSlo, rollout: 'rolled-back' }, null).pass);
  assert.is(evaluateGate([buildRun({})], { ...noSlo, rollout: 'rolled-back' }, null).pass, false, 'a promotion where a rollback was expected fails');
  // nothing released: nothing to check
  assert.equal(evaluateGate([buildRun({ strategy: 'none' })], noSlo, null).checks, []);
});

test.run();
