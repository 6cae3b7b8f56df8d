import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../bench/replay/replay.ts';
import { simulate } from '../../strategies/simulate.ts';
import type { RunResult } from '../../sim/run-result.ts';
import { fixture, requireProxy } from './helpers.ts';

// The same scenario simulated and replayed. Real timings vary with machine load, so the
// test asserts the loose property (same sign, within a factor of 2) and prints the table;
// the ±25 % comparison is recorded in the replay note.

function row(name: string, sim: RunResult, rep: RunResult): string {
  const causes = (r: RunResult): string => Object.entries(r.requests.byCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ') || '-';
  return `| ${name} | ${sim.requests.offered} | ${sim.requests.dropped} (${causes(sim)}) | ${rep.requests.offered} | ${rep.requests.dropped} (${causes(rep)}) |`;
}

test('kill in place (nginx, speed 2): simulated and replayed drops agree', async () => {
  requireProxy('nginx');
  const s = fixture('nginx-kill-compare.yaml');
  const sim = simulate(s);
  const rep = await replay(s, { proxy: 'nginx', speed: 2 });
  console.log(row(s.name, sim, rep));
  assert.ok(sim.requests.dropped > 0 && rep.requests.dropped > 0, 'both drop');
  const ratio = rep.requests.dropped / sim.requests.dropped;
  assert.ok(ratio > 0.4 && ratio < 2.5, `replayed/simulated drops ${ratio.toFixed(2)}`);
  assert.ok(sim.requests.byCause.refused > 0 && rep.requests.byCause.refused > 0, 'refused dominates in both');
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
