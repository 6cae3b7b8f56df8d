// test:exclusive (the replay's real timing is compared with simulations; another test file beside it shifts the timing)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { fixture, requireProxy } from './helpers.ts';
import { assertCausesAgree } from './sim-like-replay.ts';

// The same scenario simulated and replayed, cause by cause. What the simulator cannot know
// is how long the real proxy takes to act on an endpoint change (it swings with the
// machine's load: a CI run measured 152 drops where a quiet one measured 102) and how long
// a backend takes to spawn; neither scales with --speed. Each replay measures both
// (meta.replay.propagationMs, startupMs) and the simulator is fed them (sim-like-replay.ts):
// what is left to compare is the mechanics, and every cause must agree (±25 %, or within
// a single run's counting noise: allowedDiff).
//
// nginx's share of that time is not "until the new config answers": its master starts the
// new worker, sleeps 100 ms ("allow new processes to start"), and only then tells the old
// one to quit; until then the old worker accepts connections and serves keep-alive
// requests by the old upstream. The reload is in force once every old worker is shutting
// down (proxyQuitMs), which is what the replay now waits for.
//
// Cost on a quiet 2-core machine (wall): kill in place 7 s.

const SEEDS = 10;

function row(name: string, sim: RunResult, rep: RunResult): string {
  const causes = (r: RunResult): string => Object.entries(r.requests.byCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ') || '-';
  return `| ${name} | ${sim.requests.offered} | ${sim.requests.dropped} (${causes(sim)}) | ${rep.requests.offered} | ${rep.requests.dropped} (${causes(rep)}) |`;
}

/** Mean drops over SEEDS seeds with the registry delay drawn from `delaysMs` (scenario ms), serial. */
function simulatedMean(s: Scenario, delaysMs: number[]): number {
  const registry: Scenario['registry'] = { mode: 'push', delay: { type: 'empirical', samples: delaysMs }, routingDelay: false, serial: true, batch: false, batchWindow: 0, shared: false };
  let sum = 0;
  for (let seed = 1; seed <= SEEDS; seed++) sum += simulate({ ...s, registry, seed }).requests.dropped;
  return sum / SEEDS;
}

test('kill in place (nginx, speed 2): each cause as the simulator predicts with the replay\'s measured propagation', async () => {
  requireProxy('nginx');
  const s = fixture('nginx-kill-compare.yaml');
  const speed = 2;
  const rep = await replay(s, { proxy: 'nginx', speed });
  const m = rep.meta!.replay as { proxyChangeMs: number[]; proxyStaleMs: number[] };
  assert.ok(m.proxyChangeMs.length >= 3 && m.proxyStaleMs.length >= 1, `measured: ${JSON.stringify(m)}`);
  // The bracket the comparison grew from: the new config answering is a lower bound, the
  // old workers' exit an upper one (10 % either side: the ends are means over 10 seeds).
  const low = simulatedMean(s, m.proxyChangeMs.map((x) => x * speed));
  const high = simulatedMean(s, m.proxyStaleMs.map((x) => x * speed));
  console.log(`${row(s.name, simulate(s), rep)} simulated mean with the replay's reload times ${low.toFixed(1)}, with its old-worker exits ${high.toFixed(1)}`);
  assert.ok(rep.requests.dropped > 0, 'the replay drops');
  assert.ok(rep.requests.dropped >= 0.9 * low && rep.requests.dropped <= 1.1 * high,
    `replayed ${rep.requests.dropped} outside [${low.toFixed(1)}, ${high.toFixed(1)}]`);
  assertCausesAgree(`${s.name} nginx x${speed}`, s, rep);
});

// The simplest rolling update (rolling-one-replica.yaml: the old instance is refused to for
// the 200 ms registry push plus the proxy's own time) is compared by the matrix only
// (npm run test:matrix, a CI gate, at speeds 4 and 8 on both proxies): at speed 2 here it
// cost 26 s of the suite's serial tail, where nothing else may run beside it.

// The other fixtures are compared where they are replayed already (no extra replay time):
// assertCausesAgree in nginx-release.test.ts (nginx-kill), lanes.test.ts (lanes-abc) and
// traffic.test.ts (post-retry, ramp); nginx-smooth, haproxy-canary and haproxy-drain assert
// zero drops on both platforms. Not compared: lanes-abc-teardown (lanes now reach callers
// with routingDelay, which removed the simulator's 50 `laneUnseen` misroutes; what is left
// differs because the replay's setLanes returns only once nginx has applied it, so the lane
// instances stop after the proxy stopped routing to them, while the simulator's plan goes
// on at once: ≈ 60 refused and 4–15 misroutes simulated against 0 replayed), lanes-cookie (match rules only), registry-delay (a hand-made plan, no
// drops), gray-weights and pool-drain (their own tests compare shares and causes).

test.run();
