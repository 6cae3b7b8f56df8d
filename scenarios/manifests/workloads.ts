/**
 * Which pod owners become which relsim services. A Deployment or an Argo Rollout is one
 * service; its name is the Kubernetes Service that selects its pods (the name callers use),
 * preferring one the model already names, and not a canary or preview Service; without a
 * selecting Service, the workload's own name. A Deployment that a Rollout points at with
 * `workloadRef` is that Rollout's pod template, not a service of its own.
 */
import { ManifestReader } from './manifest-reader.ts';
import type { ManifestDoc } from './documents.ts';
import type { ImportState, Workload } from './import-state.ts';

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
  for (const doc of state.ofKind('apps', 'Deployment')) {
    if (referenced.has(doc)) continue;
    const r: ManifestReader = new ManifestReader(doc);
    if (!r.map('spec.template')) r.fail('spec.template', 'expected a pod template');
    pending.push({ doc, r, pod: { r, path: 'spec.template' }, labels: labelsOf(r, 'spec.template.metadata.labels') });
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
