// Header routes inside a canary (Argo's setHeaderRoute) and A/B tests with Flagger's
// analysis and iterations, through the simulator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';

const sc = (errorRate: number, strategy: string) => parseScenario(`
seed: 8
duration: 3m
services:
  api: {replicas: 3, versions: {v1: {}, v2: {errorRate: ${errorRate}}}, concurrency: 32, serviceTime: 5ms, startup: 1s, readinessProbe: {periodSeconds: 1}, minReadySeconds: 1}
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 200ms}}
traffic: {rate: 200, users: 1000, headers: [{name: x-beta, value: "1", fraction: 0.2}]}
release:
  startAt: 10s
  strategy: ${strategy}
`, 'hr.yaml');

const names = (r: ReturnType<typeof simulate>) => r.rollout.steps.map((s) => s.name);
const shareIn = (r: ReturnType<typeof simulate>, fromS: number, toS: number) => {
  const s = r.timeline.series['share.api.v2'].slice(fromS, toS);
  return s.reduce((a, b) => a + b, 0) / s.length;
};

test('setHeaderRoute: the header cohort reaches the canary at weight 0; removed at promotion', () => {
  const r = simulate(sc(0, `{name: canary, scaleDownDelaySeconds: 5, steps: [{setCanaryScale: {replicas: 1}}, {setHeaderRoute: {match: [{headerName: x-beta, headerValue: {exact: "1"}}]}}, {pause: {duration: 40s}}, {setWeight: 100}]}`));
  assert.equal(names(r).slice(0, 4), ['canary start', 'setCanaryScale replicas 1', 'setHeaderRoute', 'pause 40s']);
  // the cohort (20 % of users) and nobody else, while the weight stays 0
  const cohort = shareIn(r, 15, 50);
  assert.ok(Math.abs(cohort - 0.2) < 0.05, `cohort share ${cohort}`);
  assert.is(r.rollout.outcome, 'promoted');
  assert.is(r.requests.dropped, 0);
});

test('setHeaderRoute feeds a background analysis: a bad canary is caught on the cohort alone', () => {
  const r = simulate(sc(0.5, `{name: canary, abortScaleDownDelaySeconds: 5, analysis: {interval: 10s, successRate: 0.9, minRequests: 20}, steps: [{setCanaryScale: {replicas: 1}}, {setHeaderRoute: {match: {header: {name: x-beta, value: "1"}}}}, {pause: {duration: 60s}}, {setWeight: 50}]}`));
  assert.is(r.rollout.outcome, 'rolled-back');
  assert.ok(names(r).includes('rollback'));
  // the cohort's errors only: ≈ 200/s × 20 % × 50 % × 10 s for one measurement
  assert.ok(r.requests.byCause.error > 100 && r.requests.byCause.error < 400, `error ${r.requests.byCause.error}`);
  assert.ok(shareIn(r, 40, 180) === 0, 'the header route is gone after the rollback');
});

test('A/B with analysis and iterations: a bad B is rolled back at its first failed interval; a good one promoted after iterations × interval', () => {
  const ab = (extra: string) => `{name: ab, match: {header: {name: x-beta, value: "1"}}, iterations: 4, analysis: {interval: 15s, successRate: 0.9, minRequests: 20}${extra}}`;
  const bad = simulate(sc(0.5, ab('')));
  assert.equal(names(bad).slice(0, 3), ['deploy B', 'A/B test 1m', 'rollback']);
  const testStep = bad.rollout.steps[1];
  assert.is(testStep.endMs - testStep.startMs, 15_000, 'failed at the first measurement');
  assert.is(bad.rollout.outcome, 'rolled-back');
  const good = simulate(sc(0, ab('')));
  assert.equal(names(good).slice(0, 3), ['deploy B', 'A/B test 1m', 'promote B']);
  assert.is(good.rollout.steps[1].endMs - good.rollout.steps[1].startMs, 60_000);
  assert.is(good.rollout.outcome, 'promoted');
});

test('errors: iterations with a duration, iterations without analysis, a header route without a router, two header conditions', () => {
  assert.throws(() => sc(0, '{name: ab, iterations: 3, duration: 1m, analysis: {interval: 10s}}'), /release\.strategy\.iterations: give duration or iterations/);
  assert.throws(() => sc(0, '{name: ab, iterations: 3}'), /release\.strategy\.iterations: iterations counts analysis intervals/);
  assert.throws(() => sc(0, '{name: canary, trafficRouting: false, steps: [{setHeaderRoute: {match: {header: {name: x-beta, value: "1"}}}}]}'), /steps\[0\]\.setHeaderRoute: needs trafficRouting: true/);
  assert.throws(() => sc(0, '{name: canary, steps: [{setHeaderRoute: {match: [{headerName: a, headerValue: {exact: "1"}}, {headerName: b, headerValue: {exact: "2"}}]}}]}'), /setHeaderRoute\.match: relsim matches one header per route in Argo's form, got 2/);
});

test.run();
