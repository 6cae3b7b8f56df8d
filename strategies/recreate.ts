/**
 * Recreate (Kubernetes `strategy.type: Recreate`): every old instance is stopped and gone
 * before the first new one is created. The baseline that shows downtime.
 */
import { outcome, scale, step, type Plan, type StrategyContext } from './protocol.ts';
import { waitGone } from './common.ts';
import { waitProgress } from './progress-deadline.ts';

/** The Deployment's default progressDeadlineSeconds: past it, degraded (it never rolls back). */
const PROGRESS_DEADLINE_MS = 600_000;

export function* recreatePlan(ctx: StrategyContext): Plan {
  const svc = ctx.service.name;
  yield* step('scale down old');
  yield* scale(svc, ctx.from, 0);
  yield* waitGone(svc, ctx.from);
  yield* step('scale up new');
  yield* scale(svc, ctx.to, ctx.replicas);
  yield* waitProgress(svc, ctx.to, ctx.replicas, { ms: PROGRESS_DEADLINE_MS, abort: false });
  yield* outcome('promoted');
}
