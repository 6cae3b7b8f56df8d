/**
 * A Flagger Canary (flagger.app/v1beta1) drives the Deployment its `spec.targetRef` names.
 * Which of Flagger's modes runs decides relsim's strategy, as Flagger's scheduler decides it:
 *
 * - `iterations` with `match`: A/B testing → relsim's `ab` (the first match rule, for
 *   iterations × interval, then promote);
 * - `iterations` alone: blue/green → relsim's `blue-green` (promoted iterations × interval
 *   after the new stack is ready);
 * - otherwise progressive traffic (`stepWeight`/`stepWeights`, `maxWeight`) → relsim's
 *   canary with the Flagger shorthand (interval, stepWeight, maxWeight, threshold), and the
 *   built-in metrics as its analysis: `request-success-rate` (`thresholdRange.min`, a
 *   percentage) → `successRate`, `request-duration` (`thresholdRange.max`, ms) → p99 latency;
 * - `skipAnalysis: true`, or `provider: kubernetes` (which cannot shift traffic): the new
 *   version reaches production by a rolling update of the primary → the Deployment's rolling
 *   strategy.
 *
 * Flagger's defaults are written out where relsim's differ (threshold 1, maxWeight 100).
 * A canary's or A/B test's webhooks become relsim's `webhooks` (webhook-import.ts), with
 * a warning saying what relsim assumed where a manifest cannot say how a hook answers.
 * Mirroring, session affinity, promotion steps and ready thresholds are one warning each,
 * saying what relsim does instead. docs/manifests/flagger.md has the table.
 */
import { ManifestReader } from '../manifest-reader.ts';
import type { ImportState, Workload } from '../import-state.ts';
import type { ReleaseClaim, StrategyImport } from './releasers.ts';
import { deploymentStrategy } from './deployment.ts';
import { relsimName } from '../workloads.ts';
import { formatDuration } from '../../durations.ts';
import { describeValue } from '../../scenario-error.ts';
import { importWebhooks, isLoadTestHook } from './webhook-import.ts';
import { isRegex, matchAsWritten } from '../../matching.ts';
import type { MatchRule, MatchValue } from '../../types.ts';

type Fields = [string, unknown, string][];

/** Flagger's own defaults (pkg/apis/flagger/v1beta1, pkg/controller/scheduler.go). */
const FLAGGER = { intervalMs: 60_000, minIntervalMs: 10_000, threshold: 1, maxWeight: 100, metricWindowMs: 60_000, progressDeadlineSeconds: 600, blueGreenIterations: 10 } as const;

const SPEC_READ = ['provider', 'targetRef', 'autoscalerRef', 'service', 'analysis', 'canaryAnalysis', 'progressDeadlineSeconds', 'skipAnalysis', 'suspend'];
/** Fields that change nothing relsim models (metrics server, routing objects, clean-up): read past. */
const SPEC_IGNORED = ['metricsServer', 'ingressRef', 'routeRef', 'upstreamRef', 'revertOnDeletion'];
const ANALYSIS_READ = ['interval', 'iterations', 'maxWeight', 'stepWeight', 'stepWeights', 'threshold', 'metrics', 'match', 'webhooks',
  'mirror', 'mirrorWeight', 'sessionAffinity', 'stepWeightPromotion', 'primaryReadyThreshold', 'canaryReadyThreshold'];
/** Notifications only. */
const ANALYSIS_IGNORED = ['alerts'];
/** `spec.service` fields that change how requests are treated, and where the model says it instead. */
const SERVICE_UNMODELLED: Record<string, string> = {
  timeout: 'give the callers a client.timeout in the model',
  retries: 'give the callers a client.retry in the model',
  trafficPolicy: 'give the callers a client.lb in the model',
};

/** One claim per Canary: the Deployment it targets, released by the mode its analysis sets. */
export function flaggerCanaries(state: ImportState): ReleaseClaim[] {
  return state.ofKind('flagger.app', 'Canary').map((doc) => {
    const r = new ManifestReader(doc);
    const w = targetOf(state, r);
    const mode = modeOf(r);
    return { workload: w, doc, source: r.source(mode.at), strategy: () => strategyOf(state, r, w, mode) };
  });
}

