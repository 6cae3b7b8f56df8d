/**
 * Traffic routing kinds (kinds/routing/): a standalone canary Ingress, HTTPRoute or
 * VirtualService becomes one relsim service whose v2 is the canary Deployment (folded in,
 * not a service of its own), released by the split it describes — a weight as a routed
 * canary held at that weight, a header/cookie/query route as an A/B test; each thing relsim
 * cannot model is one warning; a routing object a rollout controller drives emits nothing,
 * and an Argo Rollout naming one absent from the manifests is an error naming the field.
 * The imported ingress-nginx-canary example, simulated, sends ~20 % of checkout's calls to v2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { importManifests } from '../../../scenarios/manifests/import.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { simulate } from '../../../sim/simulate.ts';
import { importExample } from './examples.ts';

const MODEL = { file: 'model.yaml', text: 'duration: 2m\nservices:\n  front: {concurrency: 64, serviceTime: 1ms, calls: [checkout]}\n  checkout: {serviceTime: 10ms}\ntraffic: {rate: 50}\n' };

type Obj = Record<string, unknown>;

function deployment(name: string, labels: Obj, opts: { replicas?: number; pod?: Obj; spec?: Obj } = {}): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: `${name}:1`, readinessProbe: { periodSeconds: 2 } }], ...opts.pod },
      },
      ...opts.spec,
    },
  };
}
const service = (name: string, selector: Obj): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ port: 80 }] } });

/** checkout (4 replicas) and checkout-canary (1), each behind its own Service. */
const PAIR: Obj[] = [
  deployment('checkout', { app: 'checkout', track: 'stable' }, { replicas: 4 }),
  deployment('checkout-canary', { app: 'checkout', track: 'canary' }, { replicas: 1 }),
  service('checkout', { app: 'checkout', track: 'stable' }),
  service('checkout-canary', { app: 'checkout', track: 'canary' }),
];

function ingress(name: string, backend: string, annotations: Obj = {}, host = 'shop.example.com', path = '/checkout'): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, annotations },
    spec: { ingressClassName: 'nginx', rules: [{ host, http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] },
  };
}
const N = 'nginx.ingress.kubernetes.io/';
const canaryIngress = (annotations: Obj, extra: Obj[] = []) => [...PAIR, ingress('checkout', 'checkout'), ingress('checkout-canary', 'checkout-canary', { [`${N}canary`]: 'true', ...annotations }), ...extra];

function httpRoute(rules: Obj[]): Obj {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'checkout' }, spec: { parentRefs: [{ name: 'gw' }], rules } };
}
function virtualService(http: Obj[], apiVersion = 'networking.istio.io/v1beta1'): Obj {
  return { apiVersion, kind: 'VirtualService', metadata: { name: 'checkout' }, spec: { hosts: ['checkout'], http } };
}
const destinationRule: Obj = {
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'checkout' },
  spec: { host: 'checkout.shop.svc.cluster.local', subsets: [{ name: 'stable', labels: { track: 'stable' } }, { name: 'canary', labels: { track: 'canary' } }] },
};
/** One Service selecting both Deployments (subsets tell them apart). */
const SUBSET_PAIR: Obj[] = [PAIR[0], PAIR[1], service('checkout', { app: 'checkout' })];

const run = (docs: Obj[], opts: { strict?: boolean; model?: typeof MODEL } = {}) =>
  importManifests({ manifests: [{ file: 'm.yaml', text: docs.map((d) => YAML.stringify(d)).join('---\n') }], model: opts.model ?? MODEL, strict: opts.strict });
