/**
 * Manual promotion: a person resuming a release that paused with nothing to resume it
 * (Argo's `kubectl argo rollouts promote` after `pause: {}`, a blue-green awaiting
 * promotion, an inconclusive analysis). The scenario says when, as `release.approvals`;
 * each indefinite pause the release reaches takes the next approval not yet used and
 * resumes at its time (at once if that time has passed: the approval was already given).
 *
 *   if (!(yield* awaitPromotion(ctx, 'pause'))) return 'paused';   // no approval left
 */
import { formatMs } from './common.ts';
import { sleep, sleepUntil, step, type Plan, type StrategyContext } from './protocol.ts';

/** The approvals of one release, used in order. */
export class ApprovalBook {
  private used = 0;

  constructor(private readonly times: readonly number[]) {}

  /** The next approval's time, now used; null when none is left. */
  take(): number | null {
    return this.used < this.times.length ? this.times[this.used++] : null;
  }
}

/**
 * An indefinite pause: with an approval left, waits until its time and returns true (the
 * plan goes on as if promoted); without, pauses past the end of the run and returns false.
 */
export function* awaitPromotion(ctx: StrategyContext, reason: string): Plan<boolean> {
  ctx.approvals ??= new ApprovalBook(ctx.release.approvals);
  const at = ctx.approvals.take();
  // An approval the run does not reach is no approval (the pause reads as one for good).
  if (at === null || at >= ctx.scenario.duration) {
    yield* step(`paused (${reason})`);
    yield* sleep(ctx.scenario.duration + 1);
    return false;
  }
  yield* step(`paused (${reason}) until approval at ${formatMs(at)}`);
  yield* sleepUntil(at);
  return true;
}
