/**
 * Flagger Canary import: each field read lands in the relsim field the docs' table names
 * (percentages become fractions, milliseconds durations, iterations × interval a duration),
 * Flagger's defaults are written out where relsim's differ, each field relsim cannot model is
 * one warning, a bad targetRef is an error naming the field, and the imported flagger-canary
 * example, simulated, sends v2 stepWeight more of the traffic at each step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { webDeployment } from './fixtures.ts';
import { importManifests } from '../../../scenarios/manifests/import.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { simulate } from '../../../sim/simulate.ts';
import { importExample } from './examples.ts';

const MODEL = { file: 'model.yaml', text: 'duration: 5m\nservices:\n  web: {serviceTime: 10ms}\ntraffic: {rate: 50, headers: [{name: x-canary, value: insider, fraction: 0.1}]}\n' };

const deployment = (extra: Record<string, unknown> = {}) => YAML.stringify(webDeployment(extra));

/** A Canary targeting Deployment/web; `analysis` replaces the default one, `spec` adds to it. */
function canary(analysis: Record<string, unknown> = { interval: '30s', stepWeight: 10, maxWeight: 50 }, spec: Record<string, unknown> = {}): string {
  return YAML.stringify({
    apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'web' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, service: { port: 80 }, analysis, ...spec },
  });
}

const run = (docs: string[], opts: { strict?: boolean; model?: typeof MODEL } = {}) =>
  importManifests({ manifests: [{ file: 'm.yaml', text: docs.join('---\n') }], model: opts.model ?? MODEL, strict: opts.strict });
const imported = (analysis?: Record<string, unknown>, spec?: Record<string, unknown>, extra: string[] = []) => run([deployment(), canary(analysis, spec), ...extra]);
/** The release strategy as the scenario loader reads it back. */
const strategyOf = (yaml: string) => (YAML.parse(yaml) as { release: { strategy: Record<string, unknown> } }).release.strategy;
const fails = (docs: string[], message: RegExp) => assert.throws(() => run(docs), (e: Error) => message.test(e.message) || assert.unreachable(e.message));
const oneWarning = (warnings: string[], re: RegExp) => {
  assert.is(warnings.filter((w) => re.test(w)).length, 1, `one warning matching ${re} in\n${warnings.join('\n')}`);
};

test('progressive canary: interval, stepWeight, maxWeight, threshold and the built-in metrics, each with its source', () => {
  const { yaml, warnings } = imported({
    interval: '45s', stepWeight: 15, maxWeight: 45, threshold: 4,
    metrics: [
      { name: 'request-success-rate', interval: '45s', thresholdRange: { min: 99.5 } },
      { name: 'request-duration', interval: '45s', thresholdRange: { max: 1500 } },
    ],
  }, { provider: 'istio' });
  assert.equal(warnings, []);
  assert.equal(strategyOf(yaml), {
    name: 'canary', trafficRouting: true, interval: '45s', stepWeight: 15, maxWeight: 45, threshold: 4,
    analysis: { successRate: 0.995, latency: { p: 99, max: '1500ms' } },
  });
  for (const line of [
    'interval: 45s # Canary/web spec.analysis.interval',
    'stepWeight: 15 # Canary/web spec.analysis.stepWeight',
    'maxWeight: 45 # Canary/web spec.analysis.maxWeight',
    'threshold: 4 # Canary/web spec.analysis.threshold',
    'trafficRouting: true # Canary/web spec.provider',
    '# Canary/web spec.analysis.metrics',
  ]) assert.ok(yaml.includes(line), `${line} in\n${yaml}`);
  // the shorthand expands as Flagger steps: 15, 30, 45, each for one interval; analysis every interval, rollback at the 4th failed check
  const s = parseScenario(yaml, 's.yaml').release!.strategy;
  if (s.name !== 'canary') throw new Error(s.name);
  assert.equal(s.steps, [15, 30, 45].flatMap((w) => [{ setWeight: w }, { pause: { duration: 45_000 } }]));
  assert.equal([s.analysis?.interval, s.analysis?.failureLimit, s.analysis?.successRate], [45_000, 3, 0.995]);
});

