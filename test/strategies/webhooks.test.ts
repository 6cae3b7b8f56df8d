// Flagger's webhooks through the simulator: gates hold the plan until they open (polled every
// interval), a gate that never opens leaves the release paused, failing rollout checks roll
// back at `threshold` failed intervals, a rollback hook rolls back at the next interval, and a
// load test sends synthetic requests to the canary that the analysis sees and users never do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from '../sim/helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { parseScenario, ScenarioError } from '../../scenarios/load.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import { formatMs } from '../../strategies/common.ts';

const base = (strategy: string, extra = '') => `
seed: 4
duration: 10m
services:
  app:
    replicas: 4
    versions: {v1: {}, v2: {${extra}}}
    concurrency: 16
    serviceTime: 2ms
    startup: 2s
    readinessProbe: {periodSeconds: 1}
entry: app
registry: {push: {delay: 200ms}}
traffic: {rate: 50}
release:
  startAt: 10s
  strategy: ${strategy}
`;
const run = (strategy: string, extra = '') => simulate(scenario(base(strategy, extra)));
const names = (r: RunResult) => r.rollout.steps.map((s) => `${s.name}@${s.startMs}`).join(', ');
const step = (r: RunResult, name: string) => r.rollout.steps.find((s) => s.name === name);
const steps = (r: RunResult, name: string) => r.rollout.steps.filter((s) => s.name === name);

test('confirm-promotion openAt 2m: the canary stays at its last weight until the first poll at or after 2m, then promotes', () => {
  const r = run('{name: canary, interval: 30s, stepWeight: 50, maxWeight: 50, webhooks: [{name: approve, type: confirm-promotion, openAt: 2m}]}');
  const held = step(r, 'paused (confirm-promotion "approve")')!;
  assert.ok(held, names(r));
  // Polled when reached, then every interval (30 s): open at the first poll ≥ 120 s.
  const opensAt = held.startMs + Math.ceil((120_000 - held.startMs) / 30_000) * 30_000;
  assert.ok(held.startMs < 120_000 && opensAt >= 120_000 && opensAt < 150_000, names(r));
  assert.is(step(r, `confirm-promotion gate open at ${formatMs(opensAt)}`)!.startMs, opensAt, names(r));
  assert.is(step(r, 'promote')!.startMs, opensAt);
  assert.is(r.rollout.outcome, 'promoted');
  // Held at weight 50: the canary's share of the buckets between the last step and the gate.
  const share = r.timeline.series['share.app.v2'];
  const mid = Math.floor((held.startMs + 20_000) / r.timeline.bucketMs);
  assert.ok(share[mid] > 0.3 && share[mid] < 0.7, `share ${share[mid]}`);
});

test('confirm-promotion openAt never: the release ends paused at its last weight, the step says so', () => {
  const r = run('{name: canary, interval: 30s, stepWeight: 50, maxWeight: 50, webhooks: [{name: approve, type: confirm-promotion, openAt: never}]}');
  assert.ok(step(r, 'paused (confirm-promotion "approve" never opens)'), names(r));
  assert.not.ok(step(r, 'promote'));
  assert.is(r.rollout.outcome, 'none');
  assert.is(r.rollout.finished, false);
});

test('confirm-rollout openAt 1m: nothing is deployed before it opens; confirm-traffic-increase asked before each increase', () => {
  const r = run('{name: canary, interval: 30s, stepWeight: 50, maxWeight: 100, webhooks: [{name: go, type: confirm-rollout, openAt: 1m}, {name: more, type: confirm-traffic-increase, openAt: 3m}]}');
  const first = step(r, 'setWeight 50')!;
  // Asked at 10 s, 40 s, 70 s: open at 70 s; then confirm-traffic-increase holds setWeight 50 until a poll ≥ 3m.
  assert.is(step(r, 'confirm-rollout gate open at 70s')!.startMs, 70_000, names(r));
  const inc = step(r, 'paused (confirm-traffic-increase "more")')!;
  assert.is(inc.startMs, 70_000);
  assert.is(first.startMs, 190_000, names(r));
  assert.is(r.rollout.outcome, 'promoted');
});

test('a rollout check failing from the start rolls back after threshold (2) failed intervals, at the predicted time', () => {
  const r = run('{name: canary, interval: 30s, stepWeight: 20, maxWeight: 100, threshold: 2, webhooks: [{name: smoke, type: rollout, failAt: 0s}]}');
  const pauses = steps(r, 'pause 30s');
  assert.ok(pauses.length >= 2, names(r));
  const rb = step(r, 'rollback (rollout hook "smoke" failed (2 failed hook calls))')!;
  assert.ok(rb, names(r));
  // One check per interval of pausing: the second failure ends the second pause.
  assert.is(rb.startMs, pauses[1].startMs + 30_000);
  assert.is(r.rollout.outcome, 'rolled-back');
  assert.not.ok(step(r, 'setWeight 60'));
});

test('a rollback hook answering at 60 s rolls the canary back at the next interval', () => {
  const r = run('{name: canary, steps: [{setWeight: 20}, {pause: 5m}], webhooks: [{name: stop, type: rollback, at: 60s}]}');
  const pause = step(r, 'pause 5m')!;
  // Without an analysis the interval is Flagger's 60 s, counted from the start of the pause.
  const at = pause.startMs + 60_000;
  const rb = r.rollout.steps.find((s) => s.name.startsWith('rollback (rollback hook "stop"'))!;
  assert.ok(rb, names(r));
  assert.is(rb.startMs, at);
  assert.is(r.rollout.outcome, 'rolled-back');
});

