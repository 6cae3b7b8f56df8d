import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../replay/replay.ts';
import type { RunResult } from '../../../sim/result/run-result.ts';
import { simulate } from '../../../sim/simulate.ts';
import { fixture, requireProxy } from '../helpers.ts';
import { assertCausesAgree } from '../sim-like-replay.ts';

// Two-instance nginx releases at --speed 10 (50 s and 25 s scenarios ⇒ 5 s and 2.5 s wall, 300 req/s).

/**
 * In flight is counted apart from ok and dropped (the unanswered set), so this checks the
 * bookkeeping; and only the requests outstanding when the load stops may be in flight.
 */
function assertConserved(r: RunResult): void {
  const q = r.requests;
  assert.is(q.offered, q.ok + q.dropped + q.inFlightAtEnd, 'conservation');
  assert.ok(q.inFlightAtEnd >= 0 && q.inFlightAtEnd <= Math.max(5, q.offered * 0.02), `in flight at the end: ${q.inFlightAtEnd} of ${q.offered}`);
}

test('smooth release: mark down + reload before stopping drops nothing', async () => {
  requireProxy('nginx');
  const s = fixture('nginx-smooth.yaml');
  const r = await replay(s, { proxy: 'nginx', speed: 10 });
  assert.is(r.platform, 'replay');
  assert.is(r.rollout.outcome, 'promoted', 'both instances replaced within the scenario');
  assert.ok(r.requests.offered > 800, `offered ${r.requests.offered}`);
  assertConserved(r);
  assert.is(r.requests.dropped, 0, `drops: ${JSON.stringify(r.requests.byCause)}`);
  // The simulator predicts the same: both zero.
  const sim = simulate(s).requests;
  assert.is(sim.dropped, 0, `simulated drops: ${JSON.stringify(sim.byCause)}`);
  // v2 served traffic by the end, v1 none.
  const v2 = r.timeline.series['share.app.v2'];
  assert.ok(v2[v2.length - 2] > 0.99, `v2 share at the end ${v2[v2.length - 2]}`);
  assert.ok((r.meta?.replay as { proxyReloads: number }).proxyReloads >= 4, 'every down/up/add/remove was a reload');
});

test('killed in place with retries off: the proxy sends to a dead port (refused), as many as simulated', async () => {
  requireProxy('nginx');
  const s = fixture('nginx-kill.yaml');
  const r = await replay(s, { proxy: 'nginx', speed: 10 });
  assertConserved(r);
  assert.ok(r.requests.dropped > 0, 'drops expected');
  assert.ok(r.requests.byCause.refused > 0, `refused expected: ${JSON.stringify(r.requests.byCause)}`);
  const step = r.rollout.steps.find((s) => s.name === 'rolling update');
  assert.ok(step && step.dropped > 0, 'drops attributed to the rollout step');
  // Fed this run's reload times and spawn times (neither scales with --speed: at speed 10
  // a reload is a second or two of scenario time), the simulator drops as many, each cause.
  assertCausesAgree(`${s.name} nginx x10`, s, r);
});

test.run();
