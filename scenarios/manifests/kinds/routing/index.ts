/**
 * Traffic routing kinds: ingress-nginx canary annotations on an Ingress, Gateway API
 * HTTPRoute, Istio VirtualService (and the DestinationRule subsets it names). Two cases:
 *
 * - **Managed**: a rollout controller drives the object — an Argo Rollout's
 *   `spec.strategy.canary.trafficRouting` names it, a Flagger Canary or a Kruise Rollout
 *   names it or releases the workload behind one of its Services. Then it only confirms that
 *   traffic routing exists (the Rollout's `trafficRouting: true`): nothing else is emitted.
 *   An Argo Rollout naming an Ingress, HTTPRoute, VirtualService or DestinationRule absent
 *   from the manifests is an error on that field: Argo cannot route without it.
 * - **Standalone**: the object itself describes a running canary between two Services,
 *   each selecting its own Deployment. relsim models one service (the stable backend's)
 *   with v1 = the stable Deployment and v2 = the canary Deployment (folded into it, see
 *   workloads.ts), released by the state the manifests describe, held for the run: a weight
 *   split is a routed canary `[setCanaryScale {replicas}, setWeight W, pause {}]`, a header,
 *   cookie or query route an `ab` strategy with that match.
 *
 * See docs/manifests/traffic-routing.md.
 */
import { matchAsWritten } from '../../../matching.ts';
import type { ManifestDoc } from '../../documents.ts';
import { ManifestReader } from '../../manifest-reader.ts';
import type { FoldedWorkload, FoldRequest, ImportState } from '../../import-state.ts';
import type { ReleaseClaim, StrategyImport } from '../releasers.ts';
import { resolveSplit, selects, serviceOfHost, templateLabels, type RoutedCanary, type RoutingKind } from './common.ts';
import { ingressNginx } from './ingress-nginx.ts';
import { httpRoute } from './httproute.ts';
import { virtualService } from './istio.ts';

export const ROUTING_KINDS: readonly RoutingKind[] = [ingressNginx, httpRoute, virtualService];

/**
 * How long an A/B route the manifests describe is held: longer than any run, since the
 * manifests name no end and no outcome. (The import's kinds do not see the model's
 * `duration`; a run longer than this would end the test with ab's default, promote.)
 */
export const AB_HOLD = '24h';

/** What rollout controllers in the manifests drive, so their routing objects are not read as standalone canaries. */
interface Controlled {
  /** `Kind/name` of routing objects a controller names. */
  objects: Set<string>;
  /** Services a controller owns or generates. */
  services: Set<string>;
  /** Pod labels of the workloads a controller releases. */
  pods: Record<string, unknown>[];
}

const cache = new WeakMap<ImportState, RoutedCanary[]>();

/** The standalone canaries the routing objects describe, resolved to Deployments (computed once per import). */
export function routedCanaries(state: ImportState): RoutedCanary[] {
  const known = cache.get(state);
  if (known) return known;
  const controlled = controllers(state);
  const out: RoutedCanary[] = [];
  for (const kind of ROUTING_KINDS) {
    for (const doc of state.ofKind(kind.group, kind.kind)) {
      const r = new ManifestReader(doc);
      if (isControlled(state, controlled, doc, kind.backends(r))) continue;
      for (const split of kind.splits(state, r)) {
        const c = resolveSplit(state, split);
        if (!c) continue;
        const clash = out.find((x) => x.canaryDeployment === c.canaryDeployment || x.stableDeployment === c.canaryDeployment || x.canaryDeployment === c.stableDeployment);
        if (clash && !(clash.canaryDeployment === c.canaryDeployment && clash.stableDeployment === c.stableDeployment)) {
          state.warn(doc, split.canary.field, `Deployment/${c.canaryDeployment.name} or Deployment/${c.stableDeployment.name} is already one side of ${clash.r.doc.kind}/${clash.r.doc.name}'s split; this split is not imported`);
          continue;
        }
        out.push(c);
      }
    }
  }
  cache.set(state, out);
  return out;
}

/** For workloads.ts: each standalone canary's Deployment becomes the new version of its stable Deployment's service. */
export function foldRequests(state: ImportState): FoldRequest[] {
  const out: FoldRequest[] = [];
  for (const c of routedCanaries(state)) {
    if (out.some((f) => f.doc === c.canaryDeployment)) continue;
    out.push({ doc: c.canaryDeployment, into: c.stableDeployment, by: `${c.r.doc.kind}/${c.r.doc.name}` });
  }
  return out;
}

