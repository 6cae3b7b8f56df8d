/**
 * OpenKruise Rollouts (rollouts.kruise.io, v1alpha1 and v1beta1): a `Rollout` drives the
 * Deployment its workload reference names (v1alpha1 `spec.objectRef.workloadRef`, v1beta1
 * `spec.workloadRef`) through canary steps of `replicas` (the canary's pod count), `traffic`
 * (v1alpha1 `weight`) and `pause`; a standalone `BatchRelease` drives it through
 * `releasePlan.batches[].canaryReplicas`. Both become a relsim `canary`:
 *
 *  - With `trafficRoutings` (an ingress, a Gateway API route or customNetworkRefs): relsim's
 *    routed canary (`trafficRouting: true`), each step `setCanaryScale` (the step's replicas)
 *    + `setWeight` (its traffic) + `pause`. Kruise's order is the same: scale the canary and
 *    wait until it is ready, then set the route, then pause. relsim keeps stable at full
 *    size beside the canary, which is Kruise's canary style (`enableExtraWorkloadForCanary`,
 *    the v1alpha1 default for Deployments: a `<name>-canary` Deployment next to the paused
 *    stable one). A step without `traffic` makes Kruise drop the canary route,
 *    so the Service spreads requests over every pod: relsim sets the weight to the canary's
 *    share of the pods (n of R + n, or n of R when partitioned), computed for the replicas
 *    the manifests give (Kubernetes' default 1 when they give none).
 *    Partition style with a router is `stableScaling: partition` (strategies/canary-partition.ts):
 *    each step rolls the one Deployment to n new and R − n stable pods within its own
 *    maxSurge/maxUnavailable (passed through), then routes the step's traffic. A step whose
 *    traffic is not its pods' share is warned about: one side carries more per pod than
 *    before the release (Kruise and relsim both route the traffic as written).
 *  - Without `trafficRoutings`: Kruise only moves pods, and requests follow them. This is
 *    relsim's basic canary (`trafficRouting: false`) with `setCanaryScale` + `pause` per
 *    step — canary n, stable R − n, the share following the pods, which is Kruise's partition
 *    style (v1beta1's default; v1alpha1 with `rollouts.kruise.io/rolling-style: partition`).
 *    Chosen over `rolling` with `batches`, which moves the same pods, because it is closer
 *    in three ways (strategies/rolling.ts, strategies/canary.ts): a Kruise step without
 *    `pause.duration` waits for `kubectl-kruise rollout approve`, and only the canary has an
 *    indefinite `pause: {}` (a batch's pause is a duration); Kruise pauses after its last
 *    step too (unless it is `"100%"`), where batches ignore a last pause; and after the last
 *    step Kruise rolls the remaining pods with the Deployment's own maxSurge/maxUnavailable,
 *    which is the canary's promotion (a rolling update with those knobs, passed through),
 *    where batches add one more batch of everything. Canary style without a router keeps
 *    stable at R and adds the canary's n (the Service then gives it n of R + n): a warning.
 *
 * Replicas: an integer is a pod count (at most R); a percentage is of the Deployment's
 * replicas, rounded up, as Kruise's GetScaledValueFromIntOrPercent(…, true) does (so 20% of
 * 4 is 1, never 0: a step always moves at least one pod). A percentage is emitted as
 * `setCanaryScale: {weight: P}`, which relsim resolves against the service's replicas with
 * the same rounding up, so a model that changes the replicas keeps Kruise's arithmetic.
 *
 * Pauses: `{duration: N}` is N seconds; no duration (`pause: {}`, or no `pause` at all) is
 * Kruise's manual approval, relsim's indefinite `pause: {}` — except on the last step when
 * its replicas are the string "100%", which Kruise completes without pausing.
 *
 * Fields that change nothing relsim models are read and ignored: `rolloutID`,
 * `patchPodTemplateMetadata`, `disableGenerateCanaryService`, the routing provider's details
 * (`ingress`, `gateway`, `customNetworkRefs`, `additionalParams`, `service`), BatchRelease
 * `finalizingPolicy`. Fields that would change the rollout but are not modelled are warned
 * about: `strategy.paused`, `failureThreshold`,
 * `trafficRoutingRef`, steps' `matches` and `requestHeaderModifier`, `traffic` without a
 * router; `disabled: true` leaves the Deployment to its own strategy (with a warning).
 * Errors: a workload reference that is not a Deployment among the manifests (relsim imports
 * Deployments; a CloneSet or StatefulSet release has nothing to run on), Kruise blue-green,
 * what Kruise's own webhook rejects (no steps, a step without replicas, two trafficRoutings).
 */
