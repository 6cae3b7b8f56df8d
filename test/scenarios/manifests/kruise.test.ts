/**
 * OpenKruise Rollout and BatchRelease import (scenarios/manifests/kinds/kruise.ts): each
 * step field in both API versions, routed (setCanaryScale + setWeight + pause) and not
 * (setCanaryScale + pause, no router), Kruise's pause rules, the warnings and the errors,
 * and the imported kruise-canary example run through the simulator sending v2 the traffic
 * its steps set.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { importManifests } from '../../../scenarios/manifests/import.ts';
import { podsOf } from '../../../scenarios/manifests/kinds/kruise.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { simulate } from '../../../sim/simulate.ts';
import { importExample } from './examples.ts';
import { webDeployment } from './fixtures.ts';

const MODEL = { file: 'model.yaml', text: 'duration: 2m\nservices:\n  web: {serviceTime: 10ms}\ntraffic: {rate: 50}\n' };

type Obj = Record<string, unknown>;

const deployment = (extra: Obj = {}): Obj => webDeployment(extra);
const SERVICE: Obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' } } };
const ROUTING = [{ service: 'web', ingress: { classType: 'nginx', name: 'web' } }];
const REF = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

/** A v1beta1 Rollout of Deployment/web; `canary` replaces the canary strategy's fields. */
function beta(canary: Obj, spec: Obj = {}, metadata: Obj = {}): Obj {
  return { apiVersion: 'rollouts.kruise.io/v1beta1', kind: 'Rollout', metadata: { name: 'web', ...metadata }, spec: { workloadRef: REF, strategy: { canary }, ...spec } };
}
function alpha(canary: Obj, spec: Obj = {}, metadata: Obj = {}): Obj {
  return { apiVersion: 'rollouts.kruise.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', ...metadata }, spec: { objectRef: { workloadRef: REF }, strategy: { canary }, ...spec } };
}
function batchRelease(version: 'v1alpha1' | 'v1beta1', releasePlan: Obj, metadata: Obj = {}): Obj {
  const ref = version === 'v1alpha1' ? { targetReference: { workloadRef: REF } } : { workloadRef: REF };
  return { apiVersion: `rollouts.kruise.io/${version}`, kind: 'BatchRelease', metadata: { name: 'web', ...metadata }, spec: { ...ref, releasePlan } };
}

const text = (...docs: Obj[]) => docs.map((d) => YAML.stringify(d)).join('---\n');
const run = (docs: Obj[], strict = false) => importManifests({ manifests: [{ file: 'm.yaml', text: text(...docs) }], model: MODEL, strict });
/** The imported release.strategy, and the warnings. */
function strategy(...docs: Obj[]): { s: Obj & { steps?: Obj[] }; warnings: string[]; yaml: string } {
  const { yaml, warnings } = run(docs);
  return { s: (YAML.parse(yaml) as { release: { strategy: Obj & { steps?: Obj[] } } }).release.strategy, warnings, yaml };
}
const fails = (docs: Obj[], message: RegExp) => assert.throws(() => run(docs), (e: Error) => message.test(e.message) || assert.unreachable(e.message));
const noWarnings = (warnings: string[]) => assert.equal(warnings, [], warnings.join('\n'));