test('Flagger defaults where relsim\'s differ: threshold 1, maxWeight 100; the interval default (1m) is the same', () => {
  const { yaml } = imported({ stepWeight: 25, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] });
  assert.equal(strategyOf(yaml), { name: 'canary', trafficRouting: true, stepWeight: 25, maxWeight: 100, threshold: 1, analysis: { successRate: 0.99 } });
  assert.match(yaml, /maxWeight: 100 # Canary\/web spec\.analysis\.maxWeight \(absent: Flagger's default, 100\)/);
  assert.match(yaml, /threshold: 1 # Canary\/web spec\.analysis\.threshold \(absent: Flagger's default, 1\)/);
  assert.match(yaml, /trafficRouting: true # Canary\/web: Flagger shifts traffic by weight/);
  // without a metric relsim evaluates there is no analysis, so no threshold to count failures against
  assert.equal(strategyOf(imported({ stepWeight: 25 }).yaml), { name: 'canary', trafficRouting: true, stepWeight: 25, maxWeight: 100 });
});

test('weights: stepWeights as given; a maxWeight that is no multiple of stepWeight is stepped past, as Flagger does', () => {
  assert.equal(strategyOf(imported({ stepWeights: [1, 5, 25, 50] }).yaml).stepWeights, [1, 5, 25, 50]);
  // Flagger: 20, 40, then 60 ≥ 50 → promote; relsim's shorthand would stop at 40
  const past = strategyOf(imported({ stepWeight: 20, maxWeight: 50 }).yaml);
  assert.equal([past.stepWeights, past.stepWeight, past.maxWeight], [[20, 40, 60], undefined, undefined]);
  // capped at 100
  assert.equal(strategyOf(imported({ stepWeight: 30 }).yaml).stepWeights, [30, 60, 90, 100]);
  // stepWeight wins over stepWeights, whose last weight is then the maximum
  const both = strategyOf(imported({ stepWeight: 10, stepWeights: [5, 30] }).yaml);
  assert.equal([both.stepWeight, both.maxWeight], [10, 30]);
});

test('an interval below 10 s runs at 10 s, as in Flagger; spec.canaryAnalysis is read like spec.analysis', () => {
  const fast = imported({ interval: '5s', stepWeight: 50 });
  assert.is(strategyOf(fast.yaml).interval, '10s');
  oneWarning(fast.warnings, /spec\.analysis\.interval: Flagger runs its checks at most every 10s; relsim uses 10s/);
  const old = run([deployment(), YAML.stringify({
    apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'web' },
    spec: { targetRef: { kind: 'Deployment', name: 'web' }, canaryAnalysis: { interval: '20s', stepWeight: 50, threshold: 2, metrics: [{ name: 'request-success-rate', threshold: 98 }] } },
  })]);
  assert.equal(strategyOf(old.yaml), { name: 'canary', trafficRouting: true, interval: '20s', stepWeight: 50, maxWeight: 100, threshold: 2, analysis: { successRate: 0.98 } });
  assert.match(old.yaml, /# Canary\/web spec\.canaryAnalysis\.metrics/);
});

test('metrics: the deprecated threshold; MetricTemplates, inline queries and other names are named and treated as passing; a different window is said', () => {
  const { yaml, warnings } = imported({
    interval: '1m', stepWeight: 10,
    metrics: [
      { name: 'request-duration', threshold: 250 },
      { name: 'error-budget', templateRef: { name: 'budget', namespace: 'obs' }, thresholdRange: { max: 1 } },
      { name: 'cpu', query: 'sum(rate(cpu[1m]))', threshold: 2 },
      { name: 'made-up' },
      { name: 'request-success-rate', interval: '5m', thresholdRange: { min: 90, max: 100 } },
    ],
  });
  assert.equal(strategyOf(yaml).analysis, { latency: { p: 99, max: '250ms' }, successRate: 0.9 });
  oneWarning(warnings, /spec\.analysis\.metrics\[1\]: metric "error-budget": its MetricTemplate \(budget\) is a query relsim cannot evaluate; relsim treats it as passing/);
  oneWarning(warnings, /spec\.analysis\.metrics\[2\]: metric "cpu": an inline query relsim cannot evaluate; relsim treats it as passing/);
  oneWarning(warnings, /spec\.analysis\.metrics\[3\]: metric "made-up": not a built-in metric .*; relsim treats it as passing/);
  oneWarning(warnings, /spec\.analysis\.metrics\[4\]\.interval: metric "request-success-rate": Flagger queries the last 5m at each check; relsim judges each check on the requests of one analysis interval \(1m\)/);
  oneWarning(warnings, /spec\.analysis\.metrics\[4\]\.thresholdRange\.max: not modelled: relsim checks a minimum success rate only/);
  assert.is(warnings.length, 5, warnings.join('\n'));
  // the metric window defaults to 1m: a 30 s analysis interval is said once per metric
  const short = imported({ interval: '30s', stepWeight: 10, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] });
  oneWarning(short.warnings, /metrics\[0\]: metric "request-success-rate": Flagger queries the last 1m \(its default window\)/);
  fails([deployment(), canary({ stepWeight: 10, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 'high' } }] })],
    /spec\.analysis\.metrics\[0\]\.thresholdRange\.min: expected a percentage 0–100, got "high"/);
});