import { ManifestReader } from '../manifest-reader.ts';
import type { ImportState, Workload } from '../import-state.ts';
import type { ReleaseClaim, StrategyImport } from './releasers.ts';
import { formatDuration } from '../../durations.ts';

export const KRUISE_GROUP = 'rollouts.kruise.io';
const STYLE_ANNOTATION = 'rollouts.kruise.io/rolling-style';
const TRAFFIC_ROUTING_ANNOTATION = 'rollouts.kruise.io/trafficrouting';

type Version = 'v1alpha1' | 'v1beta1';
type Style = 'canary' | 'partition';

/** One Kruise step or batch, read and checked, before it becomes relsim steps. */
interface KruiseStep {
  at: string;
  /** Pod count or "P%", with the field it came from. */
  replicas: number | string;
  replicasSource: string;
  /** Router weight 1–100, or null when the step sets none. */
  traffic: number | null;
  trafficSource: string;
  /** The traffic field's path, for warnings. */
  trafficAt: string;
  /** Header matches (Kruise gives them precedence over traffic). */
  matches: boolean;
  /** ms; null: indefinite (manual approval); undefined: no pause. */
  pause: number | null | undefined;
  pauseSource: string;
}

interface Plan {
  r: ManifestReader;
  w: Workload;
  routed: boolean;
  /** The field that makes it routed, or why it is not: the comment on trafficRouting. */
  routedSource: string;
  style: Style;
  /** Where the style was decided, for warnings. */
  styleAt: string;
  styleWhy: string;
  steps: KruiseStep[];
}

/** Kruise Rollouts, then standalone BatchReleases: one claim each for the Deployment it drives. */
export function kruiseReleasers(state: ImportState): ReleaseClaim[] {
  const claims: ReleaseClaim[] = [];
  for (const doc of state.ofKind(KRUISE_GROUP, 'Rollout')) {
    const r = new ManifestReader(doc);
    const version = versionOf(r);
    const ref = version === 'v1alpha1' ? 'spec.objectRef.workloadRef' : 'spec.workloadRef';
    const w = targetWorkload(state, r, ref);
    if (r.bool('spec.disabled')) {
      state.warn(doc, 'spec.disabled', `the Rollout is disabled, so Kruise leaves Deployment/${w.doc.name} to its own strategy; relsim rolls it by the Deployment's spec.strategy`);
      continue;
    }
    claims.push({ workload: w, doc, source: r.source('spec.strategy'), strategy: () => emit(state, rolloutPlan(state, r, version, w)) });
  }
  for (const doc of state.ofKind(KRUISE_GROUP, 'BatchRelease')) {
    const r = new ManifestReader(doc);
    const version = versionOf(r);
    const ref = version === 'v1alpha1' ? 'spec.targetReference.workloadRef' : 'spec.workloadRef';
    const w = targetWorkload(state, r, ref);
    if (r.bool('spec.cancelled')) {
      state.warn(doc, 'spec.cancelled', `the BatchRelease is cancelled, so it no longer drives Deployment/${w.doc.name}; relsim rolls it by the Deployment's spec.strategy`);
      continue;
    }
    claims.push({ workload: w, doc, source: r.source('spec.releasePlan'), strategy: () => emit(state, batchReleasePlan(state, r, version, w)) });
  }
  return claims;
}

function versionOf(r: ManifestReader): Version {
  const v = r.doc.apiVersion.slice(KRUISE_GROUP.length + 1);
  if (v !== 'v1alpha1' && v !== 'v1beta1') r.fail('apiVersion', `expected ${KRUISE_GROUP}/v1alpha1 or ${KRUISE_GROUP}/v1beta1, got ${JSON.stringify(r.doc.apiVersion)}`);
  return v;
}

