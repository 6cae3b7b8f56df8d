/**
 * nginx smooth weighted round-robin, exactly as ngx_http_upstream_get_peer does it,
 * including effective weight (recovering by 1 per pick after failures) and passive health
 * (max_fails / fail_timeout). Functions over parallel arrays so the balancer keeps its
 * peers in typed arrays and tests can drive the algorithm directly. Round robin reuses
 * them while an endpoint warms up.
 *
 *   for each eligible peer p: p.cw += p.ew; total += p.ew; if p.ew < p.w: p.ew++;
 *     best = the peer with the largest cw (first wins ties)
 *   best.cw -= total
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { slowStartSpan, type SlowStartSpec } from './slow-start.ts';
import { grown } from '../kernel/typed-arrays.ts';

export interface SmoothPeers {
  /** Configured weight. */
  w: Float64Array;
  /** Effective weight (lowered by failures, recovers by 1 per selection round). */
  ew: Float64Array;
  /** Current weight. */
  cw: Float64Array;
  fails: Int32Array;
  /** Start of the current failure window (nginx `checked`). */
  checked: Float64Array;
  /** Time of the last failure (nginx `accessed`). */
  accessed: Float64Array;
}

export interface Eligibility {
  eligible(i: number): boolean;
}

/**
 * Picks a peer among indices [0, n) that `filter.eligible(i)` accepts (every peer when
 * `filter` is null), or −1 when none is. `maxFails` 0 disables passive health.
 */
export function smoothPick(p: SmoothPeers, n: number, filter: Eligibility | null,
  now: number, maxFails: number, failTimeout: number): number {
  // nginx never benches the only server of an upstream (peers->single skips the max_fails
  // check): a lone dead peer is tried, and refuses, rather than reported "no live upstreams".
  if (maxFails > 0 && single(n, filter)) maxFails = 0;
  let best = -1;
  let total = 0;
  const { w, ew, cw, fails, checked } = p;
  for (let i = 0; i < n; i++) {
    if (filter !== null && !filter.eligible(i)) continue;
    if (maxFails > 0 && fails[i] >= maxFails && now - checked[i] <= failTimeout) continue;
    cw[i] += ew[i];
    total += ew[i];
    if (ew[i] < w[i]) ew[i] += 1;
    if (best === -1 || cw[i] > cw[best]) best = i;
  }
  if (best === -1) return -1;
  cw[best] -= total;
  if (now - checked[best] > failTimeout) checked[best] = now;
  return best;
}

function single(n: number, filter: Eligibility | null): boolean {
  if (filter === null) return n === 1;
  let c = 0;
  for (let i = 0; i < n && c < 2; i++) if (filter.eligible(i)) c++;
  return c === 1;
}

/**
 * nginx free_peer on failure: count it and lower the effective weight by
 * `weight / max_fails` in C integer division (ngx_http_upstream_free_round_robin_peer:
 * both are integers), so weight 5 with max_fails 2 loses 2, and weight 1 with max_fails ≥ 2
 * loses nothing. Weights here are whole numbers (see SmoothMembers), so flooring is C's truncation.
 */
export function smoothFail(p: SmoothPeers, i: number, now: number, maxFails: number): void {
  p.fails[i]++;
  p.checked[i] = now;
  p.accessed[i] = now;
  if (maxFails > 0) {
    p.ew[i] -= Math.floor(p.w[i] / maxFails);
    if (p.ew[i] < 0) p.ew[i] = 0;
  }
}

/**
 * nginx free_peer on success: failures are forgotten only once a new failure window has
 * started since the last failure (`accessed < checked`), so with max_fails > 1 a peer that
 * fails often is still benched even if some of its requests succeed.
 */
export function smoothSuccess(p: SmoothPeers, i: number): void {
  if (p.fails[i] > 0 && p.accessed[i] < p.checked[i]) p.fails[i] = 0;
}

/**
 * Peer state kept aligned with a view's members. A member's weight is its configured
 * `weight` (nginx `server … weight=N`); with slow start, weights are in hundredths of it so
 * the integer recovery step (ew += 1) stays fine-grained next to warmup weights.
 */
export class SmoothMembers {
  peers: SmoothPeers;
  private readonly full: number;

  constructor(slowStart: SlowStartSpec | null) {
    const cap = 8;
    this.peers = { w: new Float64Array(cap), ew: new Float64Array(cap), cw: new Float64Array(cap),
      fails: new Int32Array(cap), checked: new Float64Array(cap), accessed: new Float64Array(cap) };
    this.full = slowStartSpan(slowStart) > 0 ? 100 : 1;
  }

  added(i: number, joinedAt: number, weight: number): void {
    if (i === this.peers.w.length) this.grow(i * 2);
    const p = this.peers, full = this.full * weight;
    p.w[i] = full; p.ew[i] = full; p.cw[i] = 0; p.fails[i] = 0; p.checked[i] = joinedAt; p.accessed[i] = joinedAt;
  }

  /** `n`: members left after removing i. */
  removed(i: number, n: number): void {
    const p = this.peers;
    for (let j = i; j < n; j++) {
      p.w[j] = p.w[j + 1]; p.ew[j] = p.ew[j + 1]; p.cw[j] = p.cw[j + 1]; p.fails[j] = p.fails[j + 1];
      p.checked[j] = p.checked[j + 1]; p.accessed[j] = p.accessed[j + 1];
    }
  }

  /** Warmup weights move with time, so they are refreshed before every pick while one ramps. */
  warm(m: Members, now: number): void {
    const p = this.peers;
    for (let i = 0; i < m.n; i++) {
      const w = Math.max(1, Math.round(m.warmth(i, now) * 100 * m.weight(i)));
      if (p.w[i] !== w) { p.w[i] = w; if (p.ew[i] > w) p.ew[i] = w; }
    }
  }

  private grow(cap: number): void {
    const p = this.peers;
    this.peers = { w: grown(p.w, cap), ew: grown(p.ew, cap), cw: grown(p.cw, cap), fails: grown(p.fails, cap),
      checked: grown(p.checked, cap), accessed: grown(p.accessed, cap) };
  }
}

/** `smooth-wrr`: nginx's default upstream balancer, with passive health when max_fails > 0. */
class SmoothWrr implements Balancer {
  private readonly s: SmoothMembers;
  readonly passiveHealth: boolean;

  constructor(private readonly m: Members, private readonly lb: LbOptions) {
    this.s = new SmoothMembers(lb.slowStart);
    this.passiveHealth = lb.maxFails > 0;
  }

  pick(now: number, _key: number, warming: boolean): number {
    const m = this.m;
    if (warming) this.s.warm(m, now);
    return smoothPick(this.s.peers, m.n, m.unfiltered() ? null : m, now, this.lb.maxFails, this.lb.failTimeout);
  }

  added(i: number, joinedAt: number): void { this.s.added(i, joinedAt, this.m.weight(i)); }
  removed(i: number): void { this.s.removed(i, this.m.n); }
  failed(i: number, now: number): void { smoothFail(this.s.peers, i, now, this.lb.maxFails); }
  succeeded(i: number): void { smoothSuccess(this.s.peers, i); }
}

export const smoothWrr = (m: Members, lb: LbOptions): Balancer => new SmoothWrr(m, lb);
