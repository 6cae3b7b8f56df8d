/**
 * Rolling update with Kubernetes Deployment semantics, plus two common variants:
 *
 *  - default: the Deployment controller's loop. Scale the new ReplicaSet up while the
 *    total (by spec) stays within replicas + maxSurge; scale old down while available
 *    pods stay at or above replicas − maxUnavailable (deployment/rolling.go:
 *    NewRSNewReplicas, reconcileOldReplicaSets). "Available" means ready for
 *    minReadySeconds, which the platform reports. If no new pod becomes available for
 *    progressDeadlineSeconds the Deployment reports ProgressDeadlineExceeded and goes on
 *    waiting (progress-deadline.ts); it never rolls back by itself.
 *  - batches: explicit cumulative batches with a pause after each (OpenKruise multi-batch).
 *  - takeOutFirst: the two-instance nginx release: mark one old instance `down` in the
 *    upstream, wait for it to drain, replace it, wait until the new one is ready, repeat.
 */
import type { IntOrPercent, RollingKnobs } from '../scenarios/types.ts';
import { markDown, outcome, scale, sleep, state, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs, resolveFenceposts, scaledValue, type Outcome } from './common.ts';
import { own } from '../scenarios/dict.ts';
import { DEADLINE_STEP, waitProgress, type ProgressDeadline } from './progress-deadline.ts';

const BLOCKED_POLL_MS = 1000;

export function* rollingPlan(ctx: StrategyContext): Plan {
  const knobs = ctx.strategy as RollingKnobs;
  let result: Outcome;
  if (knobs.takeOutFirst) result = yield* takeOutFirst(ctx, knobs);
  else if (knobs.batches && knobs.batches.length > 0) result = yield* multiBatch(ctx, knobs);
  else {
    yield* step('rolling update');
    result = yield* rollForward(rollSpec(ctx, knobs));
  }
  if (result !== 'none') yield* outcome(result);
}

export interface RollForward {
  service: string;
  from: string;
  to: string;
  replicas: number;
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  /** No new pod available for this long: degraded, or (with abort) rolled back. */
  deadline: ProgressDeadline;
}

/**
 * The Deployment controller's loop from whatever state the two versions are in now to
 * `replicas` of `to` and none of `from`. Also used to finish a basic canary.
 */
export function* rollForward(r: RollForward): Plan<Outcome> {
  const { reached, oldSpec } = yield* roll(r, r.replicas);
  return reached ? 'promoted' : yield* rollBack(r, oldSpec);
}

/**
 * The same loop stopped at a partition, as OpenKruise's Deployment controller runs it
 * (rollouts pkg/controller/deployment/rolling.go): `to` grows to at most `target`
 * (NewRSNewReplicas caps it at the partition) and `from` shrinks to no fewer than
 * replicas − target (ScaleDownLimitForOld), both within maxSurge/maxUnavailable, until
 * `target` of `to` are available. With target = replicas it is the Deployment's rolling
 * update. False only when the progress deadline passed with `abort` (nothing is undone:
 * the caller decides what a rollback is).
 */
export function* rollUntil(r: RollForward, target: number): Plan<boolean> {
  return (yield* roll(r, target)).reached;
}