interface Out { yaml: string; warnings: string[]; scenario: { services: Record<string, Obj>; release: { to: string; services: string[]; strategy: Obj } } }
const imported = (docs: Obj[], opts: { strict?: boolean; model?: typeof MODEL } = {}): Out => {
  const r = run(docs, opts);
  return { ...r, scenario: YAML.parse(r.yaml) as Out['scenario'] };
};
const fails = (docs: Obj[], message: RegExp) => assert.throws(() => run(docs), (e: Error) => message.test(e.message) || assert.unreachable(e.message));
const oneWarning = (warnings: string[], re: RegExp) => {
  assert.is(warnings.filter((w) => re.test(w)).length, 1, `one warning matching ${re} in\n${warnings.join('\n')}`);
};
/** The held weight canary a split of W % with a canary of `replicas` becomes. */
const heldCanary = (weight: number, replicas = 1) => ({ name: 'canary', trafficRouting: true, steps: [{ setCanaryScale: { replicas } }, { setWeight: weight }, { pause: {} }] });
const heldAb = (match: Obj | Obj[], replicas = 1) => ({ name: 'ab', match, replicas, duration: '24h' });

// ---- ingress-nginx -----------------------------------------------------------------------------

test('ingress-nginx canary-weight: one service, v2 = the canary Deployment folded in, a canary held at the weight', () => {
  const { yaml, warnings, scenario } = imported(canaryIngress({ [`${N}canary-weight`]: '20' }));
  assert.equal(warnings, []);
  assert.equal(Object.keys(scenario.services), ['front', 'checkout'], 'the canary Deployment is not a service of its own');
  assert.equal(scenario.services.checkout.versions, ['v1', 'v2']);
  assert.is(scenario.services.checkout.replicas, 4, 'the stable Deployment sizes the service');
  assert.equal(scenario.release.services, ['checkout']);
  assert.is(scenario.release.to, 'v2');
  assert.equal(scenario.release.strategy, heldCanary(20));
  for (const line of [
    'versions: [v1, v2] # v1: Deployment/checkout spec.template; v2: Deployment/checkout-canary spec.template (the canary of Ingress/checkout-canary)',
    'to: v2 # Deployment/checkout-canary spec.template',
    `- {setWeight: 20} # Ingress/checkout-canary metadata.annotations["${N}canary-weight"]`,
    '- {setCanaryScale: {replicas: 1}} # Deployment/checkout-canary spec.replicas',
  ]) assert.ok(yaml.includes(line), `${line}\n---\n${yaml}`);
});

