/**
 * `release.strategy:` — a strategy name, or `{name, …knobs}` read over that strategy's
 * defaults. Canary also takes Flagger's shorthand (interval/stepWeight/maxWeight/threshold),
 * expanded here into Argo-style steps.
 */
import {
  STRATEGY_NAMES, type AnalysisSpec, type CanaryStep, type LaneSpec, type MatchRule, type MatchValue, type StrategyName, type StrategySpec,
} from './types.ts';
import { Reader, join, quoteKey, type Raw, type RawMap } from './reader.ts';
import { COOKIE_HEADER, wholeRegex } from './matching.ts';
import { required } from './read-distribution.ts';
import { defaultAnalysis, defaultStrategy, FLAGGER_DEFAULTS } from './defaults.ts';
import { readWebhooks } from './read-webhooks.ts';

const FLAGGER_KNOBS = ['interval', 'stepWeight', 'stepWeights', 'maxWeight', 'threshold', 'mirror', 'mirrorWeight'];
const STABLE_SCALINGS = ['full', 'partition'] as const;

/** Argo canary fields naming Kubernetes Services: accepted (so Argo's examples paste in), with a warning. */
const ARGO_SERVICE_NAMES = ['canaryService', 'stableService'];

export const STRATEGY_KNOBS: Record<StrategyName, readonly string[]> = {
  recreate: ['name'],
  rolling: ['name', 'maxSurge', 'maxUnavailable', 'minReadySeconds', 'progressDeadlineSeconds', 'batches', 'takeOutFirst', 'drainWait'],
  'blue-green': ['name', 'previewReplicaCount', 'autoPromotionEnabled', 'autoPromotionSeconds', 'scaleDownDelaySeconds', 'abortScaleDownDelaySeconds', 'prePromotionAnalysis', 'postPromotionAnalysis', 'previewMatch', 'progressDeadlineSeconds', 'progressDeadlineAbort'],
  canary: ['name', 'steps', 'trafficRouting', 'stableScaling', 'maxSurge', 'maxUnavailable', 'analysis', 'abortScaleDownDelaySeconds', 'scaleDownDelaySeconds', 'progressDeadlineSeconds', 'progressDeadlineAbort', 'sessionAffinity', 'webhooks', ...FLAGGER_KNOBS, ...ARGO_SERVICE_NAMES],
  ab: ['name', 'match', 'duration', 'iterations', 'then', 'replicas', 'analysis', 'webhooks'],
  lanes: ['name', 'lanes', 'mode', 'duration', 'teardown'],
};

