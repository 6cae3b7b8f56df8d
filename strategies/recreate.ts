/**
 * Recreate (Kubernetes `strategy.type: Recreate`): every old instance is stopped and gone
 * before the first new one is created. The baseline that shows downtime.
 */
import { outcome, scale, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { waitGone } from './common.ts';

/** How long new instances may take to become available before the release counts as failed. */
const READY_TIMEOUT_MS = 600_000;

export function* recreatePlan(ctx: StrategyContext): Plan {
  const svc = ctx.service.name;
  yield* step('scale down old');
  yield* scale(svc, ctx.from, 0);
  yield* waitGone(svc, ctx.from);
  yield* step('scale up new');
  yield* scale(svc, ctx.to, ctx.replicas);
  const ok = yield* waitReady(svc, ctx.to, ctx.replicas, READY_TIMEOUT_MS);
  yield* outcome(ok ? 'promoted' : 'rolled-back');
}
