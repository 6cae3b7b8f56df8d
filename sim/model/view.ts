/**
 * One caller's view of one upstream service: the endpoints it currently knows (its own,
 * possibly stale, copy of the registry), its balancer state and its routing config.
 * Every caller has its own views: the gateway, and each instance of each calling service.
 *
 * Hot path: `pick()` runs once per request per hop. Members live in typed arrays; the
 * version filter is a field, not a closure, so picking allocates nothing.
 */
import type { ClientSpec } from '../../scenarios/types.ts';
import { mix2 } from '../balancers/hash.ts';
import { slowStartFactor, slowStartSpan } from '../balancers/slow-start.ts';
import { smoothPick, smoothFail, smoothSuccess, type Eligibility, type SmoothPeers } from '../balancers/smooth-wrr.ts';
import type { Uniform } from '../kernel/random.ts';
import { grown } from '../kernel/typed-arrays.ts';

/** What views need to read about instances (owned by the model). */
export interface InstanceClock {
  /** When each instance's app came up (for uptime-based warmup), ms. */
  upAt: Float64Array;
  /** Per instance: a hash of its stable name, the consistent-hash identity. */
  stableId: Int32Array;
}

const ALGO_RR = 0, ALGO_SWRR = 1, ALGO_RANDOM = 2, ALGO_LEAST = 3, ALGO_HASH = 4;
const ALGOS: Record<string, number> = {
  'round-robin': ALGO_RR, 'smooth-wrr': ALGO_SWRR, random: ALGO_RANDOM, 'least-request': ALGO_LEAST, 'consistent-hash': ALGO_HASH,
};

export class View implements Eligibility {
  n = 0;
  inst: Int32Array;
  ver: Int32Array;
  joinedAt: Float64Array;
  peers: SmoothPeers;
  private rr = 0;
  /** Per local version: routing weight, or null for "pool every base version". */
  weights: Float64Array | null = null;
  /** Index into the model's header-route table, −1 for none. */
  routes = -1;
  /** Last time an update was delivered (updates to one caller arrive in order). */
  lastDelivery = 0;
  alive = true;
  /** Version filter for the current pick: ≥ 0 exact version, −1 base pool. */
  private want = -1;
  /** Instance this pick must avoid (the one a retried attempt just failed on), −1 none. */
  private avoid = -1;
  /** This caller's requests outstanding per instance id (Envoy's rq_active, per caller). */
  private active = new Int32Array(16);
  /** No endpoint is in slow start after this time. */
  private warmUntil = -Infinity;
  private readonly algo: number;
  /** nginx max_fails bookkeeping applies (smooth WRR with max_fails > 0). */
  readonly passiveHealth: boolean;
  private readonly slowWindow: number;
  private readonly uptimeClock: boolean;

  constructor(
    readonly id: number,
    readonly target: number,
    /** Caller instance id, or −1 for the entry gateway. */
    readonly caller: number,
    readonly client: ClientSpec,
    /** Per local version of the target: 1 when it is a lane-only version (not base). */
    private readonly laneOnly: Uint8Array,
    private readonly insts: InstanceClock,
    /** This view's balancer stream (`lb/<caller>/<target>`). */
    private readonly u: Uniform,
    /** This view's router stream (`router/<caller>/<target>`): the weighted version pick. */
    readonly uRoute: Uniform,
  ) {
    const cap = 8;
    this.inst = new Int32Array(cap);
    this.ver = new Int32Array(cap);
    this.joinedAt = new Float64Array(cap);
    this.peers = { w: new Float64Array(cap), ew: new Float64Array(cap), cw: new Float64Array(cap), fails: new Int32Array(cap), checked: new Float64Array(cap), accessed: new Float64Array(cap) };
    this.algo = ALGOS[client.lb.algorithm];
    this.passiveHealth = this.algo === ALGO_SWRR && client.lb.maxFails > 0;
    const ss = client.lb.slowStart;
    this.slowWindow = ss ? slowStartSpan(ss) : 0;
    this.uptimeClock = ss ? ss.mode === 'dubbo' || ss.mode === 'curve' : false;
  }


  indexOf(instance: number): number {
    const a = this.inst;
    for (let i = 0; i < this.n; i++) if (a[i] === instance) return i;
    return -1;
  }

