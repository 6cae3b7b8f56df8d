import { parseScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { simulate } from '../../sim/simulate.ts';
import { replaceOneByOne } from '../strategies/replace-one-by-one.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

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

/**
 * The deregistration race: four api instances replaced one by one while the gateway still
 * lists a stopped one for 1–5 s (push delay), so sends to it are refused unless preStop,
 * retries or a lossless offline cover the gap. Each option replaces one line.
 */
export const deregistrationRace = (opts: { preStop?: string; shutdown?: string; registry?: string; extra?: string; client?: string; service?: string; grace?: number; traffic?: string }): Scenario => scenario(`
seed: 3
duration: 90s
services:
  api:
    replicas: 4
    versions: [v1, v2]
    concurrency: 16
    serviceTime: ${opts.service ?? '{exponential: {mean: 10ms}}'}
    startup: 2s
    readinessProbe: {periodSeconds: 1}
    preStop: ${opts.preStop ?? '0s'}
    terminationGracePeriodSeconds: ${opts.grace ?? 30}
    shutdown: ${opts.shutdown ?? 'graceful'}
    ${opts.extra ?? ''}
entry: {service: api, client: ${opts.client ?? '{lb: round-robin}'}}
registry: ${opts.registry ?? '{push: {delay: {uniform: {min: 1s, max: 5s}}}}'}
traffic: ${opts.traffic ?? '{rate: 200}'}
`);