function targetOf(state: ImportState, r: ManifestReader): Workload {
  if (!r.map('spec.targetRef')) r.fail('spec.targetRef', 'expected the Deployment the Canary drives ({kind: Deployment, name})');
  const kind = r.string('spec.targetRef.kind');
  if (kind !== 'Deployment') r.fail('spec.targetRef.kind', `relsim imports Canaries that target a Deployment, got ${describeValue(kind)}`);
  const name = r.string('spec.targetRef.name');
  if (!name) r.fail('spec.targetRef.name', 'expected the name of a Deployment');
  const target = state.find('apps', 'Deployment', name);
  if (!target) r.fail('spec.targetRef.name', `no Deployment named ${JSON.stringify(name)} among the manifests`);
  const w = state.workloadOf(target);
  if (!w) r.fail('spec.targetRef.name', `Deployment/${name} is not released on its own (an Argo Rollout's workloadRef, or a traffic split's canary backend)`);
  return w;
}

type Mode =
  | { kind: 'rolling'; why: 'skipAnalysis' | 'provider'; at: string }
  | { kind: 'canary' | 'ab' | 'blue-green'; a: string; at: string };

/** Flagger's scheduler order: skipped analysis, the kubernetes provider, A/B, blue/green, canary. */
function modeOf(r: ManifestReader): Mode {
  if (r.bool('spec.skipAnalysis') === true) return { kind: 'rolling', why: 'skipAnalysis', at: 'spec.skipAnalysis' };
  if (r.string('spec.provider') === 'kubernetes') return { kind: 'rolling', why: 'provider', at: 'spec.provider' };
  // spec.canaryAnalysis is v1beta1's deprecated name for spec.analysis.
  const a = r.map('spec.analysis') ? 'spec.analysis' : r.map('spec.canaryAnalysis') ? 'spec.canaryAnalysis' : null;
  if (!a) r.fail('spec.analysis', 'expected the analysis (interval, stepWeight and maxWeight or iterations, metrics)');
  const iterations = r.int(`${a}.iterations`) ?? 0;
  if (iterations > 0) return { kind: (r.list(`${a}.match`) ?? []).length > 0 ? 'ab' : 'blue-green', a, at: a };
  return { kind: 'canary', a, at: a };
}

function strategyOf(state: ImportState, r: ManifestReader, w: Workload, mode: Mode): StrategyImport {
  commonWarnings(state, r, w);
  if (mode.kind === 'rolling') return rolling(state, r, w, mode.why);
  const a = mode.a;
  for (const key of r.unknownKeys(a, [...ANALYSIS_READ, ...ANALYSIS_IGNORED])) state.warn(r.doc, `${a}.${key}`, 'not modelled: relsim does not know this field');
  const deadline = r.int('spec.progressDeadlineSeconds', { min: 1 });
  analysisWarnings(state, r, a, mode.kind);
  if (mode.kind === 'ab') {
    if (deadline !== undefined && deadline !== FLAGGER.progressDeadlineSeconds) {
      state.warn(r.doc, 'spec.progressDeadlineSeconds', `not modelled for A/B: relsim gives new instances ${FLAGGER.progressDeadlineSeconds} s (Flagger's default) to become ready, then rolls back`);
    }
    return ab(state, r, a);
  }
  const out = mode.kind === 'blue-green' ? blueGreen(state, r, a) : canary(state, r, a);
  // Flagger rolls back a canary not ready in time (the shorthand canary always does; a
  // blue-green in relsim waits degraded unless told to abort).
  if (deadline !== undefined) out.fields.push(['progressDeadlineSeconds', deadline, r.source('spec.progressDeadlineSeconds')]);
  if (mode.kind === 'blue-green') out.fields.push(['progressDeadlineAbort', true, r.source(r.has('spec.progressDeadlineSeconds') ? 'spec.progressDeadlineSeconds' : 'spec')]);
  return out;
}

