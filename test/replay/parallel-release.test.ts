// `release.order: parallel` replayed through HAProxy: the scheduler that runs both
// services' plans at once lives in the plan protocol (strategies/parallel.ts), so the replay
// runs it with no code of its own. Both rolling updates start at startAt and overlap in one
// step named after both, and the release takes about one service's rollout, not the sum.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { requireProxy } from './helpers.ts';
import { assertCausesAgree, measuresOf, scenarioLikeReplay } from './sim-like-replay.ts';

const sc = (order: string) => parseScenario(`
name: parallel-pair
seed: 2
duration: 30s
services:
  web: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 3ms, startup: 2s, readinessProbe: {periodSeconds: 1}, minReadySeconds: 1, calls: [api]}
  api: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 3ms, startup: 2s, readinessProbe: {periodSeconds: 1}, minReadySeconds: 1}
entry: {service: web, client: {lb: round-robin}}
traffic: {rate: 40}
release: {startAt: 2s, services: [api, web], order: ${order}, to: v2, strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0}}
`, 'parallel.yaml');

test('HAProxy (speed 4): both rolling updates at once, as the simulator runs them; about half the sequential time', async () => {
  requireProxy('haproxy');
  const s = sc('parallel');
  const r = await replay(s, { proxy: 'haproxy', speed: 4 });
  // The simulator given the replay's own start-up times (a spawn takes real time) and propagation.
  const fed = (order: string) => simulate(scenarioLikeReplay(sc(order), measuresOf(r)));
  const [sim, seq] = [fed('parallel'), fed('sequential')];
  const took = (x: typeof r) => x.rollout.endMs - s.release!.startAt;
  assert.is(r.rollout.outcome, 'promoted', r.rollout.steps.map((x) => x.name).join(', '));
  assert.is(r.rollout.steps[0].name, 'api: rolling update + web: rolling update');
  // Probe ticks and the plan's pod polls (100 ms) land on a real clock: 1 s of scenario time (250 ms real).
  assert.ok(Math.abs(took(r) - took(sim)) <= 1000, `replayed ${took(r)} ms, simulated ${took(sim)} ms`);
  assert.ok(took(r) < 0.7 * took(seq), `replayed in parallel ${took(r)} ms, simulated in turn ${took(seq)} ms`);
  // What the proxy's own change time costs (a few refused as old pods stop) is the simulator's too.
  assertCausesAgree('parallel-pair haproxy x4', s, r);
});

test.run();
