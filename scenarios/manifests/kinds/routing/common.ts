/**
 * What the traffic routing kinds share: a split between two backends (a weight, or a header,
 * cookie or query match that sends a cohort to the canary), and how a backend resolves to
 * the Deployment whose pods take its share — a Service's selector, narrowed for an Istio
 * subset by its DestinationRule labels.
 */
import type { ManifestDoc } from '../../documents.ts';
import { ManifestReader } from '../../manifest-reader.ts';
import type { ImportState } from '../../import-state.ts';
import type { MatchRule } from '../../../types.ts';

export interface Backend {
  /** The Service that takes this share. */
  service: string;
  /** Where the routing object names it (`spec.rules[0].backendRefs[1].name`). */
  field: string;
  /** Istio: the DestinationRule subset that narrows the Service's pods. */
  subset?: { name: string; labels: Record<string, string> };
}

/** A weight split (percent to the canary, 0–100; `of`: how, when not out of 100) or a match route, with the field that says so. */
export type Route = { weight: number; field: string; of?: string } | { match: MatchRule; field: string };

/** One routing object's canary, before its backends are resolved to Deployments. */
export interface Split {
  r: ManifestReader;
  stable: Backend;
  canary: Backend;
  route: Route;
}

/** A split whose backends are two Deployments: the canary's is folded into the stable's service. */
export interface RoutedCanary extends Split {
  stableDeployment: ManifestDoc;
  canaryDeployment: ManifestDoc;
}

/** A routing kind: how to list its objects' backends (to tell a controller's) and read its splits. */
export interface RoutingKind {
  group: string;
  kind: string;
  /** The Services (or Istio hosts) an object routes to, without warnings. */
  backends(r: ManifestReader): string[];
  /** The canaries the object describes, with a warning for each thing relsim cannot model. */
  splits(state: ImportState, r: ManifestReader): Split[];
}

/** Selector ⊆ labels (an empty selector selects nothing, as a Service's does). */
export function selects(selector: Record<string, unknown>, labels: Record<string, unknown>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] !== undefined && String(labels[k]) === String(v));
}

export function templateLabels(doc: ManifestDoc): Record<string, unknown> {
  const m = new ManifestReader(doc).get('spec.template.metadata.labels');
  return m && typeof m === 'object' && !Array.isArray(m) ? m as Record<string, unknown> : {};
}

/** Istio hosts and Kubernetes DNS names: `checkout`, `checkout.shop`, `checkout.shop.svc.cluster.local` → `checkout`. */
export function serviceOfHost(state: ImportState, host: string): string {
  if (state.find('', 'Service', host)) return host;
  return host.split('.')[0];
}

/**
 * A weight percentage as relsim writes it: at most four decimals (`canary-weight: 1` of a
 * `canary-weight-total: 3` is 33.3333).
 */
export function percent(part: number, total: number): number {
  return total > 0 ? Math.round((part * 100 / total) * 1e4) / 1e4 : 0;
}

/**
 * Which of two weighted backends is the stable one, when the object does not say: not the
 * one whose name (or subset) says canary or preview; the one that says stable or primary;
 * the one the model names as a service; the one whose name the other's extends (`checkout`
 * of `checkout-v2`); else the first listed — with a warning, since that guess may be wrong.
 */
export function stableFirst(state: ImportState, r: ManifestReader, a: Backend, b: Backend, at: string): [Backend, Backend] {
  const label = (x: Backend) => x.subset?.name ?? x.service;
  const canaryish = (x: Backend) => /canary|preview/i.test(label(x));
  const stableish = (x: Backend) => /stable|primary/i.test(label(x));
  if (canaryish(a) !== canaryish(b)) return canaryish(a) ? [b, a] : [a, b];
  if (stableish(a) !== stableish(b)) return stableish(a) ? [a, b] : [b, a];
  const named = (x: Backend) => !x.subset && state.modelServices.has(x.service);
  if (named(a) !== named(b)) return named(a) ? [a, b] : [b, a];
  if (label(b).startsWith(label(a)) !== label(a).startsWith(label(b))) return label(b).startsWith(label(a)) ? [a, b] : [b, a];
  state.warn(r.doc, at, `neither backend's name says which is stable (canary, stable or primary in it, or a service the model names); ` +
    `relsim takes the first listed (${label(a)}) as the stable version and ${label(b)} as the canary`);
  return [a, b];
}

