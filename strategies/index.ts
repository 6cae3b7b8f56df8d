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
  const contexts = releaseContexts(scenario);
  if (contexts.length === 0) return;
  let composite: Outcome = 'none';
  // With several services, each step says whose it is ("api: deploy green").
  const named = contexts.length > 1;
  const released: StrategyContext[] = [];
  for (const ctx of contexts) {
    if (ctx.from === ctx.to) continue;
    const abortAt = ctx.release.abortAt;
    const plan = abortAt !== null && ctx.strategy.name !== 'lanes' ? abortable(planFor(ctx), ctx, abortAt) : withoutOutcome(planFor(ctx));
    const o = named ? yield* prefixed(plan, ctx.service.name) : yield* plan;
    if (o === 'rolled-back') {
      composite = o;
      if (ctx.release.onFailure === 'rollback-all') yield* rollBackReleased(released, ctx.service.name);
      break;
    }
    if (o === 'none') { composite = 'none'; break; } // paused: later services never start
    released.push(ctx);
    composite = 'promoted';
  }
  if (composite !== 'none') yield* outcome(composite);
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
