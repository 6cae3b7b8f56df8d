/**
 * The answers of the plan protocol (what a platform reports back to a plan), and the
 * route a plan installs. Part of the protocol leaf: both platforms import these, and
 * they import nothing but the scenario types.
 */
import type { MatchRule } from '../scenarios/types.ts';

/** A header/cookie/user match that sends requests to `version` (A/B, setHeaderRoute). */
export interface HeaderRoute {
  match: MatchRule;
  version: string;
}

/** Mirrored traffic: `percent` of the requests matching `match` (all when null) that go elsewhere, copied to `version`. */
export interface MirrorRoute {
  version: string;
  percent: number;
  match: MatchRule | null;
}

/** A load generator calling `version` of a service directly at `rate` req/s (Flagger's load tester). */
export interface LoadTest {
  version: string;
  rate: number;
}

export interface VersionState {
  /** Replicas asked for by the last scale. */
  desired: number;
  /** Instances that exist and are not terminating. */
  current: number;
  /** Ready (readiness probe passed) and not terminating. */
  ready: number;
  /** Ready for at least minReadySeconds (Kubernetes "available"). */
  available: number;
  terminating: number;
}

export interface WindowStats {
  /** Calls served by this service/version in the window (finished, any outcome). */
  requests: number;
  ok: number;
  errors: number;
  /** ok / requests, or NaN when there were none. */
  successRate: number;
  p50: number;
  p90: number;
  p99: number;
  /** A bounded sample of ok latencies in the window, ms (for the Mann-Whitney judge). */
  latencies: number[];
}
