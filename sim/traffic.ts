/**
 * Open-loop arrivals and per-request attributes.
 *
 * Arrivals: Poisson, constant spacing, a linear ramp (non-homogeneous Poisson by
 * thinning), or a recorded trace of timestamps. Users: each request carries a user id in
 * 1..users; header cohorts are decided per user by a stable hash, so a user's requests
 * always carry the same headers (that is what makes A/B and lane matches sticky).
 */
import type { MatchRule, TrafficSpec } from '../scenarios/types.ts';
import { hashString, unit2 } from './balancers/hash.ts';
import type { Uniform } from './random.ts';

export class Arrivals {
  private traceIndex = 0;
  private readonly peak: number;

  constructor(private readonly spec: TrafficSpec, private readonly u: Uniform) {
    this.peak = Math.max(spec.rate, spec.arrival === 'ramp' ? spec.rampTo : 0);
  }

  /** Absolute time of the arrival after `now`, or Infinity when there is none. */
  next(now: number): number {
    const s = this.spec;
    switch (s.arrival) {
      case 'constant':
        return s.rate > 0 ? now + 1000 / s.rate : Infinity;
      case 'poisson':
        return s.rate > 0 ? now - (1000 / s.rate) * Math.log(1 - this.u()) : Infinity;
      case 'ramp': {
        if (this.peak <= 0) return Infinity;
        let t = now;
        for (;;) {
          t -= (1000 / this.peak) * Math.log(1 - this.u());
          if (this.u() * this.peak <= this.rateAt(t)) return t;
        }
      }
      case 'trace':
        return this.traceIndex < s.trace.length ? s.trace[this.traceIndex++] : Infinity;
    }
  }

  /** Offered rate at time t, req/s. */
  rateAt(t: number): number {
    const s = this.spec;
    if (s.arrival !== 'ramp') return s.rate;
    if (t >= s.rampDuration || s.rampDuration <= 0) return s.rampTo;
    return s.rate + ((s.rampTo - s.rate) * t) / s.rampDuration;
  }
}

/** Stable per-user facts: which header rules a user carries, and lane/route matching. */
export class Users {
  private readonly headerSalts: number[];

  constructor(private readonly spec: TrafficSpec) {
    this.headerSalts = spec.headers.map((h) => hashString(`${h.name}=${h.value}`));
  }

  /** The value of header `name` on requests of `user`, or null. `x-user-id` is always the user id. */
  header(user: number, name: string): string | null {
    const lname = name.toLowerCase();
    if (lname === 'x-user-id') return String(user);
    const hs = this.spec.headers;
    for (let k = 0; k < hs.length; k++) {
      const h = hs[k];
      if (h.name.toLowerCase() === lname && unit2(user, this.headerSalts[k]) < h.fraction) return h.value;
    }
    return null;
  }

  /**
   * Whether a request of `user` matches a rule. Cookies and query parameters are looked up
   * in the same per-user attribute set as headers (the model has no separate jar).
   */
  matches(user: number, rule: MatchRule, salt: number): boolean {
    if (rule.userIds && rule.userIds.length > 0 && !rule.userIds.includes(user)) return false;
    if (rule.header && this.header(user, rule.header.name) !== rule.header.value) return false;
    if (rule.cookie && this.header(user, rule.cookie.name) !== rule.cookie.value) return false;
    if (rule.query && this.header(user, rule.query.name) !== rule.query.value) return false;
    if (rule.percent !== undefined && !(unit2(user, salt) * 100 < rule.percent)) return false;
    return true;
  }
}