/** The releaser (kinds/releasers.ts): one claim per standalone canary, on the stable workload. */
export function routedReleases(state: ImportState): ReleaseClaim[] {
  return routedCanaries(state).flatMap((c) => {
    const f = state.folded.find((x) => x.workload.doc === c.canaryDeployment && x.into.doc === c.stableDeployment);
    if (!f) return [];
    const canary = f.workload.r;
    const claim: ReleaseClaim = {
      workload: f.into, doc: c.r.doc, source: c.r.source(c.route.field), strategy: () => strategyOf(state, c, f),
      // Both versions are in the manifests here: say where each comes from.
      versionSources: {
        versions: `v1: ${f.into.doc.kind}/${f.into.doc.name} spec.template; v2: ${canary.doc.kind}/${canary.doc.name} spec.template (the canary of ${c.r.doc.kind}/${c.r.doc.name})`,
        to: canary.source('spec.template'),
      },
    };
    return [claim];
  });
}

function strategyOf(state: ImportState, c: RoutedCanary, f: FoldedWorkload): StrategyImport {
  const by = `${c.r.doc.kind}/${c.r.doc.name}`;
  const canary = f.workload.r;

  const declared = canary.int('spec.replicas');
  if (declared === 0) state.warn(canary.doc, 'spec.replicas', 'is 0; relsim runs at least one instance of the canary');
  const replicas = Math.max(1, declared ?? 1);
  const replicasFrom = declared === undefined ? `${canary.doc.kind}/${canary.doc.name}: spec.replicas unset, Kubernetes' default 1` : canary.source('spec.replicas');
  const route = c.route;
  if ('weight' in route) {
    return {
      fields: [['name', 'canary', c.r.source(route.field)], ['trafficRouting', true, `${by}: the router carries the weight`]],
      steps: [
        [{ setCanaryScale: { replicas } }, replicasFrom],
        [{ setWeight: route.weight }, `${c.r.source(route.field)}${route.of ? ` (${route.of})` : ''}`],
        [{ pause: {} }, `${by}: the split the manifests describe, held for the run`],
      ],
    };
  }
  return {
    fields: [
      ['name', 'ab', c.r.source(route.field)],
      ['match', matchAsWritten(route.match), c.r.source(route.field)],
      ['replicas', replicas, replicasFrom],
      ['duration', AB_HOLD, `${by}: the route the manifests describe, held for the run (they name no end and no outcome)`],
    ],
    steps: null,
  };
}

/** Reads the rollout controllers' references; an Argo Rollout naming a routing object absent from the manifests fails here. */
function controllers(state: ImportState): Controlled {
  const c: Controlled = { objects: new Set(), services: new Set(), pods: [] };
  const podsOf = (kind: string, name: string | undefined) => {
    const d = name ? state.find('apps', kind, name) : undefined;
    if (d) c.pods.push(templateLabels(d));
  };
  for (const doc of state.ofKind('argoproj.io', 'Rollout')) {
    const r = new ManifestReader(doc);
    if (r.map('spec.workloadRef')) podsOf(r.string('spec.workloadRef.kind') ?? 'Deployment', r.string('spec.workloadRef.name'));
    else c.pods.push(templateLabels(doc));
    for (const f of ['canary.canaryService', 'canary.stableService', 'blueGreen.activeService', 'blueGreen.previewService']) {
      const name = r.string(`spec.strategy.${f}`);
      if (name) c.services.add(name);
    }
    for (const [kind, name] of argoReferences(state, r)) c.objects.add(`${kind}/${name}`);
  }
  for (const doc of state.ofKind('flagger.app', 'Canary')) {
    const r = new ManifestReader(doc);
    const target = r.string('spec.targetRef.name');
    podsOf(r.string('spec.targetRef.kind') ?? 'Deployment', target);
    const svc = r.string('spec.service.name') ?? target;
    if (svc) {
      for (const n of [svc, `${svc}-primary`, `${svc}-canary`]) c.services.add(n);
      c.objects.add(`VirtualService/${svc}`).add(`HTTPRoute/${svc}`);
    }
    const ingress = r.string('spec.ingressRef.name');
    if (ingress) c.objects.add(`Ingress/${ingress}`);
  }
  for (const doc of state.ofKind('rollouts.kruise.io', 'Rollout')) {
    const r = new ManifestReader(doc);
    const ref = r.map('spec.workloadRef') ? 'spec.workloadRef' : 'spec.objectRef.workloadRef';
    podsOf(r.string(`${ref}.kind`) ?? 'Deployment', r.string(`${ref}.name`));
    for (const at of ['spec.strategy.canary.trafficRoutings', 'spec.trafficRoutings']) {
      (r.list(at) ?? []).forEach((_, i) => {
        const t = `${at}[${i}]`;
        const svc = r.string(`${t}.service`);
        if (svc) c.services.add(svc).add(`${svc}-canary`);
        const ingress = r.string(`${t}.ingress.name`);
        if (ingress) c.objects.add(`Ingress/${ingress}`);
        const route = r.string(`${t}.gateway.httpRouteName`);
        if (route) c.objects.add(`HTTPRoute/${route}`);
        (r.list(`${t}.customNetworkRefs`) ?? []).forEach((__, k) => {
          const kind = r.string(`${t}.customNetworkRefs[${k}].kind`);
          const name = r.string(`${t}.customNetworkRefs[${k}].name`);
          if (kind && name) c.objects.add(`${kind}/${name}`);
        });
      });
    }
  }
  return c;
}

