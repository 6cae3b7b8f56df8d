/**
 * Istio VirtualService (networking.istio.io/v1, v1beta1, v1alpha3). An `http[]` rule without
 * `match` routing to two destinations with `weight`s is a weight split; a rule whose `match`
 * carries `headers.<name>` (or `queryParams.<name>`) with an `exact`, `prefix` or `regex`
 * value, in one or several match blocks (any of which routes), and routes to one
 * destination, while a rule without match routes everyone else to another, is a header A/B
 * route. A destination is a Service (`host`, short or `name.namespace.svc.cluster.local`),
 * or one of its subsets: the DestinationRule for that host gives the subset's labels, which
 * narrow the Service's selector to one Deployment. relsim runs one route per release: the
 * weight split when it sends the canary anything, else the match.
 */
import { ManifestReader } from '../../manifest-reader.ts';
import type { ImportState } from '../../import-state.ts';
import type { MatchRule } from '../../../types.ts';
import { isRegex } from '../../../matching.ts';
import { percent, pickRoute, serviceOfHost, stableFirst, type Backend, type MatchedRule, type RoutingKind, type WeightedRule } from './common.ts';

/** Fields of an http rule that change what the requests meet, which relsim does not model. */
const RULE_UNMODELLED: Record<string, string> = {
  mirror: 'relsim imports no standing mirror from a route (it mirrors only during a canary step: add a setMirrorRoute step to the release in the model)',
  mirrors: 'relsim imports no standing mirror from a route (it mirrors only during a canary step: add a setMirrorRoute step to the release in the model)',
  mirrorPercentage: 'relsim imports no standing mirror from a route (it mirrors only during a canary step: add a setMirrorRoute step to the release in the model)',
  fault: 'relsim does not inject faults from the routing layer',
  retries: 'set the caller\'s client retry policy in the model',
  timeout: 'set the caller\'s client timeout in the model',
};

export const virtualService: RoutingKind = {
  group: 'networking.istio.io',
  kind: 'VirtualService',
  backends(r) {
    return (r.list('spec.http') ?? []).flatMap((_, i) => (r.list(`spec.http[${i}].route`) ?? []).flatMap((__, k) => {
      const host = r.get(`spec.http[${i}].route[${k}].destination.host`);
      return typeof host === 'string' ? [host.split('.')[0], host] : [];
    }));
  },
  splits(state, r) {
    let weighted: WeightedRule | null = null;
    let matched: MatchedRule | null = null;
    let fallback: Backend | null = null;
    (r.list('spec.http') ?? []).forEach((_, i) => {
      const rule = `spec.http[${i}]`;
      const dests = r.list(`${rule}.route`) ?? [];
      const match = ruleMatch(state, r, rule);
      if (dests.length > 2) {
        state.warn(r.doc, `${rule}.route`, `${dests.length} destinations; relsim models a split between two versions, so this rule is not imported`);
        return;
      }
      const backends = dests.map((__, k) => destination(state, r, `${rule}.route[${k}].destination`));
      if (backends.some((b) => b === null)) return;
      const bs = backends as Backend[];
      if (bs.length === 2 && !match && !weighted) {
        warnRule(state, r, rule);
        const weights = bs.map((__, k) => r.int(`${rule}.route[${k}].weight`) ?? 0);
        const [stable, canary] = stableFirst(state, r, bs[0], bs[1], `${rule}.route`);
        const k = bs.indexOf(canary);
        const share = percent(weights[k], weights[0] + weights[1]);
        const of = weights[0] + weights[1] !== 100 ? { of: `${weights[k]} of ${weights[0] + weights[1]}` } : {};
        weighted = { rule, percent: share, split: { r, stable, canary, route: { weight: share, field: `${rule}.route[${k}].weight`, ...of } } };
      } else if (bs.length === 1 && match && !matched) {
        warnRule(state, r, rule);
        matched = { rule, match: match === 'unmodelled' ? null : match, backend: bs[0], field: `${rule}.match` };
      } else if (bs.length === 1 && !match && !fallback) {
        fallback = bs[0];
      }
    });
    return pickRoute(state, r, weighted, matched, fallback);
  },
};

function warnRule(state: ImportState, r: ManifestReader, rule: string): void {
  for (const [key, why] of Object.entries(RULE_UNMODELLED)) {
    if (r.has(`${rule}.${key}`)) state.warn(r.doc, `${rule}.${key}`, `not modelled: ${why}`);
  }
}

