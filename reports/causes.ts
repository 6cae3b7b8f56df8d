/**
 * The drop taxonomy's short form for verdict tables: what a cause means and its usual cure,
 * one line each, and the cause that dominates across all seeds of a strategy. The longer,
 * number-filled advice of a report's "Why" is reports/explain.ts.
 */
import { DROP_CAUSES, emptyByCause, type DropCause, type RunResult } from '../sim/result/run-result.ts';
import { fmtPct } from './format.ts';

export const CAUSE_CURES: Record<DropCause, string> = {
  refused: 'callers still sent to deregistered instances: a preStop sleep longer than the slowest caller\'s registry delay (within the grace period)',
  reset: 'requests in flight when instances were killed, or sent on a keep-alive connection the server had just closed: drain gracefully within a long enough terminationGracePeriodSeconds; server idle timeouts longer than the callers\'',
  'no-endpoint': 'callers saw no instance for the chosen version: keep capacity up during each step (surge first, maxUnavailable 0) and wait for the registry before shifting traffic',
  'queue-full': 'capacity fell short during a step: more surge, or slow start so cold instances are not flooded',
  timeout: 'requests outlived the caller\'s timeout, usually on cold instances: slow start (warm-up) or more capacity during the step',
  error: 'the new version failed requests itself: an analysis step that rolls back early, and a smaller first step',
  misroute: 'lane traffic left its lane: every service on the path must propagate the lane tag, and callers must know the lane\'s instances before lane traffic arrives',
};

/** Drops per cause summed over runs. */
export function causesOf(runs: RunResult[]): Record<DropCause, number> {
  const sum = emptyByCause();
  for (const r of runs) for (const c of DROP_CAUSES) sum[c] += r.requests.byCause[c] ?? 0;
  return sum;
}

/** Causes that occurred, most frequent first (ties in DROP_CAUSES order). */
export function rankCauseCounts(byCause: Partial<Record<DropCause, number>>): { cause: DropCause; count: number }[] {
  return DROP_CAUSES.map((cause) => ({ cause, count: byCause[cause] ?? 0 }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count);
}

/** Drops per cause summed over runs, most first; `share` of all drops. Empty when nothing dropped. */
export function causesAcross(runs: RunResult[]): { cause: DropCause; count: number; share: number }[] {
  const total = runs.reduce((s, r) => s + r.requests.dropped, 0);
  if (total === 0) return [];
  return rankCauseCounts(causesOf(runs)).map((c) => ({ ...c, share: c.count / total }));
}

/** "73% refused: callers still sent to …" — the dominant cause over all runs and its cure; '' without drops. */
export function dominantCause(runs: RunResult[]): string {
  const [top] = causesAcross(runs);
  return top ? `${fmtPct(top.share)} \`${top.cause}\`: ${CAUSE_CURES[top.cause]}` : '';
}