export function readStrategy(r: Reader, v: Raw, path: string): StrategySpec {
  if (typeof v === 'string') return defaultStrategy(r.oneOf(v, path, STRATEGY_NAMES));
  if (!r.isMap(v)) r.expected(path, `a strategy name (${STRATEGY_NAMES.join(', ')}) or a map {name, …}`, v);
  const name = r.oneOf(required(r, v.name, join(path, 'name')), join(path, 'name'), STRATEGY_NAMES);
  const f = r.fields(v, path, STRATEGY_KNOBS[name]);
  const at = (k: string) => join(path, k);
  const s = defaultStrategy(name);
  switch (s.name) {
    case 'recreate':
      return s;
    case 'rolling':
      if (f.maxSurge !== undefined) s.maxSurge = r.intOrPercent(f.maxSurge, at('maxSurge'));
      if (f.maxUnavailable !== undefined) s.maxUnavailable = r.intOrPercent(f.maxUnavailable, at('maxUnavailable'));
      if (isZero(s.maxSurge) && isZero(s.maxUnavailable)) r.fail(at('maxUnavailable'), 'maxSurge and maxUnavailable cannot both be 0 (the rollout could never progress)');
      if (f.minReadySeconds !== undefined) s.minReadySeconds = r.secondsAsMs(f.minReadySeconds, at('minReadySeconds'));
      if (f.progressDeadlineSeconds !== undefined) s.progressDeadlineSeconds = r.secondsAsMs(f.progressDeadlineSeconds, at('progressDeadlineSeconds'));
      if (f.batches !== undefined) s.batches = readBatches(r, f.batches, at('batches'));
      if (f.takeOutFirst !== undefined) s.takeOutFirst = r.boolean(f.takeOutFirst, at('takeOutFirst'));
      if (f.drainWait !== undefined) s.drainWait = r.duration(f.drainWait, at('drainWait'));
      if (s.takeOutFirst && f.batches !== undefined) r.warn(at('batches'), 'has no effect with takeOutFirst: instances are taken out and replaced one at a time');
      return s;
    case 'blue-green':
      if (f.previewReplicaCount !== undefined) s.previewReplicaCount = r.replicas(f.previewReplicaCount, at('previewReplicaCount'), 1);
      if (f.autoPromotionEnabled !== undefined) s.autoPromotionEnabled = r.boolean(f.autoPromotionEnabled, at('autoPromotionEnabled'));
      if (f.autoPromotionSeconds !== undefined) s.autoPromotionSeconds = r.secondsAsMs(f.autoPromotionSeconds, at('autoPromotionSeconds'));
      if (f.scaleDownDelaySeconds !== undefined) s.scaleDownDelaySeconds = r.secondsAsMs(f.scaleDownDelaySeconds, at('scaleDownDelaySeconds'));
      if (f.abortScaleDownDelaySeconds !== undefined) s.abortScaleDownDelaySeconds = r.secondsAsMs(f.abortScaleDownDelaySeconds, at('abortScaleDownDelaySeconds'));
      if (f.prePromotionAnalysis !== undefined) s.prePromotionAnalysis = readAnalysis(r, f.prePromotionAnalysis, at('prePromotionAnalysis'));
      if (f.postPromotionAnalysis !== undefined) s.postPromotionAnalysis = readAnalysis(r, f.postPromotionAnalysis, at('postPromotionAnalysis'));
      if (f.previewMatch !== undefined) s.previewMatch = readMatch(r, f.previewMatch, at('previewMatch'));
      readDeadline(r, f, s, at);
      return s;
    case 'canary':
      if (f.trafficRouting !== undefined) s.trafficRouting = r.boolean(f.trafficRouting, at('trafficRouting'));
      if (f.stableScaling !== undefined) s.stableScaling = r.oneOf(f.stableScaling, at('stableScaling'), STABLE_SCALINGS);
      if (f.maxSurge !== undefined) s.maxSurge = r.intOrPercent(f.maxSurge, at('maxSurge'));
      if (f.maxUnavailable !== undefined) s.maxUnavailable = r.intOrPercent(f.maxUnavailable, at('maxUnavailable'));
      if (f.abortScaleDownDelaySeconds !== undefined) s.abortScaleDownDelaySeconds = r.secondsAsMs(f.abortScaleDownDelaySeconds, at('abortScaleDownDelaySeconds'));
      if (f.scaleDownDelaySeconds !== undefined) s.scaleDownDelaySeconds = r.secondsAsMs(f.scaleDownDelaySeconds, at('scaleDownDelaySeconds'));
      readDeadline(r, f, s, at);
      if (f.sessionAffinity !== undefined) s.sessionAffinity = readAffinity(r, f.sessionAffinity, at('sessionAffinity'));
      if (f.analysis !== undefined) s.analysis = readAnalysis(r, f.analysis, at('analysis'));
      if (f.steps !== undefined) s.steps = readSteps(r, f.steps, at('steps'));
      if (f.webhooks !== undefined) s.webhooks = readWebhooks(r, f.webhooks, at('webhooks'));
      if (!s.trafficRouting) {
        const k = s.steps.findIndex((x) => 'setMirrorRoute' in x || 'setHeaderRoute' in x);
        if (k >= 0) {
          const kind = 'setMirrorRoute' in s.steps[k] ? 'setMirrorRoute' : 'setHeaderRoute';
          r.fail(join(join(at('steps'), k), kind), `needs trafficRouting: true: Argo sets ${kind === 'setMirrorRoute' ? 'mirror' : 'header'} routes on its traffic router, and without one there is no route to set`);
        }
      }
      for (const k of ARGO_SERVICE_NAMES) {
        if (f[k] !== undefined) r.warn(at(k), 'has no effect: it names a Kubernetes Service, and relsim routes by its own service names; `relsim import` reads a Rollout together with its Services');
      }
      if (s.trafficRouting && s.stableScaling === 'full') {
        // With a router the canary is sized from the weight and promotion swaps at once
        // (partition style rolls its pods within maxSurge/maxUnavailable instead).
        for (const k of ['maxSurge', 'maxUnavailable'] as const) {
          if (f[k] !== undefined) r.warn(at(k), 'has no effect with trafficRouting: true (the router carries the weight; promotion scales the canary to full size at once)');
        }
      }
      if (FLAGGER_KNOBS.some((k) => f[k] !== undefined)) {
        if (f.steps !== undefined) r.fail(at('steps'), 'steps cannot be combined with the Flagger shorthand (interval, stepWeight, stepWeights, maxWeight, threshold, mirror)');
        applyFlagger(r, f, path, s);
      }
      return s;
    case 'ab':
      if (f.match !== undefined) s.match = readMatch(r, f.match, at('match'));
      if (f.duration !== undefined) s.duration = r.duration(f.duration, at('duration'), { positive: true });
      if (f.analysis !== undefined) s.analysis = readAnalysis(r, f.analysis, at('analysis'));
      if (f.iterations !== undefined) {
        // Flagger's A/B: the test lasts iterations × the analysis interval.
        if (f.duration !== undefined) r.fail(at('iterations'), 'give duration or iterations (× analysis.interval), not both');
        if (!s.analysis) r.fail(at('iterations'), 'iterations counts analysis intervals: give an analysis (with its interval), or a duration');
        s.duration = r.integer(f.iterations, at('iterations'), 1) * s.analysis.interval;
      }
      if (f.then !== undefined) s.then = r.oneOf(f.then, at('then'), ['promote', 'rollback'] as const);
      if (f.webhooks !== undefined) s.webhooks = readWebhooks(r, f.webhooks, at('webhooks'));
      if (f.replicas !== undefined) s.replicas = r.replicas(f.replicas, at('replicas'), 1);
      return s;
    case 'lanes':
      s.lanes = readLanes(r, required(r, f.lanes, at('lanes')), at('lanes'));
      if (f.mode !== undefined) s.mode = r.oneOf(f.mode, at('mode'), ['permissive', 'strict'] as const);
      if (f.duration !== undefined) s.duration = r.duration(f.duration, at('duration'), { positive: true });
      if (f.teardown !== undefined) s.teardown = r.boolean(f.teardown, at('teardown'));
      return s;
  }
}