/** A route destination as a backend; a subset through its DestinationRule. Null (warned) when it cannot be resolved. */
function destination(state: ImportState, r: ManifestReader, at: string): Backend | null {
  const host = r.string(`${at}.host`);
  if (!host) r.fail(`${at}.host`, 'expected the host of a Service');
  const service = serviceOfHost(state, host);
  const subset = r.string(`${at}.subset`);
  if (subset === undefined) return { service, field: `${at}.host` };
  const rules = state.ofKind('networking.istio.io', 'DestinationRule').map((d) => new ManifestReader(d))
    .filter((d) => { const h = d.string('spec.host'); return h !== undefined && serviceOfHost(state, h) === service; });
  if (rules.length === 0) {
    state.warn(r.doc, `${at}.subset`, `no DestinationRule for host ${JSON.stringify(host)} among the manifests defines subset ${JSON.stringify(subset)}; this route is not imported`);
    return null;
  }
  for (const d of rules) {
    const k = (d.list('spec.subsets') ?? []).findIndex((_, j) => d.string(`spec.subsets[${j}].name`) === subset);
    if (k < 0) continue;
    const labels = d.map(`spec.subsets[${k}].labels`) ?? {};
    return { service, field: `${at}.subset`, subset: { name: subset, labels: Object.fromEntries(Object.entries(labels).map(([a, b]) => [a, String(b)])) } };
  }
  state.warn(r.doc, `${at}.subset`, `DestinationRule/${rules[0].doc.name} has no subset ${JSON.stringify(subset)}; this route is not imported`);
  return null;
}

/**
 * An http rule's match as relsim's; null for a rule without a header or query match (a
 * default rule). Several match blocks are Istio's OR: relsim's list of rules. A value is
 * `exact`, `prefix` or `regex` (RE2, matched against the whole value as relsim does).
 */
function ruleMatch(state: ImportState, r: ManifestReader, rule: string): MatchRule | null | 'unmodelled' {
  const matches = r.list(`${rule}.match`) ?? [];
  const keyed = matches.map((_, i) => i).filter((i) => Object.keys(r.map(`${rule}.match[${i}].headers`) ?? {}).length > 0 || Object.keys(r.map(`${rule}.match[${i}].queryParams`) ?? {}).length > 0);
  if (keyed.length === 0) return null;
  if (keyed.length < matches.length) {
    state.warn(r.doc, `${rule}.match`, `${matches.length - keyed.length} of its ${matches.length} match blocks test no header or query parameter; relsim reads only those that do (${keyed.map((i) => `match[${i}]`).join(', ')})`);
  }
  const any: MatchRule[] = [];
  for (const i of keyed) {
    const one = blockMatch(state, r, `${rule}.match[${i}]`);
    if (one === 'unmodelled') return 'unmodelled';
    any.push(one);
  }
  return any.length === 1 ? any[0] : { any };
}

/** One match block: all its conditions must hold. */
function blockMatch(state: ImportState, r: ManifestReader, m: string): MatchRule | 'unmodelled' {
  const out: MatchRule = {};
  for (const [block, key] of [['headers', 'header'], ['queryParams', 'query']] as const) {
    const names = Object.keys(r.map(`${m}.${block}`) ?? {});
    if (names.length === 0) continue;
    const name = names[0];
    const at = `${m}.${block}.${name}`;
    const exact = r.string(`${at}.exact`);
    const prefix = r.string(`${at}.prefix`);
    const regex = r.string(`${at}.regex`);
    const value = exact !== undefined ? { name, value: exact } : prefix !== undefined ? { name, value: prefix, kind: 'prefix' as const } : regex !== undefined ? { name, value: regex, kind: 'regex' as const } : null;
    if (value === null || (value.kind === 'regex' && !isRegex(value.value))) {
      const how = value ? `regex ${JSON.stringify(value.value)}, which JavaScript cannot read` : Object.keys(r.map(at) ?? {})[0] ?? 'an empty match';
      state.warn(r.doc, at, `not modelled: relsim matches exact, prefix and regex values (${how}); the requests this rule sends to its destination stay on the stable version`);
      return 'unmodelled';
    }
    if (names.length > 1) state.warn(r.doc, `${m}.${block}`, `${names.length} ${block} that must all match; relsim matches one ${key} and models ${name} only, so the cohort is wider than the route's`);
    out[key] = value;
  }
  for (const f of Object.keys(r.map(m) ?? {})) {
    if (f === 'headers' || f === 'queryParams' || f === 'name' || f === 'ignoreUriCase') continue;
    if (f === 'uri' && r.string(`${m}.uri.prefix`) === '/') continue;
    state.warn(r.doc, `${m}.${f}`, 'not modelled: relsim routes on headers, cookies and query parameters only; read as matching every request');
  }
  return out;
}

