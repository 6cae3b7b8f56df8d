/**
 * Ready, available and what `waitReady` waits for (the Deployment controller's counting).
 *
 * An instance is *available* once it has been ready for `minReadySeconds`: the
 * instance's own setting, or a rolling release's `minReadySeconds` when that is longer
 * (Kubernetes keeps one per Deployment; relsim lets the release override it for the
 * services it rolls). A plan's `waitReady(n)` is satisfied by n *available* instances,
 * as a rolling update only counts available pods toward progress; that is what makes
 * `minReadySeconds` slow a rollout down on every platform.
 */
import type { Scenario } from '../../scenarios/types.ts';
import type { VersionState } from '../../strategies/protocol-types.ts';

/** How long (ms) an instance of `service` must be ready before it counts as available. */
export function minReadyMs(scenario: Scenario, service: string): number {
  const svc = scenario.services.find((s) => s.name === service);
  if (!svc) throw new Error(`unknown service ${service}`);
  const rel = scenario.release;
  const rolling = rel && rel.strategy.name === 'rolling' && rel.services.includes(service) ? rel.strategy.minReadySeconds : 0;
  return Math.max(svc.instance.minReadySeconds, rolling);
}

export function isAvailable(readyAtMs: number, nowMs: number, minReady: number): boolean {
  return nowMs - readyAtMs >= minReady;
}

/** Where an instance is in its life, as the version counts see it. */
export const Stage = { Starting: 0, Up: 1, Ready: 2, Terminating: 3, Gone: 4 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export function emptyVersionState(desired: number): VersionState {
  return { desired, current: 0, ready: 0, available: 0, terminating: 0 };
}

/** Adds one instance to its version's counts. */
export function tally(st: VersionState, stage: Stage, readyAtMs: number, nowMs: number, minReady: number): void {
  if (stage <= Stage.Ready) st.current++;
  if (stage === Stage.Ready) {
    st.ready++;
    if (isAvailable(readyAtMs, nowMs, minReady)) st.available++;
  }
  if (stage === Stage.Terminating) st.terminating++;
}

/** Whether `waitReady(service, version, replicas)` is satisfied by this state. */
export function waitReadySatisfied(st: VersionState | undefined, replicas: number): boolean {
  return (st?.available ?? 0) >= replicas;
}
