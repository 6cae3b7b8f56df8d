/**
 * A person aborting a release at a chosen time (`release.abortAt`): Argo's
 * `kubectl argo rollouts abort` for a canary, blue-green or A/B, `kubectl rollout undo`
 * for a Deployment's rolling or recreate update, and a reverted Deployment for a canary in
 * Kruise's partition style.
 *
 *   const o = yield* abortable(planFor(ctx), ctx, atMs);   // the plan's outcome, or the abort's
 *
 * The plan runs untouched until the abort time; every wait it makes is cut short there
 * (a sleep, an approval it awaits, pods it waits for), the plan is dropped and the abort
 * plan takes over from the state the release is in. A plan that ends before the abort time
 * is not aborted; one that paused for good is (aborting a paused rollout is the common
 * case). The abort's drops land in its own step.
 */
import type { RollingKnobs } from '../scenarios/types.ts';
import { now, scale, setRoutes, setWeights, sleep, sleepUntil, step, waitReady, type Action, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs, versionState, waitGone, type Outcome } from './common.ts';
import { rollForward } from './rolling.ts';
import { partitionOf, partitionRollback } from './canary-partition.ts';

/** How long the old version may take to be available again after an abort. */
const RESTORE_TIMEOUT_MS = 600_000;

/**
 * Runs `plan` and returns its outcome, unless the abort time comes first: then the abort
 * plan's outcome. Passes every action through except outcomes (the caller reports one).
 */
export function* abortable(plan: Plan, ctx: StrategyContext, atMs: number): Plan<Outcome> {
  let result: Outcome = 'none';
  let answer: unknown;
  for (;;) {
    const it = plan.next(answer);
    if (it.done) break;
    const a: Action = it.value;
    if (a.do === 'outcome') { result = a.outcome; answer = undefined; continue; }
    const until = a.do === 'sleep' || a.do === 'waitReady' ? (yield* now()) + (a.do === 'sleep' ? a.ms : a.timeoutMs) : a.do === 'sleepUntil' ? a.atMs : -Infinity;
    if (until < atMs) { answer = yield a; continue; }
    if (a.do === 'waitReady') {
      // Cut the wait at the abort: ready in time, the plan goes on.
      const ok = (yield { ...a, timeoutMs: Math.max(0, atMs - (yield* now())) }) as boolean;
      if (ok && (yield* now()) < atMs) { answer = true; continue; }
    } else yield* sleepUntil(atMs);
    plan.return(undefined);
    return yield* abortPlan(ctx, atMs);
  }
  // A plan left paused (no outcome) is still waiting for a person: this one aborts it.
  if (result === 'none' && atMs < ctx.scenario.duration) {
    yield* sleepUntil(atMs);
    return yield* abortPlan(ctx, atMs);
  }
  return result;
}

/**
 * What each controller does on abort, from whatever state the release is in (a released
 * service taken back included); `label` names the step.
 */
export function* abortPlan(ctx: StrategyContext, atMs: number, label = `abort at ${formatMs(atMs)}`): Plan<Outcome> {
  const svc = ctx.service.name;
  const { from, to, replicas: R } = ctx;
  const k = ctx.strategy;
  yield* step(label);
  switch (k.name) {
    case 'rolling': {
      // kubectl rollout undo: a rolling update back to the old template, same knobs.
      const r = k as RollingKnobs & { name: 'rolling' };
      yield* rollForward({ service: svc, from: to, to: from, replicas: R, maxSurge: r.maxSurge, maxUnavailable: r.maxUnavailable, deadline: { ms: r.progressDeadlineSeconds, abort: false } });
      break;
    }
    case 'recreate':
      yield* scale(svc, to, 0);
      yield* waitGone(svc, to);
      yield* scale(svc, from, R);
      yield* waitReady(svc, from, R, RESTORE_TIMEOUT_MS);
      break;
    default: {
      // Kruise's partition style: every request to stable first, then the reverted
      // Deployment rolls the canary's pods back (canary-partition.ts).
      const partition = k.name === 'canary' ? partitionOf(svc, from, to, R, k, { ms: k.progressDeadlineSeconds, abort: false }) : null;
      if (partition) {
        yield* setWeights(svc, { [from]: 100, [to]: 0 });
        yield* partitionRollback(partition);
        break;
      }
      // Argo: the old version back to full size and available, every request routed to it,
      // then the new version scaled down (after abortScaleDownDelaySeconds with a router).
      const routed = k.name === 'blue-green' || k.name === 'ab' || (k.name === 'canary' && k.trafficRouting);
      const old = yield* versionState(svc, from);
      if (old.desired < R) yield* scale(svc, from, R);
      if (old.available < R) yield* waitReady(svc, from, R, RESTORE_TIMEOUT_MS);
      if (routed) {
        if (k.name === 'ab') yield* setRoutes(svc, []);
        yield* setWeights(svc, { [from]: 100, [to]: 0 });
        const delay = k.name === 'ab' ? 0 : (k as { abortScaleDownDelaySeconds: number }).abortScaleDownDelaySeconds;
        if (delay > 0) yield* sleep(delay);
      }
      yield* scale(svc, to, 0);
    }
  }
  return 'rolled-back';
}
