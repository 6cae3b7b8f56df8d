// Traffic mirroring (Argo's setMirrorRoute): copies of stable traffic load the canary and
// feed its analysis, but their failures are never user drops; a bad canary is caught with
// no user ever routed to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';

const yaml = (errorRate: number, steps: string, extra = '') => `
seed: 6
duration: 3m
services:
  api: {replicas: 3, versions: {v1: {}, v2: {errorRate: ${errorRate}}}, concurrency: 32, serviceTime: 5ms, startup: 1s, readinessProbe: {periodSeconds: 1}, minReadySeconds: 1}
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 200ms}}
traffic: {rate: 200, users: 1000, headers: [{name: x-mirror, value: '1', fraction: 0.5}]}
release:
  startAt: 10s
  strategy:
    name: canary
    abortScaleDownDelaySeconds: 5
    analysis: {interval: 10s, successRate: 0.9, minRequests: 20}
    steps: ${steps}
${extra}`;

const mirrorSteps = (pct: number, match = '') => `[{setCanaryScale: {replicas: 1}}, {setMirrorRoute: {percentage: ${pct}${match}}}, {pause: {duration: 60s}}, {setWeight: 100}, {pause: {duration: 10s}}]`;

test('a bad canary under a 50 % mirror: its analysis fails on copies alone, no user request fails', () => {
  const r = simulate(scenario(yaml(0.5, mirrorSteps(50))));
  assert.ok(conserved(r));
  assert.is(r.rollout.outcome, 'rolled-back');
  assert.is(r.requests.byCause.error, 0, 'no user request reached the canary');
  assert.is(r.requests.dropped, 0);
  const mm = r.meta!.mirrored!;
  assert.ok(mm.sent > 500, `copies ${mm.sent}`);
  // half of the copies fail (errorRate 0.5), none of them counted as a drop
  assert.ok(Math.abs(mm.failed / (mm.ok + mm.failed) - 0.5) < 0.08, `failed ${mm.failed} of ${mm.ok + mm.failed}`);
  // the copies are 50 % of the stable traffic while the mirror holds (~200/s × 0.5 until the analysis fails)
  const mirrorStep = r.rollout.steps.find((s) => s.name === 'setMirrorRoute 50%')!;
  const rollback = r.rollout.steps.find((s) => s.name === 'rollback')!;
  const expected = 200 * 0.5 * (rollback.startMs - mirrorStep.startMs) / 1000;
  assert.ok(Math.abs(mm.sent - expected) < expected * 0.15, `sent ${mm.sent}, expected ≈ ${expected}`);
});

test('a good canary under a mirror is promoted; the mirror is removed at promotion', () => {
  const r = simulate(scenario(yaml(0, mirrorSteps(50))));
  assert.is(r.rollout.outcome, 'promoted');
  assert.is(r.requests.dropped, 0);
  const mm = r.meta!.mirrored!;
  assert.is(mm.failed, 0);
  // copies only while the mirror held stable traffic: 200/s × 50 % × 60 s (none of the
  // canary's own traffic after setWeight 100, none after promotion removed the route)
  assert.ok(Math.abs(mm.sent - 6000) < 600, `sent ${mm.sent}`);
  assert.is(r.timeline.series['share.api.v2'].at(-1), 1);
});

test('a header-matched mirror copies only matching requests', () => {
  const all = simulate(scenario(yaml(0, mirrorSteps(100)))).meta!.mirrored!.sent;
  const half = simulate(scenario(yaml(0, mirrorSteps(100, ", match: {header: {name: x-mirror, value: '1'}}")))).meta!.mirrored!.sent;
  assert.ok(Math.abs(half / all - 0.5) < 0.1, `${half} of ${all}`);
});

test('without a router setMirrorRoute is an error naming the step', () => {
  assert.throws(() => scenario(yaml(0, mirrorSteps(50)).replace('name: canary', 'name: canary\n    trafficRouting: false')), /steps\[1\]\.setMirrorRoute: needs trafficRouting: true/);
});

test.run();
