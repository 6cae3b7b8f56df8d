/**
 * A Kubernetes Deployment (apps/v1): replicas, minReadySeconds and its pod's lifecycle
 * always; its `strategy` when it is the workload being released — RollingUpdate with
 * maxSurge/maxUnavailable (ints or percentages, rounded by the rolling strategy as
 * Kubernetes does) and progressDeadlineSeconds, or Recreate.
 */
import type { ImportState, Workload } from '../import-state.ts';
import type { ManifestReader } from '../manifest-reader.ts';

export function importDeploymentSpec(state: ImportState, w: Workload): void {
  const r: ManifestReader = w.r;
  const replicas = r.int('spec.replicas');
  if (replicas !== undefined) state.set(['services', w.service, 'replicas'], Math.max(1, replicas), r.source('spec.replicas'));
  if (replicas === 0) state.warn(r.doc, 'spec.replicas', 'is 0; relsim runs at least one instance');
  const minReady = r.int('spec.minReadySeconds');
  if (minReady !== undefined) state.set(['services', w.service, 'minReadySeconds'], minReady, r.source('spec.minReadySeconds'));
}

/** The rolling or recreate strategy of a released Deployment, as relsim strategy fields. */
export function deploymentStrategy(state: ImportState, w: Workload): Record<string, unknown> {
  const r: ManifestReader = w.r;
  if (r.bool('spec.paused')) state.warn(r.doc, 'spec.paused', 'a paused Deployment does not roll out; relsim runs the rollout anyway');
  const type = r.string('spec.strategy.type') ?? 'RollingUpdate';
  if (type === 'Recreate') return { name: 'recreate' };
  if (type !== 'RollingUpdate') r.fail('spec.strategy.type', `expected RollingUpdate or Recreate, got ${JSON.stringify(type)}`);
  const out: Record<string, unknown> = { name: 'rolling' };
  const surge = r.intOrPercent('spec.strategy.rollingUpdate.maxSurge');
  const unavailable = r.intOrPercent('spec.strategy.rollingUpdate.maxUnavailable');
  if (surge !== undefined) out.maxSurge = surge;
  if (unavailable !== undefined) out.maxUnavailable = unavailable;
  if (surge !== undefined && unavailable !== undefined && Number(String(surge).replace('%', '')) === 0 && Number(String(unavailable).replace('%', '')) === 0) {
    r.fail('spec.strategy.rollingUpdate', 'maxSurge and maxUnavailable cannot both be 0 (Kubernetes refuses it)');
  }
  const deadline = r.int('spec.progressDeadlineSeconds', { min: 1 });
  if (deadline !== undefined) out.progressDeadlineSeconds = deadline;
  return out;
}