/** The Canary's own settings around the analysis: naming, autoscaler, generated routes, suspension. */
function commonWarnings(state: ImportState, r: ManifestReader, w: Workload): void {
  for (const key of r.unknownKeys('spec', [...SPEC_READ, ...SPEC_IGNORED])) state.warn(r.doc, `spec.${key}`, 'not modelled: relsim does not know this field');
  if (r.bool('spec.suspend') === true) state.warn(r.doc, 'spec.suspend', 'a suspended Canary does not run; relsim runs it anyway');
  if (r.map('spec.autoscalerRef')) {
    const hpa = `${r.string('spec.autoscalerRef.kind') ?? 'HorizontalPodAutoscaler'}/${r.string('spec.autoscalerRef.name') ?? '?'}`;
    state.warn(r.doc, 'spec.autoscalerRef', `not modelled: Flagger scales the primary and the canary with copies of ${hpa}; relsim keeps both at services.${w.service}.replicas for the whole run`);
  }
  for (const key of Object.keys(SERVICE_UNMODELLED)) {
    if (r.has(`spec.service.${key}`)) state.warn(r.doc, `spec.service.${key}`, `not modelled: relsim does not read the routes Flagger generates; ${SERVICE_UNMODELLED[key]}`);
  }
  // Flagger's apex Service (spec.service.name, else the target's name) is what callers use;
  // relsim names the service after a Service among the manifests that selects the pods.
  const apex = r.string('spec.service.name') ?? r.string('spec.targetRef.name') ?? '';
  if (w.service === relsimName(`${apex}-canary`)) {
    state.warn(r.doc, 'spec.targetRef.name', `relsim names the service after Service/${apex}-canary, which Flagger generates for the canary pods; ` +
      `import the manifests you apply, without Flagger's generated ${apex}-primary and ${apex}-canary objects`);
  } else if (relsimName(apex) !== w.service && state.modelServices.has(relsimName(apex))) {
    state.warn(r.doc, r.has('spec.service.name') ? 'spec.service.name' : 'spec.targetRef.name',
      `the model names services.${relsimName(apex)} (Flagger's Service), but relsim names ${w.doc.kind}/${w.doc.name}'s service ${w.service} ` +
      `(${w.doc.name === w.service ? 'no Service among the manifests selects its pods' : 'after the Service that selects its pods'}); rename it to ${w.service} in the model, calls and entry included`);
  }
}

/** Fields of the analysis relsim does not model, one warning each, saying what it does instead. */
function analysisWarnings(state: ImportState, r: ManifestReader, a: string, kind: 'canary' | 'ab' | 'blue-green'): void {
  // A canary's and a blue/green's mirroring is imported (canary(), blueGreenMirrored()); A/B has none in Flagger.
  if (kind === 'ab' && r.bool(`${a}.mirror`) === true) state.warn(r.doc, `${a}.mirror`, 'has no effect on an A/B test: Flagger mirrors in canary and blue/green analyses only');
  if (r.has(`${a}.mirrorWeight`) && r.bool(`${a}.mirror`) !== true) state.warn(r.doc, `${a}.mirrorWeight`, 'has no effect without mirror: true');
  if (r.map(`${a}.sessionAffinity`) && kind !== 'canary') {
    state.warn(r.doc, `${a}.sessionAffinity`, 'has no effect here: Flagger pins users to the canary only while it shifts traffic by weight');
  }
  if ((r.int(`${a}.stepWeightPromotion`) ?? 0) > 0) {
    state.warn(r.doc, `${a}.stepWeightPromotion`, 'not modelled: at promotion relsim moves all traffic to the new version at once');
  }
  const primaryReady = r.int(`${a}.primaryReadyThreshold`);
  if (primaryReady !== undefined && primaryReady !== 100) {
    state.warn(r.doc, `${a}.primaryReadyThreshold`, 'not modelled: relsim does not check the primary\'s readiness before each step (its instances stay ready)');
  }
  const canaryReady = r.int(`${a}.canaryReadyThreshold`);
  if (canaryReady !== undefined && canaryReady !== 100) {
    state.warn(r.doc, `${a}.canaryReadyThreshold`, 'not modelled: relsim waits until every new instance is ready (Flagger\'s default, 100%)');
  }
  if (kind === 'canary' && (r.list(`${a}.match`) ?? []).length > 0) {
    state.warn(r.doc, `${a}.match`, 'has no effect without iterations: Flagger uses match for A/B testing only, and shifts traffic by weight here, as relsim does');
  }
  // relsim's blue-green takes no webhooks; a canary and an A/B test import theirs (and a
  // mirrored blue/green, imported as a canary).
  if (kind === 'blue-green' && r.bool(`${a}.mirror`) !== true) (r.list(`${a}.webhooks`) ?? []).forEach((_, i) => webhookWarning(state, r, `${a}.webhooks[${i}]`));
}

