/**
 * What happens, and when, after an instance is deleted (the kubelet's killContainer and
 * the endpoints controller).
 *
 * - Deregistration: with `on-termination` (plain Kubernetes) the endpoint is removed as
 *   termination starts, racing the preStop hook; with `before-termination` (lossless
 *   offline) it is removed first and termination starts `deregistrationLead` later.
 * - The preStop hook runs inside the grace period and is cut off by it.
 * - SIGTERM follows the hook. The container then gets what is left of the grace period,
 *   minus the hook's whole seconds, but never less than 2 s, then SIGKILL.
 *
 * All times are ms after termination starts (after the lead, if any).
 */
import type { InstanceSpec } from '../../scenarios/types.ts';
import { Stage } from './availability.ts';

export interface TerminationSchedule {
  /** From deletion to the start of termination (the lossless-offline lead, else 0). */
  startAfterMs: number;
  /** Whether the endpoint leaves the registry at deletion (true) or at termination start. */
  deregisterAtDeletion: boolean;
  /** From termination start to SIGTERM (the preStop hook, capped by the grace period). */
  sigtermAfterMs: number;
  /** From termination start to SIGKILL. */
  killAfterMs: number;
}

/** The kubelet's minimum grace after a preStop hook used up the period. */
export const MIN_GRACE_AFTER_HOOK_MS = 2000;

export function terminationSchedule(spec: InstanceSpec): TerminationSchedule {
  const lossless = spec.deregistration === 'before-termination';
  const grace = spec.terminationGracePeriod;
  const sigterm = Math.min(spec.preStop, grace);
  return {
    startAfterMs: lossless ? spec.deregistrationLead : 0,
    deregisterAtDeletion: lossless,
    sigtermAfterMs: sigterm,
    killAfterMs: sigterm + Math.max(grace - Math.floor(sigterm / 1000) * 1000, MIN_GRACE_AFTER_HOOK_MS),
  };
}

/**
 * An instance deleted before it was ever ready had no traffic to drain: it is removed at
 * once, without preStop or grace period (its cost stops there too).
 */
export function goesAtOnce(stage: Stage): boolean {
  return stage < Stage.Ready;
}