  /** Adds an endpoint that joined at `joinedAt` (the slow-start clock of Envoy/HAProxy). */
  add(instance: number, version: number, joinedAt: number): void {
    if (this.indexOf(instance) >= 0) return;
    if (this.n === this.inst.length) this.grow();
    const i = this.n++;
    this.inst[i] = instance;
    this.ver[i] = version;
    this.joinedAt[i] = joinedAt;
    // With slow start, weights are in hundredths (see refreshSlowStartWeights).
    const full = this.slowWindow > 0 ? 100 : 1;
    const p = this.peers;
    p.w[i] = full; p.ew[i] = full; p.cw[i] = 0; p.fails[i] = 0; p.checked[i] = joinedAt; p.accessed[i] = joinedAt;
    if (this.slowWindow > 0) this.warmUntil = Math.max(this.warmUntil, this.clockStart(i) + this.slowWindow);
  }

  /** Removes keeping order (balancer order is part of determinism and of nginx's sequence). */
  remove(instance: number): void {
    const i = this.indexOf(instance);
    if (i < 0) return;
    const last = --this.n;
    for (let j = i; j < last; j++) {
      this.inst[j] = this.inst[j + 1]; this.ver[j] = this.ver[j + 1]; this.joinedAt[j] = this.joinedAt[j + 1];
      const p = this.peers;
      p.w[j] = p.w[j + 1]; p.ew[j] = p.ew[j + 1]; p.cw[j] = p.cw[j + 1]; p.fails[j] = p.fails[j + 1];
      p.checked[j] = p.checked[j + 1]; p.accessed[j] = p.accessed[j + 1];
    }
    if (this.rr > i) this.rr--;
    if (this.rr >= this.n) this.rr = 0;
  }

  /** True when every member qualifies for the current pick (no filter, no lanes, nothing to avoid). */
  private unfiltered(): boolean {
    if (this.want >= 0 || this.avoid >= 0) return false;
    const lo = this.laneOnly;
    for (let v = 0; v < lo.length; v++) if (lo[v] !== 0) return false;
    return true;
  }

  eligible(i: number): boolean {
    const v = this.ver[i];
    if (this.inst[i] === this.avoid) return false;
    return this.want >= 0 ? v === this.want : this.laneOnly[v] === 0;
  }

  /**
   * The instance id for the next request, or −1 when this caller knows no instance of the
   * wanted version. `key` feeds consistent hashing (the user id). `avoid` is the instance a
   * retried attempt just failed on: like nginx's tried-peers set, it is skipped unless it is
   * the only candidate.
   */
  pick(version: number, now: number, key: number, avoid = -1): number {
    if (this.n === 0) return -1;
    this.want = version;
    this.avoid = avoid;
    const i = this.pickOnce(now, key);
    if (i >= 0 || avoid < 0) return i;
    this.avoid = -1;
    return this.pickOnce(now, key);
  }

  private pickOnce(now: number, key: number): number {
    const warming = now < this.warmUntil;
    switch (this.algo) {
      case ALGO_RR:
        return warming ? this.pickWeighted(now, true) : this.pickRoundRobin();
      case ALGO_SWRR:
        if (warming) this.refreshSlowStartWeights(now);
        return this.pickSmooth(now);
      case ALGO_RANDOM:
        return warming ? this.pickWeighted(now, false) : this.pickRandom();
      case ALGO_LEAST:
        return warming ? this.pickWeighted(now, false) : this.pickP2C();
      default:
        return this.pickHash(key);
    }
  }

  /** An attempt to this instance was accepted: this caller now waits on it. */
  began(instance: number): void {
    if (instance >= this.active.length) this.active = grown(this.active, Math.max(instance + 1, this.active.length * 2));
    this.active[instance]++;
  }

  /** This caller stopped waiting on an attempt (answered, timed out or reset). */
  ended(instance: number): void {
    this.active[instance]--;
  }

  /** A failed attempt to this instance (nginx passive health bookkeeping). */
  failed(instance: number, now: number): void {
    if (!this.passiveHealth) return;
    const i = this.indexOf(instance);
    if (i >= 0) smoothFail(this.peers, i, now, this.client.lb.maxFails);
  }

  succeeded(instance: number): void {
    if (!this.passiveHealth) return;
    const i = this.indexOf(instance);
    if (i >= 0) smoothSuccess(this.peers, i);
  }

  // ---- algorithms ----------------------------------------------------------------------

  private pickRoundRobin(): number {
    const n = this.n;
    if (this.unfiltered()) {
      const i = this.rr < n ? this.rr : 0;
      this.rr = i + 1 < n ? i + 1 : 0;
      return this.inst[i];
    }
    for (let k = 0; k < n; k++) {
      const i = (this.rr + k) % n;
      if (this.eligible(i)) {
        this.rr = (i + 1) % n;
        return this.inst[i];
      }
    }
    return -1;
  }