function isControlled(state: ImportState, c: Controlled, doc: ManifestDoc, backends: string[]): boolean {
  if (c.objects.has(`${doc.kind}/${doc.name}`)) return true;
  return backends.some((b) => {
    if (c.services.has(b)) return true;
    const svc = state.find('', 'Service', serviceOfHost(state, b));
    const sel = svc ? new ManifestReader(svc).map('spec.selector') : undefined;
    return !!sel && c.pods.some((labels) => selects(sel, labels));
  });
}

/**
 * The routing objects an Argo Rollout's trafficRouting names, each checked to be among the
 * manifests. (SMI's TrafficSplit and the ALB, Traefik, Ambassador, APISIX and App Mesh
 * objects are created by Argo or are kinds relsim does not read: not checked.)
 */
function argoReferences(state: ImportState, r: ManifestReader): [string, string][] {
  const t = 'spec.strategy.canary.trafficRouting';
  if (!r.map(t)) return [];
  const out: [string, string][] = [];
  const need = (group: string, kind: string, at: string, name: string | undefined, why: string) => {
    if (!name) r.fail(at, `expected the name of ${kind === 'Ingress' ? 'an' : 'a'} ${kind}`);
    const found = state.find(group, kind, name) ?? (kind === 'VirtualService' || kind === 'DestinationRule' ? state.find(group, kind, name.split('.')[0]) : undefined);
    if (!found) {
      r.fail(at, `no ${kind} named ${JSON.stringify(name)} among the manifests; Argo Rollouts ${why}, so relsim cannot confirm the traffic routing — add it to the input`);
    }
    out.push([kind, found.name]);
  };
  const names = (at: string, field = ''): [string, string | undefined][] =>
    (r.list(at) ?? []).map((_, i) => [`${at}[${i}]${field ? `.${field}` : ''}`, field ? r.string(`${at}[${i}].${field}`) : r.string(`${at}[${i}]`)]);
  const ingress = (at: string) => need('networking.k8s.io', 'Ingress', at, r.string(at), 'routes the canary\'s share by annotating a copy of it');
  if (r.has(`${t}.nginx.stableIngress`)) ingress(`${t}.nginx.stableIngress`);
  for (const [at, name] of names(`${t}.nginx.stableIngresses`)) need('networking.k8s.io', 'Ingress', at, name, 'routes the canary\'s share by annotating a copy of it');
  if (r.has(`${t}.alb.ingress`)) ingress(`${t}.alb.ingress`);
  for (const [at, name] of names(`${t}.alb.ingresses`)) need('networking.k8s.io', 'Ingress', at, name, 'sets the canary\'s weight on it');
  const vs = 'sets the canary\'s weight in its routes';
  if (r.has(`${t}.istio.virtualService`)) need('networking.istio.io', 'VirtualService', `${t}.istio.virtualService.name`, r.string(`${t}.istio.virtualService.name`), vs);
  for (const [at, name] of names(`${t}.istio.virtualServices`, 'name')) need('networking.istio.io', 'VirtualService', at, name, vs);
  if (r.has(`${t}.istio.destinationRule`)) need('networking.istio.io', 'DestinationRule', `${t}.istio.destinationRule.name`, r.string(`${t}.istio.destinationRule.name`), 'points its subsets at the stable and canary pods');
  // The plugin's key has no dot, so it reads as one path segment.
  const gw = `${t}.plugins.argoproj-labs/gatewayAPI`;
  const route = 'sets the canary\'s weight in its backendRefs';
  if (r.has(`${gw}.httpRoute`)) need('gateway.networking.k8s.io', 'HTTPRoute', `${gw}.httpRoute`, r.string(`${gw}.httpRoute`), route);
  for (const [at, name] of names(`${gw}.httpRoutes`, 'name')) need('gateway.networking.k8s.io', 'HTTPRoute', at, name, route);
  return out;
}
