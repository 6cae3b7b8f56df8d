// test:exclusive (the replay's real timing is compared with a simulated bracket; another test file beside it shifts the timing)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { fixture, requireProxy } from './helpers.ts';

// The same scenario simulated and replayed. How long nginx keeps routing by the old
// endpoints is the one input the simulator cannot know, and it swings with the machine's
// load (a CI run measured 152 drops where a quiet one measured 102). Each replay measures
// it two ways: the reload until the new config answers (`proxyChangeMs`, a lower bound:
// the old worker still serves its keep-alive connections) and until the old workers have
// exited (`proxyStaleMs`, an upper bound: they stop routing before they exit). Simulated
// with each as the registry delay (serial, as nginx reloads), the model must bracket the
// replayed drops: that checks its mechanics, not this machine's reload speed.

const SEEDS = 10;

function row(name: string, sim: RunResult, rep: RunResult): string {
  const causes = (r: RunResult): string => Object.entries(r.requests.byCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ') || '-';
  return `| ${name} | ${sim.requests.offered} | ${sim.requests.dropped} (${causes(sim)}) | ${rep.requests.offered} | ${rep.requests.dropped} (${causes(rep)}) |`;
}

/** Mean drops over SEEDS seeds with the registry delay drawn from `delaysMs` (scenario ms), serial. */
function simulatedMean(s: Scenario, delaysMs: number[]): number {
  const registry: Scenario['registry'] = { mode: 'push', delay: { type: 'empirical', samples: delaysMs }, routingDelay: false, serial: true, batch: false, batchWindow: 0 };
  let sum = 0;
  for (let seed = 1; seed <= SEEDS; seed++) sum += simulate({ ...s, registry, seed }).requests.dropped;
  return sum / SEEDS;
}

test('kill in place (nginx, speed 2): the simulator, fed the replay\'s measured propagation, brackets its drops', async () => {
  requireProxy('nginx');
  const s = fixture('nginx-kill-compare.yaml');
  const speed = 2;
  const rep = await replay(s, { proxy: 'nginx', speed });
  const m = rep.meta!.replay as { proxyChangeMs: number[]; proxyStaleMs: number[] };
  assert.ok(m.proxyChangeMs.length >= 3 && m.proxyStaleMs.length >= 1, `measured: ${JSON.stringify(m)}`);
  const low = simulatedMean(s, m.proxyChangeMs.map((x) => x * speed));
  const high = simulatedMean(s, m.proxyStaleMs.map((x) => x * speed));
  const fixed = simulate(s);
  console.log(`${row(s.name, fixed, rep)} simulated mean with the replay's reload times ${low.toFixed(1)}, with its old-worker exits ${high.toFixed(1)}`);
  assert.ok(rep.requests.dropped > 0, 'the replay drops');
  // 10 % either side: the bracket's own ends are means over 10 seeds.
  assert.ok(rep.requests.dropped >= 0.9 * low && rep.requests.dropped <= 1.1 * high,
    `replayed ${rep.requests.dropped} outside [${low.toFixed(1)}, ${high.toFixed(1)}]`);
  // Refused and reset (nginx reusing a pooled connection to the killed backend) are one
  // mechanism; refused dominates in both.
  assert.ok(rep.requests.byCause.refused > rep.requests.byCause.reset, `replayed: ${JSON.stringify(rep.requests.byCause)}`);
  assert.ok(fixed.requests.byCause.refused > fixed.requests.byCause.reset, 'simulated: refused dominates');
});

// The A→B→C lanes comparison (both route the gray user the same way) runs on lanes.test.ts's
// replay of lanes-abc.yaml, which this file used to repeat at the same speed.

test.run();
