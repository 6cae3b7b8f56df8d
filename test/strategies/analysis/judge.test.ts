/**
 * The Mann-Whitney judge inside canary analysis (strategies/analysis/thresholds.ts): judgeWindow's
 * judge branch, the baseline fetch in measure(), and — through the simulator — a canary
 * whose only check is the judge. analysis.test.ts covers success rate, latency and
 * counting; mann-whitney.test.ts covers the statistics on their own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { parseScenario } from '../../../scenarios/load.ts';
import type { AnalysisSpec, JudgeSpec } from '../../../scenarios/types.ts';
import type { Action, Plan, WindowStats } from '../../../strategies/protocol.ts';
import { AnalysisRun, judgeWindow, measure, type AnalysisPhase } from '../../../strategies/analysis/thresholds.ts';
import { simulate } from '../../../sim/simulate.ts';
import { analysis } from '../fixture.ts';

/** Kayenta's judge settings (NetflixACAJudge: 98 %, tolerance 0.25). */
const KAYENTA: JudgeSpec = { confidence: 0.98, tolerance: 0.25, direction: 'increase' };
/** Only the judge can fail a measurement: no success-rate or latency threshold. */
const judgeOnly = (judge: JudgeSpec = KAYENTA, over: Partial<AnalysisSpec> = {}): AnalysisSpec =>
  analysis({ successRate: null, latency: null, minRequests: 50, judge, ...over });

// ---- judgeWindow ------------------------------------------------------------------------

test('judge: a canary clearly slower than the baseline fails, and only because of the judge', () => {
  const baseline = windowOf(latencies('baseline', 200));
  const canary = windowOf(latencies('canary', 200, 25));
  const judged = judgeWindow(judgeOnly(), canary, baseline);
  assert.is(judged.result, 'failure');
  assert.is(judged.reasons.length, 1, judged.reasons.join('; '));
  assert.match(judged.reasons[0], /latency judged high/);
  // The same windows without a judge pass: nothing else could have failed them.
  assert.is(judgeWindow(judgeOnly(KAYENTA, { judge: null }), canary, baseline).result, 'success');
});

test('judge: canary and baseline drawn from the same distribution pass', () => {
  const judged = judgeWindow(judgeOnly(), windowOf(latencies('canary', 200)), windowOf(latencies('baseline', 200)));
  assert.equal(judged, { result: 'success', reasons: [] });
});

test('judge: too few baseline samples is inconclusive, not a pass', () => {
  const spec = judgeOnly();
  const canary = windowOf(latencies('canary', 200, 25));
  const few = windowOf(latencies('baseline', spec.minRequests - 1));
  assert.equal(judgeWindow(spec, canary, few), { result: 'inconclusive', reasons: ['too few baseline samples for the judge'] });
  // Enough requests but no ok latency sampled (every baseline call failed): nothing to compare.
  const noLatencies = { ...windowOf(latencies('baseline', 200)), latencies: [] };
  assert.is(judgeWindow(spec, canary, noLatencies).result, 'inconclusive');
});

test('judge: with too few baseline samples, another failed check still fails the measurement', () => {
  const spec = judgeOnly(KAYENTA, { successRate: 0.99 });
  const failing = { ...windowOf(latencies('canary', 200)), ok: 180, errors: 20, successRate: 0.9 };
  const judged = judgeWindow(spec, failing, windowOf(latencies('baseline', 10)));
  assert.is(judged.result, 'failure');
  assert.match(judged.reasons.join('; '), /success rate/);
});

test('judge: direction — a faster canary passes "increase" and fails "decrease" / "either" as low', () => {
  const baseline = windowOf(latencies('baseline', 200));
  const faster = windowOf(latencies('canary', 200, -25));
  assert.is(judgeWindow(judgeOnly({ ...KAYENTA, direction: 'increase' }), faster, baseline).result, 'success');
  for (const direction of ['decrease', 'either'] as const) {
    const judged = judgeWindow(judgeOnly({ ...KAYENTA, direction }), faster, baseline);
    assert.is(judged.result, 'failure', direction);
    assert.match(judged.reasons.join('; '), /latency judged low/, direction);
  }
});

test('judge: without a baseline window the judge is skipped', () => {
  assert.is(judgeWindow(judgeOnly(), windowOf(latencies('canary', 200, 25)), null).result, 'success');
});

// ---- measure(): the baseline fetch ---------------------------------------------------

test('measure: with a judge it fetches the baseline version\'s window too, and a shifted canary fails the run', () => {
  const spec = judgeOnly(KAYENTA, { failureLimit: 0, interval: 10_000 });
  const windows: Record<string, WindowStats> = {
    v2: windowOf(latencies('canary', 200, 25)),
    v1: windowOf(latencies('baseline', 200)),
  };
  const { actions, result } = answer(measure(new AnalysisRun(spec), 'api', 'v2', 'v1', spec.interval), windows);
  assert.equal(actions.filter((a) => a.do === 'metrics'), [
    { do: 'metrics', service: 'api', version: 'v2', windowMs: 10_000 },
    { do: 'metrics', service: 'api', version: 'v1', windowMs: 10_000 },
  ]);
  assert.is(result, 'failed');
  const log = actions.find((a) => a.do === 'log');
  assert.ok(log && log.do === 'log' && /latency judged high/.test(log.message), JSON.stringify(actions));
});

