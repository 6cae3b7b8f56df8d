/**
 * Small pieces several strategies share: Kubernetes int-or-percent scaling and reading
 * one version's state.
 */
import type { IntOrPercent } from '../scenarios/types.ts';
import { sleep, state, step, type Plan, type StrategyContext, type VersionState } from './protocol.ts';
import { own } from '../scenarios/dict.ts';

export type Outcome = 'promoted' | 'rolled-back' | 'none';

/**
 * Kubernetes `GetScaledValueFromIntOrPercent`: an int is taken as is, "25%" is scaled by
 * `total` and rounded up (maxSurge) or down (maxUnavailable).
 */
export function scaledValue(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return Math.max(0, Math.trunc(v));
  const s = v.trim();
  if (s.endsWith('%')) {
    const pct = Number(s.slice(0, -1));
    if (!Number.isFinite(pct)) throw new Error(`not a percentage: ${JSON.stringify(v)}`);
    const x = (pct * total) / 100;
    // Guard against 0.1 + 0.2 style noise before rounding (e.g. 35% of 20 = 7.000000000000001).
    const r = Math.round(x * 1e9) / 1e9;
    return Math.max(0, roundUp ? Math.ceil(r) : Math.floor(r));
  }
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`expected an int or a percentage, got ${JSON.stringify(v)}`);
  return Math.max(0, Math.trunc(n));
}

/**
 * Kubernetes `ResolveFenceposts`: surge rounds up, unavailable rounds down, and when both
 * resolve to 0 the controller sets maxUnavailable to 1 (deployment_util.go: "on the theory
 * that surge might not work due to quota").
 */
export function resolveFenceposts(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const NONE: VersionState = { desired: 0, current: 0, ready: 0, available: 0, terminating: 0 };

export function* versionState(service: string, version: string): Plan<VersionState> {
  return own(yield* state(service), version) ?? NONE;
}

/** Waits until the version has no instances left (current and terminating both 0). */
export function* waitGone(service: string, version: string, pollMs = 250): Plan {
  for (;;) {
    const s = yield* versionState(service, version);
    if (s.current === 0 && s.terminating === 0) return;
    yield* sleep(pollMs);
  }
}

export function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
