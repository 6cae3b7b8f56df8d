import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../bench/replay/replay.ts';
import { simulate } from '../../strategies/simulate.ts';
import type { RunResult } from '../../sim/run-result.ts';
import { fixture, requireProxy } from './helpers.ts';

// The same scenario simulated and replayed. One replay is one realisation of the random
// arrivals and reload times, so it is compared with the simulator's mean over seeds (the
// prediction). The issue's ±25 % holds for the mean of replays (≈ 111 against 96.9 on the
// kill below, +15 %); single runs measured 102–122 (+5 … +26 %), so one run is held to
// ±35 %: wide enough for a loaded CI machine, still far narrower than the 2.5× the
// calibration fixed (148–172 replayed against 58 simulated before it).

const SEEDS = 10;

function row(name: string, sim: RunResult, rep: RunResult): string {
  const causes = (r: RunResult): string => Object.entries(r.requests.byCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ') || '-';
  return `| ${name} | ${sim.requests.offered} | ${sim.requests.dropped} (${causes(sim)}) | ${rep.requests.offered} | ${rep.requests.dropped} (${causes(rep)}) |`;
}

test('kill in place (nginx, speed 2): replayed drops within ±35 % of the simulated mean', async () => {
  requireProxy('nginx');
  const s = fixture('nginx-kill-compare.yaml');
  const sims = Array.from({ length: SEEDS }, (_, i) => simulate({ ...s, seed: i + 1 }));
  const simMean = sims.reduce((a, r) => a + r.requests.dropped, 0) / SEEDS;
  const rep = await replay(s, { proxy: 'nginx', speed: 2 });
  console.log(`${row(s.name, sims[s.seed - 1], rep)} simulated mean over ${SEEDS} seeds ${simMean.toFixed(1)}`);
  assert.ok(simMean > 0 && rep.requests.dropped > 0, 'both drop');
  const ratio = rep.requests.dropped / simMean;
  assert.ok(Math.abs(ratio - 1) <= 0.35, `replayed ${rep.requests.dropped} vs simulated mean ${simMean.toFixed(1)}: ratio ${ratio.toFixed(2)}`);
  // Refused and reset (nginx reusing a pooled connection to the killed backend) are one
  // mechanism; refused dominates in both.
  assert.ok(rep.requests.byCause.refused > rep.requests.byCause.reset, `replayed: ${JSON.stringify(rep.requests.byCause)}`);
  assert.ok(sims.every((r) => r.requests.byCause.refused > r.requests.byCause.reset), 'simulated: refused dominates');
});

test('A→B→C lanes (nginx, speed 5): both route the gray user the same way', async () => {
  requireProxy('nginx');
  const s = fixture('lanes-abc.yaml');
  const sim = simulate(s);
  const rep = await replay(s, { proxy: 'nginx', speed: 5 });
  console.log(row(s.name, sim, rep));
  const main = (r: RunResult): string => Object.entries(r.lanes.gray?.paths ?? {}).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  assert.is(main(sim), 'a:v2>b:v1>c:v2');
  assert.is(main(rep), 'a:v2>b:v1>c:v2');
  assert.ok(sim.requests.byCause.misroute <= 2 && rep.requests.byCause.misroute <= 2, 'at most a stray request at the switch');
});

test.run();