test('measure: without a judge (or without a baseline version) the baseline is not fetched', () => {
  const windows = { v2: windowOf(latencies('canary', 200, 25)), v1: windowOf(latencies('baseline', 200)) };
  const noJudge = answer(measure(new AnalysisRun(judgeOnly(KAYENTA, { judge: null })), 'api', 'v2', 'v1', 10_000), windows);
  const noBaseline = answer(measure(new AnalysisRun(judgeOnly()), 'api', 'v2', null, 10_000), windows);
  for (const run of [noJudge, noBaseline]) {
    assert.equal(run.actions.map((a) => a.do === 'metrics' && a.version), ['v2']);
    assert.is(run.result, 'running');
  }
});

test('measure: too few baseline samples counts as inconclusive, which ends the run past inconclusiveLimit', () => {
  const spec = judgeOnly(KAYENTA, { inconclusiveLimit: 0 });
  const windows = { v2: windowOf(latencies('canary', 200, 25)), v1: windowOf(latencies('baseline', 5)) };
  assert.is(answer(measure(new AnalysisRun(spec), 'api', 'v2', 'v1', 10_000), windows).result, 'inconclusive');
});

// ---- through the simulator -----------------------------------------------------------

test('simulated canary judged only on latency: a 1.5× slower v2 is rolled back at the first measurement; an equal one is promoted', () => {
  const slow = judgedCanary(1.5);
  const r = simulate(slow);
  assert.is(r.rollout.outcome, 'rolled-back');
  const names = r.rollout.steps.map((s) => s.name);
  const pause = r.rollout.steps.find((s) => s.name.startsWith('pause'));
  const rollback = r.rollout.steps.find((s) => s.name === 'rollback');
  assert.ok(pause && rollback, names.join(', '));
  // failureLimit 0: the first measurement, one interval into the first pause, aborts.
  const knobs = slow.release!.strategy;
  if (knobs.name !== 'canary' || !knobs.analysis) throw new Error('judgedCanary must be a canary with analysis');
  assert.is(rollback.startMs - pause.startMs, knobs.analysis.interval, names.join(', '));
  assert.is(r.requests.dropped, 0, JSON.stringify(r.requests.byCause));

  const same = simulate(judgedCanary(1));
  assert.is(same.rollout.outcome, 'promoted', same.rollout.steps.map((s) => s.name).join(', '));
});

test.run();

// ---- helpers --------------------------------------------------------------------------

/** n latencies, 50 ms + exponential (mean 20 ms) + shift: a latency-like skewed sample. */
function latencies(seed: string, n: number, shift = 0): number[] {
  const u = seedrandom.tychei(seed);
  return Array.from({ length: n }, () => 50 + 20 * -Math.log(1 - u()) + shift);
}

/** A healthy window of these latencies (every request ok). */
function windowOf(lat: number[]): WindowStats {
  const sorted = [...lat].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return { requests: lat.length, ok: lat.length, errors: 0, successRate: lat.length > 0 ? 1 : NaN, p50: q(0.5), p90: q(0.9), p99: q(0.99), latencies: lat };
}

/** Runs a plan to its end, answering `metrics` with the version's window; records every action. */
function answer<R>(plan: Plan<R>, windows: Record<string, WindowStats>): { actions: Action[]; result: R } {
  const actions: Action[] = [];
  let reply: unknown;
  for (;;) {
    const it = plan.next(reply);
    if (it.done) return { actions, result: it.value };
    actions.push(it.value);
    reply = it.value.do === 'metrics' ? windows[it.value.version] : undefined;
  }
}

/**
 * A router canary whose background analysis has only the judge (Kayenta defaults), every
 * 10 s, failureLimit 0; v2's service time is `factor` × v1's. Propagation (≤ 500 ms) is
 * below minReadySeconds (1 s), so nothing is dropped that would blur the comparison.
 */
function judgedCanary(factor: number) {
  return parseScenario(`
seed: 1
duration: 150s
services:
  api:
    replicas: 4
    versions:
      v1: {}
      v2: {latencyFactor: ${factor}}
    concurrency: 16
    serviceTime: {lognormal: {median: 20ms, p99: 100ms}}
    startup: {uniform: {min: 2s, max: 4s}}
    readinessProbe: {initialDelaySeconds: 1, periodSeconds: 1}
    minReadySeconds: 1
entry: api
registry: {push: {delay: {uniform: {min: 100ms, max: 500ms}}}}
traffic: {rate: 200, users: 2000}
release:
  startAt: 5s
  services: [api]
  to: v2
  strategy:
    name: canary
    analysis: {interval: 10s, minRequests: 50, judge: {}}
    steps:
      - setWeight: 25
      - pause: {duration: 40s}
      - setWeight: 50
      - pause: {duration: 40s}
`, 'judged-canary.yaml');
}