/** The Deployment a workload reference names, as the relsim workload it became. */
function targetWorkload(state: ImportState, r: ManifestReader, ref: string): Workload {
  if (!r.map(ref)) r.fail(ref, `expected the workload ${r.doc.kind === 'Rollout' ? 'the Rollout' : 'the BatchRelease'} releases: {apiVersion: apps/v1, kind: Deployment, name: …}`);
  const kind = r.string(`${ref}.kind`);
  const name = r.string(`${ref}.name`);
  const apiVersion = r.string(`${ref}.apiVersion`);
  if (!kind) r.fail(`${ref}.kind`, 'expected the kind of the workload (Deployment)');
  if (kind !== 'Deployment') {
    r.fail(`${ref}.kind`, `relsim imports Kruise releases of Deployments, got ${JSON.stringify(kind)}: relsim does not model ${kind} pods, ` +
      'so there is nothing to release; model that service in the model file and leave this object out of the input');
  }
  if (apiVersion !== undefined && apiVersion.split('/')[0] !== 'apps') r.fail(`${ref}.apiVersion`, `expected apps/v1 (a Kubernetes Deployment), got ${JSON.stringify(apiVersion)}`);
  if (!name) r.fail(`${ref}.name`, 'expected the name of a Deployment');
  const target = state.find('apps', 'Deployment', name);
  if (!target) r.fail(`${ref}.name`, `no Deployment named ${JSON.stringify(name)} among the manifests`);
  const w = state.workloads.find((x) => x.doc === target);
  if (!w) r.fail(`${ref}.name`, `Deployment/${name} is not a workload of its own here (an Argo Rollout's workloadRef, or a traffic split's canary, uses it); one controller per Deployment`);
  return w;
}

// ---- Rollout ------------------------------------------------------------------------------

const SPEC_KEYS: Record<Version, string[]> = {
  v1alpha1: ['objectRef', 'strategy', 'rolloutID', 'disabled'],
  v1beta1: ['workloadRef', 'strategy', 'disabled'],
};
const CANARY_KEYS: Record<Version, string[]> = {
  v1alpha1: ['steps', 'trafficRoutings', 'failureThreshold', 'patchPodTemplateMetadata'],
  v1beta1: ['steps', 'trafficRoutings', 'failureThreshold', 'patchPodTemplateMetadata', 'enableExtraWorkloadForCanary', 'trafficRoutingRef', 'disableGenerateCanaryService'],
};
const STEP_KEYS: Record<Version, string[]> = {
  v1alpha1: ['weight', 'replicas', 'pause', 'matches', 'requestHeaderModifier'],
  v1beta1: ['traffic', 'replicas', 'pause', 'matches', 'requestHeaderModifier'],
};
const KRUISE_ROUTING_GRACE_S = 3;
const ROUTING_KEYS = ['service', 'gracePeriodSeconds', 'ingress', 'gateway', 'customNetworkRefs', 'additionalParams', 'type'];

const FAILURE_THRESHOLD = 'not modelled: Kruise moves on when all but this many of a step\'s new pods are ready; relsim waits for every one';

function rolloutPlan(state: ImportState, r: ManifestReader, version: Version, w: Workload): Plan {
  warnUnknown(state, r, 'spec', SPEC_KEYS[version]);
  warnUnknown(state, r, 'spec.strategy', version === 'v1alpha1' ? ['paused', 'canary', 'type'] : ['paused', 'canary', 'blueGreen']);
  if (r.map('spec.strategy.blueGreen')) {
    r.fail('spec.strategy.blueGreen', 'Kruise blue-green is not imported by relsim; write the release in the model file (release.strategy: blue-green) and leave this Rollout out of the input');
  }
  const c = 'spec.strategy.canary';
  if (!r.map(c)) r.fail(c, 'expected a canary strategy (steps of replicas, traffic and pause)');
  if (r.bool('spec.strategy.paused')) state.warn(r.doc, 'spec.strategy.paused', 'a paused Rollout does not progress; relsim runs it anyway');
  warnUnknown(state, r, c, CANARY_KEYS[version]);
  if (r.has(`${c}.failureThreshold`)) state.warn(r.doc, `${c}.failureThreshold`, FAILURE_THRESHOLD);

  const annotations = r.map('metadata.annotations') ?? {};
  const routings = r.list(`${c}.trafficRoutings`) ?? [];
  if (routings.length > 1) r.fail(`${c}.trafficRoutings`, `expected one traffic routing (Kruise supports one), got ${routings.length}`);
  routings.forEach((_, i) => checkRouting(state, r, `${c}.trafficRoutings[${i}]`));
  const refAt = version === 'v1beta1' ? `${c}.trafficRoutingRef` : `metadata.annotations["${TRAFFIC_ROUTING_ANNOTATION}"]`;
  const ref = version === 'v1beta1' ? r.string(refAt) : annotations[TRAFFIC_ROUTING_ANNOTATION];
  if (ref) {
    state.warn(r.doc, refAt, `not modelled: the TrafficRouting ${JSON.stringify(ref)} may route other services' traffic in the same release; relsim routes this Deployment's steps' traffic only`);
  }
  const routed = routings.length > 0 || !!ref;
  const routedSource = routings.length > 0 ? r.source(`${c}.trafficRoutings`) : ref ? r.source(refAt) : `${r.source(c)} (no trafficRoutings: requests follow the pods)`;

  const { style, styleAt, styleWhy } = rolloutStyle(r, version, annotations);
  const list = r.list(`${c}.steps`) ?? [];
  if (list.length === 0) r.fail(`${c}.steps`, 'expected at least one step (Kruise rejects a Rollout without steps)');
  const steps = list.map((_, i) => rolloutStep(state, r, version, `${c}.steps[${i}]`, i === list.length - 1, routed));
  return { r, w, routed, routedSource, style, styleAt, styleWhy, steps };
}

