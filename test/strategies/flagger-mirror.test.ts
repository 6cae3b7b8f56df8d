// Flagger's mirror pre-stage in the canary shorthand (`mirror: true`, `mirrorWeight`): the
// full-size canary gets copies of requests for one interval, judged by the analysis, before
// any user request reaches it; a bad canary is caught on copies alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';

const sc = (errorRate: number, knobs: string) => parseScenario(`
seed: 6
duration: 6m
services:
  api: {replicas: 4, versions: {v1: {}, v2: {errorRate: ${errorRate}}}, concurrency: 32, serviceTime: 5ms, startup: 2s, readinessProbe: {periodSeconds: 1}}
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 200ms}}
traffic: {rate: 100}
release:
  startAt: 10s
  strategy: {name: canary, interval: 30s, stepWeight: 25, maxWeight: 50, threshold: 1, analysis: {successRate: 0.95, minRequests: 100}${knobs}}
`, 'fm.yaml');

const names = (r: ReturnType<typeof simulate>) => r.rollout.steps.map((s) => s.name);

test('the shorthand expands to a mirror interval at full canary size, then the weights', () => {
  const st = sc(0, ', mirror: true, mirrorWeight: 40').release!.strategy;
  assert.ok(st.name === 'canary');
  if (st.name !== 'canary') return;
  assert.equal(st.steps.slice(0, 6), [
    { setCanaryScale: { weight: 100 } }, { setMirrorRoute: { percent: 40, match: null } }, { pause: { duration: 30_000 } },
    { setMirrorRoute: { percent: 0, match: null } }, { setCanaryScale: { matchTrafficWeight: true } }, { setWeight: 25 },
  ]);
  assert.is(st.flagger?.mirrorWeight, 40);
});

test('a 50 %-failing canary: caught on mirrored copies with no user error; without mirror, users meet it first', () => {
  const mirrored = simulate(sc(0.5, ', mirror: true'));
  const plain = simulate(sc(0.5, ''));
  assert.is(mirrored.rollout.outcome, 'rolled-back', names(mirrored).join(', '));
  assert.is(plain.rollout.outcome, 'rolled-back', names(plain).join(', '));
  const copies = mirrored.meta!.mirrored!;
  // 100 req/s copied at 100 % for the 30 s interval: ≈ 3000 copies, about half failed.
  assert.ok(copies.sent > 2700 && copies.sent < 3300, `copies ${JSON.stringify(copies)}`);
  assert.ok(copies.failed > 0.4 * copies.sent && copies.failed < 0.6 * copies.sent, `copies ${JSON.stringify(copies)}`);
  assert.is(mirrored.requests.byCause.error, 0, 'no user met the bad canary');
  // Without the pre-stage the first 25 % interval is judged on users' requests: 100 × 25 % × 30 s × 50 % ≈ 375 errors.
  assert.ok(plain.requests.byCause.error > 250, `plain errors ${plain.requests.byCause.error}`);
});

test('a good canary: one mirror interval, then the weights as without mirror; promoted', () => {
  const r = simulate(sc(0, ', mirror: true, mirrorWeight: 50'));
  assert.is(r.rollout.outcome, 'promoted');
  const copies = r.meta!.mirrored!;
  // The mirror starts once the canary is ready, but callers learn its endpoints 200 ms later
  // (the registry's push delay): ≈ 100 req/s × 50 % × 0.2 s = 10 copies find no endpoint.
  assert.ok(copies.sent > 1350 && copies.sent < 1650, `copies ${JSON.stringify(copies)}`);
  assert.ok(copies.failed > 0 && copies.failed < 30, `copies ${JSON.stringify(copies)}`);
  const w25 = r.rollout.steps.find((s) => s.name === 'setWeight 25')!;
  // weights shift one interval (30 s) later than without the pre-stage
  const plain = simulate(sc(0, ''));
  const p25 = plain.rollout.steps.find((s) => s.name === 'setWeight 25')!;
  assert.ok(w25.startMs - p25.startMs >= 30_000 && w25.startMs - p25.startMs < 40_000, `${w25.startMs} vs ${p25.startMs}`);
});

test('errors and warnings: mirror without a router, mirrorWeight without mirror, mirror beside steps', () => {
  assert.throws(() => sc(0, ', trafficRouting: false, mirror: true'), /release\.strategy\.mirror: needs trafficRouting: true/);
  assert.equal(sc(0, ', mirrorWeight: 20').warnings, ['fm.yaml: release.strategy.mirrorWeight: has no effect without mirror: true: it is the share of requests copied to the canary while Flagger mirrors; set mirror: true, or remove it']);
  assert.throws(() => parseScenario(`duration: 1m\nservices: {a: {serviceTime: 1ms, versions: [v1, v2]}}\ntraffic: {rate: 1}\nrelease: {strategy: {name: canary, mirror: true, steps: [{setWeight: 10}]}}`, 'x.yaml'),
    /release\.strategy\.steps: steps cannot be combined with the Flagger shorthand \(.*mirror\)/);
});

test.run();
