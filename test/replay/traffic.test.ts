// The replay offers the scenario's traffic, not just its mean rate: a ramp ramps, and the
// non-idempotent share is sent as POST, which neither proxy re-sends after a 5xx.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { fixture, requireProxy } from './helpers.ts';
import { assertCausesAgree } from './sim-like-replay.ts';

const withPosts = (s: Scenario, share: number): Scenario => ({ ...s, traffic: { ...s.traffic, nonIdempotent: share } });
const errorShare = (r: RunResult): number => r.requests.byCause.error / r.requests.offered;

test('POSTs are not retried after a 5xx (nginx and HAProxy), GETs are: as simulated', async () => {
  requireProxy('nginx');
  requireProxy('haproxy');
  const s = fixture('post-retry.yaml');
  const simGet = errorShare(simulate(withPosts(s, 0)));
  const simPost = errorShare(simulate(withPosts(s, 1)));
  const getRun = await replay(withPosts(s, 0), { proxy: 'nginx', speed: 5 });
  // No endpoint changes: the simulator as the scenario says; errors as many as it predicts.
  assertCausesAgree(`${s.name} GET nginx x5`, withPosts(s, 0), getRun);
  const nginxGet = errorShare(getRun);
  // The two POST runs only count error shares: they run side by side.
  const [nginxPost, haproxyPost] = (await Promise.all([
    replay(withPosts(s, 1), { proxy: 'nginx', speed: 5 }), replay(withPosts(s, 1), { proxy: 'haproxy', speed: 5 }),
  ])).map(errorShare);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  console.log(`error share GET/POST: simulated ${pct(simGet)}/${pct(simPost)}, nginx ${pct(nginxGet)}/${pct(nginxPost)}, HAProxy POST ${pct(haproxyPost)}`);
  // 0.3 error rate, two retries: 0.3³ ≈ 2.7% of GETs fail, 30% of POSTs.
  for (const [who, get] of [['simulated', simGet], ['nginx', nginxGet]] as const) assert.ok(get < 0.07, `${who} GET ${pct(get)}`);
  for (const [who, post] of [['simulated', simPost], ['nginx', nginxPost], ['HAProxy', haproxyPost]] as const) {
    assert.ok(post > 0.2 && post < 0.4, `${who} POST ${pct(post)}`);
  }
});

test('a ramp is replayed as a ramp: offered per second climbs from rate to rampTo', async () => {
  requireProxy('nginx');
  const s = fixture('ramp.yaml'); // 40 → 200 req/s over 10 s, then 200 for 2 s
  const r = await replay(s, { proxy: 'nginx', speed: 5 });
  assertCausesAgree(`${s.name} nginx x5`, s, r);
  const offered = r.timeline.series.offered;
  console.log(`offered per scenario second: ${offered.join(' ')}`);
  const mean = (from: number, to: number): number => offered.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
  assert.ok(mean(0, 2) < 80, `first 2 s: ${mean(0, 2)} req/s (ramp starts at 40)`);
  assert.ok(mean(4, 6) > 90 && mean(4, 6) < 150, `seconds 4-6: ${mean(4, 6)} req/s (≈ 120)`);
  assert.ok(mean(10, 12) > 160, `after the ramp: ${mean(10, 12)} req/s (200)`);
  const want = ((40 + 200) / 2) * 10 + 200 * 2;
  assert.ok(Math.abs(r.requests.offered - want) < 0.15 * want, `offered ${r.requests.offered} vs ${want}`);
});

test.run();
