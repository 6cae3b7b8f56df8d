/**
 * ingress-nginx canary annotations on an Ingress (networking.k8s.io/v1; v1beta1's
 * `serviceName` backends too). An Ingress annotated `nginx.ingress.kubernetes.io/canary:
 * "true"` is a canary of the main (non-canary) Ingress with the same host and path: its
 * backend Service is the canary, the main one's the stable. ingress-nginx routes by
 * `canary-by-header` (value `always`, or `canary-by-header-value`), then `canary-by-cookie`
 * (value `always`), then `canary-weight` out of `canary-weight-total` (default 100).
 * relsim runs one route per release: the weight when it sends the canary anything, else the
 * header, else the cookie; the others are warned about. Other annotations are ignored, and
 * so are Ingresses without the canary annotation (plain routing).
 */
import { ManifestReader } from '../../manifest-reader.ts';
import type { ImportState } from '../../import-state.ts';
import { isRegex } from '../../../matching.ts';
import type { MatchRule } from '../../../types.ts';
import { percent, type Backend, type Route, type RoutingKind, type Split } from './common.ts';

const A = 'nginx.ingress.kubernetes.io/';
const ann = (name: string) => `metadata.annotations["${A}${name}"]`;

/** Every host+path an Ingress routes and the Service behind it; `*` is spec.defaultBackend. */
function routes(r: ManifestReader): { key: string; label: string; service: string | undefined; field: string }[] {
  const out: { key: string; label: string; service: string | undefined; field: string }[] = [];
  const backend = (at: string) => r.string(`${at}.service.name`) ?? r.string(`${at}.serviceName`);
  const backendField = (at: string) => (r.has(`${at}.serviceName`) ? `${at}.serviceName` : `${at}.service.name`);
  if (r.map('spec.defaultBackend') || r.map('spec.backend')) {
    const at = r.map('spec.defaultBackend') ? 'spec.defaultBackend' : 'spec.backend';
    out.push({ key: '*', label: 'the default backend', service: backend(at), field: backendField(at) });
  }
  (r.list('spec.rules') ?? []).forEach((_, i) => {
    const host = r.string(`spec.rules[${i}].host`) ?? '';
    (r.list(`spec.rules[${i}].http.paths`) ?? []).forEach((__, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      const path = r.string(`${at}.path`) ?? '/';
      out.push({ key: `${host} ${path}`, label: `host ${JSON.stringify(host || '*')} path ${JSON.stringify(path)}`, service: backend(`${at}.backend`), field: backendField(`${at}.backend`) });
    });
  });
  return out;
}

function annotations(r: ManifestReader): Record<string, unknown> {
  return r.map('metadata.annotations') ?? {};
}

export function isNginxCanary(r: ManifestReader): boolean {
  const v = annotations(r)[`${A}canary`];
  return v === 'true' || v === true;
}

export const ingressNginx: RoutingKind = {
  group: 'networking.k8s.io',
  kind: 'Ingress',
  backends(r) {
    return routes(r).flatMap((x) => (x.service ? [x.service] : []));
  },
  splits(state, r) {
    if (!isNginxCanary(r)) return [];
    const route = canaryRoute(state, r);
    const mains = state.ofKind('networking.k8s.io', 'Ingress').map((d) => new ManifestReader(d)).filter((m) => !isNginxCanary(m));
    const out: Split[] = [];
    for (const c of routes(r)) {
      if (!c.service) continue;
      const main = mains.flatMap((m) => routes(m).filter((x) => x.key === c.key && x.service).map((x) => ({ m, x })))[0];
      if (!main) {
        state.warn(r.doc, c.field.replace(/\.(service\.name|serviceName)$/, ''), `no main Ingress (without the canary annotation) routes ${c.label}; ` +
          'ingress-nginx ignores a canary Ingress without one, and so does relsim');
        continue;
      }
      const stable: Backend = { service: main.x.service!, field: `${main.m.doc.kind}/${main.m.doc.name} ${main.x.field}` };
      const canary: Backend = { service: c.service, field: c.field };
      if (!out.some((s) => s.stable.service === stable.service && s.canary.service === canary.service)) out.push({ r, stable, canary, route });
    }
    return out;
  },
};

