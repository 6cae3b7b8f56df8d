/**
 * Blue-green as Argo Rollouts' `blueGreen` strategy: bring up the green stack while the
 * router keeps every request on blue, optionally analyse it, switch the router in one
 * action, keep blue for `scaleDownDelaySeconds` (callers' views and in-flight work
 * catch up), then scale blue down. A green that is not fully available is never
 * switched to. Works for any service in the topology: weights live on the router of the
 * released service, whoever its callers are.
 *
 * Preview traffic (`previewMatch`): the requests that match — testers by header, a
 * percentage of users — reach green through the preview route once it is available, as
 * Argo's previewService receives test traffic, so `prePromotionAnalysis` has something to
 * measure. `postPromotionAnalysis` runs after the switch with blue still up: a failure
 * switches back to blue (rolled-back), success marks green stable and starts the
 * scale-down delay (Argo's order).
 */
import type { BlueGreenKnobs } from '../scenarios/types.ts';
import { outcome, scale, setRoutes, setWeights, sleep, step, type Plan, type StrategyContext } from './protocol.ts';
import { runAnalysis } from './analysis/thresholds.ts';
import { formatMs, versionState } from './common.ts';
import { awaitPromotion } from './approvals.ts';
import { waitProgress, type ProgressDeadline } from './progress-deadline.ts';

export function* blueGreenPlan(ctx: StrategyContext): Plan {
  const k = ctx.strategy as BlueGreenKnobs;
  const svc = ctx.service.name;
  const blue = ctx.from;
  const green = ctx.to;
  const previewCount = Math.min(ctx.replicas, k.previewReplicaCount ?? ctx.replicas);
  // Green late: degraded and waiting (Argo's default), or aborted with progressDeadlineAbort.
  const deadline: ProgressDeadline = { ms: k.progressDeadlineSeconds, abort: k.progressDeadlineAbort };

  yield* step('deploy green');
  // Pin production traffic to blue before any green instance can register.
  yield* setWeights(svc, { [blue]: 100, [green]: 0 });
  yield* scale(svc, green, previewCount);
  if (!(yield* waitProgress(svc, green, previewCount, deadline))) return yield* abort(ctx, k);

  if (k.previewMatch) {
    yield* step('preview traffic');
    yield* setRoutes(svc, [{ match: k.previewMatch, version: green }]);
  }
  if (k.prePromotionAnalysis) {
    yield* step('pre-promotion analysis');
    const verdict = yield* runAnalysis(k.prePromotionAnalysis, svc, green, blue);
    if (verdict === 'failed') return yield* abort(ctx, k);
    if (verdict === 'inconclusive' && !(yield* awaitPromotion(ctx, 'analysis inconclusive'))) return;
  }
  if (previewCount < ctx.replicas) {
    yield* step('scale up green');
    yield* scale(svc, green, ctx.replicas);
    if (!(yield* waitProgress(svc, green, ctx.replicas, deadline))) return yield* abort(ctx, k);
  }
  if (!k.autoPromotionEnabled) {
    if (!(yield* awaitPromotion(ctx, 'awaiting promotion'))) return;
  } else if (k.autoPromotionSeconds > 0) {
    yield* step(`auto-promotion in ${formatMs(k.autoPromotionSeconds)}`);
    yield* sleep(k.autoPromotionSeconds);
  }

  yield* step('switch to green');
  // Green may have lost an instance while we waited; never switch to a short stack.
  const g = yield* versionState(svc, green);
  if (g.available < ctx.replicas && !(yield* waitProgress(svc, green, ctx.replicas, deadline))) return yield* abort(ctx, k);
  yield* setWeights(svc, { [blue]: 0, [green]: 100 });
  if (k.previewMatch) yield* setRoutes(svc, []);

  if (k.postPromotionAnalysis) {
    yield* step('post-promotion analysis');
    const verdict = yield* runAnalysis(k.postPromotionAnalysis, svc, green, null);
    if (verdict === 'failed') return yield* abort(ctx, k);
    if (verdict === 'inconclusive' && !(yield* awaitPromotion(ctx, 'analysis inconclusive'))) return;
  }

  yield* step('scale down blue');
  yield* sleep(k.scaleDownDelaySeconds);
  yield* scale(svc, blue, 0);
  yield* outcome('promoted');
}

function* abort(ctx: StrategyContext, k: BlueGreenKnobs): Plan {
  const svc = ctx.service.name;
  yield* step('rollback');
  yield* setWeights(svc, { [ctx.from]: 100, [ctx.to]: 0 });
  if (k.previewMatch) yield* setRoutes(svc, []);
  yield* sleep(k.abortScaleDownDelaySeconds);
  yield* scale(svc, ctx.to, 0);
  yield* outcome('rolled-back');
}
