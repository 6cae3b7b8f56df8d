/**
 * Session affinity in the replay: where a sticky canary cookie can be replayed. The proxy
 * config routes on it and sets it (FrontSpec.affinity); the load generator keeps each
 * user's cookie (load.ts AffinityJar). Only the entry's callers are the generator's users,
 * so only the entry front is sticky; deeper hops are called by backends, which keep none.
 */
import type { Scenario } from '../scenarios/types.ts';

/** The canary a session-affinity cookie pins to at `service`'s front; null where none is replayed. */
export function stickyCanary(scenario: Scenario, service: string): { canary: string } | null {
  const rel = scenario.release;
  if (!rel || rel.strategy.name !== 'canary' || !rel.strategy.sessionAffinity || !rel.strategy.trafficRouting) return null;
  if (service !== scenario.entry.service || !rel.services.includes(service)) return null;
  return { canary: rel.to[service] };
}

