// Session affinity (Flagger's sessionAffinity) replayed through real nginx: the proxy routes
// a request carrying the canary's cookie to the canary while it has weight and sets the
// cookie on a request its weights send there; the load generator keeps each user's cookie
// for maxAge. Cookies accumulate, so the canary's share climbs far above its weight — in
// the simulator and in the replay alike, window by window.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../replay/replay.ts';
import { renderNginxConfig } from '../../../replay/proxies/nginx/nginx-config.ts';
import { RoutingState, type FrontSpec } from '../../../replay/proxy.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { simulate } from '../../../sim/simulate.ts';
import type { RunResult } from '../../../sim/result/run-result.ts';
import { requireProxy } from '../helpers.ts';

const sc = (affinity: string) => parseScenario(`
name: sticky-canary
seed: 11
duration: 50s
services:
  api: {replicas: 4, versions: [v1, v2], concurrency: 32, serviceTime: 3ms, startup: 1s, readinessProbe: {periodSeconds: 1}}
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 200ms}}
traffic: {rate: 60, users: 150}
release:
  startAt: 5s
  strategy: {name: canary, ${affinity} steps: [{setWeight: 20}, {pause: {duration: 60s}}]}
`, 'sticky.yaml');

/** Mean canary share of the entry's requests over the whole buckets from `from` s on for `len` s after the weight was set. */
function shareAfterWeight(r: RunResult, from: number, len: number): number {
  const set = r.rollout.steps.find((s) => s.name === 'setWeight 20')!;
  const b = r.timeline.bucketMs;
  const first = Math.ceil((set.endMs + from * 1000) / b);
  const xs = r.timeline.series['share.api.v2'].slice(first, first + Math.round((len * 1000) / b));
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

test('nginx config: the cookie routes to the canary only while it has weight; the weights set it', () => {
  const front: FrontSpec = {
    service: 'api', port: 18090, versions: ['v1', 'v2'], isEntry: true, lb: 'round-robin', retry: { attempts: 0, on: [] },
    timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool: null, affinity: { canary: 'v2' },
  };
  const state = new RoutingState([front]);
  state.endpoints.set('v1-1', { id: 'v1-1', service: 'api', version: 'v1', port: 18091, down: false, weight: 1 });
  state.endpoints.set('v2-1', { id: 'v2-1', service: 'api', version: 'v2', port: 18092, down: false, weight: 1 });
  state.weights.set('api', { v1: 80, v2: 20 });
  const conf = renderNginxConfig(state, { dir: '/tmp/x', genPort: 18093, generation: 1 });
  assert.match(conf, /map \$cookie_relsim_affinity \$relsim_f0_sticky \{\s+default "";\s+"1" u0_1;/);
  // Only when nothing before the weights (here the cookie itself) decided: a request the cookie routed is not re-stamped.
  assert.match(conf, /map "\$relsim_f0_sticky\|\$relsim_f0_w" \$relsim_f0_setcookie \{\s+default "";\s+"\|u0_1" "relsim_affinity=1; Path=\/";/);
  assert.match(conf, /add_header Set-Cookie \$relsim_f0_setcookie always;/);
  state.weights.set('api', { v1: 100, v2: 0 });
  const off = renderNginxConfig(state, { dir: '/tmp/x', genPort: 18093, generation: 2 });
  assert.not.match(off, /relsim_affinity/, 'at weight 0 the cookie routes nowhere and nobody gets one');
});

test('replayed through nginx: the canary\'s share climbs with the cookies as the simulator predicts, far above its 20 % weight', async () => {
  requireProxy('nginx');
  const sticky = sc('sessionAffinity: {maxAge: 1h},');
  const sim = simulate(sticky);
  const plain = simulate(sc(''));
  const r = await replay(sticky, { proxy: 'nginx', speed: 8 });
  const rows: string[] = [];
  for (const [from, len] of [[2, 8], [10, 10], [20, 15]] as const) {
    const got = shareAfterWeight(r, from, len);
    const want = shareAfterWeight(sim, from, len);
    rows.push(`${from}-${from + len} s: replayed ${got.toFixed(3)}, simulated ${want.toFixed(3)}, without affinity ${shareAfterWeight(plain, from, len).toFixed(3)}`);
    assert.ok(Math.abs(got - want) < 0.1, rows.join('\n'));
  }
  console.log(rows.join('\n'));
  // The mechanism, not a coincidence: without cookies the share stays near the weight.
  assert.ok(shareAfterWeight(sim, 20, 15) > 0.6 && shareAfterWeight(plain, 20, 15) < 0.3, rows.join('\n'));
  assert.is(r.requests.dropped, 0, JSON.stringify(r.requests.byCause));
});

test.run();
