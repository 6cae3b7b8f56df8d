/**
 * Gateway API HTTPRoute (gateway.networking.k8s.io/v1 or v1beta1). A rule with two
 * Service `backendRefs` is a weight split (`weight` defaults to 1; the canary's share is its
 * weight over the sum). A rule whose `matches` carry `headers` (type Exact, the default) or
 * `queryParams` and send them to one backend, while the route's default rule (no such
 * match) sends everyone else to another, is a header A/B route. relsim runs one route per
 * release: the weight split when it sends the canary anything, else the match.
 */
import type { ManifestReader } from '../../manifest-reader.ts';
import type { ImportState } from '../../import-state.ts';
import { isRegex } from '../../../matching.ts';
import type { MatchRule } from '../../../types.ts';
import { percent, pickRoute, stableFirst, type Backend, type MatchedRule, type RoutingKind, type WeightedRule } from './common.ts';

interface Ref { service: string | null; weight: number; field: string; at: string }

function refs(r: ManifestReader, rule: string): Ref[] {
  return (r.list(`${rule}.backendRefs`) ?? []).map((_, k) => {
    const at = `${rule}.backendRefs[${k}]`;
    const kind = r.string(`${at}.kind`) ?? 'Service';
    const group = r.string(`${at}.group`) ?? '';
    return { service: kind === 'Service' && group === '' ? (r.string(`${at}.name`) ?? null) : null, weight: r.int(`${at}.weight`) ?? 1, field: `${at}.name`, at };
  });
}

/**
 * A rule's match as relsim's, null when it has no header or query match (a default rule).
 * Several `matches` are Gateway API's OR: relsim's list of rules. A value's type is `Exact`
 * or `RegularExpression` (matched against the whole value, as relsim does).
 */
function ruleMatch(state: ImportState, r: ManifestReader, rule: string): MatchRule | null | 'unmodelled' {
  const matches = r.list(`${rule}.matches`) ?? [];
  const with_ = matches.map((_, i) => i).filter((i) => (r.list(`${rule}.matches[${i}].headers`) ?? []).length > 0 || (r.list(`${rule}.matches[${i}].queryParams`) ?? []).length > 0);
  if (with_.length === 0) return null;
  if (with_.length < matches.length) {
    state.warn(r.doc, `${rule}.matches`, `${matches.length - with_.length} of its ${matches.length} matches test no header or query parameter; relsim reads only those that do (${with_.map((i) => `matches[${i}]`).join(', ')})`);
  }
  const any: MatchRule[] = [];
  for (const i of with_) {
    const one = oneMatch(state, r, `${rule}.matches[${i}]`);
    if (one === 'unmodelled') return 'unmodelled';
    any.push(one);
  }
  return any.length === 1 ? any[0] : { any };
}

/** One entry of `matches`: all its conditions must hold. */
function oneMatch(state: ImportState, r: ManifestReader, m: string): MatchRule | 'unmodelled' {
  const out: MatchRule = {};
  for (const [list, key] of [['headers', 'header'], ['queryParams', 'query']] as const) {
    const items = r.list(`${m}.${list}`) ?? [];
    if (items.length === 0) continue;
    const at = `${m}.${list}[0]`;
    const type = r.string(`${at}.type`) ?? 'Exact';
    const name = r.string(`${at}.name`);
    const value = r.string(`${at}.value`);
    if (!name || value === undefined) r.fail(at, 'expected name and value');
    const regexOk = type === 'RegularExpression' && isRegex(value);
    if (type !== 'Exact' && !regexOk) {
      const why = type === 'RegularExpression' ? `a regex JavaScript cannot read: ${JSON.stringify(value)}` : `${type} ${name}`;
      state.warn(r.doc, `${at}.type`, `not modelled: relsim matches Exact and RegularExpression values (${why}); the requests this rule sends to its backend stay on the stable version`);
      return 'unmodelled';
    }
    if (items.length > 1) state.warn(r.doc, `${m}.${list}`, `${items.length} ${list} that must all match; relsim matches one ${key} and models ${name} only, so the cohort is wider than the route's`);
    out[key] = type === 'Exact' ? { name, value } : { name, value, kind: 'regex' };
  }
  if (r.has(`${m}.method`)) state.warn(r.doc, `${m}.method`, 'not modelled: relsim requests have no method; read as matching every method');
  const path = r.string(`${m}.path.value`);
  if (path !== undefined && path !== '/') state.warn(r.doc, `${m}.path`, 'not modelled: relsim requests have no path; read as matching every path');
  return out;
}

function warnFilters(state: ImportState, r: ManifestReader, rule: string): void {
  (r.list(`${rule}.filters`) ?? []).forEach((_, i) => {
    const type = r.string(`${rule}.filters[${i}].type`);
    if (type === 'RequestMirror') state.warn(r.doc, `${rule}.filters[${i}]`, 'not modelled: relsim imports no standing mirror from a route (it mirrors only during a canary step: add a setMirrorRoute step to the release in the model)');
  });
  if (r.has(`${rule}.timeouts`)) state.warn(r.doc, `${rule}.timeouts`, 'not modelled here: set the caller\'s client timeout in the model');
}

export const httpRoute: RoutingKind = {
  group: 'gateway.networking.k8s.io',
  kind: 'HTTPRoute',
  backends(r) {
    return (r.list('spec.rules') ?? []).flatMap((_, i) => refs(r, `spec.rules[${i}]`).flatMap((x) => (x.service ? [x.service] : [])));
  },
  splits(state, r) {
    const rules = (r.list('spec.rules') ?? []).map((_, i) => `spec.rules[${i}]`);
    let weighted: WeightedRule | null = null;
    let matched: MatchedRule | null = null;
    let fallback: Backend | null = null;
    for (const rule of rules) {
      const rs = refs(r, rule);
      const match = ruleMatch(state, r, rule);
      if (rs.length > 2) {
        state.warn(r.doc, `${rule}.backendRefs`, `${rs.length} backends; relsim models a split between two versions, so this rule is not imported`);
        continue;
      }
      if (rs.some((x) => !x.service)) {
        if (rs.length === 2 || match) state.warn(r.doc, `${rule}.backendRefs`, 'relsim follows backendRefs to core Services only; this rule is not imported');
        continue;
      }
      if (rs.length === 2 && !match && !weighted) {
        warnFilters(state, r, rule);
        const [stable, canary] = stableFirst(state, r, backend(rs[0]), backend(rs[1]), `${rule}.backendRefs`);
        const canaryRef = rs.find((x) => x.field === canary.field)!;
        const share = percent(canaryRef.weight, rs[0].weight + rs[1].weight);
        const field = r.has(`${canaryRef.at}.weight`) ? `${canaryRef.at}.weight` : `${rule}.backendRefs`;
        const of = `${canaryRef.weight} of ${rs[0].weight + rs[1].weight}`;
        weighted = { rule, percent: share, split: { r, stable, canary, route: { weight: share, field, ...(rs[0].weight + rs[1].weight !== 100 ? { of } : {}) } } };
      } else if (rs.length === 1 && match && !matched) {
        warnFilters(state, r, rule);
        matched = { rule, match: match === 'unmodelled' ? null : match, backend: backend(rs[0]), field: `${rule}.matches` };
      } else if (rs.length === 1 && !match && !fallback) {
        fallback = backend(rs[0]);
      }
    }
    return pickRoute(state, r, weighted, matched, fallback);
  },
};

function backend(x: Ref): Backend {
  return { service: x.service!, field: x.field };
}
