/**
 * How much slower an instance serves while it warms up: service time × (1 + (factor − 1) ·
 * e^(−x / decay)), where x is the instance's uptime (decay in ms) or, with `decayRequests`,
 * the number of requests it has started serving — JIT and caches warm with work done, not
 * with time, so an instance that is registered late (or gets little traffic) stays cold.
 * Both platforms call this: the simulator per service start, the replay's backend per request.
 */
import type { ColdStartSpec } from '../../scenarios/types.ts';

export function coldFactor(spec: ColdStartSpec, uptimeMs: number, requestsStarted: number): number {
  if (spec.factor === 1) return 1;
  const x = spec.decayRequests !== null ? requestsStarted / spec.decayRequests : uptimeMs / spec.decay;
  return 1 + (spec.factor - 1) * Math.exp(-x);
}
