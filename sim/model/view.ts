/**
 * One caller's view of one upstream service: the endpoints it currently knows (its own,
 * possibly stale, copy of the registry), its balancer state and its routing config.
 * Every caller has its own views: the gateway, and each instance of each calling service.
 *
 * Hot path: `pick()` runs once per request per hop. Members live in typed arrays; the
 * version filter is a field, not a closure, so picking allocates nothing.
 */
import type { ClientSpec } from '../../scenarios/types.ts';
import { BALANCERS, type Balancer, type Members } from '../balancers/index.ts';
import { slowStartFactor, slowStartSpan } from '../balancers/slow-start.ts';
import type { Uniform } from '../kernel/random.ts';
import { grown } from '../kernel/typed-arrays.ts';
import { forgetInstance, type CallerPool } from './connections.ts';

/** What views need to read about instances (owned by the model). */
export interface InstanceClock {
  /** When each instance's app came up (for uptime-based warmup), ms. */
  upAt: Float64Array;
  /** Per instance: a hash of its stable name, the consistent-hash identity. */
  stableId: Int32Array;
}

export class View implements Members {
  n = 0;
  inst: Int32Array;
  ver: Int32Array;
  joinedAt: Float64Array;
  /** Per local version: routing weight, or null for "pool every base version". */
  weights: Float64Array | null = null;
  /** Index into the model's header-route table, −1 for none. */
  routes = -1;
  /** Index into the model's lane tables: the lanes this caller has heard of (0: none). */
  lanes = 0;
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
  /** Members whose weight is not 1 (weighted balancing applies while any is here). */
  private heavy = 0;
  /** Per instance id: 1 while it is a member (connections.ts asks on every release). */
  private member = new Uint8Array(16);
  /** Keep-alive connections to the target's instances (`client.pool`), null when not modelled. */
  readonly pool: CallerPool | null;
  /** The caller balances long-lived connections, not requests (`pool.http2` with `connections` > 0). */
  readonly pinned: boolean;
  /** One class per view: the pick call site sees only the algorithms the run configures. */
  private readonly balancer: Balancer;
  /** Attempt outcomes move the balancer (nginx max_fails): only then report them. */
  readonly passiveHealth: boolean;
  private readonly slowWindow: number;
  private readonly uptimeClock: boolean;

  constructor(
    readonly id: number,
    readonly target: number,
    /** Caller instance id, or −1 for the entry gateway. */
    readonly caller: number,
    readonly client: ClientSpec,
    /** Per local version of the target: 1 when it is a lane-only version (not base), under the lanes this caller has heard of. */
    public laneOnly: Uint8Array,
    /** Per local version of the target: each instance's balancer weight (`versions.<v>.weight`). */
    private readonly versionWeight: Float64Array,
    private readonly insts: InstanceClock,
    /** This view's balancer stream (`lb/<caller>/<target>`). */
    u: Uniform,
    /** This view's router stream (`router/<caller>/<target>`): the weighted version pick. */
    readonly uRoute: Uniform,
    pool: CallerPool | null = null,
  ) {
    this.pool = pool;
    this.pinned = pool !== null && pool.spec.http2 && pool.spec.connections > 0;
    const cap = 8;
    this.inst = new Int32Array(cap);
    this.ver = new Int32Array(cap);
    this.joinedAt = new Float64Array(cap);
    const ss = client.lb.slowStart;
    this.slowWindow = slowStartSpan(ss);
    this.uptimeClock = ss ? ss.mode === 'dubbo' || ss.mode === 'curve' : false;
    const make = BALANCERS[client.lb.algorithm];
    // The loader rejects unknown names; a scenario built in code is not loaded.
    if (make === undefined) throw new Error(`unknown lb algorithm ${JSON.stringify(client.lb.algorithm)}`);
    this.balancer = make(this, client.lb, u);
    this.passiveHealth = this.balancer.passiveHealth;
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
    if (this.versionWeight[version] !== 1) this.heavy++;
    if (instance >= this.member.length) this.member = grown(this.member, Math.max(instance + 1, this.member.length * 2));
    this.member[instance] = 1;
    this.balancer.added(i, joinedAt);
    if (this.slowWindow > 0) this.warmUntil = Math.max(this.warmUntil, this.clockStart(i) + this.slowWindow);
  }

  /** Removes keeping order (balancer order is part of determinism and of nginx's sequence). */
  remove(instance: number): void {
    const i = this.indexOf(instance);
    if (i < 0) return;
    if (this.versionWeight[this.ver[i]] !== 1) this.heavy--;
    this.member[instance] = 0;
    if (this.pool !== null) forgetInstance(this.pool, instance);
    const last = --this.n;
    for (let j = i; j < last; j++) {
      this.inst[j] = this.inst[j + 1]; this.ver[j] = this.ver[j + 1]; this.joinedAt[j] = this.joinedAt[j + 1];
    }
    this.balancer.removed(i);
  }

  has(instance: number): boolean {
    return instance < this.member.length && this.member[instance] === 1;
  }

  /** Whether a pick for `version` (−1: the base pool) may go to this member instance. */
  accepts(instance: number, version: number): boolean {
    const j = this.indexOf(instance);
    if (j < 0) return false;
    const v = this.ver[j];
    return version >= 0 ? v === version : this.laneOnly[v] === 0;
  }

  /** True when every member qualifies for the current pick (no filter, no lanes, nothing to avoid). */
  unfiltered(): boolean {
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
    const warming = now < this.warmUntil;
    let i = this.balancer.pick(now, key, warming);
    if (i < 0 && avoid >= 0) {
      this.avoid = -1;
      i = this.balancer.pick(now, key, warming);
    }
    return i < 0 ? -1 : this.inst[i];
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
    if (i >= 0) this.balancer.failed(i, now);
  }

  succeeded(instance: number): void {
    if (!this.passiveHealth) return;
    const i = this.indexOf(instance);
    if (i >= 0) this.balancer.succeeded(i);
  }

  activeOf(instance: number): number {
    return instance < this.active.length ? this.active[instance] : 0;
  }

  hashId(instance: number): number {
    return this.insts.stableId[instance];
  }

  warmth(i: number, now: number): number {
    return slowStartFactor(this.client.lb.slowStart!, now - this.clockStart(i));
  }

  weight(i: number): number {
    return this.versionWeight[this.ver[i]];
  }

  weighted(): boolean {
    return this.heavy > 0;
  }

  private clockStart(i: number): number {
    return this.uptimeClock ? this.insts.upAt[this.inst[i]] : this.joinedAt[i];
  }

  private grow(): void {
    const cap = this.inst.length * 2;
    this.inst = grown(this.inst, cap); this.ver = grown(this.ver, cap); this.joinedAt = grown(this.joinedAt, cap);
  }
}
