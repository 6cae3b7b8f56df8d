/**
 * An Argo Rollout (argoproj.io/v1alpha1): replicas, minReadySeconds and its pod (inline or
 * through `workloadRef`), and its canary or blueGreen strategy as relsim's. Canary steps map
 * one to one (setWeight, pause with seconds or a duration or `{}`, setCanaryScale, analysis);
 * steps relsim cannot run (experiment, header and mirror routes, plugins) are skipped with a
 * warning. Without `trafficRouting` the canary is Argo's basic canary: weights become
 * replica counts with Argo's own rounding.
 */
import { isRegex } from '../../matching.ts';
import type { ImportState, Workload } from '../import-state.ts';
import type { ManifestReader } from '../manifest-reader.ts';
import { formatDuration } from '../../durations.ts';
import { analysisFromTemplates } from './argo-analysis.ts';

/** Fields relsim has no model for, warned about when set. */
const CANARY_UNMODELLED: Record<string, string> = {
  dynamicStableScale: 'stable keeps its full size while the canary runs',
  minPodsPerReplicaSet: 'the canary gets the count its weight gives',
  pingPong: 'relsim releases to a new version, not between two services',
};
/** Fields that change nothing relsim models (labels, scheduling, history): read and ignored. */
const CANARY_IGNORED = ['canaryService', 'stableService', 'canaryMetadata', 'stableMetadata', 'antiAffinity', 'scaleDownDelayRevisionLimit', 'replicaProgressThreshold'];
const CANARY_READ = ['steps', 'maxSurge', 'maxUnavailable', 'trafficRouting', 'analysis', 'scaleDownDelaySeconds', 'abortScaleDownDelaySeconds'];
const BLUE_GREEN_IGNORED = ['activeService', 'previewService', 'activeMetadata', 'previewMetadata', 'antiAffinity', 'scaleDownDelayRevisionLimit'];
const BLUE_GREEN_READ = ['autoPromotionEnabled', 'autoPromotionSeconds', 'scaleDownDelaySeconds', 'abortScaleDownDelaySeconds', 'previewReplicaCount', 'prePromotionAnalysis'];

export function importRolloutSpec(state: ImportState, w: Workload): void {
  const r: ManifestReader = w.r;
  const replicas = r.int('spec.replicas');
  if (replicas !== undefined) state.set(['services', w.service, 'replicas'], Math.max(1, replicas), r.source('spec.replicas'));
  const minReady = r.int('spec.minReadySeconds');
  if (minReady !== undefined) state.set(['services', w.service, 'minReadySeconds'], minReady, r.source('spec.minReadySeconds'));
}

/** The Rollout's strategy as relsim strategy fields, each with its source; steps keep their index. */
export function rolloutStrategy(state: ImportState, w: Workload): { fields: [string, unknown, string][]; steps: [unknown, string][] } {
  const r: ManifestReader = w.r;
  if (r.bool('spec.paused')) state.warn(r.doc, 'spec.paused', 'a paused Rollout does not progress; relsim runs it anyway');
  const out = r.map('spec.strategy.canary') ? canary(state, w) : r.map('spec.strategy.blueGreen') ? blueGreen(state, w) : r.fail('spec.strategy', 'expected canary or blueGreen');
  out.fields.push(...progressDeadline(r));
  return out;
}

/** Rollout-level `progressDeadlineSeconds` / `progressDeadlineAbort`, knobs of relsim's strategy. */
function progressDeadline(r: ManifestReader): [string, unknown, string][] {
  const fields: [string, unknown, string][] = [];
  const seconds = r.int('spec.progressDeadlineSeconds', { min: 1 });
  if (seconds !== undefined) fields.push(['progressDeadlineSeconds', seconds, r.source('spec.progressDeadlineSeconds')]);
  if (r.has('spec.progressDeadlineAbort')) fields.push(['progressDeadlineAbort', r.bool('spec.progressDeadlineAbort'), r.source('spec.progressDeadlineAbort')]);
  return fields;
}