function rolloutStyle(r: ManifestReader, version: Version, annotations: Record<string, unknown>): Pick<Plan, 'style' | 'styleAt' | 'styleWhy'> {
  if (version === 'v1beta1') {
    const at = 'spec.strategy.canary.enableExtraWorkloadForCanary';
    return r.bool(at)
      ? { style: 'canary', styleAt: at, styleWhy: 'canary style (a canary Deployment beside the stable one)' }
      : { style: 'partition', styleAt: at, styleWhy: 'partition style (enableExtraWorkloadForCanary is not true)' };
  }
  const at = `metadata.annotations["${STYLE_ANNOTATION}"]`;
  const given = annotations[STYLE_ANNOTATION];
  const v = given === undefined ? '' : String(given).toLowerCase();
  if (v === 'partition') return { style: 'partition', styleAt: at, styleWhy: 'partition style' };
  if (v !== '' && v !== 'canary') r.fail(at, `expected "partition" or "canary", got ${JSON.stringify(given)}`);
  return { style: 'canary', styleAt: at, styleWhy: given === undefined ? `canary style (v1alpha1's default for a Deployment without ${STYLE_ANNOTATION}: partition)` : 'canary style' };
}

function checkRouting(state: ImportState, r: ManifestReader, at: string): void {
  warnUnknown(state, r, at, ROUTING_KEYS);
  if (!r.has(`${at}.ingress`) && !r.has(`${at}.gateway`) && !r.has(`${at}.customNetworkRefs`)) {
    r.fail(at, 'expected ingress, gateway or customNetworkRefs (Kruise rejects a traffic routing without one)');
  }
  // Kruise waits this long after each route change before the next state (3 s by default).
  const grace = r.int(`${at}.gracePeriodSeconds`);
  state.set(['release', 'routing', 'grace'], `${grace ?? KRUISE_ROUTING_GRACE_S}s`,
    grace === undefined ? `Kruise default: trafficRoutings[].gracePeriodSeconds is ${KRUISE_ROUTING_GRACE_S} s` : r.source(`${at}.gracePeriodSeconds`));
}