/** A blue/green Canary's webhook: relsim's blue-green has none, so each is a warning. */
function webhookWarning(state: ImportState, r: ManifestReader, h: string): void {
  const type = r.string(`${h}.type`) || 'rollout';
  const name = JSON.stringify(r.string(`${h}.name`) ?? h.slice(h.lastIndexOf('.') + 1));
  const cmd = String(r.get(`${h}.metadata.cmd`) ?? '');
  const loadTest = isLoadTestHook(cmd, r.string(`${h}.name`) ?? '');
  switch (type) {
    case 'pre-rollout':
    case 'rollout':
    case 'confirm-rollout':
    case 'confirm-traffic-increase':
    case 'confirm-promotion':
      if (loadTest) {
        state.warn(r.doc, h, `${type} webhook ${name} is a load test: not modelled; relsim's requests are the model's traffic, and the load generator's do not reach the canary`);
      } else {
        state.warn(r.doc, h, `${type} webhook ${name}: treated as approved; relsim has no manual gate or external check, so the release goes on as if it answered 200`);
      }
      return;
    case 'rollback':
      state.warn(r.doc, h, `rollback webhook ${name}: treated as never asking for a rollback; relsim has no external trigger`);
      return;
    case 'post-rollout':
    case 'event':
      return; // runs after the release, or only notifies: changes nothing relsim simulates
    default:
      state.warn(r.doc, `${h}.type`, `unknown webhook type ${JSON.stringify(type)}: not modelled`);
  }
}

/** The analysis interval: Flagger's default 60 s, and never below 10 s (Flagger raises it). */
function intervalOf(state: ImportState, r: ManifestReader, a: string): number {
  const ms = r.duration(`${a}.interval`);
  if (ms === undefined) return FLAGGER.intervalMs;
  if (ms < FLAGGER.minIntervalMs) {
    state.warn(r.doc, `${a}.interval`, `Flagger runs its checks at most every ${formatDuration(FLAGGER.minIntervalMs)}; relsim uses ${formatDuration(FLAGGER.minIntervalMs)}, as Flagger does`);
    return FLAGGER.minIntervalMs;
  }
  return ms;
}

