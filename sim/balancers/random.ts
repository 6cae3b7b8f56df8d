/**
 * `random`: a uniform draw among the members the pick wants. While an endpoint warms up,
 * a draw weighted by warmup weight (Envoy's random balancer with slow start).
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { countEligible, nthEligible } from './balancer.ts';
import type { Uniform } from '../kernel/random.ts';

class Random implements Balancer {
  readonly passiveHealth = false;

  constructor(private readonly m: Members, private readonly u: Uniform) {}

  pick(now: number, _key: number, warming: boolean): number {
    if (warming) return warmingDraw(this.m, this.u, now, false);
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
 * One draw weighted by warmup weight, divided by (active + 1) when `byActive`, as Envoy's
 * EDF does for least-request. Exactly one number from `u`, none when nothing qualifies.
 */
export function warmingDraw(m: Members, u: Uniform, now: number, byActive: boolean): number {
  let total = 0;
  for (let i = 0; i < m.n; i++) {
    if (!m.eligible(i)) continue;
    total += m.warmth(i, now) / (byActive ? m.activeOf(m.inst[i]) + 1 : 1);
  }
  if (total <= 0) return -1;
  let r = u() * total;
  let last = -1;
  for (let i = 0; i < m.n; i++) {
    if (!m.eligible(i)) continue;
    last = i;
    r -= m.warmth(i, now) / (byActive ? m.activeOf(m.inst[i]) + 1 : 1);
    if (r < 0) return i;
  }
  // Rounding can leave r ≥ 0 after the last member: it takes the remainder.
  return last;
}