test('A/B testing: iterations with match → ab with the rules (several: one must hold), for iterations × interval, then promote', () => {
  const ab = (match: unknown[], extra: Record<string, unknown> = {}) => imported({ interval: '2m', iterations: 3, threshold: 2, match, ...extra });
  const header = ab([{ headers: { 'x-canary': { exact: 'insider' } } }]);
  assert.equal(strategyOf(header.yaml), { name: 'ab', match: { header: { name: 'x-canary', value: 'insider' } }, duration: '6m', then: 'promote' });
  assert.match(header.yaml, /duration: 6m # Canary\/web spec\.analysis\.iterations \(3\) × interval \(2m\)/);
  assert.match(header.yaml, /# Canary\/web spec\.analysis\.match\[0\]/);
  assert.equal(header.warnings, []);
  const s = parseScenario(header.yaml, 's.yaml').release!.strategy;
  assert.equal(s.name === 'ab' && [s.duration, s.then, s.match], [360_000, 'promote', { header: { name: 'x-canary', value: 'insider' } }]);

  const cookie = ab([{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }]);
  assert.equal(strategyOf(cookie.yaml).match, { cookie: { name: 'canary', value: 'always' } });
  assert.equal(strategyOf(ab([{ headers: { cookie: { exact: 'beta=yes' } }, queryParams: { variant: { exact: 'b' } } }]).yaml).match,
    { cookie: { name: 'beta', value: 'yes' }, query: { name: 'variant', value: 'b' } });
  // Istio's regex matches the whole value, as relsim's does; an anchored literal is that exact value
  const regex = ab([{ headers: { 'x-canary': { regex: '.*insider.*' } } }]);
  assert.equal(strategyOf(regex.yaml).match, { header: { name: 'x-canary', regex: '.*insider.*' } });
  assert.equal(regex.warnings, []);
  const anchored = ab([{ headers: { 'x-canary': { regex: '^insider$' } } }]);
  assert.equal([anchored.warnings, strategyOf(anchored.yaml).match], [[], { header: { name: 'x-canary', value: 'insider' } }]);
  assert.equal(strategyOf(ab([{ headers: { 'x-canary': { prefix: 'in' } } }]).yaml).match, { header: { name: 'x-canary', prefix: 'in' } });

  const more = ab([{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }],
    { metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }, { name: 'request-duration', thresholdRange: { max: 500 } }] });
  // two rules: either sends a request to the canary, read back as relsim's list of rules
  assert.equal(strategyOf(more.yaml).match, [{ header: { name: 'x-canary', value: 'insider' } }, { cookie: { name: 'canary', value: 'always' } }]);
  const read = parseScenario(more.yaml, 's.yaml').release!.strategy;
  assert.equal(read.name === 'ab' && read.match, { any: [{ header: { name: 'x-canary', value: 'insider' } }, { cookie: { name: 'canary', value: 'always' } }] });
  // the metrics judge the cohort at each iteration, rolling back at `threshold` (2) failed checks
  assert.equal(strategyOf(more.yaml).analysis, { successRate: 0.99, latency: { p: 99, max: '500ms' }, interval: '2m', failureLimit: 1 });
  oneWarning(more.warnings, /metrics\[0\]: metric "request-success-rate": Flagger queries the last 1m \(its default window\)/);
  assert.is(more.warnings.length, 2, more.warnings.join('\n'));

  // conditions relsim cannot express are errors: dropping one would widen the cohort
  fails([deployment(), canary({ iterations: 2, match: [{ headers: { 'x-canary': { suffix: 'er' } } }] })], /spec\.analysis\.match\[0\]\.headers\.x-canary: relsim matches exact, prefix and regex values \(a regex JavaScript can read\): expected \{exact \| prefix \| regex: value\}/);
  fails([deployment(), canary({ iterations: 2, match: [{ headers: { 'x-canary': { regex: '(?<=in' } } }] })], /match\[0\]\.headers\.x-canary: relsim matches exact, prefix and regex values/);
  fails([deployment(), canary({ iterations: 2, match: [{ uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'insider' } } }] })], /spec\.analysis\.match\[0\]\.uri: relsim's A\/B match reads headers and queryParams; a uri condition cannot be modelled/);
  fails([deployment(), canary({ iterations: 2, match: [{ headers: { a: { exact: '1' }, b: { exact: '2' } } }] })], /match\[0\]\.headers\.b: relsim's A\/B match takes one header condition/);
  fails([deployment(), canary({ iterations: 2, match: [{ headers: { cookie: { regex: '.*beta.*' } } }] })], /match\[0\]\.headers\.cookie: expected Flagger's cookie form/);
});

test('blue/green: iterations without match → blue-green promoted iterations × interval after the new stack is ready', () => {
  const { yaml, warnings } = imported({ interval: '1m', iterations: 4, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] });
  // Flagger rolls back a new stack that misses its progress deadline (relsim's blue-green would wait)
  assert.equal(strategyOf(yaml), { name: 'blue-green', autoPromotionSeconds: 240, progressDeadlineAbort: true });
  oneWarning(warnings, /spec\.analysis\.metrics: not evaluated: in relsim the new stack gets no requests before the switch/);
});

