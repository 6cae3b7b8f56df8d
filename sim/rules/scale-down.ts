/**
 * Which instances a scale-down removes first: the ReplicaSet controller's order
 * (`ActivePodsWithRanks.Less`), reduced to what relsim models.
 *
 *   1. instances marked down by the plan (lossless pre-offline: already out of every list);
 *   2. not ready before ready, and among those, still starting before up;
 *   3. among ready ones, the most recently ready first (Kubernetes ranks by ready time:
 *      the youngest ready pod goes first);
 *   4. then the newest created first.
 *
 * Kubernetes ≥ 1.22 (LogarithmicScaleDown) compares ready times in powers-of-two buckets
 * and breaks ties semi-randomly; relsim keeps the exact order, which is deterministic and
 * identical on both platforms.
 */
import { Stage } from './availability.ts';

export interface ScaleDownCandidate {
  down: boolean;
  stage: Stage;
  /** Scenario ms; any value for instances not ready yet. */
  readyAtMs: number;
  /** Creation order (ids or creation times; larger is newer). */
  created: number;
}

/** Sort comparator: victims first. */
export function victimOrder(a: ScaleDownCandidate, b: ScaleDownCandidate): number {
  return (Number(b.down) - Number(a.down)) ||
    (a.stage - b.stage) ||
    (a.stage === Stage.Ready ? b.readyAtMs - a.readyAtMs : 0) ||
    (b.created - a.created);
}

/** The `count` instances to terminate, in order. */
export function pickVictims<T extends ScaleDownCandidate>(live: readonly T[], count: number): T[] {
  return [...live].sort(victimOrder).slice(0, Math.max(0, count));
}