test('ingress-nginx canary-weight-total: the weight is out of the total; a canary without replicas runs Kubernetes\' one', () => {
  const docs = canaryIngress({ [`${N}canary-weight`]: '1', [`${N}canary-weight-total`]: '3' });
  (docs[1] as { spec: Obj }).spec = { ...(docs[1] as { spec: Obj }).spec, replicas: undefined };
  const { yaml, scenario } = imported(docs);
  assert.equal(scenario.release.strategy, heldCanary(33.3333));
  assert.ok(yaml.includes('(1 of canary-weight-total 3)'), yaml);
  assert.ok(yaml.includes("Deployment/checkout-canary: spec.replicas unset, Kubernetes' default 1"), yaml);
  fails(canaryIngress({ [`${N}canary-weight`]: '5', [`${N}canary-weight-total`]: '4' }), /canary-weight"\]: 5 is more than canary-weight-total \(4\)/);
  fails(canaryIngress({ [`${N}canary-weight`]: 'twenty' }), /canary-weight"\]: expected an integer ≥ 0, got/);
});

test('ingress-nginx by header: always, or canary-by-header-value; by cookie: always — each an A/B route held for the run', () => {
  assert.equal(imported(canaryIngress({ [`${N}canary-by-header`]: 'x-canary' })).scenario.release.strategy, heldAb({ header: { name: 'x-canary', value: 'always' } }));
  const valued = imported(canaryIngress({ [`${N}canary-by-header`]: 'x-canary', [`${N}canary-by-header-value`]: 'insider' }));
  assert.equal(valued.warnings, []);
  assert.equal(valued.scenario.release.strategy, heldAb({ header: { name: 'x-canary', value: 'insider' } }));
  assert.ok(valued.yaml.includes('duration: 24h # Ingress/checkout-canary: the route the manifests describe, held for the run'), valued.yaml);
  assert.equal(imported(canaryIngress({ [`${N}canary-by-cookie`]: 'beta' })).scenario.release.strategy, heldAb({ cookie: { name: 'beta', value: 'always' } }));
});

test('ingress-nginx: one route per release — the weight over a header or cookie, the header over a cookie; a pattern is a regex found anywhere in the value', () => {
  const both = imported(canaryIngress({ [`${N}canary-weight`]: '10', [`${N}canary-by-header`]: 'x-canary', [`${N}canary-by-cookie`]: 'beta' }));
  assert.equal(both.scenario.release.strategy, heldCanary(10));
  oneWarning(both.warnings, /canary-by-header"\]: not modelled: relsim runs one route per release and models canary-weight \(10%\)/);
  oneWarning(both.warnings, /canary-by-cookie"\]: not modelled: relsim runs one route per release/);

  const headerCookie = imported(canaryIngress({ [`${N}canary-by-header`]: 'x-canary', [`${N}canary-by-cookie`]: 'beta' }));
  assert.equal(headerCookie.scenario.release.strategy, heldAb({ header: { name: 'x-canary', value: 'always' } }));
  oneWarning(headerCookie.warnings, /canary-by-cookie"\]: not modelled: relsim matches one rule per A\/B route and models canary-by-header/);

  const pattern = imported(canaryIngress({ [`${N}canary-by-header`]: 'x-canary', [`${N}canary-by-header-pattern`]: '^(a|b)$' }));
  assert.equal(pattern.warnings, []);
  assert.equal(pattern.scenario.release.strategy, heldAb({ header: { name: 'x-canary', regex: '.*(?:^(a|b)$).*' } }));
  const unreadable = imported(canaryIngress({ [`${N}canary-by-header`]: 'x-canary', [`${N}canary-by-header-pattern`]: '(?<=a' }));
  oneWarning(unreadable.warnings, /canary-by-header-pattern"\]: not modelled: "\(\?<=a" is a pattern JavaScript cannot read/);
  assert.equal(unreadable.scenario.release.strategy, heldCanary(0), 'the canary is still v2, taking nothing');
  const ignored = imported(canaryIngress({ [`${N}canary-by-header`]: 'x', [`${N}canary-by-header-value`]: 'y', [`${N}canary-by-header-pattern`]: 'z' }));
  oneWarning(ignored.warnings, /canary-by-header-pattern"\]: has no effect: canary-by-header-value is set/);
  oneWarning(imported(canaryIngress({ [`${N}canary-by-header-value`]: 'y', [`${N}canary-weight`]: '5' })).warnings, /canary-by-header-value"\]: has no effect without canary-by-header/);
  assert.throws(() => run(canaryIngress({ [`${N}canary-by-header`]: 'x', [`${N}canary-by-header-pattern`]: '(?<=a' }), { strict: true }), /--strict/);
});

test('ingress-nginx: plain Ingresses and other annotations are read and ignored; a canary Ingress needs a main one for its host and path', () => {
  const plain = imported([...PAIR.slice(0, 1), PAIR[2], ingress('checkout', 'checkout', { [`${N}rewrite-target`]: '/' })]);
  assert.equal(plain.warnings, []);
  assert.is(plain.scenario.release.strategy.name, 'rolling', 'nothing to release but the Deployment');

  const lonely = imported([...PAIR, ingress('checkout', 'checkout', {}, 'shop.example.com', '/cart'), ingress('checkout-canary', 'checkout-canary', { [`${N}canary`]: 'true', [`${N}canary-weight`]: '20' })]);
  oneWarning(lonely.warnings, /Ingress\/checkout-canary\): spec\.rules\[0\]\.http\.paths\[0\]\.backend: no main Ingress .* routes host "shop\.example\.com" path "\/checkout"; ingress-nginx ignores a canary Ingress without one, and so does relsim/);
  assert.ok('checkout-canary' in lonely.scenario.services, 'not folded: without a split it is a workload of its own');
  assert.is(lonely.scenario.release.strategy.name, 'rolling');
});

// ---- Gateway API HTTPRoute ------------------------------------------------------------------------

const backends = (stable: number | undefined, canary: number | undefined) => [
  { name: 'checkout', port: 80, ...(stable === undefined ? {} : { weight: stable }) },
  { name: 'checkout-canary', port: 80, ...(canary === undefined ? {} : { weight: canary }) },
];

test('HTTPRoute: two weighted backendRefs are a canary at the canary\'s share of the sum (weight defaults to 1)', () => {
  const { yaml, warnings, scenario } = imported([...PAIR, httpRoute([{ backendRefs: backends(3, 1) }])]);
  assert.equal(warnings, []);
  assert.equal(scenario.release.strategy, heldCanary(25));
  assert.equal(Object.keys(scenario.services), ['front', 'checkout']);
  assert.ok(yaml.includes('- {setWeight: 25} # HTTPRoute/checkout spec.rules[0].backendRefs[1].weight (1 of 4)'), yaml);
  assert.equal(imported([...PAIR, httpRoute([{ backendRefs: backends(undefined, undefined) }])]).scenario.release.strategy, heldCanary(50));
  // The stable one is told by name, whichever is listed first.
  const reversed = imported([...PAIR, httpRoute([{ backendRefs: backends(80, 20).reverse() }])]);
  assert.equal(reversed.scenario.release.strategy, heldCanary(20));
  assert.equal(reversed.scenario.release.services, ['checkout']);
});

test('HTTPRoute: an Exact or RegularExpression header match to another backend than the default rule is an A/B route; several matches an OR; other types are warned about', () => {
  const rules = (type?: string) => [
    { matches: [{ headers: [{ name: 'x-canary', value: 'on', ...(type ? { type } : {}) }] }], backendRefs: [{ name: 'checkout-canary', port: 80 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'checkout', port: 80 }] },
  ];
  const exact = imported([...PAIR, httpRoute(rules())]);
  assert.equal(exact.warnings, []);
  assert.equal(exact.scenario.release.strategy, heldAb({ header: { name: 'x-canary', value: 'on' } }));
  assert.ok(exact.yaml.includes('# HTTPRoute/checkout spec.rules[0].matches'), exact.yaml);

  const regex = imported([...PAIR, httpRoute(rules('RegularExpression'))]);
  assert.equal(regex.warnings, []);
  assert.equal(regex.scenario.release.strategy, heldAb({ header: { name: 'x-canary', regex: 'on' } }));
  const other = imported([...PAIR, httpRoute(rules('ImplementationSpecific'))]);
  oneWarning(other.warnings, /spec\.rules\[0\]\.matches\[0\]\.headers\[0\]\.type: not modelled: relsim matches Exact and RegularExpression values \(ImplementationSpecific x-canary\); the requests this rule sends to its backend stay on the stable version/);
  assert.equal(other.scenario.release.strategy, heldCanary(0), 'the canary is still v2, taking nothing');
  // Two matches are an OR.
  const two = rules();
  (two[0] as { matches: Obj[] }).matches.push({ headers: [{ name: 'x-beta', value: '1' }] });
  assert.equal(imported([...PAIR, httpRoute(two)]).scenario.release.strategy, heldAb([{ header: { name: 'x-canary', value: 'on' } }, { header: { name: 'x-beta', value: '1' } }]));

  const withQuery = rules();
  (withQuery[0].matches[0] as Obj).queryParams = [{ name: 'beta', value: '1' }];
  assert.equal(imported([...PAIR, httpRoute(withQuery)]).scenario.release.strategy, heldAb({ header: { name: 'x-canary', value: 'on' }, query: { name: 'beta', value: '1' } }));

  const split = imported([...PAIR, httpRoute([rules()[0], { backendRefs: backends(90, 10) }])]);
  assert.equal(split.scenario.release.strategy, heldCanary(10));
  oneWarning(split.warnings, /spec\.rules\[0\]\.matches: not modelled: relsim runs one route per release and models the weight split of spec\.rules\[1\]/);
});

test('HTTPRoute: three backends, a non-Service backend, a mirror and undecidable names are each one warning', () => {
  const three = imported([...PAIR, httpRoute([{ backendRefs: [...backends(1, 1), { name: 'other', port: 80 }] }])]);
  oneWarning(three.warnings, /spec\.rules\[0\]\.backendRefs: 3 backends; relsim models a split between two versions/);
  const bucket = imported([...PAIR, httpRoute([{ backendRefs: [{ name: 'checkout', port: 80 }, { group: 'example.com', kind: 'Bucket', name: 'b' }] }])]);
  oneWarning(bucket.warnings, /relsim follows backendRefs to core Services only/);
  const mirror = imported([...PAIR, httpRoute([{ backendRefs: backends(9, 1), filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'x', port: 80 } } }] }])]);
  oneWarning(mirror.warnings, /spec\.rules\[0\]\.filters\[0\]: not modelled: relsim imports no standing mirror from a route/);

  const names = [
    deployment('blue', { app: 'b', c: 'blue' }, { replicas: 2 }), deployment('green', { app: 'b', c: 'green' }, { replicas: 1 }),
    service('blue', { app: 'b', c: 'blue' }), service('green', { app: 'b', c: 'green' }),
    httpRoute([{ backendRefs: [{ name: 'blue', port: 80, weight: 70 }, { name: 'green', port: 80, weight: 30 }] }]),
  ];
  const guessed = imported(names);
  oneWarning(guessed.warnings, /relsim takes the first listed \(blue\) as the stable version and green as the canary/);
  assert.equal(guessed.scenario.release.strategy, heldCanary(30));
  // A service the model names is the stable one: no guess.
  const model = { file: 'model.yaml', text: 'duration: 2m\nservices:\n  green: {serviceTime: 10ms}\ntraffic: {rate: 50}\n' };
  const told = imported(names, { model });
  assert.equal(told.warnings, []);
  assert.equal(told.scenario.release.strategy, heldCanary(70, 2));
  assert.equal(told.scenario.release.services, ['green']);
});

// ---- Istio VirtualService ---------------------------------------------------------------------

test('VirtualService: a header exact, prefix or regex match to a subset is an A/B route (several blocks: an OR); subsets resolve through the DestinationRule', () => {
  const http = [
    { match: [{ headers: { 'x-canary': { exact: 'on' } } }], route: [{ destination: { host: 'checkout', subset: 'canary' } }] },
    { route: [{ destination: { host: 'checkout.shop.svc.cluster.local', subset: 'stable' } }] },
  ];
  for (const apiVersion of ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']) {
    const { warnings, scenario } = imported([...SUBSET_PAIR, destinationRule, virtualService(http, apiVersion)]);
    assert.equal(warnings, [], apiVersion);
    assert.equal(scenario.release.strategy, heldAb({ header: { name: 'x-canary', value: 'on' } }), apiVersion);
    assert.equal(Object.keys(scenario.services), ['front', 'checkout'], apiVersion);
  }
  const prefix = imported([...SUBSET_PAIR, destinationRule, virtualService([{ ...http[0], match: [{ headers: { 'x-canary': { prefix: 'o' } } }, { queryParams: { beta: { regex: '1|yes' } } }] }, http[1]])]);
  assert.equal(prefix.warnings, []);
  // As written, the OR of a prefix and a regex reads back as the rule it came from.
  const st = parseScenario(prefix.yaml, 'imported.yaml').release!.strategy;
  assert.equal(st.name === 'ab' && st.match, { any: [{ header: { name: 'x-canary', value: 'o', kind: 'prefix' } }, { query: { name: 'beta', value: '1|yes', kind: 'regex' } }] });
  assert.equal(prefix.scenario.release.strategy, heldAb([{ header: { name: 'x-canary', prefix: 'o' } }, { query: { name: 'beta', regex: '1|yes' } }]));
  const suffix = imported([...SUBSET_PAIR, destinationRule, virtualService([{ ...http[0], match: [{ headers: { 'x-canary': { suffix: 'n' } } }] }, http[1]])]);
  oneWarning(suffix.warnings, /spec\.http\[0\]\.match\[0\]\.headers\.x-canary: not modelled: relsim matches exact, prefix and regex values \(suffix\); the requests this rule sends to its destination stay on the stable version/);
  assert.equal(suffix.scenario.release.strategy, heldCanary(0));
  const uri = imported([...SUBSET_PAIR, destinationRule, virtualService([{ ...http[0], match: [{ headers: { 'x-canary': { exact: 'on' } }, uri: { prefix: '/api' } }] }, http[1]])]);
  oneWarning(uri.warnings, /match\[0\]\.uri: not modelled: relsim routes on headers, cookies and query parameters only/);
  assert.is(uri.scenario.release.strategy.name, 'ab');
  const noRule = imported([...PAIR, virtualService(http)]);
  oneWarning(noRule.warnings, /no DestinationRule for host "checkout" among the manifests defines subset "canary"/);
});

test('VirtualService: weights between two hosts, or two subsets of one, are a canary; mirror and fault are warned about', () => {
  const hosts = imported([...PAIR, virtualService([{ route: [{ destination: { host: 'checkout' }, weight: 85 }, { destination: { host: 'checkout-canary' }, weight: 15 }] }])]);
  assert.equal(hosts.warnings, []);
  assert.equal(hosts.scenario.release.strategy, heldCanary(15));
  assert.ok(hosts.yaml.includes('- {setWeight: 15} # VirtualService/checkout spec.http[0].route[1].weight\n'), hosts.yaml);
  const subsets = imported([...SUBSET_PAIR, destinationRule, virtualService([{
    route: [{ destination: { host: 'checkout', subset: 'canary' }, weight: 5 }, { destination: { host: 'checkout', subset: 'stable' }, weight: 95 }],
    mirror: { host: 'checkout', subset: 'canary' }, fault: { abort: { httpStatus: 503, percentage: { value: 1 } } },
  }])]);
  assert.equal(subsets.scenario.release.strategy, heldCanary(5));
  oneWarning(subsets.warnings, /spec\.http\[0\]\.mirror: not modelled: relsim imports no standing mirror from a route/);
  oneWarning(subsets.warnings, /spec\.http\[0\]\.fault: not modelled/);
});

// ---- backends that do not resolve ---------------------------------------------------------------

test('a backend that is no Service among the manifests, or selects no single Deployment, is warned about and not imported', () => {
  const missing = imported([...PAIR.slice(0, 3), httpRoute([{ backendRefs: backends(9, 1) }])]);
  oneWarning(missing.warnings, /backendRefs\[1\]\.name: no Service named "checkout-canary" among the manifests; relsim cannot tell which pods take this share, so this split is not imported/);
  assert.ok('checkout-canary' in missing.scenario.services);
  // The stable Service selecting the canary's pods too: imported, with a warning.
  const wide = imported([PAIR[0], PAIR[1], service('checkout', { app: 'checkout' }), PAIR[3], httpRoute([{ backendRefs: backends(9, 1) }])]);
  oneWarning(wide.warnings, /Service\/checkout also selects Deployment\/checkout-canary's pods, so part of HTTPRoute\/checkout's stable share reaches the canary too/);
  assert.equal(wide.scenario.release.strategy, heldCanary(10));
  const same = imported([PAIR[0], service('checkout', { app: 'checkout' }), service('checkout-canary', { app: 'checkout' }), httpRoute([{ backendRefs: backends(9, 1) }])]);
  oneWarning(same.warnings, /both select only Deployment\/checkout: the split changes nothing relsim models/);
});

// ---- folding ----------------------------------------------------------------------------------

test('folding: the canary pod\'s lifecycle is the stable\'s when they match, and warned about where it differs', () => {
  const differs = [...canaryIngress({ [`${N}canary-weight`]: '20' })];
  differs[1] = deployment('checkout-canary', { app: 'checkout', track: 'canary' }, {
    replicas: 1, spec: { minReadySeconds: 10 },
    pod: { terminationGracePeriodSeconds: 60, containers: [{ name: 'app', image: 'c:2', readinessProbe: { periodSeconds: 2 }, lifecycle: { preStop: { sleep: { seconds: 15 } } } }] },
  });
  const { warnings, scenario } = imported(differs);
  oneWarning(warnings, /Deployment\/checkout-canary\): spec\.template: differs from Deployment\/checkout's \(terminationGracePeriodSeconds 60 here, 30 there; preStop 15s here, unset there; minReadySeconds 10 here, unset there\); Ingress\/checkout-canary makes this workload the new version of services\.checkout, and relsim runs one lifecycle per service/);
  assert.is(scenario.services.checkout.terminationGracePeriodSeconds, 30, 'the stable\'s lifecycle');
  assert.is(scenario.services.checkout.preStop, undefined);
  assert.is(scenario.services.checkout.minReadySeconds, undefined);
  assert.is(warnings.length, 1, warnings.join('\n'));
  // A Service selecting both Deployments would otherwise name two workloads `checkout`.
  const shared = imported([...SUBSET_PAIR, destinationRule, virtualService([{ route: [{ destination: { host: 'checkout', subset: 'stable' }, weight: 90 }, { destination: { host: 'checkout', subset: 'canary' }, weight: 10 }] }])]);
  assert.equal(Object.keys(shared.scenario.services), ['front', 'checkout']);
});

// ---- managed by a rollout controller ------------------------------------------------------------

function argoRollout(trafficRouting: Obj): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'checkout' },
    spec: {
      replicas: 4, selector: { matchLabels: { app: 'checkout' } },
      template: { metadata: { labels: { app: 'checkout' } }, spec: { containers: [{ name: 'app', image: 'c:2', readinessProbe: { periodSeconds: 2 } }] } },
      strategy: { canary: { canaryService: 'checkout-canary', stableService: 'checkout', trafficRouting, steps: [{ setWeight: 20 }, { pause: { duration: 30 } }] } },
    },
  };
}
const ARGO_SERVICES = [service('checkout', { app: 'checkout' }), service('checkout-canary', { app: 'checkout' })];

test('Argo trafficRouting naming an Ingress, VirtualService, DestinationRule or HTTPRoute absent from the manifests is an error naming the field', () => {
  const t = 'spec\\.strategy\\.canary\\.trafficRouting';
  fails([...ARGO_SERVICES, argoRollout({ nginx: { stableIngress: 'checkout' } })],
    new RegExp(`document 3 \\(Rollout/checkout\\): ${t}\\.nginx\\.stableIngress: no Ingress named "checkout" among the manifests; Argo Rollouts routes the canary's share`));
  fails([...ARGO_SERVICES, ingress('checkout', 'checkout'), argoRollout({ nginx: { stableIngresses: ['checkout', 'admin'] } })], new RegExp(`${t}\\.nginx\\.stableIngresses\\[1\\]: no Ingress named "admin"`));
  fails([...ARGO_SERVICES, argoRollout({ istio: { virtualService: { name: 'checkout-vs', routes: ['primary'] } } })], new RegExp(`${t}\\.istio\\.virtualService\\.name: no VirtualService named "checkout-vs"`));
  fails([...ARGO_SERVICES, argoRollout({ istio: { virtualServices: [{ name: 'a' }] } })], new RegExp(`${t}\\.istio\\.virtualServices\\[0\\]\\.name: no VirtualService named "a"`));
  fails([...ARGO_SERVICES, virtualService([]), argoRollout({ istio: { virtualService: { name: 'checkout' }, destinationRule: { name: 'checkout-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' } } })],
    new RegExp(`${t}\\.istio\\.destinationRule\\.name: no DestinationRule named "checkout-dr"`));
  fails([...ARGO_SERVICES, argoRollout({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'checkout-route', namespace: 'shop' } } })],
    new RegExp(`${t}\\.plugins\\.argoproj-labs/gatewayAPI\\.httpRoute: no HTTPRoute named "checkout-route"`));
  fails([...ARGO_SERVICES, argoRollout({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'r1' }] } } })], /httpRoutes\[0\]\.name: no HTTPRoute named "r1"/);
  // SMI's TrafficSplit is Argo's to create: not checked.
  assert.is(imported([...ARGO_SERVICES, argoRollout({ smi: { trafficSplitName: 'checkout-split' } })]).scenario.release.strategy.trafficRouting, true);
});

