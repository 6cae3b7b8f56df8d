/**
 * A/B test: a cohort picked by a header, cookie, query parameter, user-id list or user
 * percentage goes to the new version for the test duration (Argo setHeaderRoute, Flagger
 * `match` + iterations); everyone else stays on stable. With an `analysis` the cohort's
 * requests are measured every interval and a failure ends the test with a rollback
 * (Flagger's A/B analysis). Then the new version is either promoted (atomic switch, like
 * blue-green) or removed.
 */
import type { AbKnobs } from '../scenarios/types.ts';
import { outcome, scale, setRoutes, setWeights, sleep, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs } from './common.ts';
import { AnalysisRun, measure } from './analysis/thresholds.ts';
import { awaitPromotion } from './approvals.ts';

const READY_TIMEOUT_MS = 600_000;
/** Old instances are kept this long after traffic leaves them (Argo's scaleDownDelaySeconds default, 30 s). */
export const AB_SCALE_DOWN_DELAY_MS = 30_000;

export function* abPlan(ctx: StrategyContext): Plan {
  const k = ctx.strategy as AbKnobs;
  const svc = ctx.service.name;
  const { from, to } = ctx;
  // The B side takes the cohort only; by default it is sized like A so any cohort fits.
  const bReplicas = Math.max(1, Math.min(ctx.replicas, k.replicas ?? ctx.replicas));

  yield* step('deploy B');
  yield* setWeights(svc, { [from]: 100, [to]: 0 });
  yield* scale(svc, to, bReplicas);
  if (!(yield* waitReady(svc, to, bReplicas, READY_TIMEOUT_MS))) {
    yield* scale(svc, to, 0);
    yield* outcome('rolled-back');
    return;
  }
  yield* step(`A/B test ${formatMs(k.duration)}`);
  yield* setRoutes(svc, [{ match: k.match, version: to }]);
  let verdict: 'passed' | 'failed' | 'paused' = 'passed';
  if (k.analysis) verdict = yield* analyseTest(ctx, k, svc, to);
  else yield* sleep(k.duration);
  if (verdict === 'paused') return;
  if (verdict === 'failed') {
    yield* step('rollback');
    return yield* withdrawB(svc, to);
  }
  if (k.then === 'rollback') {
    yield* step('end test');
    return yield* withdrawB(svc, to);
  }
  yield* step('promote B');
  if (bReplicas < ctx.replicas) {
    yield* scale(svc, to, ctx.replicas);
    if (!(yield* waitReady(svc, to, ctx.replicas, READY_TIMEOUT_MS))) return yield* withdrawB(svc, to);
  }
  yield* setWeights(svc, { [from]: 0, [to]: 100 });
  yield* setRoutes(svc, []);
  yield* step('scale down A');
  yield* sleep(AB_SCALE_DOWN_DELAY_MS);
  yield* scale(svc, from, 0);
  yield* outcome('promoted');
}

/** The cohort back to A, B scaled down once in-flight work has drained: rolled back. */
function* withdrawB(svc: string, to: string): Plan {
  yield* setRoutes(svc, []);
  yield* sleep(AB_SCALE_DOWN_DELAY_MS);
  yield* scale(svc, to, 0);
  yield* outcome('rolled-back');
}

/**
 * The test with Flagger's A/B analysis: a measurement of B's cohort every interval for the
 * test's length; a failed run ends it at once, an inconclusive one waits for an approval.
 */
function* analyseTest(ctx: StrategyContext, k: AbKnobs, svc: string, to: string): Plan<'passed' | 'failed' | 'paused'> {
  const spec = k.analysis!;
  const run = new AnalysisRun(spec, Math.max(1, Math.floor(k.duration / spec.interval)));
  let left = k.duration;
  while (left > 0) {
    const chunk = Math.min(spec.interval, left);
    yield* sleep(chunk);
    left -= chunk;
    if (chunk < spec.interval) break; // a last partial interval is not measured
    const phase = yield* measure(run, svc, to, null, spec.interval);
    if (phase === 'failed') return 'failed';
    if (phase === 'inconclusive') return (yield* awaitPromotion(ctx, 'analysis inconclusive')) ? 'passed' : 'paused';
  }
  return 'passed';
}