function canary(state: ImportState, r: ManifestReader, a: string): StrategyImport {
  const by = `${r.doc.kind}/${r.doc.name}`;
  const fields: Fields = [['name', 'canary', r.source(a)]];
  fields.push(['trafficRouting', true, r.has('spec.provider') ? r.source('spec.provider') : `${by}: Flagger shifts traffic by weight on its mesh or ingress router`]);
  const interval = intervalOf(state, r, a);
  if (r.has(`${a}.interval`)) fields.push(['interval', formatDuration(interval), r.source(`${a}.interval`)]);
  if (r.map(`${a}.sessionAffinity`)) {
    // Flagger's cookie lifetime defaults to a day.
    const maxAge = r.int(`${a}.sessionAffinity.maxAge`, { min: 1 });
    fields.push(['sessionAffinity', maxAge === undefined ? true : { maxAge: formatDuration(maxAge * 1000) }, r.source(`${a}.sessionAffinity`)]);
  }

  const step = r.int(`${a}.stepWeight`) ?? 0;
  const list = (r.list(`${a}.stepWeights`) ?? []).map((_, i) => {
    const v = r.int(`${a}.stepWeights[${i}]`, { min: 1 });
    if (v === undefined || v > 100) r.expected(`${a}.stepWeights[${i}]`, 'a weight 1–100', r.get(`${a}.stepWeights[${i}]`));
    return v;
  });
  if (step === 0 && list.length === 0) {
    r.fail(a, 'expected stepWeight, stepWeights or iterations: without them Flagger never shifts traffic to the canary');
  }
  if (step > 100) r.expected(`${a}.stepWeight`, 'a weight 1–100', step);
  // Above 100 Flagger's weight (capped at 100) never reaches it, and the canary never promotes.
  if ((r.int(`${a}.maxWeight`) ?? 0) > 100) r.expected(`${a}.maxWeight`, 'a weight 1–100', r.get(`${a}.maxWeight`));
  if (step > 0) {
    // Flagger steps by stepWeight (which wins over stepWeights) while the weight is below the
    // maximum: maxWeight (default 100), or the last of stepWeights.
    const max = list.length > 0 ? Math.min(100, list[list.length - 1]) : r.int(`${a}.maxWeight`) || FLAGGER.maxWeight;
    const maxSource = list.length > 0 ? r.source(`${a}.stepWeights`)
      : r.int(`${a}.maxWeight`) ? r.source(`${a}.maxWeight`) : `${r.source(`${a}.maxWeight`)} (absent: Flagger's default, ${FLAGGER.maxWeight})`;
    const weights: number[] = [];
    for (let w = 0; w < max;) weights.push(w = Math.min(100, w + step));
    if (max % step === 0) {
      fields.push(['stepWeight', step, r.source(`${a}.stepWeight`)]);
      fields.push(['maxWeight', max, maxSource]);
    } else {
      // relsim's shorthand stops at the last multiple of stepWeight ≤ maxWeight; Flagger
      // takes one more step past it (capped at 100), so the weights are written out.
      fields.push(['stepWeights', weights, `${r.source(`${a}.stepWeight`)} ${step} up to maxWeight ${max}: Flagger's weights, the last past maxWeight`]);
    }
  } else {
    fields.push(['stepWeights', list, r.source(`${a}.stepWeights`)]);
  }

  if (r.bool(`${a}.mirror`) === true) {
    fields.push(['mirror', true, `${r.source(`${a}.mirror`)}: copies reach the canary for one interval before the weights shift`]);
    const mw = mirrorWeightOf(r, a);
    if (mw !== undefined) fields.push(['mirrorWeight', mw, r.source(`${a}.mirrorWeight`)]);
  }
  pushWebhooks(fields, state, r, a);
  const analysis = builtinMetrics(state, r, a, interval);
  if (analysis) {
    const t = r.int(`${a}.threshold`) || 0;
    fields.push(['threshold', t || FLAGGER.threshold, t ? r.source(`${a}.threshold`) : `${r.source(`${a}.threshold`)} (absent: Flagger's default, ${FLAGGER.threshold})`]);
    fields.push(['analysis', analysis, r.source(`${a}.metrics`)]);
  }
  return { fields, steps: null };
}

/**
 * Flagger's built-in metrics as relsim's analysis judges. The shorthand gives the analysis
 * Flagger's interval (relsim measures at every check, as Flagger counts failed checks) and
 * failureLimit threshold − 1 (Flagger rolls back at `threshold` failed checks).
 */
function builtinMetrics(state: ImportState, r: ManifestReader, a: string, interval: number): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  (r.list(`${a}.metrics`) ?? []).forEach((_, i) => {
    const m = `${a}.metrics[${i}]`;
    const name = r.string(`${m}.name`) ?? `metrics[${i}]`;
    const skip = (why: string) => state.warn(r.doc, m, `metric ${JSON.stringify(name)}: ${why}; relsim treats it as passing`);
    if (r.map(`${m}.templateRef`)) return skip(`its MetricTemplate (${r.string(`${m}.templateRef.name`) ?? '?'}) is a query relsim cannot evaluate`);
    if (r.has(`${m}.query`)) return skip('an inline query relsim cannot evaluate');
    // thresholdRange, or the deprecated `threshold` (a minimum success rate, a maximum duration).
    const ranged = r.map(`${m}.thresholdRange`) !== undefined;
    if (name === 'request-success-rate') {
      const at = ranged ? `${m}.thresholdRange.min` : `${m}.threshold`;
      const min = number(r, at, 0, 100, 'a percentage 0–100');
      if (ranged && r.has(`${m}.thresholdRange.max`)) state.warn(r.doc, `${m}.thresholdRange.max`, 'not modelled: relsim checks a minimum success rate only');
      if (min === undefined) return; // no bound: Flagger never fails it either
      out.successRate = Math.round((min / 100) * 1e9) / 1e9;
    } else if (name === 'request-duration') {
      const at = ranged ? `${m}.thresholdRange.max` : `${m}.threshold`;
      const max = number(r, at, 0, Infinity, 'milliseconds');
      if (ranged && r.has(`${m}.thresholdRange.min`)) state.warn(r.doc, `${m}.thresholdRange.min`, 'not modelled: relsim checks a maximum latency only');
      if (max === undefined) return;
      // Flagger's request-duration is the 99th percentile, in milliseconds.
      out.latency = { p: 99, max: formatDuration(Math.max(1, Math.round(max))) };
    } else {
      return skip('not a built-in metric (request-success-rate, request-duration) and no templateRef');
    }
    const window = r.duration(`${m}.interval`) ?? FLAGGER.metricWindowMs;
    if (window !== interval) {
      state.warn(r.doc, r.has(`${m}.interval`) ? `${m}.interval` : m, `metric ${JSON.stringify(name)}: Flagger queries the last ${formatDuration(window)}` +
        `${r.has(`${m}.interval`) ? '' : ' (its default window)'} at each check; relsim judges each check on the requests of one analysis interval (${formatDuration(interval)})`);
    }
  });
  return Object.keys(out).length > 0 ? out : null;
}