test('routing objects a controller drives emit nothing: an Argo stable Ingress and its canary copy, a Flagger-generated route', () => {
  const argo = imported([...ARGO_SERVICES, ingress('checkout', 'checkout'),
    ingress('checkout-checkout-canary', 'checkout-canary', { [`${N}canary`]: 'true', [`${N}canary-weight`]: '20' }),
    argoRollout({ nginx: { stableIngress: 'checkout' } })]);
  assert.equal(argo.warnings, []);
  assert.equal(argo.scenario.release.strategy.steps, [{ setWeight: 20 }, { pause: { duration: '30s' } }], 'the Rollout\'s own steps');
  assert.equal(Object.keys(argo.scenario.services), ['front', 'checkout']);
  const vs = imported([...ARGO_SERVICES, virtualService([{ route: [{ destination: { host: 'checkout' }, weight: 100 }, { destination: { host: 'checkout-canary' }, weight: 0 }] }]),
    argoRollout({ istio: { virtualService: { name: 'checkout', routes: ['primary'] } } })]);
  assert.equal(vs.warnings, []);
  assert.is(vs.scenario.release.strategy.name, 'canary');

  // Flagger generates checkout-primary and checkout-canary; a route between them is its own.
  const flagger = {
    apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'checkout' },
    spec: { provider: 'gatewayapi:v1', targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' }, service: { port: 80 }, analysis: { interval: '30s', stepWeight: 10, maxWeight: 50 } },
  };
  const generated = imported([PAIR[0], service('checkout', { app: 'checkout', track: 'stable' }), flagger,
    httpRoute([{ backendRefs: [{ name: 'checkout-primary', port: 80, weight: 90 }, { name: 'checkout-canary', port: 80, weight: 10 }] }])]);
  assert.not.ok(generated.warnings.some((w) => w.includes('HTTPRoute')), generated.warnings.join('\n'));
  assert.is(generated.yaml.includes('HTTPRoute/'), false, 'nothing from the route');
});

