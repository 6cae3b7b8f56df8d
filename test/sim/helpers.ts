import { parseScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { simulate } from '../../strategies/simulate.ts';
import { replaceOneByOne } from '../../strategies/replace-one-by-one.ts';
import type { RunResult } from '../../sim/run-result.ts';

/** A scenario from YAML text, through the real loader (defaults and validation included). */
export function scenario(yaml: string): Scenario {
  return parseScenario(yaml, 'test.yaml');
}

/** Replaces every instance of `service` from v1 to v2 one at a time, from t = 0. */
export function replaceAll(sc: Scenario, service: string, seed = sc.seed): RunResult {
  const svc = sc.services.find((s) => s.name === service)!;
  return simulate(sc, { seed, plan: replaceOneByOne(service, 'v1', 'v2', svc.replicas) });
}

export function conserved(r: RunResult): boolean {
  const byCause = Object.values(r.requests.byCause).reduce((a, b) => a + b, 0);
  return r.requests.offered === r.requests.ok + r.requests.dropped + r.requests.inFlightAtEnd && byCause === r.requests.dropped;
}