function number(r: ManifestReader, at: string, min: number, max: number, what: string): number | undefined {
  const v = r.get(at);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || v < min || v > max) r.expected(at, what, v);
  return v;
}

/** Metrics under an A/B test or blue/green: relsim's strategy has nothing to judge them with. */
function unjudgedMetrics(state: ImportState, r: ManifestReader, a: string, why: string): void {
  const names = (r.list(`${a}.metrics`) ?? []).map((_, i) => JSON.stringify(r.string(`${a}.metrics[${i}].name`) ?? `metrics[${i}]`));
  if (names.length > 0) state.warn(r.doc, `${a}.metrics`, `not evaluated: ${why}, so ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} treated as passing`);
}

function ab(state: ImportState, r: ManifestReader, a: string): StrategyImport {
  const by = `${r.doc.kind}/${r.doc.name}`;
  const iterations = r.int(`${a}.iterations`, { min: 1 }) ?? 1;
  const interval = intervalOf(state, r, a);
  const rules = r.list(`${a}.match`) ?? [];
  // Several rules are Istio's OR: relsim's list of rules, one of which must hold.
  const match = rules.length > 1 ? { any: rules.map((_, i) => matchRule(state, r, `${a}.match[${i}]`)) } : matchRule(state, r, `${a}.match[0]`);
  const fields: Fields = [
    ['name', 'ab', r.source(a)],
    ['match', matchAsWritten(match), r.source(rules.length > 1 ? `${a}.match` : `${a}.match[0]`)],
    ['duration', formatDuration(iterations * interval), `${r.source(`${a}.iterations`)} (${iterations}) × interval (${formatDuration(interval)})`],
    ['then', 'promote', `${by}: Flagger promotes after the last iteration`],
  ];
  // Flagger judges the cohort at every iteration and rolls back at `threshold` failed checks.
  pushJudgedAnalysis(fields, state, r, a, interval);
  pushWebhooks(fields, state, r, a);
  return { fields, steps: null };
}

/** mirrorWeight as given (1–100), or undefined (Flagger's default: every request). */
function mirrorWeightOf(r: ManifestReader, a: string): number | undefined {
  if (!r.has(`${a}.mirrorWeight`)) return undefined;
  const w = r.int(`${a}.mirrorWeight`, { min: 1 });
  if (w === undefined || w > 100) r.expected(`${a}.mirrorWeight`, 'a percentage 1–100', r.get(`${a}.mirrorWeight`));
  return w;
}

/**
 * Flagger's blue/green with traffic mirroring: for iterations × interval the new stack gets
 * copies of the requests (mirrorWeight %, default all) and the analysis judges them; then
 * all traffic switches. relsim's blue-green has no mirror, so this is a canary at full size
 * with a mirror route, one pause, and the switch to 100.
 */
