/**
 * `least-request`: Envoy's power of `choiceCount` choices. Uniform choices with
 * replacement; the one this caller has fewer requests outstanding on wins, the first
 * drawn on ties. When weights differ, or while an endpoint warms up, Envoy switches to EDF
 * on weight / (active + 1), modelled as one weighted draw.
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { countEligible, nthEligible } from './balancer.ts';
import { weightedDraw } from './random.ts';
import type { Uniform } from '../kernel/random.ts';

class LeastRequest implements Balancer {
  readonly passiveHealth = false;
  private readonly choices: number;

  constructor(private readonly m: Members, lb: LbOptions, private readonly u: Uniform) {
    this.choices = lb.choiceCount;
  }

  pick(now: number, _key: number, warming: boolean): number {
    const m = this.m, u = this.u, choices = this.choices;
    if (warming || m.weighted()) return weightedDraw(m, u, now, warming, true);
    const inst = m.inst;
    if (m.unfiltered()) {
      const n = m.n;
      let best = (u() * n) | 0;
      if (n === 1) return best;
      for (let k = 1; k < choices; k++) {
        const x = (u() * n) | 0;
        if (m.activeOf(inst[x]) < m.activeOf(inst[best])) best = x;
      }
      return best;
    }
    const c = countEligible(m);
    if (c === 0) return -1;
    let best = nthEligible(m, (u() * c) | 0);
    if (c === 1) return best;
    for (let k = 1; k < choices; k++) {
      const x = nthEligible(m, (u() * c) | 0);
      if (m.activeOf(inst[x]) < m.activeOf(inst[best])) best = x;
    }
    return best;
  }

  added(): void {}
  removed(): void {}
  failed(): void {}
  succeeded(): void {}
}

export const leastRequest = (m: Members, lb: LbOptions, u: Uniform): Balancer => new LeastRequest(m, lb, u);
