/**
 * Session affinity during a canary, as Flagger's `sessionAffinity` does it: a request the
 * router sends to the canary sets a cookie, and the user's later requests go to the canary
 * while the cookie lasts (`maxAge`) and the canary still has weight; users without one are
 * routed by weight, request by request. So a user never flips back from the canary while
 * a step holds; at promotion everyone is on the new version anyway, and at rollback (the
 * canary's weight 0) the cookie no longer routes anywhere.
 *
 * The cookie belongs to the user, whichever caller routes the request.
 */
import type { Scenario } from '../../scenarios/types.ts';
import type { Topology } from './topology.ts';

export interface Affinity {
  /** The released version (local index) a cookie pins to. */
  canary: number;
  maxAge: number;
  /** user → when the cookie expires (ms). */
  readonly until: Map<number, number>;
}

export function affinityOf(s: Scenario, t: Topology): (Affinity | null)[] {
  const out: (Affinity | null)[] = t.services.map(() => null);
  const rel = s.release;
  if (!rel || rel.strategy.name !== 'canary' || rel.strategy.sessionAffinity === null) return out;
  for (const name of rel.services) {
    const si = t.index(name);
    out[si] = { canary: t.versionIndex(si, rel.to[name]), maxAge: rel.strategy.sessionAffinity.maxAge, until: new Map() };
  }
  return out;
}

/** Whether `user` goes to the canary by cookie: it lasts and the canary has weight. */
export function hasCookie(a: Affinity, weights: Float64Array, user: number, now: number): boolean {
  return weights[a.canary] > 0 && (a.until.get(user) ?? -Infinity) > now;
}

/** The router sent `user` to the canary by weight: the response sets the cookie. */
export function setCookie(a: Affinity, user: number, now: number): void {
  a.until.set(user, now + a.maxAge);
}
