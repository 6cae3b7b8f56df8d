/**
 * `consistent-hash`: rendezvous (highest-random-weight) hashing of the request's user id
 * against each member, so moving one endpoint moves only the users it had or now wins.
 * Draws no random number, and ignores slow start as Envoy's ring hash and Maglev do. With
 * weights, weighted rendezvous (score = −weight / ln h): a member's share of users is its
 * share of the weight, as nginx's ketama points and Envoy's ring entries make it.
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { mix2 } from './hash.ts';

class ConsistentHash implements Balancer {
  readonly passiveHealth = false;

  constructor(private readonly m: Members) {}

  pick(_now: number, key: number): number {
    const m = this.m;
    if (m.weighted()) return this.weightedPick(key);
    let best = -1, bestScore = -1;
    for (let i = 0; i < m.n; i++) {
      if (!m.eligible(i)) continue;
      const s = mix2(key, m.hashId(m.inst[i]));
      if (s > bestScore) { bestScore = s; best = i; }
    }
    return best;
  }

  private weightedPick(key: number): number {
    const m = this.m;
    let best = -1, bestScore = -Infinity;
    for (let i = 0; i < m.n; i++) {
      if (!m.eligible(i)) continue;
      // h in (0, 1): ln h < 0, so the score is positive and grows with the weight.
      const h = (mix2(key, m.hashId(m.inst[i])) + 0.5) / 4294967296;
      const s = -m.weight(i) / Math.log(h);
      if (s > bestScore) { bestScore = s; best = i; }
    }
    return best;
  }

  added(): void {}
  removed(): void {}
  failed(): void {}
  succeeded(): void {}
}

export const consistentHash = (m: Members, _lb: LbOptions): Balancer => new ConsistentHash(m);
