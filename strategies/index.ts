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
 * service being released at that time is aborted (abort.ts).
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
import { abortable } from './abort.ts';
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
  for (const ctx of contexts) {
    if (ctx.from === ctx.to) continue;
    const abortAt = ctx.release.abortAt;
    const o = abortAt !== null && ctx.strategy.name !== 'lanes' ? yield* abortable(planFor(ctx), ctx, abortAt) : yield* withoutOutcome(planFor(ctx));
    if (o === 'rolled-back') { composite = o; break; }
    if (o === 'none') { composite = 'none'; break; } // paused: later services never start
    composite = 'promoted';
  }
  if (composite !== 'none') yield* outcome(composite);
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