  private pickSmooth(now: number): number {
    const i = smoothPick(this.peers, this.n, this.unfiltered() ? null : this, now, this.client.lb.maxFails, this.client.lb.failTimeout);
    return i < 0 ? -1 : this.inst[i];
  }

  private pickRandom(): number {
    const c = this.countEligible();
    if (c === 0) return -1;
    let k = (this.u() * c) | 0;
    for (let i = 0; i < this.n; i++) if (this.eligible(i) && k-- === 0) return this.inst[i];
    return -1;
  }

  /** Envoy least-request: two uniform choices with replacement, fewer active wins, first on ties. */
  private pickP2C(): number {
    const choices = this.client.lb.choiceCount;
    if (this.unfiltered()) {
      const n = this.n;
      let best = this.inst[(this.u() * n) | 0];
      if (n === 1) return best;
      for (let k = 1; k < choices; k++) {
        const x = this.inst[(this.u() * n) | 0];
        if (this.activeOf(x) < this.activeOf(best)) best = x;
      }
      return best;
    }
    const c = this.countEligible();
    if (c === 0) return -1;
    let best = this.nth((this.u() * c) | 0);
    if (c === 1) return best;
    for (let k = 1; k < choices; k++) {
      const x = this.nth((this.u() * c) | 0);
      if (this.activeOf(x) < this.activeOf(best)) best = x;
    }
    return best;
  }

  private activeOf(instance: number): number {
    return instance < this.active.length ? this.active[instance] : 0;
  }

  private countEligible(): number {
    let c = 0;
    for (let i = 0; i < this.n; i++) if (this.eligible(i)) c++;
    return c;
  }

  private nth(k: number): number {
    for (let i = 0; i < this.n; i++) if (this.eligible(i) && k-- === 0) return this.inst[i];
    return -1;
  }

  /** Rendezvous (highest-random-weight) hashing on the key: moving one endpoint moves only its keys. */
  private pickHash(key: number): number {
    let best = -1, bestScore = -1;
    // Hash the instance's stable name, not its id: ids shift when other services add instances.
    const stable = this.insts.stableId;
    for (let i = 0; i < this.n; i++) {
      if (!this.eligible(i)) continue;
      const s = mix2(key, stable[this.inst[i]]);
      if (s > bestScore) { bestScore = s; best = i; }
    }
    return best < 0 ? -1 : this.inst[best];
  }

  private clockStart(i: number): number {
    return this.uptimeClock ? this.insts.upAt[this.inst[i]] : this.joinedAt[i];
  }

  private factor(i: number, now: number): number {
    return slowStartFactor(this.client.lb.slowStart!, now - this.clockStart(i));
  }

  /**
   * Weighted choice while some endpoint is warming. `smooth`: deterministic smooth WRR on
   * the warmup weights (what Envoy's EDF round robin converges to); otherwise a weighted
   * random draw, dividing by (active + 1) for least-request as Envoy's EDF does.
   */
  private pickWeighted(now: number, smooth: boolean): number {
    if (smooth) {
      this.refreshSlowStartWeights(now);
      return this.pickSmooth(now);
    }
    const least = this.algo === ALGO_LEAST;
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      if (!this.eligible(i)) continue;
      total += this.factor(i, now) / (least ? this.activeOf(this.inst[i]) + 1 : 1);
    }
    if (total <= 0) return -1;
    let r = this.u() * total;
    let last = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.eligible(i)) continue;
      last = i;
      r -= this.factor(i, now) / (least ? this.activeOf(this.inst[i]) + 1 : 1);
      if (r < 0) return this.inst[i];
    }
    return last < 0 ? -1 : this.inst[last];
  }

  /** Weights in hundredths so smooth WRR's integer recovery step (ew += 1) stays fine-grained. */
  private refreshSlowStartWeights(now: number): void {
    const p = this.peers;
    for (let i = 0; i < this.n; i++) {
      const w = Math.max(1, Math.round(this.factor(i, now) * 100));
      if (p.w[i] !== w) { p.w[i] = w; if (p.ew[i] > w) p.ew[i] = w; }
    }
  }

  private grow(): void {
    const cap = this.inst.length * 2;
    this.inst = grown(this.inst, cap); this.ver = grown(this.ver, cap); this.joinedAt = grown(this.joinedAt, cap);
    const p = this.peers;
    this.peers = { w: grown(p.w, cap), ew: grown(p.ew, cap), cw: grown(p.cw, cap), fails: grown(p.fails, cap),
      checked: grown(p.checked, cap), accessed: grown(p.accessed, cap) };
  }

}