/** Argo's `[{headerName, headerValue: {exact | prefix | regex}}]` (one header), or relsim's match rule (or list of rules). */
function readHeaderRouteMatch(r: Reader, v: Raw, p: string): MatchRule {
  const argo = Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && 'headerName' in x);
  if (!argo) return readMatch(r, v, p);
  if (v.length !== 1) r.fail(p, `relsim matches one header per route in Argo's form, got ${v.length} conditions; write relsim's match rule instead (a list of rules is an OR)`);
  const at = join(p, 0);
  const f = r.fields(v[0], at, ['headerName', 'headerValue'], 'a map {headerName, headerValue: {exact | prefix | regex}}');
  const name = r.token(required(r, f.headerName, join(at, 'headerName')), join(at, 'headerName'), 'a header name');
  const value = r.fields(required(r, f.headerValue, join(at, 'headerValue')), join(at, 'headerValue'), ['exact', 'prefix', 'regex']);
  return { header: readMatchValue(r, { name, ...value }, join(at, 'headerValue'), 'header') };
}

/** Flagger's cookie lifetime: `maxAge` 86400 s by default. */
const AFFINITY_MAX_AGE_MS = 86_400_000;

/** `sessionAffinity: true` or `{maxAge: 1h}` (Flagger's `cookieName` is accepted and changes nothing). */
function readAffinity(r: Reader, v: Raw, p: string): { maxAge: number } | null {
  if (v === false || v === null) return null;
  if (v === true) return { maxAge: AFFINITY_MAX_AGE_MS };
  const f = r.fields(v, p, ['maxAge', 'cookieName'], 'true, or a map {maxAge, cookieName}');
  if (f.cookieName !== undefined) r.name(f.cookieName, join(p, 'cookieName'), 'a cookie name');
  return { maxAge: f.maxAge === undefined ? AFFINITY_MAX_AGE_MS : r.duration(f.maxAge, join(p, 'maxAge'), { positive: true }) };
}

