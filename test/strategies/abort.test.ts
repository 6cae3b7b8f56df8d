// release.abortAt: a person aborts at a chosen time — Argo's abort for canary, blue-green
// and A/B, `kubectl rollout undo` for a Deployment — through the simulator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { ScenarioError } from '../../scenarios/scenario-error.ts';

const sc = (release: string, versions = '[v1, v2]') => parseScenario(`
seed: 2
duration: 3m
services:
  api:
    replicas: 4
    versions: ${versions}
    concurrency: 16
    serviceTime: 5ms
    startup: 2s
    preStop: 2s
    readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 500ms}}
traffic: {rate: 100}
release: ${release}
`, 'abort.yaml');

const steps = (r: ReturnType<typeof simulate>) => r.rollout.steps.map((s) => `${s.name}@${s.startMs}`);
const last = (xs: number[]) => xs[xs.length - 1];

test('canary paused at pause: {} and aborted: traffic back to stable, canary scaled down, rolled-back', () => {
  const r = simulate(sc('{startAt: 10s, abortAt: 60s, strategy: {name: canary, abortScaleDownDelaySeconds: 5, steps: [{setWeight: 25}, {pause: {}}]}}'));
  assert.equal(steps(r).slice(0, 4), ['canary start@10000', 'setWeight 25@10000', 'paused (pause)@12000', 'abort at 1m@60000']);
  assert.is(r.rollout.outcome, 'rolled-back');
  assert.is(r.rollout.finished, true);
  const share = r.timeline.series['share.api.v2'];
  assert.ok(share.slice(20, 55).every((x) => x > 0.1 && x < 0.45), 'a quarter of requests on the canary while paused');
  assert.ok(share.slice(62).every((x) => x === 0), 'none after the abort');
  assert.is(last(r.timeline.series['instances.api.v2.ready']), 0);
  // (A few no-endpoint drops at setWeight: the weight can reach a caller before the
  // canary's endpoint does — the usual race, not the abort's.)
  assert.equal(r.rollout.steps.slice(3).map((s) => s.dropped), [0, 0], 'the abort and after it drop nothing');
});

test('an abort cuts a running wait short: a canary waiting on its pods is aborted on time', () => {
  const r = simulate(sc('{startAt: 10s, abortAt: 30s, strategy: {name: canary, steps: [{setWeight: 50}, {pause: {duration: 1m}}]}}', '{v1: {}, v2: {startup: 5m}}'));
  assert.equal(steps(r).slice(0, 3), ['canary start@10000', 'setWeight 50@10000', 'abort at 30s@30000']);
  assert.is(r.rollout.outcome, 'rolled-back');
});

test('rolling: kubectl rollout undo mid-rollout rolls back to every old pod', () => {
  const r = simulate(sc('{startAt: 10s, abortAt: 20s, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0}}', '{v1: {}, v2: {startup: 8s}}'));
  assert.equal(steps(r).slice(0, 2), ['rolling update@10000', 'abort at 20s@20000']);
  assert.is(r.rollout.outcome, 'rolled-back');
  assert.is(last(r.timeline.series['instances.api.v1.ready']), 4);
  assert.is(last(r.timeline.series['instances.api.v2.ready']), 0);
  assert.ok(r.timeline.series['instances.api.v2.ready'].slice(15, 20).some((x) => x > 0), 'the rollout had started replacing');
});

test('blue-green awaiting promotion, aborted: blue keeps every request, green goes', () => {
  const r = simulate(sc('{startAt: 10s, abortAt: 40s, strategy: {name: blue-green, autoPromotionEnabled: false, abortScaleDownDelaySeconds: 0}}'));
  assert.equal(steps(r).slice(0, 3), ['deploy green@10000', 'paused (awaiting promotion)@12000', 'abort at 40s@40000']);
  assert.is(r.rollout.outcome, 'rolled-back');
  assert.ok(r.timeline.series['share.api.v2'].every((x) => x === 0));
  assert.is(last(r.timeline.series['instances.api.v2.ready']), 0);
});

test('an abort after the release finished changes nothing', () => {
  const plain = simulate(sc('{startAt: 10s, strategy: {name: rolling}}'));
  const late = simulate(sc('{startAt: 10s, abortAt: 150s, strategy: {name: rolling}}'));
  assert.is(late.rollout.outcome, 'promoted');
  assert.equal(steps(late), steps(plain));
  assert.equal(late.requests, plain.requests);
});

test('abortAt before startAt is an error naming the field', () => {
  try {
    simulate(sc('{startAt: 10s, abortAt: 5s, strategy: {name: rolling}}'));
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ScenarioError);
    assert.match((e as Error).message, /release\.abortAt: expected a time at or after release\.startAt/);
  }
});

test.run();