function rolloutStep(state: ImportState, r: ManifestReader, version: Version, at: string, last: boolean, routed: boolean): KruiseStep {
  if (!r.map(at)) r.expected(at, 'a step ({replicas, traffic, pause})', r.get(at));
  warnUnknown(state, r, at, STEP_KEYS[version]);
  const trafficKey = version === 'v1alpha1' ? 'weight' : 'traffic';
  const traffic = version === 'v1alpha1' ? weightOf(r, `${at}.weight`) : trafficOf(r, `${at}.traffic`);
  let replicas = replicasOf(r, `${at}.replicas`);
  let replicasSource = r.source(`${at}.replicas`);
  if (replicas === undefined) {
    // Kruise's v1alpha1 → v1beta1 conversion: a step with a weight and no replicas runs weight% of the pods.
    if (version === 'v1alpha1' && traffic !== null) {
      replicas = `${traffic}%`;
      replicasSource = `${r.source(`${at}.weight`)} (no replicas: Kruise runs weight% of the pods)`;
    } else {
      r.fail(`${at}.replicas`, version === 'v1alpha1' ? 'expected replicas or weight (Kruise rejects a step with neither)' : 'expected the canary\'s replicas, an integer or a percentage like "20%" (Kruise requires it)');
    }
  }
  const matches = (r.list(`${at}.matches`) ?? []).length > 0;
  if (matches) {
    state.warn(r.doc, `${at}.matches`, routed
      ? 'not modelled: relsim\'s canary routes by weight, not by header; Kruise sends only the matching requests to the canary (and ignores this step\'s traffic), relsim keeps the previous step\'s weight'
      : 'has no effect without trafficRoutings: no router applies it');
  }
  if (r.has(`${at}.requestHeaderModifier`)) state.warn(r.doc, `${at}.requestHeaderModifier`, 'not modelled: relsim does not rewrite request headers');
  if (traffic !== null && !routed && !(version === 'v1alpha1' && !r.has(`${at}.replicas`))) {
    state.warn(r.doc, `${at}.${trafficKey}`, 'has no effect without trafficRoutings: no router sets it, so the canary\'s share follows its pods');
  }
  const pauseAt = `${at}.pause`;
  r.map(pauseAt);
  const seconds = r.int(`${pauseAt}.duration`);
  // Kruise completes a last step of "100%" without pausing; any other step without a duration waits for approval.
  const pause = seconds !== undefined ? (seconds > 0 ? seconds * 1000 : undefined) : last && replicas === '100%' ? undefined : null;
  const pauseSource = r.has(pauseAt)
    ? r.source(seconds !== undefined ? `${pauseAt}.duration` : pauseAt)
    : `${r.source(at)} (no pause: Kruise waits for kubectl-kruise rollout approve)`;
  return {
    at, replicas, replicasSource,
    traffic: matches ? null : traffic, trafficSource: r.source(`${at}.${trafficKey}`), trafficAt: `${at}.${trafficKey}`,
    matches, pause, pauseSource,
  };
}

/** v1beta1 `traffic: "20%"`: 1–100. */
function trafficOf(r: ManifestReader, at: string): number | null {
  const v = r.get(at);
  if (v === undefined || v === null) return null;
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v.trim()) : null;
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 100) r.expected(at, 'a percentage of traffic from "1%" to "100%"', v);
  return Number(m[1]);
}

/** v1alpha1 `weight: 20`: 1–100. */
function weightOf(r: ManifestReader, at: string): number | null {
  const v = r.int(at, { min: 1 });
  if (v === undefined) return null;
  if (v > 100) r.expected(at, 'a weight from 1 to 100', v);
  return v;
}

/** An integer ≥ 1 or a percentage "1%"–"100%" (what Kruise's webhook accepts). */
function replicasOf(r: ManifestReader, at: string): number | string | undefined {
  const v = r.intOrPercent(at);
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v.slice(0, -1));
  if (n < 1 || (typeof v === 'string' && n > 100)) r.expected(at, 'a positive integer or a percentage from "1%" to "100%"', r.get(at));
  return v;
}

function warnUnknown(state: ImportState, r: ManifestReader, at: string, known: readonly string[]): void {
  for (const key of r.unknownKeys(at, known)) state.warn(r.doc, `${at}.${key}`, 'not modelled: relsim does not know this field');
}

// ---- BatchRelease -------------------------------------------------------------------------

const PLAN_KEYS = ['batches', 'batchPartition', 'rolloutID', 'failureThreshold', 'finalizingPolicy', 'patchPodTemplateMetadata',
  'enableExtraWorkloadForCanary', 'rollingStyle', 'paused'];