/** The one route relsim models for a canary Ingress, with warnings for the ones it drops. */
function canaryRoute(state: ImportState, r: ManifestReader): Route {
  const a = annotations(r);
  const text = (name: string): string | undefined => {
    const v = a[`${A}${name}`];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') r.expected(ann(name), 'a string', v);
    return String(v);
  };
  const int = (name: string, min: number): number | undefined => {
    const v = text(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v.trim()) || Number(v) < min) r.expected(ann(name), `an integer ≥ ${min}`, v);
    return Number(v);
  };
  const total = int('canary-weight-total', 1) ?? 100;
  const weight = int('canary-weight', 0);
  if (weight !== undefined && weight > total) r.fail(ann('canary-weight'), `${weight} is more than canary-weight-total (${total})`);

  let header: MatchRule | null = null;
  const headerName = text('canary-by-header');
  const headerValue = text('canary-by-header-value');
  const pattern = text('canary-by-header-pattern');
  if (headerName) {
    if (headerValue !== undefined) {
      header = { header: { name: headerName, value: headerValue } };
      if (pattern !== undefined) state.warn(r.doc, ann('canary-by-header-pattern'), 'has no effect: canary-by-header-value is set, and ingress-nginx ignores the pattern then');
    } else if (pattern !== undefined) {
      // ingress-nginx searches the value for the pattern (ngx.re.match, unanchored); relsim's
      // regex matches the whole value, so the pattern is wrapped to be found anywhere.
      const wrapped = `.*(?:${pattern}).*`;
      if (isRegex(wrapped)) header = { header: { name: headerName, value: wrapped, kind: 'regex' } };
      else state.warn(r.doc, ann('canary-by-header-pattern'), `not modelled: ${JSON.stringify(pattern)} is a pattern JavaScript cannot read, so requests ingress-nginx sends to the canary by header ${headerName} stay on the stable version`);
    } else {
      header = { header: { name: headerName, value: 'always' } };
    }
  } else {
    for (const name of ['canary-by-header-value', 'canary-by-header-pattern']) {
      if (text(name) !== undefined) state.warn(r.doc, ann(name), 'has no effect without canary-by-header');
    }
  }
  const cookieName = text('canary-by-cookie');
  const cookie: MatchRule | null = cookieName ? { cookie: { name: cookieName, value: 'always' } } : null;
  const headerField = ann('canary-by-header');
  const cookieField = ann('canary-by-cookie');

  if (weight !== undefined && weight > 0) {
    const w = percent(weight, total);
    for (const [m, field, what] of [[header, headerField, 'header'], [cookie, cookieField, 'cookie']] as const) {
      if (m) state.warn(r.doc, field, `not modelled: relsim runs one route per release and models canary-weight (${w}%); the requests ingress-nginx sends to the canary by this ${what} take the weighted split instead`);
    }
    return { weight: w, field: ann('canary-weight'), ...(total !== 100 ? { of: `${weight} of canary-weight-total ${total}` } : {}) };
  }
  if (header) {
    if (cookie) state.warn(r.doc, cookieField, `not modelled: relsim matches one rule per A/B route and models canary-by-header (ingress-nginx tries the header first); requests with cookie ${cookieName}=always but without the header stay on the stable version`);
    return { match: header, field: headerValue !== undefined ? ann('canary-by-header-value') : headerField };
  }
  if (cookie) return { match: cookie, field: cookieField };
  // canary: "true" with no weight, header or cookie: the canary takes nothing, as in ingress-nginx.
  return { weight: 0, field: weight === undefined ? ann('canary') : ann('canary-weight') };
}
