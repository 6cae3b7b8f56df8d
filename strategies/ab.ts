/**
 * A/B test: a cohort picked by a header, cookie, query parameter, user-id list or user
 * percentage goes to the new version for the test duration (Argo setHeaderRoute, Flagger
 * `match` + iterations); everyone else stays on stable. With an `analysis` the cohort's
 * requests are measured every interval and a failure ends the test with a rollback
 * (Flagger's A/B analysis). Then the new version is either promoted (atomic switch, like
 * blue-green) or removed.
 *
 * Flagger's webhooks (webhooks.ts): confirm-rollout and pre-rollout before B is deployed and
 * routed, rollout and rollback hooks at every interval of the test (the analysis's, else
 * 60 s), a failed rollout hook ending the test as a failed check does, confirm-promotion
 * before B is promoted, a load test on B for the test's length, post-rollout hooks after.
 * A/B never raises a weight: confirm-traffic-increase is never asked.
 */
import type { AbKnobs } from '../scenarios/types.ts';
import { outcome, scale, setRoutes, setWeights, sleep, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs } from './common.ts';
import { AnalysisRun, measure } from './analysis/thresholds.ts';
import { awaitPromotion } from './approvals.ts';
import { FLAGGER_INTERVAL_MS, Webhooks, waitForRollback } from './webhooks.ts';

const READY_TIMEOUT_MS = 600_000;
/** Old instances are kept this long after traffic leaves them (Argo's scaleDownDelaySeconds default, 30 s). */
export const AB_SCALE_DOWN_DELAY_MS = 30_000;

export function* abPlan(ctx: StrategyContext): Plan {
  const k = ctx.strategy as AbKnobs;
  const hooks = new Webhooks(ctx, k.webhooks, k.analysis?.interval ?? FLAGGER_INTERVAL_MS);
  const ended = yield* abTest(ctx, k, hooks);
  if (ended !== 'paused') yield* hooks.postRollout();
}

function* abTest(ctx: StrategyContext, k: AbKnobs, hooks: Webhooks): Plan<'ended' | 'paused'> {
  const svc = ctx.service.name;
  const { from, to } = ctx;
  // The B side takes the cohort only; by default it is sized like A so any cohort fits.
  const bReplicas = Math.max(1, Math.min(ctx.replicas, k.replicas ?? ctx.replicas));
  // Checks that fail before the test starts end it at the first failure, or at the analysis's limit.
  let failures = 0;
  const failed = () => ++failures > (k.analysis?.failureLimit ?? 0);
  const halt = (yield* hooks.gate('confirm-rollout', waitForRollback(hooks))) ?? (yield* hooks.preRollout(failed, waitForRollback(hooks)));
  if (halt === 'paused') return 'paused';
  if (halt === 'aborted') {
    yield* step(hooks.rollbackStep());
    yield* outcome('rolled-back');
    return 'ended';
  }

  yield* step('deploy B');
  yield* setWeights(svc, { [from]: 100, [to]: 0 });
  yield* scale(svc, to, bReplicas);
  if (!(yield* waitReady(svc, to, bReplicas, READY_TIMEOUT_MS))) {
    yield* scale(svc, to, 0);
    yield* outcome('rolled-back');
    return 'ended';
  }
  yield* hooks.startLoadTest(to);
  yield* step(`A/B test ${formatMs(k.duration)}`);
  yield* setRoutes(svc, [{ match: k.match, version: to }]);
  let verdict: 'passed' | 'failed' | 'paused' = 'passed';
  if (k.analysis || hooks.ticking) verdict = yield* analyseTest(ctx, k, hooks, failures);
  else yield* sleep(k.duration);
  if (verdict === 'passed' && k.then === 'promote') {
    // Flagger asks confirm-promotion after the last iteration, its checks going on.
    const gate = yield* hooks.gate('confirm-promotion', waitForRollback(hooks));
    if (gate === 'aborted') verdict = 'failed';
    if (gate === 'paused') verdict = 'paused';
  }
  if (verdict === 'paused') return 'paused';
  yield* hooks.stopLoadTest();
  if (verdict === 'failed') {
    yield* step(hooks.rollbackStep());
    yield* withdrawB(svc, to);
    return 'ended';
  }
  if (k.then === 'rollback') {
    yield* step('end test');
    yield* withdrawB(svc, to);
    return 'ended';
  }
  yield* step('promote B');
  if (bReplicas < ctx.replicas) {
    yield* scale(svc, to, ctx.replicas);
    if (!(yield* waitReady(svc, to, ctx.replicas, READY_TIMEOUT_MS))) {
      yield* withdrawB(svc, to);
      return 'ended';
    }
  }
  yield* setWeights(svc, { [from]: 0, [to]: 100 });
  yield* setRoutes(svc, []);
  yield* step('scale down A');
  yield* sleep(AB_SCALE_DOWN_DELAY_MS);
  yield* scale(svc, from, 0);
  yield* outcome('promoted');
  return 'ended';
}

/** The cohort back to A, B scaled down once in-flight work has drained: rolled back. */
function* withdrawB(svc: string, to: string): Plan {
  yield* setRoutes(svc, []);
  yield* sleep(AB_SCALE_DOWN_DELAY_MS);
  yield* scale(svc, to, 0);
  yield* outcome('rolled-back');
}

/**
 * The test with Flagger's A/B analysis: every interval the rollback hooks, the rollout
 * hooks and a measurement of B's cohort; a rollback asked, or failed checks over the
 * analysis's failureLimit (0 without one), end it at once, an inconclusive measurement
 * waits for an approval. `failures`: failed checks before the test (pre-rollout).
 */
function* analyseTest(ctx: StrategyContext, k: AbKnobs, hooks: Webhooks, failures: number): Plan<'passed' | 'failed' | 'paused'> {
  const spec = k.analysis;
  const interval = spec?.interval ?? hooks.interval;
  const run = spec ? new AnalysisRun(spec, Math.max(1, Math.floor(k.duration / spec.interval))) : null;
  const limit = spec?.failureLimit ?? 0;
  if (run) run.failures = failures;
  let left = k.duration;
  while (left > 0) {
    const chunk = Math.min(interval, left);
    yield* sleep(chunk);
    left -= chunk;
    if (chunk < interval) break; // a last partial interval is not measured
    if (yield* hooks.rollbackAsked()) return 'failed';
    if ((yield* hooks.failedCheck('rollout')) !== null) {
      if ((run ? run.failCheck() === 'failed' : ++failures > limit)) {
        hooks.blameCheck();
        return 'failed';
      }
      continue;
    }
    if (!run) continue;
    const phase = yield* measure(run, ctx.service.name, ctx.to, null, interval);
    if (phase === 'failed') return 'failed';
    if (phase === 'inconclusive') return (yield* awaitPromotion(ctx, 'analysis inconclusive')) ? 'passed' : 'paused';
  }
  return 'passed';
}