function batchReleasePlan(state: ImportState, r: ManifestReader, version: Version, w: Workload): Plan {
  const p = 'spec.releasePlan';
  warnUnknown(state, r, 'spec', version === 'v1alpha1' ? ['targetReference', 'releasePlan', 'strategy', 'cancelled'] : ['workloadRef', 'releasePlan']);
  if (!r.map(p)) r.fail(p, 'expected a release plan (batches of canaryReplicas)');
  warnUnknown(state, r, p, PLAN_KEYS);
  if (r.bool(`${p}.paused`)) state.warn(r.doc, `${p}.paused`, 'a paused BatchRelease does not progress; relsim runs it anyway');
  if (r.has(`${p}.failureThreshold`)) state.warn(r.doc, `${p}.failureThreshold`, FAILURE_THRESHOLD);

  const annotations = r.map('metadata.annotations') ?? {};
  const rolling = version === 'v1beta1' ? r.string(`${p}.rollingStyle`) : annotations[STYLE_ANNOTATION] === undefined ? undefined : String(annotations[STYLE_ANNOTATION]);
  const styleAt = version === 'v1beta1' ? `${p}.rollingStyle` : `metadata.annotations["${STYLE_ANNOTATION}"]`;
  const lower = rolling?.toLowerCase() ?? '';
  if (lower === 'bluegreen') r.fail(styleAt, 'Kruise blue-green is not imported by relsim; write the release in the model file (release.strategy: blue-green)');
  if (lower !== '' && lower !== 'partition' && lower !== 'canary') r.fail(styleAt, `expected Partition or Canary, got ${JSON.stringify(rolling)}`);
  // The executor's rule: an explicit style wins; without one, enableExtraWorkloadForCanary means canary style.
  const style: Style = lower === 'canary' || (lower === '' && r.bool(`${p}.enableExtraWorkloadForCanary`) === true) ? 'canary' : 'partition';

  const list = r.list(`${p}.batches`) ?? [];
  if (list.length === 0) r.fail(`${p}.batches`, 'expected at least one batch');
  const partition = r.int(`${p}.batchPartition`);
  const steps = list.map((_, i): KruiseStep => {
    const at = `${p}.batches[${i}]`;
    if (!r.map(at)) r.expected(at, 'a batch ({canaryReplicas})', r.get(at));
    warnUnknown(state, r, at, ['canaryReplicas', 'pauseSeconds']);
    const replicas = replicasOf(r, `${at}.canaryReplicas`);
    if (replicas === undefined) r.fail(`${at}.canaryReplicas`, 'expected the new-version pods of this batch, an integer or a percentage like "20%"');
    // Old v1alpha1 plans carry a pause per batch; batchPartition holds the release at a batch until an operator raises it.
    const seconds = r.int(`${at}.pauseSeconds`);
    const held = partition !== undefined && partition === i && i < list.length - 1;
    const pause = held ? null : seconds !== undefined && seconds > 0 && i < list.length - 1 ? seconds * 1000 : undefined;
    return {
      at, replicas, replicasSource: r.source(`${at}.canaryReplicas`), traffic: null, trafficSource: '', trafficAt: '', matches: false, pause,
      pauseSource: held ? `${r.source(`${p}.batchPartition`)} (the release holds here until an operator raises it)` : r.source(`${at}.pauseSeconds`),
    };
  });
  const routedSource = `${r.source(p)} (a BatchRelease moves pods only: requests follow them)`;
  return { r, w, routed: false, routedSource, style, styleAt, styleWhy: `${style} style`, steps };
}

// ---- relsim strategy ----------------------------------------------------------------------