function canary(state: ImportState, w: Workload): ReturnType<typeof rolloutStrategy> {
  const r: ManifestReader = w.r;
  const c = 'spec.strategy.canary';
  const fields: [string, unknown, string][] = [['name', 'canary', r.source(c)]];
  for (const key of r.unknownKeys(c, [...CANARY_READ, ...CANARY_IGNORED])) {
    state.warn(r.doc, `${c}.${key}`, `not modelled: ${CANARY_UNMODELLED[key] ?? 'relsim does not know this field'}`);
  }
  // Without a router, Argo's basic canary scales replicas to approximate the weight.
  fields.push(['trafficRouting', r.has(`${c}.trafficRouting`), r.source(`${c}.trafficRouting`)]);
  if (r.has(`${c}.trafficRouting.maxTrafficWeight`)) state.warn(r.doc, `${c}.trafficRouting.maxTrafficWeight`, 'not modelled: relsim weights are out of 100');
  const routed = r.has(`${c}.trafficRouting`);
  for (const key of ['maxSurge', 'maxUnavailable'] as const) {
    const v = r.intOrPercent(`${c}.${key}`);
    if (v === undefined) continue;
    // With a router relsim sizes the canary from the weight and promotes at once.
    if (routed) state.warn(r.doc, `${c}.${key}`, 'has no effect with trafficRouting in relsim: the canary is sized from the weight and promoted to full size at once');
    else fields.push([key, v, r.source(`${c}.${key}`)]);
  }
  for (const key of ['scaleDownDelaySeconds', 'abortScaleDownDelaySeconds'] as const) {
    const v = r.int(`${c}.${key}`);
    if (v !== undefined) fields.push([key, v, r.source(`${c}.${key}`)]);
  }
  if (r.map(`${c}.analysis`)) {
    if (r.has(`${c}.analysis.startingStep`)) state.warn(r.doc, `${c}.analysis.startingStep`, 'not modelled: relsim\'s background analysis runs from the first step');
    const a = analysisFromTemplates(state, r, `${c}.analysis`);
    if (a) fields.push(['analysis', a, r.source(`${c}.analysis`)]);
  }
  const steps: [unknown, string][] = [];
  (r.list(`${c}.steps`) ?? []).forEach((_, i) => {
    const at = `${c}.steps[${i}]`;
    const step = canaryStep(state, w, at);
    if (step) steps.push([step, r.source(at)]);
  });
  return { fields, steps };
}