/**
 * The Deployments of a split's two backends: each must be a Service among the manifests
 * selecting exactly one Deployment (the stable's Service may also select the canary's pods,
 * with a warning); otherwise the split is warned about and not imported (null).
 */
export function resolveSplit(state: ImportState, s: Split): RoutedCanary | null {
  const what = `${s.r.doc.kind}/${s.r.doc.name}`;
  const skip = (field: string, why: string): null => {
    state.warn(s.r.doc, field, `${why}; relsim cannot tell which pods take this share, so this split is not imported`);
    return null;
  };
  const podsOf = (b: Backend): ManifestDoc[] | string => {
    const svc = state.find('', 'Service', b.service);
    if (!svc) return `no Service named ${JSON.stringify(b.service)} among the manifests`;
    const sel = new ManifestReader(svc).map('spec.selector') ?? {};
    if (Object.keys(sel).length === 0) return `Service/${b.service} has no selector`;
    const narrowed = { ...sel, ...(b.subset?.labels ?? {}) };
    return state.ofKind('apps', 'Deployment').filter((d) => selects(narrowed, templateLabels(d)));
  };
  const pods = (b: Backend) => (b.subset ? `Service/${b.service} subset ${b.subset.name}` : `Service/${b.service}`);
  const canary = podsOf(s.canary);
  if (typeof canary === 'string') return skip(s.canary.field, canary);
  if (canary.length !== 1) return skip(s.canary.field, `${pods(s.canary)} selects ${canary.length === 0 ? 'no Deployment' : `${canary.length} Deployments (${canary.map((d) => d.name).join(', ')})`} among the manifests; relsim needs exactly one per backend`);
  const stableAll = podsOf(s.stable);
  if (typeof stableAll === 'string') return skip(s.stable.field, stableAll);
  const stable = stableAll.filter((d) => d !== canary[0]);
  if (stable.length !== 1) {
    if (stableAll.length === 1) {
      state.warn(s.r.doc, s.stable.field, `${pods(s.stable)} and ${pods(s.canary)} both select only Deployment/${canary[0].name}: the split changes nothing relsim models, so it is not imported`);
      return null;
    }
    return skip(s.stable.field, `${pods(s.stable)} selects ${stable.length === 0 ? 'no Deployment' : `${stable.length} Deployments (${stable.map((d) => d.name).join(', ')})`} besides the canary's among the manifests; relsim needs exactly one per backend`);
  }
  if (stableAll.length > 1) {
    state.warn(s.r.doc, s.stable.field, `${pods(s.stable)} also selects Deployment/${canary[0].name}'s pods, so part of ${what}'s stable share reaches the canary too; relsim sends the stable share to Deployment/${stable[0].name} (v1) only`);
  }
  return { ...s, stableDeployment: stable[0], canaryDeployment: canary[0] };
}

/** A rule splitting by weight between two backends (HTTPRoute, VirtualService). */
export interface WeightedRule { rule: string; split: Split; percent: number }
/** A rule sending the requests it matches to one backend; `match` null: a match relsim cannot express (already warned about). */
export interface MatchedRule { rule: string; match: MatchRule | null; backend: Backend; field: string }

/**
 * The one route relsim models for an object with rules: the weight split when it sends the
 * canary anything, else the match route against the default rule's backend (or the weight
 * split's stable one); a match route the weight split leaves out is warned about. A match
 * relsim cannot express still makes its backend the canary, taking no traffic (weight 0).
 */
export function pickRoute(state: ImportState, r: ManifestReader, weighted: WeightedRule | null, matched: MatchedRule | null, fallback: Backend | null): Split[] {
  if (weighted && !(weighted.percent === 0 && matched)) {
    if (matched && matched.backend.service !== weighted.split.stable.service) {
      state.warn(r.doc, matched.field, `not modelled: relsim runs one route per release and models the weight split of ${weighted.rule}; ` +
        `requests this match sends to ${matched.backend.subset?.name ?? matched.backend.service} take the weighted split instead`);
    }
    return [weighted.split];
  }
  if (!matched) return [];
  const stable = fallback ?? weighted?.split.stable;
  if (!stable) {
    state.warn(r.doc, matched.field, 'no default rule sends the other requests anywhere; relsim needs a stable backend, so this match route is not imported');
    return [];
  }
  if (stable.service === matched.backend.service && stable.subset?.name === matched.backend.subset?.name) return [];
  const route: Route = matched.match ? { match: matched.match, field: matched.field } : { weight: 0, field: matched.field };
  return [{ r, stable, canary: matched.backend, route }];
}