function emit(state: ImportState, plan: Plan): StrategyImport {
  const { r, w, routed, style } = plan;
  const fields: [string, unknown, string][] = [
    ['name', 'canary', r.source(r.doc.kind === 'Rollout' ? 'spec.strategy.canary' : 'spec.releasePlan')],
    ['trafficRouting', routed, plan.routedSource],
  ];
  const R = replicaCount(state, w);
  const partitioned = routed && style === 'partition';
  if (partitioned) {
    fields.push(['stableScaling', 'partition', `${r.source(plan.styleAt)}: ${plan.styleWhy}, the canary's pods replace stable ones (stable runs R − n)`]);
    plan.steps.forEach((s) => warnShares(state, r, s, R));
  }
  if (!routed && style === 'canary') {
    state.warn(r.doc, plan.styleAt, `${plan.styleWhy}: Kruise keeps the stable Deployment at R pods and adds the canary's n, and the Service spreads requests over all R + n; ` +
      'relsim\'s canary without a router runs n canary beside R − n stable pods, so the canary\'s share is n/R, not n/(R + n)');
  }

  const steps: [unknown, string][] = [];
  let scaled: number | string | undefined;
  for (const s of plan.steps) {
    if (s.replicas !== scaled) {
      const scale = typeof s.replicas === 'number' ? { replicas: s.replicas } : { weight: Number(s.replicas.slice(0, -1)) };
      steps.push([{ setCanaryScale: scale }, s.replicasSource]);
      scaled = s.replicas;
    }
    if (routed && !s.matches) {
      if (s.traffic !== null) steps.push([{ setWeight: s.traffic }, s.trafficSource]);
      else {
        const n = podsOf(s.replicas, R);
        const total = style === 'canary' ? R + n : R;
        const share = Math.round((10_000 * n) / total) / 100;
        steps.push([{ setWeight: share }, `${r.source(s.at)} (no traffic: Kruise drops the canary route and the Service spreads requests over ${total} pods, ${n} of them new, for ${R} replicas)`]);
      }
    }
    if (s.pause === null) steps.push([{ pause: {} }, s.pauseSource]);
    else if (s.pause !== undefined) steps.push([{ pause: { duration: formatDuration(s.pause) } }, s.pauseSource]);
  }

  // Without a router the canary's promotion is a rolling update: Kruise's last move is the
  // Deployment's own rolling update, with its own maxSurge/maxUnavailable. In partition
  // style with a router every step is such a roll, stopped at the step's pods.
  const stops = plan.steps.some((s) => s.pause === null);
  if (partitioned || (!routed && !stops)) {
    for (const key of ['maxSurge', 'maxUnavailable'] as const) {
      const v = w.r.intOrPercent(`spec.strategy.rollingUpdate.${key}`);
      const why = partitioned ? 'Kruise rolls each step\'s pods, and those left after the last step, with it' : 'Kruise rolls the pods left after the last step with it';
      if (v !== undefined) fields.push([key, v, `${w.r.source(`spec.strategy.rollingUpdate.${key}`)} (${why})`]);
    }
  }
  return { fields, steps };
}

/**
 * Partition style routes a step's traffic whatever its pods: stable's R − n pods carry
 * 100 − w % and the canary's n carry w %. Where that is not the pods' own share, one side
 * carries more per pod than before the release; relsim routes it the same way and says so,
 * since the capacity the user gave decides whether it drops.
 */
function warnShares(state: ImportState, r: ManifestReader, s: KruiseStep, R: number): void {
  if (s.traffic === null) return;
  const n = podsOf(s.replicas, R);
  const at = s.trafficAt;
  if (n === R) {
    if (s.traffic < 100) {
      state.warn(r.doc, at, `partition style: all ${R} pods are new at this step, yet ${100 - s.traffic}% of requests are routed to the stable Service, which has no pods left: ` +
        'Kruise routes them there and they fail, and relsim counts them as no-endpoint drops; give this step traffic: "100%"');
    }
    return;
  }
  const even = 100 / R;
  const stable = (100 - s.traffic) / (R - n) / even;
  const canary = s.traffic / n / even;
  const [who, pods, share, load] = stable > canary ? ['stable', R - n, 100 - s.traffic, stable] : ['canary', n, s.traffic, canary];
  if (Math.round(load * 100) <= 100) return;
  state.warn(r.doc, at, `partition style: ${s.traffic}% of requests go to ${n} new pod${n === 1 ? '' : 's'} and ${100 - s.traffic}% to the ${R - n} stable pod${R - n === 1 ? '' : 's'} left, ` +
    `so each ${who} pod carries ${load.toFixed(2)}× its load before the release (${share}% over ${pods} of ${R} pods): Kruise routes the step's traffic whatever the pods, and relsim does the same, ` +
    'so whether it drops requests depends on the capacity the model gives');
}

/** The released service's replicas as the manifests set them (the Deployment's, or its autoscaler's minimum); Kubernetes' 1 otherwise. */
function replicaCount(state: ImportState, w: Workload): number {
  for (let i = state.fields.length - 1; i >= 0; i--) {
    const f = state.fields[i];
    if (f.path.length === 3 && f.path[0] === 'services' && f.path[1] === w.service && f.path[2] === 'replicas' && typeof f.value === 'number') return f.value;
  }
  return 1;
}

/** Kruise's pod count for a step: an integer (at most R), or a percentage of R rounded up. */
export function podsOf(replicas: number | string, R: number): number {
  if (typeof replicas === 'number') return Math.min(replicas, R);
  return Math.min(R, Math.ceil((Number(replicas.slice(0, -1)) * R) / 100));
}
