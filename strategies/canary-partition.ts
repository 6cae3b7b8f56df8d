/**
 * A routed canary in OpenKruise's partition style (`canary.stableScaling: partition`):
 * one Deployment whose pods move to the new version, instead of a canary beside a
 * full-size stable.
 *
 * What Kruise does for a Deployment (openkruise/rollouts): the BatchRelease pauses the
 * native controller and hands the Deployment to Kruise's own Deployment controller with a
 * `partition` and the Deployment's own maxSurge/maxUnavailable
 * (batchrelease/control/partitionstyle/deployment). That controller is the Kubernetes
 * rolling update with two caps: the new ReplicaSet grows to at most the partition, and
 * the old one shrinks to no fewer than replicas − partition (deployment/rolling.go,
 * ScaleDownLimitForOld). So a step of n canary pods ends with n new and R − n stable
 * pods, and whether a stable pod goes before, with or after its replacement starts is
 * decided by those two knobs exactly as in a rolling update (maxSurge 0: the stable pod
 * goes first; maxUnavailable 0: the new pod is available first; 25 %/25 %: both at once).
 * A partition never goes down: a later step with fewer replicas keeps the pods moved.
 *
 * Routes, in Kruise's order: the batch is rolled and ready, then the step's traffic is
 * routed, then the pause. While a batch rolls, the route keeps the previous step's
 * weight, so the stable pods left carry the stable share between fewer of them.
 * Promotion (Kruise's finalising on success): the stable Service selects every pod again
 * and the gateway route is removed, so requests are spread over old and new pods by
 * count; then the Deployment rolls the rest within maxSurge/maxUnavailable. Rollback
 * (finalising on rollback): every request is routed to stable first, then the reverted
 * Deployment rolls the canary's pods back to stable pods within the same knobs.
 */
import type { CanaryKnobs } from '../scenarios/types.ts';
import { setWeights, type Plan } from './protocol.ts';
import { rollForward, rollUntil, type RollForward } from './rolling.ts';
import type { Outcome } from './common.ts';
import type { ProgressDeadline } from './progress-deadline.ts';

export interface PartitionRelease {
  service: string;
  /** The stable version. */
  from: string;
  /** The canary version. */
  to: string;
  replicas: number;
  knobs: Pick<CanaryKnobs, 'maxSurge' | 'maxUnavailable'>;
  deadline: ProgressDeadline;
}

/** The partition-style release of a canary (Kruise's, with a router), or null for any other canary. */
export function partitionOf(service: string, from: string, to: string, replicas: number, k: CanaryKnobs, deadline: ProgressDeadline): PartitionRelease | null {
  return k.trafficRouting && k.stableScaling === 'partition' ? { service, from, to, replicas, knobs: k, deadline } : null;
}

/** Rolls until n pods are new and R − n stable; false when new pods missed an aborting deadline. */
export function* partitionBatch(p: PartitionRelease, n: number): Plan<boolean> {
  return yield* rollUntil(rollSpec(p, p.from, p.to, p.deadline), n);
}

/** The route handed back to the Service (requests follow the pods), then the rest rolled. */
export function* partitionPromote(p: PartitionRelease): Plan<Outcome> {
  yield* setWeights(p.service, null);
  return yield* rollForward(rollSpec(p, p.from, p.to, p.deadline));
}

/**
 * The canary's pods rolled back to stable ones, after the caller has routed every request
 * to stable (Kruise routes first, so a rollback sends no more traffic to a bad version):
 * the R − n stable pods carry everything until their replacements are available. It waits
 * for stable pods however long they take, as a Deployment does.
 */
export function* partitionRollback(p: PartitionRelease): Plan {
  yield* rollUntil(rollSpec(p, p.to, p.from, { ms: p.deadline.ms, abort: false }), p.replicas);
}

function rollSpec(p: PartitionRelease, from: string, to: string, deadline: ProgressDeadline): RollForward {
  return { service: p.service, from, to, replicas: p.replicas, maxSurge: p.knobs.maxSurge, maxUnavailable: p.knobs.maxUnavailable, deadline };
}
