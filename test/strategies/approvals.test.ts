// Manual promotion (release.approvals): an indefinite pause holds the plan until the next
// approval's time, each approval resumes one pause, an approval already given resumes at
// once, and without one the release stays paused to the end (Argo's `promote`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from '../sim/helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

const canary = (approvals: string, steps = '[{setWeight: 20}, {pause: {}}, {setWeight: 60}, {pause: {}}]') => scenario(`
seed: 2
duration: 10m
services:
  app: {replicas: 5, versions: [v1, v2], concurrency: 16, serviceTime: 2ms, startup: 2s, readinessProbe: {periodSeconds: 1}}
entry: app
registry: {push: {delay: 200ms}}
traffic: {rate: 50}
release:
  startAt: 10s
  ${approvals}
  strategy: {name: canary, trafficRouting: true, steps: ${steps}}
`);

const step = (r: RunResult, prefix: string) => r.rollout.steps.find((s) => s.name.startsWith(prefix));

test('without approvals the first pause: {} holds the release to the end of the run', () => {
  const r = simulate(canary(''));
  assert.is(r.rollout.outcome, 'none');
  assert.is(r.rollout.finished, false);
  assert.ok(step(r, 'paused (pause)'), r.rollout.steps.map((s) => s.name).join(', '));
  assert.not.ok(step(r, 'setWeight 60'));
});

test('each approval resumes one pause at its time; the release promotes after the last', () => {
  const r = simulate(canary('approvals: [2m, 5m]'));
  const first = step(r, 'paused (pause) until approval at 2m')!;
  const second = step(r, 'paused (pause) until approval at 5m')!;
  assert.ok(first && second, r.rollout.steps.map((s) => s.name).join(', '));
  assert.is(first.endMs, 120_000);
  assert.is(step(r, 'setWeight 60')!.startMs, 120_000);
  assert.is(second.endMs, 300_000);
  assert.is(r.rollout.outcome, 'promoted');
  assert.ok(r.rollout.endMs! >= 300_000);
});

test('one approval for two pauses: resumed once, then paused for good', () => {
  const r = simulate(canary('approvals: [1m]'));
  assert.is(step(r, 'paused (pause) until approval at 1m')!.endMs, 60_000);
  assert.ok(step(r, 'setWeight 60'));
  assert.ok(r.rollout.steps.some((s) => s.name === 'paused (pause)'));
  assert.is(r.rollout.outcome, 'none');
});

test('an approval given before the pause is reached resumes it at once', () => {
  const r = simulate(canary('approvals: [5s]', '[{setWeight: 20}, {pause: {}}, {setWeight: 60}]'));
  const paused = step(r, 'paused (pause) until approval at 5s')!;
  assert.is(paused.endMs, paused.startMs);
  assert.is(r.rollout.outcome, 'promoted');
});

test('blue-green awaiting promotion switches at the approval; the reader checks the order', () => {
  const bg = (approvals: string) => scenario(`
duration: 5m
services:
  app: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 2ms, startup: 2s, readinessProbe: {periodSeconds: 1}}
entry: app
traffic: {rate: 20}
release:
  startAt: 5s
  ${approvals}
  strategy: {name: blue-green, autoPromotionEnabled: false, scaleDownDelaySeconds: 10}
`);
  const r = simulate(bg('approvals: [90s]'));
  assert.is(step(r, 'switch to green')!.startMs, 90_000);
  assert.is(r.rollout.outcome, 'promoted');
  assert.is(simulate(bg('')).rollout.outcome, 'none');
  assert.throws(() => bg('approvals: [2m, 1m]'), /release\.approvals\[1\]: expected approvals in time order/);
  assert.throws(() => bg('approvals: soon'), /release\.approvals/);
});

test.run();
