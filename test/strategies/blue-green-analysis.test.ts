// Blue-green analysis that concludes, through the simulator: preview traffic gives
// prePromotionAnalysis something to measure, and postPromotionAnalysis after the switch
// sends a bad green back to blue while blue is still up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';

const sc = (errorRate: number, knobs: string) => parseScenario(`
seed: 5
duration: 4m
services:
  api:
    replicas: 3
    versions: {v1: {}, v2: {errorRate: ${errorRate}}}
    concurrency: 16
    serviceTime: 5ms
    startup: 2s
    readinessProbe: {periodSeconds: 1}
    preStop: 2s
    minReadySeconds: 1   # ≥ the push delay: no weight reaches a caller before green's endpoints
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 300ms}}
traffic: {rate: 200, users: 2000}
release:
  startAt: 10s
  strategy: {name: blue-green, scaleDownDelaySeconds: 60, abortScaleDownDelaySeconds: 5, ${knobs}}
`, 'bg.yaml');

const analysis = '{interval: 10s, count: 3, successRate: 0.95, minRequests: 20}';
const names = (r: ReturnType<typeof simulate>) => r.rollout.steps.map((s) => s.name);

test('postPromotionAnalysis: a bad green is switched back to blue before blue is scaled down', () => {
  const r = simulate(sc(0.2, `postPromotionAnalysis: ${analysis}`));
  assert.equal(names(r).slice(0, 4), ['deploy green', 'switch to green', 'post-promotion analysis', 'rollback']);
  assert.is(r.rollout.outcome, 'rolled-back');
  const share = r.timeline.series['share.api.v2'];
  const back = Math.ceil(r.rollout.steps[3].startMs / 1000) + 2;
  assert.ok(share.slice(back).every((x) => x === 0), 'all traffic back on blue');
  assert.is(r.timeline.series['instances.api.v1.ready'].at(-1), 3, 'blue never went away');
  assert.is(r.timeline.series['instances.api.v2.ready'].at(-1), 0);
  // the errors are the analysis window's: ≈ 200/s × 0.2 × 10 s (failed at the first measurement)
  assert.ok(r.requests.byCause.error > 200 && r.requests.byCause.error < 700, `error ${r.requests.byCause.error}`);
});

test('postPromotionAnalysis: a good green is promoted, and blue goes only after the analysis and the delay', () => {
  const r = simulate(sc(0, `postPromotionAnalysis: ${analysis}`));
  assert.equal(names(r), ['deploy green', 'switch to green', 'post-promotion analysis', 'scale down blue', 'after rollout']);
  assert.is(r.rollout.outcome, 'promoted');
  const [, sw, post, down] = r.rollout.steps;
  assert.is(post.endMs - post.startMs, 30_000, '3 measurements of 10 s');
  assert.is(down.endMs - down.startMs, 60_000);
  assert.is(post.startMs, sw.endMs);
  assert.is(r.requests.dropped, 0);
});

test('preview traffic: pre-promotion analysis concludes on the preview — a bad green never gets production traffic', () => {
  const knobs = `previewMatch: {percent: 10}, prePromotionAnalysis: ${analysis}`;
  const bad = simulate(sc(0.2, knobs));
  assert.equal(names(bad).slice(0, 4), ['deploy green', 'preview traffic', 'pre-promotion analysis', 'rollback']);
  assert.is(bad.rollout.outcome, 'rolled-back');
  const share = bad.timeline.series['share.api.v2'];
  assert.ok(share.every((x) => x < 0.2), `green never above the preview share: max ${Math.max(...share)}`);
  assert.ok(share.some((x) => x > 0.05), 'the preview took its users');
  const good = simulate(sc(0, knobs));
  assert.equal(names(good).slice(0, 4), ['deploy green', 'preview traffic', 'pre-promotion analysis', 'switch to green']);
  assert.is(good.rollout.outcome, 'promoted');
  // without preview traffic the same analysis has nothing to measure and pauses
  const blind = simulate(sc(0, `prePromotionAnalysis: ${analysis}`));
  assert.ok(names(blind).includes('paused (analysis inconclusive)'), names(blind).join(', '));
});

test.run();