test('v1beta1 with trafficRoutings: each step is setCanaryScale + setWeight + pause, in Kruise\'s order', () => {
  const { s, warnings, yaml } = strategy(SERVICE, deployment(), beta({
    enableExtraWorkloadForCanary: true,
    trafficRoutings: ROUTING,
    steps: [
      { replicas: 1, traffic: '5%', pause: {} },
      { replicas: '50%', traffic: '50%', pause: { duration: 60 } },
      { replicas: '50%', traffic: '80%', pause: { duration: 0 } },
      { replicas: '100%', traffic: '100%' },
    ],
  }));
  noWarnings(warnings);
  assert.equal(s, {
    name: 'canary', trafficRouting: true,
    steps: [
      { setCanaryScale: { replicas: 1 } }, { setWeight: 5 }, { pause: {} },
      { setCanaryScale: { weight: 50 } }, { setWeight: 50 }, { pause: { duration: '1m' } },
      // same replicas as before: no second setCanaryScale; duration 0 is no pause
      { setWeight: 80 },
      // the last step at "100%" completes without pausing
      { setCanaryScale: { weight: 100 } }, { setWeight: 100 },
    ],
  });
  assert.match(yaml, /- \{setCanaryScale: \{replicas: 1\}\} # Rollout\/web spec\.strategy\.canary\.steps\[0\]\.replicas\n/);
  assert.match(yaml, /- \{setWeight: 5\} # Rollout\/web spec\.strategy\.canary\.steps\[0\]\.traffic\n/);
  assert.match(yaml, /- \{pause: \{\}\} # Rollout\/web spec\.strategy\.canary\.steps\[0\]\.pause\n/);
  assert.match(yaml, /trafficRouting: true # Rollout\/web spec\.strategy\.canary\.trafficRoutings\n/);
  assert.match(yaml, /replicas: 4 # Deployment\/web spec\.replicas/);
  assert.match(yaml, /services: \[web\] # Rollout\/web\n/);
});

test('pauses: no duration (or no pause at all) waits for approval, except a last step of "100%"', () => {
  const steps = (list: Obj[]) => strategy(SERVICE, deployment(), beta({ enableExtraWorkloadForCanary: true, trafficRoutings: ROUTING, steps: list })).s.steps;
  // a missing pause is Kruise's manual approval too
  assert.equal(steps([{ replicas: 1, traffic: '10%' }, { replicas: '100%', traffic: '100%' }]),
    [{ setCanaryScale: { replicas: 1 } }, { setWeight: 10 }, { pause: {} }, { setCanaryScale: { weight: 100 } }, { setWeight: 100 }]);
  // the last step pauses when it is not the string "100%" (4 replicas written as 4 is not exempt)
  assert.equal(steps([{ replicas: 4, traffic: '100%' }]), [{ setCanaryScale: { replicas: 4 } }, { setWeight: 100 }, { pause: {} }]);
  assert.equal(steps([{ replicas: '50%', traffic: '50%', pause: { duration: 90 } }]), [{ setCanaryScale: { weight: 50 } }, { setWeight: 50 }, { pause: { duration: '90s' } }]);
  const { yaml } = strategy(SERVICE, deployment(), beta({ enableExtraWorkloadForCanary: true, trafficRoutings: ROUTING, steps: [{ replicas: 1, traffic: '10%' }] }));
  assert.match(yaml, /- \{pause: \{\}\} # Rollout\/web spec\.strategy\.canary\.steps\[0\] \(no pause: Kruise waits for kubectl-kruise rollout approve\)/);
});

test('a routed step without traffic: Kruise drops the route, so the weight is the canary\'s share of all pods', () => {
  // canary style: 4 stable + 2 canary pods (30% of 4 rounds up to 2) → 2 of 6
  const canary = strategy(SERVICE, deployment(), beta({ enableExtraWorkloadForCanary: true, trafficRoutings: ROUTING, steps: [
    { replicas: 1, traffic: '10%', pause: { duration: 30 } }, { replicas: '30%', pause: { duration: 30 } }, { replicas: '100%' },
  ] }));
  assert.equal(canary.s.steps, [
    { setCanaryScale: { replicas: 1 } }, { setWeight: 10 }, { pause: { duration: '30s' } },
    { setCanaryScale: { weight: 30 } }, { setWeight: 33.33 }, { pause: { duration: '30s' } },
    { setCanaryScale: { weight: 100 } }, { setWeight: 50 },
  ]);
  assert.match(canary.yaml, /setWeight: 33\.33\} # Rollout\/web spec\.strategy\.canary\.steps\[1\] \(no traffic: Kruise drops the canary route and the Service spreads requests over 6 pods, 2 of them new, for 4 replicas\)/);
  // partition style: 2 of the 4 pods are new → 50%; stable shrinks (stableScaling: partition)
  const partition = strategy(SERVICE, deployment(), beta({ trafficRoutings: ROUTING, steps: [{ replicas: 1, traffic: '5%', pause: { duration: 30 } }, { replicas: '50%' }] }));
  assert.is(partition.s.stableScaling, 'partition');
  assert.equal(partition.s.steps, [
    { setCanaryScale: { replicas: 1 } }, { setWeight: 5 }, { pause: { duration: '30s' } },
    { setCanaryScale: { weight: 50 } }, { setWeight: 50 }, { pause: {} },
  ]);
  assert.match(partition.yaml, /stableScaling: partition # Rollout\/web spec\.strategy\.canary\.enableExtraWorkloadForCanary: partition style \(enableExtraWorkloadForCanary is not true\), the canary's pods replace stable ones/);
  // 5 % on 1 of 4 pods: the 3 stable pods carry 95 %, 95/3 = 31.67 % each where they carried 25 %
  assert.equal(partition.warnings, ['m.yaml: document 3 (Rollout/web): spec.strategy.canary.steps[0].traffic: partition style: 5% of requests go to 1 new pod and 95% to the 3 stable pods left, ' +
    'so each stable pod carries 1.27× its load before the release (95% over 3 of 4 pods): Kruise routes the step\'s traffic whatever the pods, and relsim does the same, so whether it drops requests depends on the capacity the model gives']);
});

test('Kruise\'s replica rounding: an integer is a pod count up to R, a percentage of R rounds up', () => {
  assert.is(podsOf(1, 4), 1);
  assert.is(podsOf(9, 4), 4);
  assert.is(podsOf('20%', 4), 1); // 0.8 → 1: a step always moves a pod
  assert.is(podsOf('30%', 4), 2); // 1.2 → 2
  assert.is(podsOf('50%', 4), 2);
  assert.is(podsOf('35%', 20), 7); // exact products do not round up past themselves
  assert.is(podsOf('100%', 5), 5);
  // relsim's setCanaryScale.weight rounds the same way, so percentages pass through as weights
  const { s } = strategy(SERVICE, deployment(), beta({ steps: [{ replicas: '20%', pause: { duration: 10 } }, { replicas: '100%' }] }));
  assert.equal(s.steps, [{ setCanaryScale: { weight: 20 } }, { pause: { duration: '10s' } }, { setCanaryScale: { weight: 100 } }]);
});

test('without trafficRoutings: a canary without a router (pods only); the Deployment\'s maxSurge/maxUnavailable finish it', () => {
  const dep = deployment({ strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  const { s, warnings, yaml } = strategy(SERVICE, dep, beta({ steps: [{ replicas: 1, pause: { duration: 60 } }, { replicas: '50%', pause: { duration: 60 } }] }));
  noWarnings(warnings);
  assert.equal(s, {
    name: 'canary', trafficRouting: false,
    steps: [{ setCanaryScale: { replicas: 1 } }, { pause: { duration: '1m' } }, { setCanaryScale: { weight: 50 } }, { pause: { duration: '1m' } }],
    maxSurge: 1, maxUnavailable: 0,
  });
  assert.match(yaml, /maxSurge: 1 # Deployment\/web spec\.strategy\.rollingUpdate\.maxSurge \(Kruise rolls the pods left after the last step with it\)/);
  assert.match(yaml, /trafficRouting: false # Rollout\/web spec\.strategy\.canary \(no trafficRoutings: requests follow the pods\)/);
  // never promoted past an approval pause: the knobs would have no effect, so they are left out
  const held = strategy(SERVICE, dep, beta({ steps: [{ replicas: 1 }, { replicas: '100%' }] }));
  assert.equal(held.s, { name: 'canary', trafficRouting: false, steps: [{ setCanaryScale: { replicas: 1 } }, { pause: {} }, { setCanaryScale: { weight: 100 } }] });
  // traffic without a router sets nothing
  const traffic = strategy(SERVICE, deployment(), beta({ steps: [{ replicas: 1, traffic: '20%', pause: { duration: 10 } }] }));
  assert.equal(traffic.s.steps, [{ setCanaryScale: { replicas: 1 } }, { pause: { duration: '10s' } }]);
  assert.equal(traffic.warnings.length, 1);
  assert.match(traffic.warnings[0], /steps\[0\]\.traffic: has no effect without trafficRoutings: no router sets it/);
  // the loader takes what the import wrote, without warnings of its own
  parseScenario(yaml, 'imported.yaml');
});

test('v1alpha1: objectRef.workloadRef, weight as the traffic, a weight-only step runs weight% of the pods, the rolling-style annotation', () => {
  const routed = strategy(SERVICE, deployment(), alpha({
    trafficRoutings: ROUTING,
    steps: [{ weight: 20, pause: { duration: 30 } }, { replicas: 3, weight: 60, pause: { duration: 30 } }, { replicas: '100%', weight: 100 }],
  }));
  noWarnings(routed.warnings); // canary style is v1alpha1's default: what relsim's routed canary models
  assert.equal(routed.s.steps, [
    { setCanaryScale: { weight: 20 } }, { setWeight: 20 }, { pause: { duration: '30s' } },
    { setCanaryScale: { replicas: 3 } }, { setWeight: 60 }, { pause: { duration: '30s' } },
    { setCanaryScale: { weight: 100 } }, { setWeight: 100 },
  ]);
  assert.match(routed.yaml, /\{setCanaryScale: \{weight: 20\}\} # Rollout\/web spec\.strategy\.canary\.steps\[0\]\.weight \(no replicas: Kruise runs weight% of the pods\)/);
  assert.match(routed.yaml, /\{setWeight: 60\} # Rollout\/web spec\.strategy\.canary\.steps\[1\]\.weight/);
  // partition annotation without a router: what relsim's basic canary runs, no warning
  const partition = strategy(SERVICE, deployment(), alpha({ steps: [{ replicas: 1, pause: { duration: 30 } }, { replicas: '100%' }] }, {}, { annotations: { 'rollouts.kruise.io/rolling-style': 'Partition' } }));
  noWarnings(partition.warnings);
  assert.equal(partition.s, { name: 'canary', trafficRouting: false, steps: [{ setCanaryScale: { replicas: 1 } }, { pause: { duration: '30s' } }, { setCanaryScale: { weight: 100 } }] });
  // no annotation and no router: Kruise runs an extra canary Deployment beside a full stable one
  const extra = strategy(SERVICE, deployment(), alpha({ steps: [{ replicas: 1, pause: { duration: 30 } }] }));
  assert.equal(extra.warnings.length, 1, extra.warnings.join('\n'));
  assert.match(extra.warnings[0], /metadata\.annotations\["rollouts\.kruise\.io\/rolling-style"\]: canary style \(v1alpha1's default for a Deployment without rollouts\.kruise\.io\/rolling-style: partition\): Kruise keeps the stable Deployment at R pods and adds the canary's n/);
  fails([SERVICE, deployment(), alpha({ steps: [{ replicas: 1 }] }, {}, { annotations: { 'rollouts.kruise.io/rolling-style': 'bluegreen' } })],
    /metadata\.annotations\["rollouts\.kruise\.io\/rolling-style"\]: expected "partition" or "canary", got "bluegreen"$/);
});

test('each field that would change the rollout is one warning; --strict makes it an error', () => {
  const rollout: Obj = {
    apiVersion: 'rollouts.kruise.io/v1beta1', kind: 'Rollout', metadata: { name: 'web' },
    spec: { workloadRef: REF, strategy: { paused: true, canary: {
      enableExtraWorkloadForCanary: true,
      failureThreshold: '20%',
      trafficRoutings: [{ service: 'web', gracePeriodSeconds: 10, ingress: { classType: 'nginx', name: 'web' }, extra: 1 }],
      trafficRoutingRef: 'mesh',
      steps: [
        { replicas: 1, traffic: '10%', pause: { duration: 30 } },
        { replicas: 2, matches: [{ headers: [{ name: 'x-canary', value: 'y' }] }], traffic: '40%', pause: { duration: 30 } },
        { replicas: 2, traffic: '50%', requestHeaderModifier: { set: [{ name: 'x', value: 'y' }] }, pause: { duration: 30 } },
        { replicas: '100%', traffic: '100%' },
      ],
      rolloutID: 'r1', // v1alpha1's spec field, unknown under a v1beta1 canary
      // read and ignored: they change labels and Services, not the rollout
      patchPodTemplateMetadata: { labels: { canary: 'true' } },
      disableGenerateCanaryService: true,
    } } },
  };
  const { s, warnings, yaml } = strategy(SERVICE, deployment(), rollout);
  // gracePeriodSeconds is modelled: the plan waits that long after each route change
  assert.equal((YAML.parse(yaml) as { release: { routing: unknown } }).release.routing, { grace: '10s' });
  assert.match(yaml, /grace: 10s # .*spec\.strategy\.canary\.trafficRoutings\[0\]\.gracePeriodSeconds/);
  const expected = [
    /spec\.strategy\.paused: a paused Rollout does not progress; relsim runs it anyway$/,
    /spec\.strategy\.canary\.rolloutID: not modelled: relsim does not know this field$/,
    /spec\.strategy\.canary\.failureThreshold: not modelled: Kruise moves on when all but this many/,
    /spec\.strategy\.canary\.trafficRoutings\[0\]\.extra: not modelled: relsim does not know this field$/,
    /spec\.strategy\.canary\.trafficRoutingRef: not modelled: the TrafficRouting "mesh" may route other services' traffic/,
    /spec\.strategy\.canary\.steps\[1\]\.matches: not modelled: relsim's canary routes by weight, not by header; .* relsim keeps the previous step's weight$/,
    /spec\.strategy\.canary\.steps\[2\]\.requestHeaderModifier: not modelled: relsim does not rewrite request headers$/,
  ];
  for (const re of expected) assert.ok(warnings.some((w) => re.test(w)), `${re} in\n${warnings.join('\n')}`);
  assert.is(warnings.length, expected.length, warnings.join('\n'));
  // the matches step keeps the previous weight (Kruise ignores its traffic: matches take precedence)
  assert.equal(s.steps, [
    { setCanaryScale: { replicas: 1 } }, { setWeight: 10 }, { pause: { duration: '30s' } },
    { setCanaryScale: { replicas: 2 } }, { pause: { duration: '30s' } },
    { setWeight: 50 }, { pause: { duration: '30s' } },
    { setCanaryScale: { weight: 100 } }, { setWeight: 100 },
  ]);
  assert.throws(() => run([SERVICE, deployment(), rollout], true), /spec\.strategy\.paused: a paused Rollout does not progress; relsim runs it anyway \(--strict\)$/);
  // v1alpha1's route reference is an annotation; routed through it, a partition-style Rollout moves stable's pods
  const old = strategy(SERVICE, deployment(), alpha({ steps: [{ replicas: 1, weight: 10, pause: { duration: 5 } }] },
    { rolloutID: 'ignored' }, { annotations: { 'rollouts.kruise.io/rolling-style': 'partition', 'rollouts.kruise.io/trafficrouting': 'mesh' } }));
  assert.equal(old.warnings.length, 2, old.warnings.join('\n'));
  assert.match(old.warnings[0], /metadata\.annotations\["rollouts\.kruise\.io\/trafficrouting"\]: not modelled: the TrafficRouting "mesh"/);
  assert.match(old.warnings[1], /steps\[0\]\.weight: partition style: 10% of requests go to 1 new pod and 90% to the 3 stable pods left, so each stable pod carries 1\.20× its load/);
  assert.equal(old.s, { name: 'canary', trafficRouting: true, stableScaling: 'partition', steps: [{ setCanaryScale: { replicas: 1 } }, { setWeight: 10 }, { pause: { duration: '5s' } }] });
  const unrouted = strategy(SERVICE, deployment(), alpha({ steps: [{ replicas: 1, matches: [{ headers: [{ name: 'h', value: 'v' }] }], pause: { duration: 5 } }] }, {}, { annotations: { 'rollouts.kruise.io/rolling-style': 'partition' } }));
  assert.equal(unrouted.warnings.length, 1, unrouted.warnings.join('\n'));
  assert.match(unrouted.warnings[0], /steps\[0\]\.matches: has no effect without trafficRoutings/);
});

test('partition style with trafficRoutings: stableScaling: partition, the Deployment\'s maxSurge/maxUnavailable, and the imported run moves stable\'s pods', () => {
  const dep = deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
  const steps = [{ replicas: 1, traffic: '25%', pause: { duration: 20 } }, { replicas: 2, traffic: '50%', pause: { duration: 20 } }, { replicas: '100%', traffic: '100%' }];
  const { s, warnings, yaml } = strategy(SERVICE, dep, beta({ trafficRoutings: ROUTING, steps }));
  noWarnings(warnings); // 25 % on 1 of 4 pods and 50 % on 2: every pod carries what it did
  assert.equal({ stableScaling: s.stableScaling, maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable }, { stableScaling: 'partition', maxSurge: 0, maxUnavailable: 1 });
  assert.match(yaml, /maxSurge: 0 # Deployment\/web spec\.strategy\.rollingUpdate\.maxSurge \(Kruise rolls each step's pods, and those left after the last step, with it\)/);
  // canary style keeps its own Deployment beside stable: no stableScaling, no roll knobs
  const extra = strategy(SERVICE, dep, beta({ enableExtraWorkloadForCanary: true, trafficRoutings: ROUTING, steps }));
  assert.equal([extra.s.stableScaling, extra.s.maxSurge], [undefined, undefined]);

  // The imported scenario runs it: 3 then 2 stable pods in the pauses (4 in canary style).
  const stablePods = (text: string) => {
    const r = simulate(parseScenario(text, 'imported.yaml'));
    return r.rollout.steps.filter((x) => x.name.startsWith('pause')).map((x) => r.timeline.series['instances.web.v1.ready'][Math.floor(x.startMs / 1000) + 10]);
  };
  assert.equal(stablePods(yaml), [3, 2]);
  assert.equal(stablePods(extra.yaml), [4, 4]);
});

test('partition style: a step\'s traffic beyond its pods\' share, either way, is a warning saying what Kruise and relsim do', () => {
  const one = (step: Obj, extra: Obj = {}) => strategy(SERVICE, deployment(), beta({ trafficRoutings: ROUTING, steps: [step], ...extra })).warnings;
  // 50 % on 1 of 4 pods: the canary pod carries twice a pod's load
  assert.equal(one({ replicas: 1, traffic: '50%', pause: { duration: 10 } }), ['m.yaml: document 3 (Rollout/web): spec.strategy.canary.steps[0].traffic: partition style: 50% of requests go to 1 new pod and 50% to the 3 stable pods left, ' +
    'so each canary pod carries 2.00× its load before the release (50% over 1 of 4 pods): Kruise routes the step\'s traffic whatever the pods, and relsim does the same, so whether it drops requests depends on the capacity the model gives']);
  // in canary style stable keeps its 4 pods: nothing partition-specific to say
  noWarnings(one({ replicas: 1, traffic: '50%', pause: { duration: 10 } }, { enableExtraWorkloadForCanary: true }));
  // every pod new but half the requests still routed to stable
  const empty = one({ replicas: '100%', traffic: '50%', pause: { duration: 10 } });
  assert.equal(empty.length, 1, empty.join('\n'));
  assert.match(empty[0], /steps\[0\]\.traffic: partition style: all 4 pods are new at this step, yet 50% of requests are routed to the stable Service, which has no pods left: Kruise routes them there and they fail, and relsim counts them as no-endpoint drops; give this step traffic: "100%"$/);
  // …and the run shows it: no-endpoint drops in that pause, none in the same release at 100 %
  const noEndpoint = (traffic: string) => {
    const { yaml } = strategy(SERVICE, deployment(), beta({ trafficRoutings: ROUTING, steps: [{ replicas: '100%', traffic, pause: { duration: 20 } }] }));
    const r = simulate(parseScenario(yaml, 'imported.yaml'));
    const pause = r.rollout.steps.find((x) => x.name.startsWith('pause'))!;
    return { inPause: pause.dropped, all: r.requests.byCause['no-endpoint'] };
  };
  const half = noEndpoint('50%');
  assert.ok(half.inPause > 0 && half.all >= half.inPause, JSON.stringify(half));
  assert.is(noEndpoint('100%').inPause, 0);
});

test('disabled: Kruise leaves the Deployment to its own strategy, and so does relsim', () => {
  const dep = deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } } });
  const { s, warnings } = strategy(SERVICE, dep, beta({ steps: [{ replicas: 1 }] }, { disabled: true }));
  assert.equal(s, { name: 'rolling', maxSurge: '50%', maxUnavailable: 0 });
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /\(Rollout\/web\): spec\.disabled: the Rollout is disabled, so Kruise leaves Deployment\/web to its own strategy/);
});

test('errors name the field: the workload reference, what Kruise itself rejects, blue-green', () => {
  fails([SERVICE, deployment(), { ...beta({ steps: [{ replicas: 1 }] }), spec: { workloadRef: { ...REF, name: 'gone' }, strategy: { canary: { steps: [{ replicas: 1 }] } } } }],
    /^m\.yaml: document 3 \(Rollout\/web\): spec\.workloadRef\.name: no Deployment named "gone" among the manifests$/);
  fails([SERVICE, deployment(), { ...alpha({}), spec: { objectRef: { workloadRef: { ...REF, name: 'gone' } }, strategy: { canary: { steps: [{ replicas: 1 }] } } } }],
    /^m\.yaml: document 3 \(Rollout\/web\): spec\.objectRef\.workloadRef\.name: no Deployment named "gone" among the manifests$/);
  fails([SERVICE, deployment(), { ...beta({}), spec: { strategy: { canary: { steps: [{ replicas: 1 }] } } } }],
    /spec\.workloadRef: expected the workload the Rollout releases: \{apiVersion: apps\/v1, kind: Deployment, name: …\}$/);
  fails([SERVICE, deployment(), { ...beta({}), spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }, strategy: { canary: { steps: [{ replicas: 1 }] } } } }],
    /spec\.workloadRef\.kind: relsim imports Kruise releases of Deployments, got "StatefulSet": relsim does not model StatefulSet pods/);
  fails([SERVICE, deployment(), { ...alpha({}), spec: { objectRef: { workloadRef: { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'web' } }, strategy: { canary: { steps: [{ replicas: 1 }] } } } }],
    /spec\.objectRef\.workloadRef\.kind: relsim imports Kruise releases of Deployments, got "CloneSet"/);
  fails([SERVICE, deployment(), { ...beta({}), spec: { workloadRef: { ...REF, apiVersion: 'apps.kruise.io/v1alpha1' }, strategy: { canary: { steps: [{ replicas: 1 }] } } } }],
    /spec\.workloadRef\.apiVersion: expected apps\/v1 \(a Kubernetes Deployment\), got "apps\.kruise\.io\/v1alpha1"$/);
  fails([SERVICE, deployment(), { ...beta({ steps: [{ replicas: 1 }] }), apiVersion: 'rollouts.kruise.io/v2' }], /\(Rollout\/web\): apiVersion: expected rollouts\.kruise\.io\/v1alpha1 or rollouts\.kruise\.io\/v1beta1/);
  fails([SERVICE, deployment(), beta({ steps: [] })], /spec\.strategy\.canary\.steps: expected at least one step/);
  fails([SERVICE, deployment(), beta({ steps: [{ traffic: '10%' }] })], /spec\.strategy\.canary\.steps\[0\]\.replicas: expected the canary's replicas, an integer or a percentage like "20%" \(Kruise requires it\)$/);
  fails([SERVICE, deployment(), alpha({ steps: [{ pause: {} }] })], /steps\[0\]\.replicas: expected replicas or weight/);
  fails([SERVICE, deployment(), beta({ steps: [{ replicas: 0 }] })], /steps\[0\]\.replicas: expected a positive integer or a percentage from "1%" to "100%", got 0$/);
  fails([SERVICE, deployment(), beta({ steps: [{ replicas: '150%' }] })], /steps\[0\]\.replicas: expected a positive integer or a percentage from "1%" to "100%", got "150%"$/);
  fails([SERVICE, deployment(), beta({ trafficRoutings: ROUTING, steps: [{ replicas: 1, traffic: '0%' }] })], /steps\[0\]\.traffic: expected a percentage of traffic from "1%" to "100%", got "0%"$/);
  fails([SERVICE, deployment(), beta({ trafficRoutings: ROUTING, steps: [{ replicas: 1, traffic: 20 }] })], /steps\[0\]\.traffic: expected a percentage of traffic from "1%" to "100%", got 20$/);
  fails([SERVICE, deployment(), alpha({ trafficRoutings: ROUTING, steps: [{ weight: 120 }] })], /steps\[0\]\.weight: expected a weight from 1 to 100, got 120$/);
  fails([SERVICE, deployment(), beta({ steps: [{ replicas: 1, pause: { duration: '30s' } }] })], /steps\[0\]\.pause\.duration: expected an integer ≥ 0, got "30s"$/);
  fails([SERVICE, deployment(), beta({ trafficRoutings: [...ROUTING, ...ROUTING], steps: [{ replicas: 1 }] })], /spec\.strategy\.canary\.trafficRoutings: expected one traffic routing \(Kruise supports one\), got 2$/);
  fails([SERVICE, deployment(), beta({ trafficRoutings: [{ service: 'web' }], steps: [{ replicas: 1 }] })], /trafficRoutings\[0\]: expected ingress, gateway or customNetworkRefs/);
  fails([SERVICE, deployment(), { ...beta({}), spec: { workloadRef: REF, strategy: { blueGreen: { steps: [{ replicas: '100%' }] } } } }],
    /spec\.strategy\.blueGreen: Kruise blue-green is not imported by relsim/);
  // a Deployment an Argo Rollout already uses as its pod template is not Kruise's to release
  const argo = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'argo' }, spec: { replicas: 2, workloadRef: REF, strategy: { canary: { steps: [{ setWeight: 50 }] } } } };
  fails([SERVICE, deployment(), argo, beta({ steps: [{ replicas: 1 }] })], /\(Rollout\/web\): spec\.workloadRef\.name: Deployment\/web is not a workload of its own here/);
});

test('BatchRelease: batches of canaryReplicas in both versions, batchPartition holds, a Rollout of the same Deployment wins', () => {
  const beta1 = strategy(SERVICE, deployment(), batchRelease('v1beta1', { batches: [{ canaryReplicas: 1 }, { canaryReplicas: '50%' }, { canaryReplicas: '100%' }], batchPartition: 1, finalizingPolicy: 'WaitResume' }));
  noWarnings(beta1.warnings);
  assert.equal(beta1.s, { name: 'canary', trafficRouting: false, steps: [{ setCanaryScale: { replicas: 1 } }, { setCanaryScale: { weight: 50 } }, { pause: {} }, { setCanaryScale: { weight: 100 } }] });
  assert.match(beta1.yaml, /\{pause: \{\}\} # BatchRelease\/web spec\.releasePlan\.batchPartition \(the release holds here until an operator raises it\)/);
  assert.match(beta1.yaml, /# BatchRelease\/web spec\.releasePlan\n/);
  // old v1alpha1 plans: targetReference, pauseSeconds between batches (none after the last)
  const alpha1 = strategy(SERVICE, deployment(), batchRelease('v1alpha1', { batches: [{ canaryReplicas: 2, pauseSeconds: 45 }, { canaryReplicas: '100%', pauseSeconds: 45 }] }));
  noWarnings(alpha1.warnings);
  assert.equal(alpha1.s.steps, [{ setCanaryScale: { replicas: 2 } }, { pause: { duration: '45s' } }, { setCanaryScale: { weight: 100 } }]);
  // canary style (an extra Deployment) keeps stable full: warned
  const canary = strategy(SERVICE, deployment(), batchRelease('v1beta1', { batches: [{ canaryReplicas: 1 }], rollingStyle: 'Canary', failureThreshold: 1 }));
  assert.equal(canary.warnings.length, 2, canary.warnings.join('\n'));
  assert.match(canary.warnings.join('\n'), /spec\.releasePlan\.rollingStyle: canary style: Kruise keeps the stable Deployment at R pods/);
  assert.match(canary.warnings.join('\n'), /spec\.releasePlan\.failureThreshold: not modelled/);
  fails([SERVICE, deployment(), batchRelease('v1beta1', { batches: [{ canaryReplicas: 1 }], rollingStyle: 'BlueGreen' })], /spec\.releasePlan\.rollingStyle: Kruise blue-green is not imported/);
  fails([SERVICE, deployment(), batchRelease('v1beta1', { batches: [{}] })], /spec\.releasePlan\.batches\[0\]\.canaryReplicas: expected the new-version pods of this batch/);
  fails([SERVICE, deployment(), { ...batchRelease('v1alpha1', {}), spec: { targetReference: { workloadRef: { ...REF, name: 'gone' } }, releasePlan: { batches: [{ canaryReplicas: 1 }] } } }],
    /\(BatchRelease\/web\): spec\.targetReference\.workloadRef\.name: no Deployment named "gone" among the manifests$/);
  // the BatchRelease a Rollout created, exported beside it: the Rollout decides, silently
  const both = strategy(SERVICE, deployment(), beta({ trafficRoutings: ROUTING, enableExtraWorkloadForCanary: true, steps: [{ replicas: 1, traffic: '10%', pause: { duration: 5 } }] }),
    batchRelease('v1beta1', { batches: [{ canaryReplicas: 1 }] }));
  noWarnings(both.warnings);
  assert.is(both.s.trafficRouting, true);
  // cancelled: no longer drives the Deployment
  const cancelled = strategy(SERVICE, deployment(), { ...batchRelease('v1alpha1', { batches: [{ canaryReplicas: 1 }] }), spec: { targetReference: { workloadRef: REF }, cancelled: true, releasePlan: { batches: [{ canaryReplicas: 1 }] } } });
  assert.is(cancelled.s.name, 'rolling');
  assert.match(cancelled.warnings.join('\n'), /spec\.cancelled: the BatchRelease is cancelled/);
});

test('the imported kruise-canary example sends v2 the traffic its steps set; kruise-batches follows its pods', () => {
  const share = (dir: string, fromMs: number, toMs: number) => {
    const sc = parseScenario(importExample(dir).yaml, `${dir}.yaml`);
    const r = simulate(sc, { seed: 1 });
    assert.is(r.rollout.outcome, 'promoted', dir);
    const s = r.timeline.series[`share.${sc.release!.services[0]}.v2`] as number[];
    const part = s.slice(fromMs / 1000, toMs / 1000);
    return part.reduce((a, b) => a + b, 0) / part.length;
  };
  // startAt 30 s; the canary pod is ready by ~42 s, traffic 10% until the pause ends at ~102 s
  const ten = share('kruise-canary', 50_000, 100_000);
  assert.ok(Math.abs(ten - 0.1) < 0.03, `traffic 10%: ${ten}`);
  // 50% of 4 is 2 canary pods by ~126 s (each route change is followed by Kruise's 3 s
  // grace), traffic 50% until ~204 s
  const fifty = share('kruise-canary', 130_000, 185_000);
  assert.ok(Math.abs(fifty - 0.5) < 0.04, `traffic 50%: ${fifty}`);
  const done = share('kruise-canary', 240_000, 290_000);
  assert.ok(done > 0.99, `after the last step: ${done}`);
  // without a router the share is the pods': 1 of 6, then 3 of 6
  const one = share('kruise-batches', 50_000, 95_000);
  assert.ok(Math.abs(one - 1 / 6) < 0.04, `1 of 6 pods: ${one}`);
  const half = share('kruise-batches', 120_000, 195_000);
  assert.ok(Math.abs(half - 0.5) < 0.05, `3 of 6 pods: ${half}`);
});

test.run();