/** Argo's Rollout-level progress deadline, written on the strategy in relsim. */
function readDeadline(r: Reader, f: Record<string, Raw>, s: { progressDeadlineSeconds: number; progressDeadlineAbort: boolean }, at: (k: string) => string): void {
  if (f.progressDeadlineSeconds !== undefined) s.progressDeadlineSeconds = r.secondsAsMs(f.progressDeadlineSeconds, at('progressDeadlineSeconds'));
  if (f.progressDeadlineAbort !== undefined) s.progressDeadlineAbort = r.boolean(f.progressDeadlineAbort, at('progressDeadlineAbort'));
}

function isZero(v: number | string): boolean {
  return v === 0 || v === '0%';
}

function readBatches(r: Reader, v: Raw, path: string): { replicas: number | string; pause: number }[] {
  const list = r.list(v, path, 'a non-empty list of {replicas, pause}');
  if (list.length === 0) r.expected(path, 'a non-empty list of {replicas, pause}', v);
  return list.map((b, i) => {
    const p = join(path, i);
    const f = r.fields(b, p, ['replicas', 'pause']);
    return {
      replicas: r.intOrPercent(required(r, f.replicas, join(p, 'replicas')), join(p, 'replicas')),
      pause: f.pause === undefined ? 0 : r.duration(f.pause, join(p, 'pause')),
    };
  });
}

const STEP_KINDS = ['setWeight', 'pause', 'setCanaryScale', 'analysis', 'setMirrorRoute', 'setHeaderRoute'] as const;

function readSteps(r: Reader, v: Raw, path: string): CanaryStep[] {
  return r.list(v, path, 'a list of steps').map((step, i) => {
    const p = join(path, i);
    if (!r.isMap(step)) r.expected(p, 'a step like {setWeight: 10} or {pause: {duration: 30s}}', step);
    const keys = Object.keys(step);
    if (keys.length !== 1) r.fail(p, `expected exactly one of ${STEP_KINDS.join(', ')} per step, got ${keys.length === 0 ? 'none' : keys.map(quoteKey).join(' and ')}`);
    r.fields(step, p, STEP_KINDS);
    const kind = keys[0] as (typeof STEP_KINDS)[number];
    const q = join(p, kind);
    const body = step[kind];
    switch (kind) {
      case 'setWeight':
        return { setWeight: r.number(body, q, { min: 0, max: 100, what: 'a weight between 0 and 100' }) };
      case 'pause': {
        // Argo writes `pause: {}` for "wait for a human"; `pause: 30s` is accepted as a shorthand,
        // and a bare number is seconds, as in Argo (`pause: {duration: 10}`).
        const pauseMs = (v: Raw, at: string) => (typeof v === 'number' ? r.secondsAsMs(v, at) : r.duration(v, at));
        if (body === null || typeof body === 'string' || typeof body === 'number') {
          return { pause: { duration: body === null ? null : pauseMs(body, q) } };
        }
        const f = r.fields(body, q, ['duration']);
        return { pause: { duration: f.duration === undefined || f.duration === null ? null : pauseMs(f.duration, join(q, 'duration')) } };
      }
      case 'setCanaryScale': {
        const f = r.fields(body, q, ['replicas', 'weight', 'matchTrafficWeight']);
        if (Object.keys(f).length !== 1) r.fail(q, 'expected exactly one of replicas, weight, matchTrafficWeight');
        const out: { replicas?: number; weight?: number; matchTrafficWeight?: boolean } = {};
        if (f.replicas !== undefined) out.replicas = r.replicas(f.replicas, join(q, 'replicas'), 0);
        if (f.weight !== undefined) out.weight = r.number(f.weight, join(q, 'weight'), { min: 0, max: 100, what: 'a weight between 0 and 100' });
        if (f.matchTrafficWeight !== undefined) out.matchTrafficWeight = r.boolean(f.matchTrafficWeight, join(q, 'matchTrafficWeight'));
        return { setCanaryScale: out };
      }
      case 'analysis':
        return { analysis: readAnalysis(r, body, q) };
      case 'setHeaderRoute': {
        // relsim's match rule, or Argo's list form with one header; no match removes the route.
        const f = r.fields(body, q, ['match', 'name'], 'a map {match}');
        return { setHeaderRoute: { match: f.match === undefined || f.match === null ? null : readHeaderRouteMatch(r, f.match, join(q, 'match')) } };
      }
      case 'setMirrorRoute': {
        // Argo names its mirror routes; relsim keeps one per service, so a name changes nothing.
        const f = r.fields(body, q, ['percentage', 'percent', 'match', 'name'], 'a map {percentage, match}');
        if (f.percentage !== undefined && f.percent !== undefined) r.fail(join(q, 'percent'), 'give percentage (Argo\'s name) or percent, not both');
        const pct = f.percentage ?? f.percent;
        return { setMirrorRoute: {
          percent: pct === undefined ? 100 : r.number(pct, join(q, f.percentage !== undefined ? 'percentage' : 'percent'), { min: 0, max: 100, what: 'a percentage between 0 and 100' }),
          match: f.match === undefined ? null : readMatch(r, f.match, join(q, 'match')),
        } };
      }
    }
  });
}

