/**
 * nginx smooth weighted round-robin, exactly as ngx_http_upstream_get_peer does it,
 * including effective weight (recovering by 1 per pick after failures) and passive health
 * (max_fails / fail_timeout). Functions over parallel arrays so the balancer keeps its
 * peers in typed arrays and tests can drive the algorithm directly.
 *
 *   for each eligible peer p: p.cw += p.ew; total += p.ew; if p.ew < p.w: p.ew++;
 *     best = the peer with the largest cw (first wins ties)
 *   best.cw -= total
 */
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

/**
 * nginx free_peer on failure: count it and lower the effective weight by
 * `weight / max_fails` in C integer division (ngx_http_upstream_free_round_robin_peer:
 * both are integers), so weight 5 with max_fails 2 loses 2, and weight 1 with max_fails ≥ 2
 * loses nothing. Weights here are whole numbers (see View), so flooring is C's truncation.
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