/** rollUntil's loop, also telling rollForward's rollback where `from` was left. */
function* roll(r: RollForward, target: number): Plan<{ reached: boolean; oldSpec: number }> {
  const { surge, unavailable } = resolveFenceposts(r.maxSurge, r.maxUnavailable, r.replicas);
  const minAvailable = r.replicas - unavailable;
  const maxTotal = r.replicas + surge;
  const keepOld = r.replicas - target;
  const first = yield* state(r.service);
  let oldSpec = own(first, r.from)?.desired ?? 0;
  let newSpec = own(first, r.to)?.desired ?? 0;
  let blockedMs = 0;
  let degraded = false;
  for (;;) {
    const st = yield* state(r.service);
    const newAvailable = own(st, r.to)?.available ?? 0;
    const oldAvailable = own(st, r.from)?.available ?? 0;
    if (newSpec >= target && oldSpec <= keepOld && newAvailable >= target) return { reached: true, oldSpec };

    // Scale up: NewRSNewReplicas (Kruise's caps it at the partition).
    const total = oldSpec + newSpec;
    if (total < maxTotal && newSpec < target) {
      newSpec += Math.min(maxTotal - total, target - newSpec);
      yield* scale(r.service, r.to, newSpec);
    }
    // Scale down: reconcileOldReplicaSets + scaleDownOldReplicaSetsForRollingUpdate
    // (Kruise's stop at replicas − partition).
    const newUnavailable = newSpec - newAvailable;
    const maxScaledDown = oldSpec + newSpec - minAvailable - newUnavailable;
    const byAvailability = oldAvailable + newAvailable - minAvailable;
    const down = Math.min(oldSpec - keepOld, maxScaledDown, byAvailability);
    if (down > 0) {
      oldSpec -= down;
      yield* scale(r.service, r.from, oldSpec);
    }
    if (newSpec >= target && oldSpec <= keepOld) {
      if (newAvailable >= target) return { reached: true, oldSpec };
      return { reached: yield* waitProgress(r.service, r.to, target, r.deadline), oldSpec };
    }
    if (down > 0) { blockedMs = 0; degraded = false; continue; } // room for the next surge: re-evaluate at once
    if (newSpec > newAvailable) {
      blockedMs = 0;
      degraded = false;
      // Progress means one more new pod available (the controller's progress condition).
      if (!(yield* waitProgress(r.service, r.to, newAvailable + 1, r.deadline))) return { reached: false, oldSpec };
    } else {
      // Blocked by unavailable old pods (nothing of ours is starting): look again shortly.
      if (blockedMs >= r.deadline.ms && !degraded) {
        if (r.deadline.abort) return { reached: false, oldSpec };
        degraded = true;
        yield* step(DEADLINE_STEP);
      }
      yield* sleep(BLOCKED_POLL_MS);
      blockedMs += BLOCKED_POLL_MS;
    }
  }
}

function* rollBack(r: RollForward, oldSpec: number): Plan<Outcome> {
  yield* step('rollback');
  if (oldSpec < r.replicas) yield* scale(r.service, r.from, r.replicas);
  yield* waitReady(r.service, r.from, r.replicas, r.deadline.ms);
  yield* scale(r.service, r.to, 0);
  return 'rolled-back';
}

function* multiBatch(ctx: StrategyContext, knobs: RollingKnobs): Plan<Outcome> {
  const svc = ctx.service.name;
  const batches = knobs.batches ?? [];
  let done = 0;
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i];
    const target = Math.min(ctx.replicas, Math.max(done, scaledValue(b.replicas, ctx.replicas, true)));
    yield* step(`batch ${i + 1} (${target}/${ctx.replicas})`);
    // New first, then old: a batch never lowers capacity below `replicas`.
    yield* scale(svc, ctx.to, target);
    yield* waitProgress(svc, ctx.to, target, deadlineOf(knobs));
    yield* scale(svc, ctx.from, ctx.replicas - target);
    done = target;
    if (b.pause > 0 && i < batches.length - 1) {
      yield* step(`pause ${formatMs(b.pause)}`);
      yield* sleep(b.pause);
    }
  }
  if (done < ctx.replicas) {
    yield* step(`batch ${batches.length + 1} (${ctx.replicas}/${ctx.replicas})`);
    yield* scale(svc, ctx.to, ctx.replicas);
    yield* waitProgress(svc, ctx.to, ctx.replicas, deadlineOf(knobs));
    yield* scale(svc, ctx.from, 0);
  }
  return 'promoted';
}

function* takeOutFirst(ctx: StrategyContext, knobs: RollingKnobs): Plan<Outcome> {
  const svc = ctx.service.name;
  for (let i = 1; i <= ctx.replicas; i++) {
    yield* step(`take out old ${i}`);
    yield* markDown(svc, ctx.from, 1, true);
    if (knobs.drainWait > 0) yield* sleep(knobs.drainWait);
    yield* step(`replace ${i}`);
    yield* scale(svc, ctx.from, ctx.replicas - i);
    yield* scale(svc, ctx.to, i);
    yield* waitProgress(svc, ctx.to, i, deadlineOf(knobs));
  }
  return 'promoted';
}

function rollSpec(ctx: StrategyContext, knobs: RollingKnobs): RollForward {
  return {
    service: ctx.service.name, from: ctx.from, to: ctx.to, replicas: ctx.replicas,
    maxSurge: knobs.maxSurge, maxUnavailable: knobs.maxUnavailable, deadline: deadlineOf(knobs),
  };
}

/** A Deployment (and Kruise's batches, and a scripted take-out) never roll back by themselves. */
function deadlineOf(knobs: RollingKnobs): ProgressDeadline {
  return { ms: knobs.progressDeadlineSeconds, abort: false };
}