function canaryStep(state: ImportState, w: Workload, at: string): unknown {
  const r: ManifestReader = w.r;
  const m = r.map(at);
  if (!m) r.expected(at, 'a step', r.get(at));
  const kind = Object.keys(m)[0];
  switch (kind) {
    case 'setWeight': {
      const v = r.int(`${at}.setWeight`);
      if (v === undefined || v > 100) r.expected(`${at}.setWeight`, 'a weight 0–100', r.get(`${at}.setWeight`));
      return { setWeight: v };
    }
    case 'pause': {
      const d = r.duration(`${at}.pause.duration`);
      return { pause: d === undefined ? {} : { duration: formatDuration(d) } };
    }
    case 'setCanaryScale': {
      const out: Record<string, unknown> = {};
      const replicas = r.int(`${at}.setCanaryScale.replicas`);
      const weight = r.int(`${at}.setCanaryScale.weight`);
      if (replicas !== undefined) out.replicas = replicas;
      else if (weight !== undefined) out.weight = weight;
      else if (r.bool(`${at}.setCanaryScale.matchTrafficWeight`)) out.matchTrafficWeight = true;
      else r.fail(`${at}.setCanaryScale`, 'expected replicas, weight or matchTrafficWeight');
      return { setCanaryScale: out };
    }
    case 'analysis': {
      const a = analysisFromTemplates(state, r, `${at}.analysis`);
      if (!a) state.warn(r.doc, at, 'skipped: none of its metrics is one relsim can evaluate');
      return a ? { analysis: a } : null;
    }
    case 'setMirrorRoute': {
      // Argo: without `match` the named route is removed; `percentage` defaults to 100.
      const list = r.list(`${at}.setMirrorRoute.match`);
      if (!list || list.length === 0) return { setMirrorRoute: { percentage: 0 } };
      const pct = r.int(`${at}.setMirrorRoute.percentage`) ?? 100;
      if (pct > 100) r.expected(`${at}.setMirrorRoute.percentage`, 'a percentage 0–100', pct);
      const only = list.length === 1 ? r.map(`${at}.setMirrorRoute.match[0]`) : undefined;
      const headers = only && Object.keys(only).length === 1 ? r.map(`${at}.setMirrorRoute.match[0].headers`) : undefined;
      const names = headers ? Object.keys(headers) : [];
      const exact = names.length === 1 ? r.string(`${at}.setMirrorRoute.match[0].headers.${names[0]}.exact`) : undefined;
      if (exact !== undefined) return { setMirrorRoute: { percentage: pct, match: { header: { name: names[0], value: exact } } } };
      state.warn(r.doc, `${at}.setMirrorRoute.match`, 'relsim matches one exact header only: its method, path and other conditions are dropped, so the mirror copies that share of every request');
      return { setMirrorRoute: { percentage: pct } };
    }
    case 'setHeaderRoute': {
      // Argo: without `match` the named route is removed.
      const list = r.list(`${at}.setHeaderRoute.match`);
      if (!list || list.length === 0) return { setHeaderRoute: {} };
      const name = list.length === 1 ? r.string(`${at}.setHeaderRoute.match[0].headerName`) : undefined;
      const v = `${at}.setHeaderRoute.match[0].headerValue`;
      // One header, by an exact, prefix or regex value (Argo's headerValue), written as relsim's rule.
      for (const kind of ['exact', 'prefix', 'regex'] as const) {
        const value = name !== undefined ? r.string(`${v}.${kind}`) : undefined;
        if (value === undefined) continue;
        if (kind === 'regex' && !isRegex(value)) break;
        return { setHeaderRoute: { match: { header: kind === 'exact' ? { name, value } : { name, [kind]: value } } } };
      }
      state.warn(r.doc, at, 'skipped: relsim\'s header route in Argo\'s form matches one header by an exact, prefix or regex value (one JavaScript can read)');
      return null;
    }
    case 'experiment':
    case 'plugin':
      state.warn(r.doc, at, `skipped: relsim does not model ${kind} steps`);
      return null;
    default:
      r.fail(at, `unknown canary step ${JSON.stringify(kind)} (expected setWeight, pause, setCanaryScale, analysis, experiment, setHeaderRoute, setMirrorRoute or plugin)`);
  }
}

function blueGreen(state: ImportState, w: Workload): ReturnType<typeof rolloutStrategy> {
  const r: ManifestReader = w.r;
  const b = 'spec.strategy.blueGreen';
  const fields: [string, unknown, string][] = [['name', 'blue-green', r.source(b)]];
  if (!r.string(`${b}.activeService`)) r.fail(`${b}.activeService`, 'expected the name of the Service that receives production traffic');
  for (const key of r.unknownKeys(b, [...BLUE_GREEN_READ, ...BLUE_GREEN_IGNORED, 'postPromotionAnalysis'])) {
    state.warn(r.doc, `${b}.${key}`, 'not modelled: relsim does not know this field');
  }
  const enabled = r.bool(`${b}.autoPromotionEnabled`);
  if (enabled !== undefined) fields.push(['autoPromotionEnabled', enabled, r.source(`${b}.autoPromotionEnabled`)]);
  for (const key of ['autoPromotionSeconds', 'scaleDownDelaySeconds', 'abortScaleDownDelaySeconds'] as const) {
    const v = r.int(`${b}.${key}`);
    if (v !== undefined) fields.push([key, v, r.source(`${b}.${key}`)]);
  }
  const preview = r.int(`${b}.previewReplicaCount`, { min: 1 });
  if (preview !== undefined) fields.push(['previewReplicaCount', preview, r.source(`${b}.previewReplicaCount`)]);
  for (const key of ['prePromotionAnalysis', 'postPromotionAnalysis'] as const) {
    if (!r.map(`${b}.${key}`)) continue;
    const a = analysisFromTemplates(state, r, `${b}.${key}`);
    if (a) fields.push([key, a, r.source(`${b}.${key}`)]);
  }
  if (r.map(`${b}.prePromotionAnalysis`)) {
    state.warn(r.doc, `${b}.prePromotionAnalysis`, 'measures the preview, whose test traffic is not in the manifests: green gets no requests before the switch (and the analysis is inconclusive) unless the model gives release.strategy.previewMatch, the requests that reach the preview (e.g. a tester header)');
  }
  return { fields, steps: [] };
}