export function readAnalysis(r: Reader, v: Raw, path: string): AnalysisSpec {
  const f = r.fields(v ?? {}, path, ['interval', 'count', 'failureLimit', 'inconclusiveLimit', 'minRequests', 'successRate', 'latency', 'judge']);
  const a = defaultAnalysis();
  const at = (k: string) => join(path, k);
  if (f.interval !== undefined) a.interval = r.duration(f.interval, at('interval'), { positive: true });
  if (f.count !== undefined) a.count = r.integer(f.count, at('count'), 0);
  if (f.failureLimit !== undefined) a.failureLimit = r.integer(f.failureLimit, at('failureLimit'), 0);
  if (f.inconclusiveLimit !== undefined) a.inconclusiveLimit = r.integer(f.inconclusiveLimit, at('inconclusiveLimit'), 0);
  if (f.minRequests !== undefined) a.minRequests = r.integer(f.minRequests, at('minRequests'), 0);
  if (f.successRate !== undefined) a.successRate = r.fraction(f.successRate, at('successRate'));
  if (f.latency !== undefined) {
    const l = r.fields(f.latency, at('latency'), ['p', 'max'], 'a map {p: 99, max: 500ms}');
    a.latency = {
      p: l.p === undefined ? 99 : r.number(l.p, join(at('latency'), 'p'), { min: 0, max: 100, minExclusive: true, what: 'a percentile between 0 and 100' }),
      max: r.duration(required(r, l.max, join(at('latency'), 'max')), join(at('latency'), 'max'), { positive: true }),
    };
  }
  if (f.judge !== undefined) {
    const j = r.fields(f.judge ?? {}, at('judge'), ['confidence', 'tolerance', 'direction']);
    const jp = at('judge');
    // Kayenta's NetflixACAJudge passes confLevel 0.98 and tolerance 0.25.
    a.judge = {
      confidence: j.confidence === undefined ? 0.98 : r.number(j.confidence, join(jp, 'confidence'), { min: 0, max: 1, minExclusive: true }),
      tolerance: j.tolerance === undefined ? 0.25 : r.number(j.tolerance, join(jp, 'tolerance'), { min: 0 }),
      direction: j.direction === undefined ? 'increase' : r.oneOf(j.direction, join(jp, 'direction'), ['increase', 'decrease', 'either'] as const),
    };
  }
  return a;
}