test('skipAnalysis and the kubernetes provider: a rolling update of the primary → the Deployment\'s rolling strategy, with a warning', () => {
  const dep = deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  const skipped = run([dep, canary(undefined, { skipAnalysis: true })]);
  assert.equal(strategyOf(skipped.yaml), { name: 'rolling', maxSurge: 1, maxUnavailable: 0 });
  assert.match(skipped.yaml, /maxSurge: 1 # Deployment\/web spec\.strategy\.rollingUpdate\.maxSurge/);
  oneWarning(skipped.warnings, /spec\.skipAnalysis: Flagger promotes without analysis: traffic stays on the primary, which takes the new version by a rolling update; relsim runs Deployment\/web's rolling update/);
  assert.is(skipped.warnings.length, 1, skipped.warnings.join('\n'));
  const kube = run([dep, canary({ interval: '1m', iterations: 5 }, { provider: 'kubernetes' })]);
  assert.equal(strategyOf(kube.yaml).name, 'rolling');
  oneWarning(kube.warnings, /spec\.provider: kubernetes cannot shift traffic: Flagger checks the canary for 5 iterations/);
  // skipAnalysis: false is Flagger's default: nothing to say
  assert.equal(imported(undefined, { skipAnalysis: false }).warnings, []);
});

test('blue/green with traffic mirroring: a full-size canary gets copies for iterations × interval, judged, then the switch', () => {
  const { yaml, warnings } = imported({ interval: '1m', iterations: 3, threshold: 2, mirror: true, mirrorWeight: 40,
    metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] });
  assert.equal(warnings.filter((w) => !/metric "request-success-rate": Flagger queries/.test(w)), []);
  const st = strategyOf(yaml);
  assert.equal([st.name, st.trafficRouting, st.analysis], ['canary', true, { successRate: 0.99, interval: '1m', failureLimit: 1 }]);
  assert.equal(st.steps, [{ setCanaryScale: { weight: 100 } }, { setMirrorRoute: { percentage: 40 } }, { pause: { duration: '3m' } }, { setMirrorRoute: { percentage: 0 } }, { setWeight: 100 }]);
  // It runs: the copies reach the new version (≈ 40 % of the requests during the 3 minutes), no user does before the switch.
  const scenario = parseScenario(yaml, 'imported.yaml');
  const r = simulate(scenario);
  assert.is(r.rollout.outcome, 'promoted', r.rollout.steps.map((x) => x.name).join(', '));
  const offered = scenario.traffic.rate * 180;
  assert.ok(r.meta!.mirrored!.sent > 0.35 * offered && r.meta!.mirrored!.sent < 0.45 * offered, `copies ${JSON.stringify(r.meta!.mirrored)} of ${offered}`);
  // Without mirror the blue/green stays relsim's blue-green.
  assert.is(strategyOf(imported({ interval: '1m', iterations: 3 }).yaml).name, 'blue-green');
});

test('what relsim does not model is one warning each, saying what relsim does instead; --strict makes it an error', () => {
  const analysis = {
    interval: '1m', stepWeight: 10, maxWeight: 50,
    mirror: true, mirrorWeight: 50, sessionAffinity: { cookieName: 'flagger-cookie', maxAge: 3600 },
    stepWeightPromotion: 25, primaryReadyThreshold: 80, canaryReadyThreshold: 50,
    match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
    alerts: [{ name: 'slack', providerRef: { name: 'on-call' } }],
    bogus: 1,
    webhooks: [
      { name: 'acceptance', type: 'pre-rollout', url: 'http://tester/', metadata: { type: 'bash', cmd: 'curl -s http://web-canary/' } },
      { name: 'smoke', url: 'http://tester/' },
      { name: 'gate', type: 'confirm-rollout', url: 'http://gate/' },
      { name: 'more', type: 'confirm-traffic-increase', url: 'http://gate/' },
      { name: 'ship', type: 'confirm-promotion', url: 'http://gate/' },
      { name: 'traffic', type: 'rollout', url: 'http://flagger-loadtester.test/', metadata: { cmd: 'hey -z 1m -q 10 -c 2 http://web-canary/' } },
      { name: 'stop', type: 'rollback', url: 'http://gate/' },
      { name: 'notify', type: 'post-rollout', url: 'http://hooks/' },
      { name: 'events', type: 'event', url: 'http://hooks/' },
    ],
  };
  const spec = {
    suspend: true, progressDeadlineSeconds: 120,
    autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'web' },
    service: { port: 80, timeout: '5s', retries: { attempts: 3 }, gateways: ['mesh'], hosts: ['web.example.com'] },
    revertOnDeletion: true, surprise: true,
  };
  const { yaml: withDeadline, warnings } = imported(analysis, spec);
  // the deadline is modelled: Flagger's canary rolls back when its pods are not ready in time
  assert.is((strategyOf(withDeadline) as Record<string, unknown>).progressDeadlineSeconds, 120);
  // and the mirror pre-stage: copies of half the requests for one interval
  assert.equal([(strategyOf(withDeadline) as Record<string, unknown>).mirror, (strategyOf(withDeadline) as Record<string, unknown>).mirrorWeight], [true, 50]);
  // and the cookie: a user the canary took stays on it
  assert.equal((strategyOf(withDeadline) as Record<string, unknown>).sessionAffinity, { maxAge: '1h' });
  // the webhooks it can model: gates opening at once, checks passing, hey -q 10 -c 2 as a 20 req/s load test
  assert.equal((strategyOf(withDeadline) as Record<string, unknown>).webhooks, [
    { name: 'acceptance', type: 'pre-rollout' }, { name: 'smoke', type: 'rollout' }, { name: 'gate', type: 'confirm-rollout' },
    { name: 'more', type: 'confirm-traffic-increase' }, { name: 'ship', type: 'confirm-promotion' }, { name: 'traffic', type: 'rollout', loadTest: { rate: 20 } },
  ]);
  const expected = [
    /\(Canary\/web\): spec\.surprise: not modelled: relsim does not know this field/,
    /spec\.suspend: a suspended Canary does not run; relsim runs it anyway/,
    /spec\.autoscalerRef: not modelled: Flagger scales the primary and the canary with copies of HorizontalPodAutoscaler\/web; relsim keeps both at services\.web\.replicas/,
    /spec\.service\.timeout: not modelled: .*client\.timeout/,
    /spec\.service\.retries: not modelled: .*client\.retry/,
    /spec\.analysis\.bogus: not modelled: relsim does not know this field/,
    /spec\.analysis\.stepWeightPromotion: not modelled: at promotion relsim moves all traffic to the new version at once/,
    /spec\.analysis\.primaryReadyThreshold: not modelled/,
    /spec\.analysis\.canaryReadyThreshold: not modelled: relsim waits until every new instance is ready/,
    /spec\.analysis\.match: has no effect without iterations/,
    /webhooks\[0\]: pre-rollout webhook "acceptance": relsim assumes it always passes .*give it failAt or failProbability/,
    /webhooks\[1\]: rollout webhook "smoke": relsim assumes it always passes/,
    /webhooks\[2\]: confirm-rollout webhook "gate": relsim assumes it opens at once \(a manifest cannot say when a person approves\); give it openAt/,
    /webhooks\[3\]: confirm-traffic-increase webhook "more": relsim assumes it opens at once/,
    /webhooks\[4\]: confirm-promotion webhook "ship": relsim assumes it opens at once/,
    /webhooks\[6\]: rollback webhook "stop": treated as never asking for a rollback; give a rollback webhook at/,
  ];
  for (const re of expected) oneWarning(warnings, re);
  assert.is(warnings.length, expected.length, warnings.join('\n'));
  // at their defaults (100%, 600 s) they change nothing
  assert.equal(imported({ stepWeight: 10, primaryReadyThreshold: 100, canaryReadyThreshold: 100 }, { progressDeadlineSeconds: 600 }).warnings, []);
  assert.throws(() => run([deployment(), canary(analysis, spec)], { strict: true }), /spec\.surprise: not modelled: .* \(--strict\)$/);
});