const loadTestRun = (hooks: string) => run(`{name: canary, steps: [{setCanaryScale: {replicas: 1}}, {pause: 60s}],
    analysis: {interval: 60s, successRate: 0.9, minRequests: 50}${hooks}}`, 'errorRate: 0.5');

test('a load test at 20 req/s: the canary at weight 0 fails its analysis on load-test requests alone, no user drop', () => {
  const without = loadTestRun('');
  const r = loadTestRun(', webhooks: [{name: load, type: rollout, loadTest: {rate: 20}}]');
  // Without it the analysis never measures (no canary traffic) and the bad canary is promoted.
  assert.is(without.rollout.outcome, 'promoted');
  assert.is(r.rollout.outcome, 'rolled-back', names(r));
  const lt = r.meta!.loadTest!;
  // From the canary pod's readiness to the check 60 s later: 1200 requests, about half failing.
  assert.ok(lt.sent >= 1195 && lt.sent <= 1201, `sent ${lt.sent}`);
  assert.ok(lt.failed > 500 && lt.failed < 700, `failed ${lt.failed}`);
  assert.is(lt.ok + lt.failed, lt.sent);
  // Users never reached the canary: no error drops, and the offered load is the users' alone.
  assert.is(r.requests.byCause.error, 0);
  assert.is(r.requests.offered, without.requests.offered);
  assert.is(r.requests.offered, r.requests.ok + r.requests.dropped + r.requests.inFlightAtEnd);
  assert.not.ok(without.meta!.loadTest);
});

test('a load test under stableScaling: partition starts once the first batch is up, as with a full-size stable', () => {
  const r = run(`{name: canary, stableScaling: partition, steps: [{setCanaryScale: {replicas: 1}}, {pause: 60s}],
    analysis: {interval: 60s, successRate: 0.9, minRequests: 50}, webhooks: [{name: load, type: rollout, loadTest: {rate: 20}}]}`, 'errorRate: 0.5');
  assert.is(r.rollout.outcome, 'rolled-back', names(r));
  assert.ok(r.meta!.loadTest!.sent >= 1150, `sent ${r.meta!.loadTest!.sent}`);
});

test('A/B: a post-rollout hook failure is a step and changes nothing; confirm-promotion holds the switch', () => {
  const r = run(`{name: ab, match: {percent: 20}, duration: 60s, webhooks: [
    {name: approve, type: confirm-promotion, openAt: 3m}, {name: notify, type: post-rollout, failAt: 0s}]}`);
  assert.is(r.rollout.outcome, 'promoted');
  const promote = step(r, 'promote B')!;
  assert.ok(promote && promote.startMs >= 180_000 && promote.startMs < 240_000, names(r));
  assert.ok(step(r, 'post-rollout hook "notify" failed (changes nothing)'), names(r));
});

test('same seed, byte-identical JSON with probability gates, checks and a load test', () => {
  const strat = `{name: canary, interval: 20s, stepWeight: 25, maxWeight: 100, threshold: 5, webhooks: [
    {name: ok, type: confirm-traffic-increase, passProbability: 0.4}, {name: flaky, type: rollout, failProbability: 0.3},
    {name: load, type: rollout, loadTest: {rate: 10}}, {name: maybe, type: confirm-promotion, passProbability: 0.5}]}`;
  const a = JSON.stringify(run(strat));
  const b = JSON.stringify(run(strat));
  assert.is(a, b);
  assert.ok(JSON.parse(a).meta.loadTest.sent > 0);
});

function errorOf(yaml: string): string {
  try { parseScenario(yaml, 'test.yaml'); } catch (e) {
    assert.instance(e, ScenarioError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

test('webhook errors name the field', () => {
  assert.match(errorOf(base('{name: canary, webhooks: [{name: a, type: confirm-promotion, failAt: 1m}]}')),
    'release.strategy.webhooks[0].failAt: is not an outcome of a confirm-promotion hook: a gate opens with openAt');
  assert.match(errorOf(base('{name: canary, webhooks: [{name: a, type: rollback}]}')), 'release.strategy.webhooks[0]: a rollback hook needs at');
  assert.match(errorOf(base('{name: canary, webhooks: [{name: a, type: rollout}, {name: a, type: rollout}]}')), 'release.strategy.webhooks[1].name: webhook "a" is named twice');
  assert.match(errorOf(base('{name: canary, webhooks: [{name: a, type: pre-rollout, loadTest: {rate: 5}}]}')), 'release.strategy.webhooks[0].loadTest: is not an outcome of a pre-rollout hook');
  assert.match(errorOf(base('{name: canary, webhooks: [{name: a, type: confirm}]}')), 'release.strategy.webhooks[0].type: expected one of confirm-rollout');
  assert.match(errorOf(base('{name: canary, webhooks: [{name: a, type: rollout, loadTest: {rate: 0}}]}')), 'release.strategy.webhooks[0].loadTest.rate: expected a rate');
});

test.run();