/** Flagger: setWeight w + one interval per weight; threshold failed checks ⇒ rollback. */
function applyFlagger(r: Reader, f: RawMap, path: string, s: StrategySpec & { name: 'canary' }): void {
  const at = (k: string) => join(path, k);
  const interval = f.interval === undefined ? FLAGGER_DEFAULTS.interval : r.duration(f.interval, at('interval'), { positive: true });
  const threshold = f.threshold === undefined ? FLAGGER_DEFAULTS.threshold : r.integer(f.threshold, at('threshold'), 1);
  let weights: number[];
  let stepWeight = 0, maxWeight: number;
  if (f.stepWeights !== undefined) {
    if (f.stepWeight !== undefined) r.fail(at('stepWeight'), 'give stepWeight or stepWeights, not both');
    const list = r.list(f.stepWeights, at('stepWeights'), 'a non-empty list of weights');
    if (list.length === 0) r.expected(at('stepWeights'), 'a non-empty list of weights', f.stepWeights);
    weights = list.map((w, i) => r.number(w, join(at('stepWeights'), i), { min: 0, max: 100, minExclusive: true, what: 'a weight between 0 and 100' }));
    for (let i = 1; i < weights.length; i++) {
      if (weights[i] <= weights[i - 1]) r.fail(join(at('stepWeights'), i), `expected increasing weights, got ${weights[i]} after ${weights[i - 1]}`);
    }
    maxWeight = weights[weights.length - 1];
    if (f.maxWeight !== undefined) r.fail(at('maxWeight'), 'with stepWeights the last weight is the maximum; drop maxWeight');
  } else {
    stepWeight = f.stepWeight === undefined ? FLAGGER_DEFAULTS.stepWeight : r.number(f.stepWeight, at('stepWeight'), { min: 0, max: 100, minExclusive: true, what: 'a weight between 0 and 100' });
    maxWeight = f.maxWeight === undefined ? FLAGGER_DEFAULTS.maxWeight : r.number(f.maxWeight, at('maxWeight'), { min: 0, max: 100, minExclusive: true, what: 'a weight between 0 and 100' });
    if (stepWeight > maxWeight) r.fail(at('stepWeight'), `expected a stepWeight ≤ maxWeight (${maxWeight}), got ${stepWeight}`);
    weights = [];
    // Integer step counting avoids 0.1 + 0.2 style drift in the weight list.
    for (let k = 1; k * stepWeight <= maxWeight + 1e-9; k++) weights.push(Math.round(k * stepWeight * 1e6) / 1e6);
  }
  const mirror = f.mirror === undefined ? false : r.boolean(f.mirror, at('mirror'));
  const mirrorWeight = f.mirrorWeight === undefined ? 100 : r.number(f.mirrorWeight, at('mirrorWeight'), { min: 0, max: 100, minExclusive: true, what: 'a percentage between 0 and 100' });
  if (f.mirrorWeight !== undefined && !mirror) r.warn(at('mirrorWeight'), 'has no effect without mirror: true: it is the share of requests copied to the canary while Flagger mirrors; set mirror: true, or remove it');
  if (mirror && !s.trafficRouting) r.fail(at('mirror'), 'needs trafficRouting: true: Flagger mirrors on its mesh router, and without one there is no route to copy requests on');
  s.steps = [
    // Flagger's pre-stage: the canary (at full size, as Flagger runs it) gets copies of
    // mirrorWeight % of the requests for one interval, judged by the analysis, before any
    // user reaches it; then the copies stop and the weights shift.
    ...(mirror ? [
      { setCanaryScale: { weight: 100 } }, { setMirrorRoute: { percent: mirrorWeight, match: null } }, { pause: { duration: interval } },
      { setMirrorRoute: { percent: 0, match: null } }, { setCanaryScale: { matchTrafficWeight: true } },
    ] satisfies CanaryStep[] : []),
    ...weights.flatMap((w): CanaryStep[] => [{ setWeight: w }, { pause: { duration: interval } }]),
  ];
  s.flagger = { interval, stepWeight, stepWeights: f.stepWeights === undefined ? [] : weights, maxWeight, threshold, mirrorWeight: mirror ? mirrorWeight : 0 };
  if (s.analysis) {
    // Flagger counts failed checks across the whole run; Argo fails when failures > limit.
    const given = r.isMap(f.analysis) ? f.analysis : {};
    if (given.interval === undefined) s.analysis.interval = interval;
    if (given.failureLimit === undefined) s.analysis.failureLimit = threshold - 1;
  }
}

const MATCH_NAME = { header: 'a header name', cookie: 'a cookie name', query: 'a query parameter name' } as const;
const MATCH_HINT = 'a match rule like {header: {name: x-canary, value: "1"}}, or a list of such rules (one must hold)';
/** Longer patterns are refused: a regex is compiled from an untrusted file. */
const MAX_REGEX = 1000;

