/**
 * The strategy registry and the whole release of a scenario as one plan.
 *
 *   drive(releasePlan(scenario), platform, done)
 *
 * The driver starts the plan at `release.startAt` (simulate() and the replay driver
 * both wait for it; the plan itself does not). It releases each service of
 * `release.services` in order with the scenario's strategy (lanes: all lane services at
 * once). It stops at the first service that rolls back, and reports one composite
 * outcome: rolled-back if any service rolled back, promoted if all were, else none
 * (paused, or a strategy without a verdict such as lanes). With `release.abortAt`, the
 * service being released at that time is aborted (abort.ts); with `onFailure:
 * rollback-all`, a service that rolls back takes the ones released before it back too.
 * With `release.order: parallel` every service's plan runs at once instead (inParallel).
 * With several services every step name starts with its service's.
 */
import type { Scenario, StrategyName } from '../scenarios/types.ts';
import { outcome, type Action, type Plan, type StrategyContext } from './protocol.ts';
import { abPlan } from './ab.ts';
import { blueGreenPlan } from './blue-green.ts';
import { canaryPlan } from './canary.ts';
import { lanesPlan } from './lanes.ts';
import { recreatePlan } from './recreate.ts';
import { rollingPlan } from './rolling.ts';
import type { Outcome } from './common.ts';
import { ApprovalBook } from './approvals.ts';
import { abortable, abortPlan } from './abort.ts';
import { all } from './parallel.ts';
import { own } from '../scenarios/dict.ts';

/**
 * Every strategy's plan, by the name the scenario format knows it by (STRATEGY_NAMES in
 * scenarios/types.ts, the one list of names): the Record type makes a missing plan a
 * compile error.
 */
export const PLANS: Record<StrategyName, (ctx: StrategyContext) => Plan> = {
  recreate: recreatePlan,
  rolling: rollingPlan,
  'blue-green': blueGreenPlan,
  canary: canaryPlan,
  ab: abPlan,
  lanes: lanesPlan,
};

export function planFor(ctx: StrategyContext): Plan {
  return PLANS[ctx.strategy.name](ctx);
}

/** Contexts for each service released, in order (one for lanes, which covers them all). */
export function releaseContexts(scenario: Scenario): StrategyContext[] {
  const release = scenario.release;
  if (!release) return [];
  const names = release.strategy.name === 'lanes' ? release.services.slice(0, 1) : release.services;
  const approvals = new ApprovalBook(release.approvals);
  return names.map((name) => {
    const service = scenario.services.find((s) => s.name === name);
    if (!service) throw new Error(`release.services names unknown service '${name}'`);
    return {
      scenario, release, service,
      from: service.initialVersion,
      to: own(release.to, name) ?? service.initialVersion,
      replicas: service.replicas,
      strategy: release.strategy,
      approvals,
    };
  });
}

export function* releasePlan(scenario: Scenario): Plan<unknown> {
  const contexts = releaseContexts(scenario).filter((ctx) => ctx.from !== ctx.to);
  if (contexts.length === 0) return;
  // With several services, each step says whose it is ("api: deploy green").
  const named = releaseContexts(scenario).length > 1;
  // One plan alone runs as it would in turn (its instant steps included), so a lone
  // service's `order: parallel` changes nothing, as its warning says.
  const together = contexts[0].release.order === 'parallel' && contexts.length > 1;
  const composite = together ? yield* inParallel(contexts, named) : yield* inTurn(contexts, named);
  if (composite !== 'none') yield* outcome(composite);
}

/** One service's plan, its outcome returned rather than yielded; cut short at `abortAt`. */
function* servicePlan(ctx: StrategyContext, named: boolean): Plan<Outcome> {
  const abortAt = ctx.release.abortAt;
  const plan = abortAt !== null && ctx.strategy.name !== 'lanes' ? abortable(planFor(ctx), ctx, abortAt) : withoutOutcome(planFor(ctx));
  return named ? yield* prefixed(plan, ctx.service.name) : yield* plan;
}

/** `order: sequential`: one service after the other; the first that does not promote ends the release. */
function* inTurn(contexts: StrategyContext[], named: boolean): Plan<Outcome> {
  let composite: Outcome = 'none';
  const released: StrategyContext[] = [];
  for (const ctx of contexts) {
    const o = yield* servicePlan(ctx, named);
    if (o === 'rolled-back') {
      if (ctx.release.onFailure === 'rollback-all') yield* rollBackReleased(released, ctx.service.name);
      return o;
    }
    if (o === 'none') return 'none'; // paused: later services never start
    released.push(ctx);
    composite = 'promoted';
  }
  return composite;
}

/**
 * `order: parallel`: every service's plan at once (parallel.ts). The outcome combines
 * theirs as in turn: rolled back if any did, promoted if all were, else none. With
 * `onFailure: rollback-all`, the first service to roll back takes every other one back at
 * that moment, at once: a finished one with its controller's abort, one still being
 * released cut short and aborted from where it stands (as `abortAt` does).
 */
function* inParallel(contexts: StrategyContext[], named: boolean): Plan<Outcome> {
  let triggered = false;
  const routing = contexts[0].release.routing;
  const routingWaits = routing.waitApplied || routing.grace > 0;
  const results = yield* all(contexts.map((ctx) => servicePlan(ctx, named)), { routingWaits, onEnd: (i, o, tracks) => {
    if (o !== 'rolled-back' || triggered || contexts[i].release.onFailure !== 'rollback-all') return;
    triggered = true;
    const failed = contexts[i].service.name;
    contexts.forEach((ctx, j) => {
      if (j === i || tracks.result(j) === 'rolled-back') return;
      tracks.replace(j, prefixed(abortPlan(ctx, 0, `rollback (${failed} rolled back)`), ctx.service.name));
    });
  } });
  if (results.includes('rolled-back')) return 'rolled-back';
  return results.every((o) => o === 'promoted') ? 'promoted' : 'none';
}

/** `onFailure: rollback-all`: the services released before `failed`, taken back newest first. */
function* rollBackReleased(released: StrategyContext[], failed: string): Plan {
  for (const ctx of [...released].reverse()) {
    yield* prefixed(abortPlan(ctx, 0, `rollback (${failed} rolled back)`), ctx.service.name);
  }
}

/** Runs a plan with every step name prefixed by `who: `. */
function* prefixed<R>(plan: Plan<R>, who: string): Plan<R> {
  let answer: unknown;
  for (;;) {
    const it = plan.next(answer);
    if (it.done) return it.value;
    const a: Action = it.value;
    answer = yield a.do === 'step' ? { do: 'step', name: `${who}: ${a.name}` } : a;
  }
}

/** Runs a plan, passing every action through except its outcome, which it returns. */
function* withoutOutcome(plan: Plan): Plan<Outcome> {
  let result: Outcome = 'none';
  let answer: unknown;
  for (;;) {
    const it = plan.next(answer);
    if (it.done) return result;
    const action: Action = it.value;
    if (action.do === 'outcome') {
      result = action.outcome;
      answer = undefined;
    } else {
      answer = yield action;
    }
  }
}
