// Traffic mirroring (Argo's setMirrorRoute) replayed through nginx's mirror module: a
// canary at weight 0 that fails half its requests gets copies of half the stable traffic;
// half the copies fail, no user request does, the canary's analysis fails on copies alone
// and rolls back, and the simulator fed the same run agrees on the copies and the drops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { fixture, requireProxy } from './helpers.ts';
import { allowedDiff, assertCausesAgree, measuresOf, scenarioLikeReplay } from './sim-like-replay.ts';

type Copies = { sent: number; ok: number; failed: number };

/** Mean mirrored copies of `seeds` simulations of the scenario as replayed. */
function simulatedCopies(s: Scenario, rep: RunResult, seeds: number): Copies & { rolledBack: number } {
  const like = scenarioLikeReplay(s, measuresOf(rep));
  const sum = { sent: 0, ok: 0, failed: 0, rolledBack: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const r = simulate({ ...like, seed });
    const m = r.meta?.mirrored ?? { sent: 0, ok: 0, failed: 0 };
    sum.sent += m.sent; sum.ok += m.ok; sum.failed += m.failed;
    if (r.rollout.outcome === 'rolled-back') sum.rolledBack++;
  }
  return { sent: sum.sent / seeds, ok: sum.ok / seeds, failed: sum.failed / seeds, rolledBack: sum.rolledBack };
}

test('a 50 % mirror to a half-failing canary at weight 0 (nginx x4): copies ≈ half the stable traffic, half failed, no user drop, rolled back on copies; the simulator agrees', async () => {
  requireProxy('nginx');
  const s = fixture('mirror.yaml');
  const r = await replay(s, { proxy: 'nginx', speed: 4 });
  const copies = r.meta?.mirrored as Copies | undefined;
  const sim = simulatedCopies(s, r, 10);
  const steps = r.rollout.steps.map((x) => `${x.name} ${Math.round(x.startMs)}-${Math.round(x.endMs)}`).join(', ');
  console.log(`${s.name} nginx x4: copies replayed ${JSON.stringify(copies)}, simulated mean ${JSON.stringify({ sent: sim.sent, ok: sim.ok, failed: sim.failed })}; ` +
    `users ${r.requests.offered} offered, ${r.requests.dropped} dropped ${JSON.stringify(r.requests.byCause)}; ${r.rollout.outcome}; steps ${steps}`);
  assert.ok(copies, 'meta.mirrored is filled');
  assert.is(copies.sent, copies.ok + copies.failed);

  // Copies ≈ 50 % of the users' requests while the mirror held (from its step to the rollback's).
  const from = r.rollout.steps.find((x) => x.name === 'setMirrorRoute 50%')!.startMs;
  const rollback = r.rollout.steps.find((x) => x.name === 'rollback');
  assert.ok(rollback, `rolled back on copies alone: steps ${steps}`);
  assert.is(r.rollout.outcome, 'rolled-back');
  const offered = r.timeline.series.offered;
  const b = r.timeline.bucketMs;
  const during = offered.slice(Math.round(from / b), Math.round(rollback.startMs / b)).reduce((a, x) => a + x, 0);
  assert.ok(copies.sent > 0.35 * during && copies.sent < 0.65 * during, `copies ${copies.sent} of ${during} users' requests during the mirror`);
  // Half of them fail (errorRate 0.5): the proxy's log counts the canary's 500s.
  assert.ok(Math.abs(copies.failed / copies.sent - 0.5) < 0.12, `failed ${copies.failed} of ${copies.sent}`);

  // No user request reached the canary, so none failed there.
  assert.is(r.requests.byCause.error, 0, 'users\' errors');
  assert.ok((r.timeline.series['share.api.v2'] ?? []).every((x) => x === 0), 'no user routed to v2');

  // The simulator fed the same run: copies within ±25 % or 3√mean, the same outcome, drops cause by cause.
  for (const k of ['sent', 'failed'] as const) {
    assert.ok(Math.abs(copies[k] - sim[k]) <= allowedDiff(sim[k]), `copies ${k}: replayed ${copies[k]}, simulated ${sim[k].toFixed(1)} (±${allowedDiff(sim[k]).toFixed(1)})`);
  }
  assert.is(sim.rolledBack, 10, 'every simulated seed rolls back too');
  assertCausesAgree(`${s.name} nginx x4`, s, r);
});

test.run();