/** A match rule, or a list of rules one of which must hold (Istio's and Flagger's `match:` list). */
function readMatch(r: Reader, v: Raw, path: string): MatchRule {
  if (!Array.isArray(v)) return readMatchRule(r, v, path);
  if (v.length === 0) r.expected(path, `${MATCH_HINT}; an empty list matches no request`, v);
  const any = v.map((x, i) => readMatchRule(r, x, join(path, i)));
  return any.length === 1 ? any[0] : { any };
}

function readMatchRule(r: Reader, v: Raw, path: string): MatchRule {
  if (Array.isArray(v)) r.expected(path, 'a match rule (a map); a list of rules may not nest', v);
  const f = r.fields(v, path, ['header', 'cookie', 'query', 'userIds', 'percent'], MATCH_HINT);
  if (Object.keys(f).length === 0) r.expected(path, 'at least one of header, cookie, query, userIds, percent', v);
  const m: MatchRule = {};
  for (const k of ['header', 'cookie', 'query'] as const) {
    if (f[k] === undefined) continue;
    m[k] = readMatchValue(r, f[k], join(path, k), k);
  }
  if (f.userIds !== undefined) m.userIds = r.list(f.userIds, join(path, 'userIds')).map((u, i) => r.integer(u, join(join(path, 'userIds'), i), 1, 'a user id (an integer ≥ 1)'));
  if (f.percent !== undefined) m.percent = r.number(f.percent, join(path, 'percent'), { min: 0, max: 100, what: 'a percentage between 0 and 100' });
  return m;
}

/** `{name, value}` (exact; `exact` is the same), `{name, prefix}` or `{name, regex}` (the whole value must match). */
function readMatchValue(r: Reader, v: Raw, p: string, kind: 'header' | 'cookie' | 'query'): MatchValue {
  const nv = r.fields(v, p, ['name', 'value', 'exact', 'prefix', 'regex'], 'a map {name, value} (or {name, prefix} / {name, regex})');
  const name = r.token(required(r, nv.name, join(p, 'name')), join(p, 'name'), MATCH_NAME[kind]);
  if (kind === 'header' && name.toLowerCase() === COOKIE_HEADER) {
    r.fail(join(p, 'name'), 'the Cookie header holds a list of cookies: match one with cookie: {name, value} (it is sought in the Cookie header too)');
  }
  const given = (['value', 'exact', 'prefix', 'regex'] as const).filter((k) => nv[k] !== undefined);
  if (given.length !== 1) r.fail(p, given.length === 0 ? 'expected one of value (or exact), prefix, regex' : `expected one of value (or exact), prefix, regex, got ${given.join(' and ')}`);
  const key = given[0];
  const value = r.fieldValue(nv[key], join(p, key));
  if (key === 'prefix') return { name, value, kind: 'prefix' };
  if (key !== 'regex') return { name, value };
  if (value.length > MAX_REGEX) r.fail(join(p, key), `a regex of at most ${MAX_REGEX} characters, got ${value.length}`);
  try {
    wholeRegex(value);
  } catch (e) {
    r.fail(join(p, key), `not a valid regular expression: ${(e as Error).message}`);
  }
  return { name, value, kind: 'regex' };
}

function readLanes(r: Reader, v: Raw, path: string): LaneSpec[] {
  const list = r.list(v, path, 'a non-empty list of lanes');
  if (list.length === 0) r.expected(path, 'a non-empty list of lanes', v);
  return list.map((lane, i) => {
    const p = join(path, i);
    const f = r.fields(lane, p, ['name', 'tag', 'match', 'services', 'replicas']);
    const name = r.name(required(r, f.name, join(p, 'name')), join(p, 'name'), 'a lane name');
    const services = r.nameKeyed(required(r, f.services, join(p, 'services')), join(p, 'services'), 'a map service → lane version', 'a service name',
      (x, at) => r.name(x, at, 'a version name'));
    if (Object.keys(services).length === 0) r.expected(join(p, 'services'), 'at least one service → version', services);
    return {
      name,
      tag: f.tag === undefined ? name : r.name(f.tag, join(p, 'tag'), 'a tag'),
      match: readMatch(r, required(r, f.match, join(p, 'match')), join(p, 'match')),
      services,
      replicas: f.replicas === undefined ? 1 : r.replicas(f.replicas, join(p, 'replicas'), 1),
    };
  });
}
