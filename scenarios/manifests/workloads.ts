/**
 * Which pod owners become which relsim services. A Deployment or an Argo Rollout is one
 * service; its name is the Kubernetes Service that selects its pods (the name callers use),
 * preferring one the model already names, and not a canary or preview Service; without a
 * selecting Service, the workload's own name. A Deployment that a Rollout points at with
 * `workloadRef` is that Rollout's pod template, not a service of its own.
 *
 * Folding: a Deployment that a standalone traffic split names as its canary backend
 * (kinds/routing/: a canary Ingress, an HTTPRoute or VirtualService weight or header route)
 * is the new version of the stable backend's service, not a service of its own. It goes to
 * state.folded, not state.workloads: no services.<name> block, no release claim. relsim runs
 * one lifecycle per service, the stable workload's; where the folded pod's differs (grace
 * period, preStop, readiness probe, minReadySeconds) a warning says so.
 */
import { ManifestReader } from './manifest-reader.ts';
import type { ManifestDoc } from './documents.ts';
import { ImportState, type FoldRequest, type Workload } from './import-state.ts';
import { importPod } from './pod.ts';
import { foldRequests } from './kinds/routing/index.ts';

export function findWorkloads(state: ImportState): void {
  const rollouts = state.ofKind('argoproj.io', 'Rollout');
  const referenced = new Set<ManifestDoc>();
  const pending: Omit<Workload, 'service'>[] = [];
  for (const doc of rollouts) {
    const r: ManifestReader = new ManifestReader(doc);
    const ref = r.map('spec.workloadRef');
    if (ref) {
      const kind = r.string('spec.workloadRef.kind') ?? 'Deployment';
      const name = r.string('spec.workloadRef.name');
      if (kind !== 'Deployment') r.fail('spec.workloadRef.kind', `relsim follows workloadRef to a Deployment, got ${JSON.stringify(kind)}`);
      if (!name) r.fail('spec.workloadRef.name', 'expected the name of a Deployment');
      const target = state.find('apps', 'Deployment', name);
      if (!target) r.fail('spec.workloadRef.name', `no Deployment named ${JSON.stringify(name)} among the manifests`);
      referenced.add(target);
      const tr: ManifestReader = new ManifestReader(target);
      if (!tr.map('spec.template')) tr.fail('spec.template', 'expected a pod template');
      pending.push({ doc, r, pod: { r: tr, path: 'spec.template' }, labels: labelsOf(tr, 'spec.template.metadata.labels') });
    } else {
      if (!r.map('spec.template')) r.fail('spec.template', 'expected a pod template (or spec.workloadRef)');
      pending.push({ doc, r, pod: { r, path: 'spec.template' }, labels: labelsOf(r, 'spec.template.metadata.labels') });
    }
  }
  const folds = new Map<ManifestDoc, FoldRequest>(foldRequests(state).map((f) => [f.doc, f]));
  const folding: [Omit<Workload, 'service'>, FoldRequest][] = [];
  for (const doc of state.ofKind('apps', 'Deployment')) {
    if (referenced.has(doc)) continue;
    const r: ManifestReader = new ManifestReader(doc);
    if (!r.map('spec.template')) r.fail('spec.template', 'expected a pod template');
    const w = { doc, r, pod: { r, path: 'spec.template' }, labels: labelsOf(r, 'spec.template.metadata.labels') };
    const fold = folds.get(doc);
    if (fold) folding.push([w, fold]);
    else pending.push(w);
  }
  const taken = new Set<string>();
  for (const w of pending) {
    const service = serviceName(state, w);
    if (taken.has(service)) {
      w.r.fail('metadata.name', `a second workload would become relsim service ${JSON.stringify(service)}; ` +
        'give the model a service per workload, or import one of them at a time');
    }
    taken.add(service);
    state.workloads.push({ ...w, service });
  }
  for (const [w, fold] of folding) {
    const into = state.workloads.find((x) => x.doc === fold.into);
    const r: ManifestReader = w.r;
    if (!into) r.fail('metadata.name', `${fold.by} makes it the new version of ${fold.into.kind}/${fold.into.name}, which is not a workload relsim imports`);
    const folded = { workload: { ...w, service: into.service }, into, by: fold.by };
    state.folded.push(folded);
    warnLifecycleDiffers(state, folded.workload, into, fold.by);
  }
}

/** relsim runs one lifecycle per service: the stable's. Name every setting the folded pod has otherwise. */
function warnLifecycleDiffers(state: ImportState, w: Workload, into: Workload, by: string): void {
  const mine = lifecycleOf(state, w);
  const theirs = lifecycleOf(state, into);
  const differ = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])]
    .filter((k) => JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]))
    .map((k) => `${k} ${show(mine[k])} here, ${show(theirs[k])} there`);
  if (differ.length === 0) return;
  state.warn(w.doc, w.pod.path, `differs from ${into.doc.kind}/${into.doc.name}'s (${differ.join('; ')}); ${by} makes this workload ` +
    `the new version of services.${into.service}, and relsim runs one lifecycle per service, so both versions use ${into.doc.kind}/${into.doc.name}'s`);
}

/** The service settings a workload's pod and spec give (pod.ts's fields, and minReadySeconds), read without recording them. */
function lifecycleOf(state: ImportState, w: Workload): Record<string, unknown> {
  const scratch = new ImportState(state.docs, state.modelServices, false);
  importPod(scratch, w);
  const out: Record<string, unknown> = Object.fromEntries(scratch.fields.map((f) => [String(f.path[f.path.length - 1]), f.value]));
  const minReady = w.r.int('spec.minReadySeconds');
  if (minReady !== undefined) out.minReadySeconds = minReady;
  return out;
}

function show(v: unknown): string {
  return v === undefined ? 'unset' : JSON.stringify(v).replace(/"/g, '');
}

function labelsOf(r: ManifestReader, path: string): Record<string, string> {
  const m = r.map(path) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k] = String(v);
  return out;
}

/** Services whose selector picks these pod labels, in document order. */
export function selectingServices(state: ImportState, labels: Record<string, string>): ManifestDoc[] {
  return state.ofKind('', 'Service').filter((doc) => {
    const sel = new ManifestReader(doc).map('spec.selector');
    return !!sel && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === String(v));
  });
}

function serviceName(state: ImportState, w: Omit<Workload, 'service'>): string {
  const selecting = selectingServices(state, w.labels).map((d) => d.name);
  const candidates = [...selecting, w.doc.name];
  const known = candidates.find((n) => state.modelServices.has(relsimName(n)));
  if (known) return relsimName(known);
  // Argo points these at the new pods during a rollout: not the name callers use.
  const sideNames = ['canaryService', 'previewService'].map((f) => w.r.string(`spec.strategy.${f === 'canaryService' ? 'canary' : 'blueGreen'}.${f}`));
  const main = selecting.find((n) => !sideNames.includes(n));
  return relsimName(main ?? w.doc.name);
}

/** Kubernetes names may hold dots; relsim service names are letters, digits, - and _. */
export function relsimName(k8s: string): string {
  return k8s.replace(/[^A-Za-z0-9_-]/g, '-');
}