function blueGreenMirrored(state: ImportState, r: ManifestReader, a: string): StrategyImport {
  const by = `${r.doc.kind}/${r.doc.name}`;
  const iterations = r.int(`${a}.iterations`, { min: 1 }) ?? 1;
  const interval = intervalOf(state, r, a);
  const span = `${r.source(`${a}.iterations`)} (${iterations}) × interval (${formatDuration(interval)})`;
  const weight = mirrorWeightOf(r, a) ?? 100;
  const fields: Fields = [
    ['name', 'canary', `${r.source(`${a}.mirror`)}: Flagger's blue/green with traffic mirroring, as a canary at full size that gets copies, then the switch`],
    ['trafficRouting', true, `${by}: Flagger mirrors and switches on its mesh router`],
  ];
  pushWebhooks(fields, state, r, a);
  pushJudgedAnalysis(fields, state, r, a, interval);
  const steps: [unknown, string][] = [
    [{ setCanaryScale: { weight: 100 } }, `${by}: Flagger runs the new stack at full size`],
    [{ setMirrorRoute: { percentage: weight } }, r.has(`${a}.mirrorWeight`) ? r.source(`${a}.mirrorWeight`) : `${r.source(`${a}.mirror`)} (mirrorWeight absent: every request)`],
    [{ pause: { duration: formatDuration(iterations * interval) } }, span],
    [{ setMirrorRoute: { percentage: 0 } }, `${by}: mirroring stops at promotion`],
    [{ setWeight: 100 }, `${by}: Flagger switches all traffic after the last iteration`],
  ];
  return { fields, steps };
}

/** The Canary's webhooks as relsim's, when it has any. */
function pushWebhooks(fields: Fields, state: ImportState, r: ManifestReader, a: string): void {
  const hooks = importWebhooks(state, r, a);
  if (hooks.length > 0) fields.push(['webhooks', hooks, r.source(`${a}.webhooks`)]);
}

/** Flagger's metrics judged every interval, rolling back at `threshold` failed checks (relsim's failureLimit is threshold − 1). */
function pushJudgedAnalysis(fields: Fields, state: ImportState, r: ManifestReader, a: string, interval: number): void {
  const analysis = builtinMetrics(state, r, a, interval);
  if (!analysis) return;
  const t = r.int(`${a}.threshold`) || FLAGGER.threshold;
  fields.push(['analysis', { ...analysis, interval: formatDuration(interval), failureLimit: t - 1 }, r.source(`${a}.metrics`)]);
}

function blueGreen(state: ImportState, r: ManifestReader, a: string): StrategyImport {
  if (r.bool(`${a}.mirror`) === true) return blueGreenMirrored(state, r, a);
  const iterations = r.int(`${a}.iterations`, { min: 1 }) ?? 1;
  const interval = intervalOf(state, r, a);
  unjudgedMetrics(state, r, a, 'in relsim the new stack gets no requests before the switch (Flagger measures a load tester\'s or mirrored ones)');
  const fields: Fields = [
    ['name', 'blue-green', r.source(a)],
    ['autoPromotionSeconds', Math.round((iterations * interval) / 1000), `${r.source(`${a}.iterations`)} (${iterations}) × interval (${formatDuration(interval)})`],
  ];
  return { fields, steps: null };
}

/** skipAnalysis, or the kubernetes provider: production traffic sees a rolling update of the primary. */
function rolling(state: ImportState, r: ManifestReader, w: Workload, why: 'skipAnalysis' | 'provider'): StrategyImport {
  const target = `${w.doc.kind}/${w.doc.name}`;
  if (why === 'skipAnalysis') {
    state.warn(r.doc, 'spec.skipAnalysis', `Flagger promotes without analysis: traffic stays on the primary, which takes the new version by a rolling update; relsim runs ${target}'s rolling update`);
  } else {
    const a = r.map('spec.analysis') ? 'spec.analysis' : 'spec.canaryAnalysis';
    const iterations = r.int(`${a}.iterations`) || FLAGGER.blueGreenIterations;
    state.warn(r.doc, 'spec.provider', `kubernetes cannot shift traffic: Flagger checks the canary for ${iterations} iterations (no production traffic reaches it), ` +
      `then promotes by a rolling update of the primary; relsim runs ${target}'s rolling update from the start, without the analysis`);
  }
  const fields: Fields = Object.entries(deploymentStrategy(state, w)).map(([k, v]) => [k, v, w.r.source(
    k === 'progressDeadlineSeconds' ? 'spec.progressDeadlineSeconds' : k === 'name' ? 'spec.strategy.type' : `spec.strategy.rollingUpdate.${k}`)]);
  return { fields, steps: null };
}

