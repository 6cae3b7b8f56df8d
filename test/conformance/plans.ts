/**
 * The conformance scenario and plan: one run that exercises every platform rule the
 * simulator and the replay share (sim/rules/), as the step boundaries show them.
 *
 *   rolling    a: v1 → v2, maxSurge 1, minReadySeconds 2: each step waits for *available*
 *   canary     b: v1 → v2 through setWeight 50 and a pause: waitReady on the canary
 *   blue-green c: v1 → v2, scaleDownDelaySeconds 1, the instances' own minReadySeconds 3:
 *              `waitReady` on green waits for *available* (ready + 3 s), not for ready
 *   victim     a: scale v2 3 → 2 while the third is still starting: it, not a ready one, goes
 *   drain      a: scale v2 2 → 1 and poll until nothing terminates: preStop 4 s is cut to
 *              the 2 s grace period, so the instance is gone after 2 s
 *   after rollout: present on every platform
 *
 * Start-up is a constant (2.5 s, 1.5 s before the probe's tick at 4 s, so a replayed process
 * whose start is a little late still makes that tick) and no platform draws a random
 * number the others do not.
 */
import { parseScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { planFor } from '../../strategies/index.ts';
import { scale, sleep, state, step, waitReady, type Plan, type StrategyContext } from '../../strategies/protocol.ts';

const service = (calls: string[]) => ({
  replicas: 2, versions: ['v1', 'v2'], calls, concurrency: 16, serviceTime: '3ms',
  startup: '2500ms', readinessProbe: { initialDelaySeconds: 0, periodSeconds: 2 },
  preStop: '4s', terminationGracePeriodSeconds: 2, shutdown: 'graceful',
});

const STRATEGIES: Record<string, unknown> = {
  a: { name: 'rolling', maxSurge: 1, maxUnavailable: 0, minReadySeconds: 2 },
  b: { name: 'canary', steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }], scaleDownDelaySeconds: 1 },
  c: { name: 'blue-green', scaleDownDelaySeconds: 1 },
};

function scenarioReleasing(svc: string): Scenario {
  const doc = {
    name: 'conformance', seed: 3, duration: '48s', bucket: '1s',
    services: { a: service([]), b: { ...service([]), replicas: 1 }, c: { ...service([]), replicas: 1, minReadySeconds: 3 } },
    entry: { service: 'a', client: { lb: 'round-robin', timeout: '2s' } },
    traffic: { rate: 20, users: 100 },
    release: { startAt: '1s', services: [svc], to: 'v2', strategy: STRATEGIES[svc] },
  };
  return parseScenario(JSON.stringify(doc), 'conformance.json');
}

/** The scenario every platform runs (its release is service a's rolling update). */
export const conformanceScenario: Scenario = scenarioReleasing('a');

function context(svc: string): StrategyContext {
  const sc = scenarioReleasing(svc);
  const release = sc.release!;
  const spec = sc.services.find((s) => s.name === svc)!;
  return { scenario: conformanceScenario, release, service: spec, from: 'v1', to: 'v2', replicas: spec.replicas, strategy: release.strategy };
}

export function* conformancePlan(): Plan {
  yield* planFor(context('a'));
  yield* planFor(context('b'));
  yield* planFor(context('c'));
  yield* step('victim');
  yield* scale('a', 'v2', 3);
  yield* sleep(300);
  yield* scale('a', 'v2', 2);
  yield* waitReady('a', 'v2', 2, 10_000);
  yield* step('drain');
  yield* scale('a', 'v2', 1);
  for (let k = 0; k < 100; k++) {
    if ((yield* state('a')).v2.terminating === 0) break;
    yield* sleep(100);
  }
  yield* step('drained');
}
