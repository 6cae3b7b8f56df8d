/**
 * Open-loop arrivals and per-request attributes.
 *
 * Arrivals: Poisson, constant spacing, a linear ramp (non-homogeneous Poisson by
 * thinning), or a recorded trace of timestamps. Users: each request carries a user id in
 * 1..users; header cohorts are decided per user by a stable hash, so a user's requests
 * always carry the same headers (that is what makes A/B and lane matches sticky).
 */
import { COOKIE_HEADER, cookiePairs, userIdsMatching, valueMatches } from '../../scenarios/matching.ts';
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
 * does no string work: value conditions (exact, prefix, regex) are decided here against
 * the finite set of values the traffic's header rules carry.
 */
export interface CompiledMatch {
  userIds: Set<number> | null;
  /**
   * Each condition: the user id must be in `ids`, or equal `userId` (no sources), or one of its sources
   * must hold: among the header rules of one name (`candidates`), the first the user
   * carries must be `wanted`.
   */
  conditions: { userId: number; ids: Set<number> | null; sources: { candidates: Int32Array; wanted: Uint8Array }[] }[];
  /** Percentage of users (by hash), or −1. */
  percent: number;
  salt: number;
  /** A list of rules one of which must hold (the rule has no conditions of its own then); null: none. */
  any: CompiledMatch[] | null;
}

/** Stable per-user facts: which header rules a user carries, and lane/route matching. */
export class Users {
  private readonly headerSalts: number[];

  constructor(private readonly spec: TrafficSpec) {
    this.headerSalts = spec.headers.map((h) => hashString(`${h.name}=${h.value}`));
  }

  /**
   * Compiles a rule. A user's attributes are its header rules; a header or query condition
   * reads the attribute of its name, a cookie condition reads it too (the replay sends each
   * attribute as a cookie) and the pairs of the user's Cookie header (an attribute named
   * `cookie`): whichever holds.
   */
  compile(rule: MatchRule, salt: number): CompiledMatch {
    if (rule.any) {
      // Each alternative hashes its percentage with its own salt: two 10 % alternatives are 19 % of users, not 10 %.
      return { userIds: null, conditions: [], percent: -1, salt, any: rule.any.map((alt, k) => this.compile(alt, (salt ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0)) };
    }
    const conditions: CompiledMatch['conditions'] = [];
    for (const kind of ['header', 'cookie', 'query'] as const) {
      const kv = rule[kind];
      if (!kv) continue;
      const name = kv.name.toLowerCase();
      if (name === 'x-user-id') {
        // The user id itself: one id, or (prefix, regex) every id 1..users whose digits match.
        if (kv.kind === undefined) {
          conditions.push({ userId: /^\d+$/.test(kv.value) ? Number(kv.value) : -1, ids: null, sources: [] }); // -1 never matches
        } else {
          conditions.push({ userId: -1, ids: new Set(userIdsMatching(kv, this.spec.users)), sources: [] });
        }
        continue;
      }
      const sources = [this.source(name, (value) => valueMatches(kv, value))];
      if (kind === 'cookie') {
        sources.push(this.source(COOKIE_HEADER, (header) => cookiePairs(header).some(([n, v]) => n === name && valueMatches(kv, v))));
      }
      conditions.push({ userId: 0, ids: null, sources });
    }
    return { userIds: rule.userIds && rule.userIds.length > 0 ? new Set(rule.userIds) : null, conditions, percent: rule.percent ?? -1, salt, any: null };
  }

  /** Whether requests of `user` match a compiled rule (every condition must hold, or one of `any`). */
  test(user: number, m: CompiledMatch): boolean {
    if (m.any !== null) {
      for (let k = 0; k < m.any.length; k++) if (this.test(user, m.any[k])) return true;
      return false;
    }
    if (m.userIds !== null && !m.userIds.has(user)) return false;
    for (let c = 0; c < m.conditions.length; c++) {
      const cond = m.conditions[c];
      if (cond.sources.length === 0) {
        if (cond.ids !== null ? !cond.ids.has(user) : cond.userId !== user) return false;
        continue;
      }
      let ok = false;
      for (let s = 0; s < cond.sources.length && !ok; s++) {
        const src = cond.sources[s];
        // the user's value of this name is that of the first rule of that name it carries
        for (let j = 0; j < src.candidates.length; j++) {
          if (this.carries(user, src.candidates[j])) { ok = src.wanted[j] === 1; break; }
        }
      }
      if (!ok) return false;
    }
    if (m.percent >= 0 && !(unit2(user, m.salt) * 100 < m.percent)) return false;
    return true;
  }

  /** The header rules named `name`, each flagged with whether its value passes `ok`. */
  private source(name: string, ok: (value: string) => boolean): { candidates: Int32Array; wanted: Uint8Array } {
    const idx = this.spec.headers.map((h, k) => (h.name.toLowerCase() === name ? k : -1)).filter((k) => k >= 0);
    return { candidates: Int32Array.from(idx), wanted: Uint8Array.from(idx.map((k) => (ok(this.spec.headers[k].value) ? 1 : 0))) };
  }

  private carries(user: number, rule: number): boolean {
    return unit2(user, this.headerSalts[rule]) < this.spec.headers[rule].fraction;
  }
}
