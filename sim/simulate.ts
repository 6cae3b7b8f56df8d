/**
 * One simulated run: build the model, run the scenario's release plan against it from
 * `release.startAt`, and return the RunResult with its SLO verdict.
 *
 *   const r = simulate(loadScenario('scenarios/examples/default.yaml'), { seed: 7 });
 */
import type { Scenario } from '../scenarios/types.ts';
import type { RunResult } from './result/run-result.ts';
import { Model } from './model/model.ts';
import { sleep } from './kernel/engine.ts';
import { drive, type Plan } from '../strategies/protocol.ts';
import { releasePlan } from '../strategies/index.ts';
import { SimPlatform } from './sim-platform.ts';

export interface SimulateOptions {
  seed?: number;
  onProgress?: (fraction: number) => void;
  /** Run this plan instead of the scenario's release (tests, built-in actions). */
  plan?: Plan<unknown>;
}

export function simulate(scenario: Scenario, opts: SimulateOptions = {}): RunResult {
  const model = new Model(scenario, opts.seed ?? scenario.seed);
  const plan = opts.plan ?? (scenario.release ? releasePlan(scenario) : null);
  if (plan) {
    const platform = new SimPlatform(model);
    const startAt = scenario.release?.startAt ?? 0;
    model.engine.process((function* () {
      yield sleep(startAt);
      drive(plan, platform, () => model.endRollout());
    })());
  }
  model.run(opts.onProgress);
  const label = opts.plan ? 'custom' : scenario.release?.strategy.name ?? 'none';
  return model.result(label); // with its SLO verdict
}
