/**
 * `random`: a uniform draw among the members the pick wants. With weights, or while an
 * endpoint warms up, a draw weighted by weight × warmup weight (nginx `random` over
 * weighted servers, Envoy's random balancer with slow start).
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { countEligible, nthEligible } from './balancer.ts';
import type { Uniform } from '../kernel/random.ts';

class Random implements Balancer {
  readonly passiveHealth = false;

  constructor(private readonly m: Members, private readonly u: Uniform) {}

  pick(now: number, _key: number, warming: boolean): number {
    if (warming || this.m.weighted()) return weightedDraw(this.m, this.u, now, warming, false);
    const c = countEligible(this.m);
    if (c === 0) return -1;
    return nthEligible(this.m, (this.u() * c) | 0);
  }

  added(): void {}
  removed(): void {}
  failed(): void {}
  succeeded(): void {}
}

export const random = (m: Members, _lb: LbOptions, u: Uniform): Balancer => new Random(m, u);

/**
 * One draw weighted by weight (× warmup weight when `warming`), divided by (active + 1)
 * when `byActive`, as Envoy's EDF does for least-request. Exactly one number from `u`,
 * none when nothing qualifies.
 */
export function weightedDraw(m: Members, u: Uniform, now: number, warming: boolean, byActive: boolean): number {
  let total = 0;
  for (let i = 0; i < m.n; i++) {
    if (!m.eligible(i)) continue;
    total += share(m, i, now, warming, byActive);
  }
  if (total <= 0) return -1;
  let r = u() * total;
  let last = -1;
  for (let i = 0; i < m.n; i++) {
    if (!m.eligible(i)) continue;
    last = i;
    r -= share(m, i, now, warming, byActive);
    if (r < 0) return i;
  }
  // Rounding can leave r ≥ 0 after the last member: it takes the remainder.
  return last;
}

function share(m: Members, i: number, now: number, warming: boolean, byActive: boolean): number {
  const w = warming ? m.weight(i) * m.warmth(i, now) : m.weight(i);
  return byActive ? w / (m.activeOf(m.inst[i]) + 1) : w;
}
