/**
 * The contract between a caller's view of an upstream (sim/model/view.ts) and the
 * balancing algorithm it was configured with. The view owns the member list (instance,
 * version, join time), the current pick's filter and the per-caller bookkeeping; a
 * balancer owns only its algorithm's state and answers with a member index.
 *
 * Members are indices [0, n) in the view's order, which is part of determinism: the view
 * appends new endpoints and removes keeping order, and tells the balancer both times so
 * per-member state stays aligned.
 */
import type { Uniform } from '../kernel/random.ts';
import type { SlowStartSpec } from './slow-start.ts';

/** What a balancer reads from the view it serves (read fresh each pick: arrays grow). */
export interface Members {
  readonly n: number;
  /** Instance id of each member. */
  readonly inst: Int32Array;
  /** True when every member qualifies for this pick, so a balancer may skip `eligible`. */
  unfiltered(): boolean;
  /** Whether member i qualifies for this pick (wanted version, lanes, the instance a retry avoids). */
  eligible(i: number): boolean;
  /** Requests this caller has outstanding on an instance (Envoy's rq_active, per caller). */
  activeOf(instance: number): number;
  /** Member i's slow-start weight as a fraction of full at `now`: the view owns the clocks. */
  warmth(i: number, now: number): number;
  /** Member i's configured weight (its version's `weight`, a whole number ≥ 1); fixed while it is a member. */
  weight(i: number): number;
  /** True when some member's weight is not 1: only then do unweighted fast paths not apply. */
  weighted(): boolean;
  /** An instance's consistent-hash identity: ids shift when other services add instances, names do not. */
  hashId(instance: number): number;
}

/** The balancer knobs of a client, whatever the algorithm (the scenario's `lb` minus its name). */
export interface LbOptions {
  slowStart: SlowStartSpec | null;
  /** nginx passive health: failures before benching a peer (0 = off). */
  maxFails: number;
  /** nginx fail_timeout, ms. */
  failTimeout: number;
  /** Envoy least-request choice_count. */
  choiceCount: number;
}

/**
 * One view's balancer. Hooks that do not concern an algorithm are empty methods rather
 * than optional ones, so the view calls them without a check.
 */
export interface Balancer {
  /**
   * The member index for the next request, or −1 when no member qualifies. `key` is the
   * request's user id; `warming` says some member is still in slow start at `now`.
   */
  pick(now: number, key: number, warming: boolean): number;
  /** Member i (= the old n) was appended; `joinedAt` starts nginx's failure clocks. */
  added(i: number, joinedAt: number): void;
  /** Member i was removed and later members moved down one; `Members.n` is already the new count. */
  removed(i: number): void;
  /** When false the view never reports attempt outcomes (they cost an index lookup each). */
  readonly passiveHealth: boolean;
  failed(i: number, now: number): void;
  succeeded(i: number): void;
}

/** `u` is the view's own balancer stream: every draw a balancer makes comes from it. */
export type BalancerFactory = (members: Members, lb: LbOptions, u: Uniform) => Balancer;

export function countEligible(m: Members): number {
  let c = 0;
  for (let i = 0; i < m.n; i++) if (m.eligible(i)) c++;
  return c;
}

/** The k-th qualifying member, −1 past the last. */
export function nthEligible(m: Members, k: number): number {
  for (let i = 0; i < m.n; i++) if (m.eligible(i) && k-- === 0) return i;
  return -1;
}
