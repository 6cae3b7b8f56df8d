/**
 * The Kubernetes kinds relsim reads, by API group and kind, and those it reads past. A kind
 * in neither list is an error (exit 2) naming it: a manifest set relsim does not understand
 * must not quietly become a different system. Kinds that change nothing about a rollout
 * (configuration, access control, monitoring) are skipped; kinds that would change it but
 * that relsim does not model get a warning.
 */
import type { ManifestDoc } from '../documents.ts';
import { ManifestReader } from '../manifest-reader.ts';
import { groupOf, type ImportState } from '../import-state.ts';

/** group/kind read by an importer ('' group = core). */
export const READ_KINDS = new Set([
  'apps/Deployment', '/Service',
  'argoproj.io/Rollout', 'argoproj.io/AnalysisTemplate', 'argoproj.io/ClusterAnalysisTemplate',
  'flagger.app/Canary',
  'rollouts.kruise.io/Rollout', 'rollouts.kruise.io/BatchRelease',
  'networking.k8s.io/Ingress', 'gateway.networking.k8s.io/HTTPRoute', 'networking.istio.io/VirtualService', 'networking.istio.io/DestinationRule',
  'policy/PodDisruptionBudget', 'autoscaling/HorizontalPodAutoscaler',
]);

/** Kinds that do not change how a rollout treats traffic: read past without a word. */
const SKIPPED_KINDS = new Set([
  'ConfigMap', 'Secret', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'Namespace',
  'NetworkPolicy', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'LimitRange', 'ResourceQuota',
  'PriorityClass', 'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'Job', 'CronJob', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Certificate', 'Issuer', 'ClusterIssuer',
  'ExternalSecret', 'SealedSecret', 'GatewayClass', 'Gateway', 'IngressClass', 'Endpoints', 'EndpointSlice',
]);

/** Kinds that would change a rollout but are not modelled: a warning each. */
const UNMODELLED_KINDS: Record<string, string> = {
  StatefulSet: 'relsim imports Deployments and Argo Rollouts; model this service in the model file',
  DaemonSet: 'relsim imports Deployments and Argo Rollouts; model this service in the model file',
  ReplicaSet: 'relsim imports the Deployment or Rollout that owns a ReplicaSet, not the ReplicaSet',
  Pod: 'relsim imports Deployments and Argo Rollouts, not bare pods',
  VerticalPodAutoscaler: 'relsim keeps each instance\'s resources fixed',
  Experiment: 'relsim does not run Argo Experiments',
  AnalysisRun: 'relsim runs the analysis its Rollout names, not a recorded AnalysisRun',
};

export function checkKinds(state: ImportState, extraRead: ReadonlySet<string> = new Set()): void {
  for (const doc of state.docs) {
    const key = `${groupOf(doc.apiVersion)}/${doc.kind}`;
    if (READ_KINDS.has(key) || extraRead.has(key) || SKIPPED_KINDS.has(doc.kind)) continue;
    if (UNMODELLED_KINDS[doc.kind]) {
      state.warn(doc, '', `not modelled: ${UNMODELLED_KINDS[doc.kind]}`);
      continue;
    }
    new ManifestReader(doc).fail('kind', `relsim does not know ${doc.apiVersion} ${doc.kind}; remove it from the input ` +
      `(e.g. helm template --show-only, or yq 'select(.kind != "${doc.kind}")') or model what it does in the model file`);
  }
}

/** PodDisruptionBudgets and HorizontalPodAutoscalers: what they mean for a simulated rollout. */
export function importPolicies(state: ImportState): void {
  for (const doc of state.ofKind('policy', 'PodDisruptionBudget')) {
    state.warn(doc, '', 'has no effect on a rollout: a PodDisruptionBudget limits evictions (node drains), which relsim does not simulate, not Deployment or Rollout updates');
  }
  for (const doc of state.ofKind('autoscaling', 'HorizontalPodAutoscaler')) {
    const r = new ManifestReader(doc);
    const target = r.string('spec.scaleTargetRef.name');
    const w = state.workloads.find((x) => x.doc.name === target && x.doc.kind === r.string('spec.scaleTargetRef.kind'));
    const min = r.int('spec.minReplicas', { min: 1 }) ?? 1;
    if (w && !w.r.has('spec.replicas')) {
      state.set(['services', w.service, 'replicas'], min, r.source('spec.minReplicas'));
      state.warn(doc, 'spec', `not modelled: relsim keeps ${w.service} at the autoscaler's minReplicas (${min}) for the whole run`);
    } else {
      state.warn(doc, 'spec', `not modelled: relsim keeps ${target ?? 'its target'} at its spec.replicas for the whole run`);
    }
  }
}

export function isKind(doc: ManifestDoc, group: string, kind: string): boolean {
  return doc.kind === kind && groupOf(doc.apiVersion) === group;
}