/**
 * Istio's HTTPMatchRequest (Flagger's `match`) as relsim's match rule: a header or query
 * parameter with an exact, prefix or regex value (Istio's regex, RE2, matches the whole
 * value as relsim's does; one that is a literal value becomes that exact value), the cookie
 * as Flagger's docs write it (`cookie: {regex: "^(.*?;)?(canary=always)(;.*)?$"}`). A
 * condition relsim cannot express is an error: dropping it would send a larger cohort to
 * the canary than Flagger does.
 */
function matchRule(state: ImportState, r: ManifestReader, at: string): MatchRule {
  const rule = r.map(at);
  if (!rule) r.expected(at, 'a match rule like {headers: {x-canary: {exact: insider}}}', r.get(at));
  const out: MatchRule = {};
  const put = (kind: 'header' | 'cookie' | 'query', name: string, value: Omit<MatchValue, 'name'>, where: string) => {
    if (out[kind]) r.fail(where, `relsim's A/B match takes one ${kind} condition (and one of each other kind); this rule has a second`);
    out[kind] = { name, ...value };
  };
  for (const key of Object.keys(rule)) {
    if (key === 'name') continue; // a label for the route
    if (key !== 'headers' && key !== 'queryParams') {
      r.fail(`${at}.${key}`, `relsim's A/B match reads headers and queryParams; a ${key} condition cannot be modelled (remove it, or import a copy without it)`);
    }
    const conds = r.map(`${at}.${key}`) ?? {};
    for (const [name, cond] of Object.entries(conds)) {
      const where = `${at}.${key}.${name}`;
      if (key === 'headers' && name.toLowerCase() === 'cookie') {
        const c = cookieOf(cond);
        if (!c) r.fail(where, `expected Flagger's cookie form {regex: "^(.*?;)?(name=value)(;.*)?$"} or {exact: "name=value"}, got ${describeValue(cond)}`);
        put('cookie', c.name, { value: c.value }, where);
        continue;
      }
      const value = valueOf(r, cond, where);
      put(key === 'headers' ? 'header' : 'query', name, value, where);
    }
  }
  if (Object.keys(out).length === 0) r.fail(at, 'expected a header or query parameter condition');
  return out;
}

/** An exact, prefix or regex value (an anchored regex of one literal value is that exact value). */
function valueOf(r: ManifestReader, cond: unknown, where: string): Omit<MatchValue, 'name'> {
  const c = (cond && typeof cond === 'object' && !Array.isArray(cond) ? cond : {}) as Record<string, unknown>;
  if (typeof c.exact === 'string' || typeof c.exact === 'number') return { value: String(c.exact) };
  if (typeof c.prefix === 'string' || typeof c.prefix === 'number') return { value: String(c.prefix), kind: 'prefix' };
  if (typeof c.regex === 'string') {
    const lit = /^\^((?:[A-Za-z0-9_-]|\\\.)+)\$$/.exec(c.regex);
    if (lit) return { value: lit[1].replace(/\\\./g, '.') };
    if (isRegex(c.regex)) return { value: c.regex, kind: 'regex' }; // else not JavaScript's dialect: refused below
  }
  r.fail(where, `relsim matches exact, prefix and regex values (a regex JavaScript can read): expected {exact | prefix | regex: value}, got ${describeValue(cond)}`);
}

const COOKIE_REGEX = /^\^\(\.\*\?;\)\?\(([A-Za-z0-9_-]+)=((?:[A-Za-z0-9_-]|\\\.)+)\)\(;\.\*\)\?\$$/;

function cookieOf(cond: unknown): { name: string; value: string } | null {
  const c = (cond && typeof cond === 'object' && !Array.isArray(cond) ? cond : {}) as Record<string, unknown>;
  if (typeof c.regex === 'string') {
    const m = COOKIE_REGEX.exec(c.regex);
    return m ? { name: m[1], value: m[2].replace(/\\\./g, '.') } : null;
  }
  if (typeof c.exact === 'string') {
    const m = /^([A-Za-z0-9_-]+)=([^;\s]+)$/.exec(c.exact);
    return m ? { name: m[1], value: m[2] } : null;
  }
  return null;
}