// ---- end to end ---------------------------------------------------------------------------------

test('end to end: the imported ingress-nginx-canary example, simulated, sends ~20% of checkout\'s calls to v2', () => {
  const { yaml, warnings } = importExample('ingress-nginx-canary');
  assert.equal(warnings, []);
  const scenario = parseScenario(yaml, 'scenarios/examples/manifests/ingress-nginx-canary/model.yaml');
  assert.equal(scenario.services.map((s) => s.name), ['ingress', 'checkout']);
  const result = simulate(scenario, { seed: 3 });
  const { bucketMs, series } = result.timeline;
  const v2 = series['share.checkout.v2'];
  const v1 = series['share.checkout.v1'];
  assert.ok(v2 && v1, Object.keys(series).join(', '));
  const from = Math.ceil(60_000 / bucketMs); // after startAt 30 s, the canary's start-up and the weight
  const mean = (a: number[]) => a.slice(from).reduce((x, y) => x + y, 0) / a.slice(from).length;
  assert.ok(Math.abs(mean(v2) - 0.2) < 0.03, `v2 share ${mean(v2)}`);
  assert.ok(Math.abs(mean(v1) - 0.8) < 0.03, `v1 share ${mean(v1)}`);
  assert.ok(v2.slice(0, Math.floor(30_000 / bucketMs)).every((x) => x === 0), 'no v2 before the release starts');
});

test.run();
