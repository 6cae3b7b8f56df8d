/**
 * Waiting for new pods under a progress deadline, as each controller really treats it.
 *
 *   - Kubernetes Deployment: `progressDeadlineSeconds` only sets the Progressing=False
 *     condition (ProgressDeadlineExceeded); the controller keeps rolling as pods become
 *     available, and never rolls back by itself.
 *   - Argo Rollouts: the rollout becomes Degraded and waits the same way, unless
 *     `progressDeadlineAbort: true`, which aborts it (traffic back to stable, canary down).
 *   - Flagger: a canary not ready within `progressDeadlineSeconds` is rolled back.
 *
 * Without abort the plan marks the moment with a step, so the drops of a degraded rollout
 * are counted apart, then goes on waiting (to the end of the run if the pods never come).
 */
import { step, waitReady, type Plan } from './protocol.ts';

export interface ProgressDeadline {
  ms: number;
  /** Give up (the caller aborts or rolls back) when the deadline passes. */
  abort: boolean;
}

export const DEADLINE_STEP = 'progress deadline exceeded';
export const RESUMED_STEP = 'progress resumed';

/** A wait after the deadline is taken in slices of this (a platform timer stays finite). */
const SLICE_MS = 3_600_000;

/**
 * True once `replicas` of the version are available; false only when the deadline passes
 * and `abort` is set.
 */
export function* waitProgress(service: string, version: string, replicas: number, d: ProgressDeadline): Plan<boolean> {
  if (yield* waitReady(service, version, replicas, d.ms)) return true;
  if (d.abort) return false;
  yield* step(DEADLINE_STEP);
  while (!(yield* waitReady(service, version, replicas, SLICE_MS))) { /* degraded: keep waiting */ }
  yield* step(RESUMED_STEP);
  return true;
}
