/**
 * A/B test: a cohort picked by a header, cookie, query parameter, user-id list or user
 * percentage goes to the new version for the test duration (Argo setHeaderRoute, Flagger
 * `match` + iterations); everyone else stays on stable. Then the new version is either
 * promoted (atomic switch, like blue-green) or removed.
 */
import type { AbKnobs } from '../scenarios/types.ts';
import { outcome, scale, setRoutes, setWeights, sleep, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs } from './common.ts';

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
  yield* sleep(k.duration);

  if (k.then === 'rollback') {
    yield* step('end test');
    yield* setRoutes(svc, []);
    yield* sleep(AB_SCALE_DOWN_DELAY_MS);
    yield* scale(svc, to, 0);
    yield* outcome('rolled-back');
    return;
  }
  yield* step('promote B');
  if (bReplicas < ctx.replicas) {
    yield* scale(svc, to, ctx.replicas);
    if (!(yield* waitReady(svc, to, ctx.replicas, READY_TIMEOUT_MS))) {
      yield* setRoutes(svc, []);
      yield* sleep(AB_SCALE_DOWN_DELAY_MS);
      yield* scale(svc, to, 0);
      yield* outcome('rolled-back');
      return;
    }
  }
  yield* setWeights(svc, { [from]: 0, [to]: 100 });
  yield* setRoutes(svc, []);
  yield* step('scale down A');
  yield* sleep(AB_SCALE_DOWN_DELAY_MS);
  yield* scale(svc, from, 0);
  yield* outcome('promoted');
}