test('load-test webhooks: hey with -q (× -c, 50 by default) is a load test at that rate; without a rate, or another tool, a warning', () => {
  const hooks = (cmd: string) => ({ stepWeight: 10, webhooks: [{ name: 'load', type: 'rollout', metadata: { cmd } }] });
  const strat = (cmd: string) => strategyOf(imported(hooks(cmd)).yaml) as Record<string, unknown>;
  assert.equal(strat('hey -z 2m -q 5 -c 4 http://web-canary/').webhooks, [{ name: 'load', type: 'rollout', loadTest: { rate: 20 } }]);
  assert.equal(strat('hey -z 1m -q 2 http://web-canary/').webhooks, [{ name: 'load', type: 'rollout', loadTest: { rate: 100 } }]);
  for (const cmd of ['hey -z 1m -c 2 http://web-canary/', 'k6 run /scripts/load.js']) {
    const { yaml, warnings } = imported(hooks(cmd));
    assert.is((strategyOf(yaml) as Record<string, unknown>).webhooks, undefined);
    oneWarning(warnings, /webhooks\[0\]: rollout webhook "load" is a load test: not modelled; relsim reads the rate of `hey -q/);
  }
});

test('errors: a targetRef to a missing Deployment, to another kind, or none; an analysis that never shifts traffic', () => {
  const withTarget = (targetRef: unknown) => YAML.stringify({
    apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'web' }, spec: { targetRef, analysis: { stepWeight: 10 } },
  });
  fails([deployment(), withTarget({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone' })],
    /^m\.yaml: document 2 \(Canary\/web\): spec\.targetRef\.name: no Deployment named "gone" among the manifests$/);
  const sts = 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {}\n';
  fails([deployment(), sts, withTarget({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' })],
    /^m\.yaml: document 3 \(Canary\/web\): spec\.targetRef\.kind: relsim imports Canaries that target a Deployment, got "StatefulSet"$/);
  fails([deployment(), withTarget(undefined)], /\(Canary\/web\): spec\.targetRef: expected the Deployment the Canary drives/);
  fails([deployment(), YAML.stringify({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: { name: 'web' }, spec: { targetRef: { kind: 'Deployment', name: 'web' } } })],
    /\(Canary\/web\): spec\.analysis: expected the analysis/);
  fails([deployment(), canary({ stepWeight: 10, maxWeight: 150 })], /\(Canary\/web\): spec\.analysis\.maxWeight: expected a weight 1–100, got 150/);
  fails([deployment(), canary({ interval: '1m', threshold: 5 })], /\(Canary\/web\): spec\.analysis: expected stepWeight, stepWeights or iterations: without them Flagger never shifts traffic/);
});

test('the Canary releases its Deployment ahead of a plain Deployment; a model naming Flagger\'s Service is told the relsim name', () => {
  const other = YAML.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api', readinessProbe: {} }] } } } });
  const model = { file: 'model.yaml', text: 'duration: 5m\nservices:\n  web: {serviceTime: 10ms}\n  api: {serviceTime: 10ms}\ntraffic: {rate: 50}\n' };
  const both = run([other, deployment(), canary()], { model });
  assert.equal([strategyOf(both.yaml).name, (YAML.parse(both.yaml) as { release: { services: string[] } }).release.services], ['canary', ['web']]);
  oneWarning(both.warnings, /\(Deployment\/api\): not released: relsim releases one workload per scenario \(Canary\/web\)/);
  // spec.service.name is Flagger's apex Service; without a Service among the manifests the relsim service is the Deployment's name
  const named = { file: 'model.yaml', text: 'duration: 5m\nservices:\n  shop: {serviceTime: 10ms}\ntraffic: {rate: 50}\n' };
  const renamed = run([deployment(), canary(undefined, { service: { name: 'shop', port: 80 } })], { model: named });
  oneWarning(renamed.warnings, /spec\.service\.name: the model names services\.shop \(Flagger's Service\), but relsim names Deployment\/web's service web \(no Service among the manifests selects its pods\); rename it to web/);
});

test('the imported flagger-canary example, simulated: v2 gets stepWeight more of the traffic at each step, then all of it', () => {
  const { yaml } = importExample('flagger-canary');
  const sc = parseScenario(yaml, 'flagger-canary.yaml');
  assert.equal(sc.warnings ?? [], []);
  const s = sc.release!.strategy;
  if (s.name !== 'canary' || !s.flagger) throw new Error('expected the Flagger shorthand');
  const step = s.flagger.stepWeight;
  const r = simulate(sc, { seed: 1 });
  assert.is(r.rollout.outcome, 'promoted');
  const share = r.timeline.series['share.checkout.v2'];
  const mean = (fromMs: number, toMs: number) => {
    const part = share.slice(Math.ceil(fromMs / 1000), Math.floor(toMs / 1000));
    return part.reduce((a, b) => a + b, 0) / part.length;
  };
  const steps = r.rollout.steps;
  const weights = steps.filter((x) => x.name.startsWith('setWeight ')).map((x) => Number(x.name.slice('setWeight '.length)));
  assert.equal(weights, [step, 2 * step, 3 * step], 'setWeight steps');
  assert.is(step, 20, 'the manifest\'s stepWeight, not relsim\'s default 10');
  steps.forEach((x, i) => {
    if (!x.name.startsWith('setWeight ')) return;
    const pause = steps[i + 1];
    assert.is(pause.name, 'pause 30s');
    const got = mean(pause.startMs + 5000, pause.endMs - 2000);
    const want = Number(x.name.slice('setWeight '.length)) / 100;
    assert.ok(Math.abs(got - want) < 0.03, `${x.name}: v2 share ${got.toFixed(3)}, want ${want}`);
  });
  assert.is(mean(0, 30_000), 0, 'before the release');
  const promoted = steps.find((x) => x.name === 'scale down stable')!;
  assert.ok(mean(promoted.startMs + 2000, promoted.endMs) > 0.99, 'after promotion');
});

test.run();
