/**
 * Open-loop arrivals and per-request attributes.
 *
 * Arrivals: Poisson, constant spacing, a linear ramp (non-homogeneous Poisson by
 * thinning), or a recorded trace of timestamps. Users: each request carries a user id in
 * 1..users; header cohorts are decided per user by a stable hash, so a user's requests
 * always carry the same headers (that is what makes A/B and lane matches sticky).
 */
import type { MatchRule, TrafficSpec } from '../../scenarios/types.ts';
import { hashString, unit2 } from '../balancers/hash.ts';
import type { Uniform } from '../kernel/random.ts';

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
          // A ramp down to 0 offers nothing once it ends; without this, thinning would
          // draw candidates forever.
          if (s.rampTo <= 0 && t >= s.rampDuration) return Infinity;
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

/**
 * A match rule compiled once (when lanes or routes are set) so that testing a request
 * does no string work: header conditions become indices into the traffic's header rules.
 */
export interface CompiledMatch {
  userIds: Set<number> | null;
  /** Each condition: the user id must equal `userId`, or the user's header must equal the wanted value. */
  conditions: { userId: number; candidates: Int32Array; wanted: Uint8Array }[];
  /** Percentage of users (by hash), or −1. */
  percent: number;
  salt: number;
}

/** Stable per-user facts: which header rules a user carries, and lane/route matching. */
export class Users {
  private readonly headerSalts: number[];

  constructor(private readonly spec: TrafficSpec) {
    this.headerSalts = spec.headers.map((h) => hashString(`${h.name}=${h.value}`));
  }

  /**
   * Compiles a rule. Cookies and query parameters are looked up in the same per-user
   * attribute set as headers (the model has no separate cookie jar).
   */
  compile(rule: MatchRule, salt: number): CompiledMatch {
    const conditions: CompiledMatch['conditions'] = [];
    for (const kv of [rule.header, rule.cookie, rule.query]) {
      if (!kv) continue;
      const name = kv.name.toLowerCase();
      if (name === 'x-user-id') {
        const id = /^\d+$/.test(kv.value) ? Number(kv.value) : -1; // -1 never matches
        conditions.push({ userId: id, candidates: new Int32Array(0), wanted: new Uint8Array(0) });
        continue;
      }
      const idx = this.spec.headers.map((h, k) => (h.name.toLowerCase() === name ? k : -1)).filter((k) => k >= 0);
      conditions.push({ userId: 0, candidates: Int32Array.from(idx), wanted: Uint8Array.from(idx.map((k) => (this.spec.headers[k].value === kv.value ? 1 : 0))) });
    }
    return { userIds: rule.userIds && rule.userIds.length > 0 ? new Set(rule.userIds) : null, conditions, percent: rule.percent ?? -1, salt };
  }

  /** Whether requests of `user` match a compiled rule (every condition must hold). */
  test(user: number, m: CompiledMatch): boolean {
    if (m.userIds !== null && !m.userIds.has(user)) return false;
    for (let c = 0; c < m.conditions.length; c++) {
      const cond = m.conditions[c];
      if (cond.candidates.length === 0) {
        if (cond.userId !== user) return false;
        continue;
      }
      // the user's value of this header is that of the first rule of that name it carries
      let ok = false;
      for (let j = 0; j < cond.candidates.length; j++) {
        if (this.carries(user, cond.candidates[j])) { ok = cond.wanted[j] === 1; break; }
      }
      if (!ok) return false;
    }
    if (m.percent >= 0 && !(unit2(user, m.salt) * 100 < m.percent)) return false;
    return true;
  }

  private carries(user: number, rule: number): boolean {
    return unit2(user, this.headerSalts[rule]) < this.spec.headers[rule].fraction;
  }
}
