/**
 * relsim import beyond the golden examples: every error names file, document, Kind/name and
 * field; every valid field relsim cannot model is one warning (an error under --strict); the
 * model's own values lose to the manifests' with a warning; and an imported Argo canary, run
 * through the simulator, sends the share of traffic to v2 that Argo would at each step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { importManifests } from '../../../scenarios/manifests/import.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { simulate } from '../../../sim/simulate.ts';
import { importExample } from './examples.ts';

const MODEL = { file: 'model.yaml', text: 'duration: 2m\nservices:\n  web: {serviceTime: 10ms}\ntraffic: {rate: 50}\n' };

function rollout(spec: Record<string, unknown>, extra: string[] = []): string {
  const base = {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' },
    spec: {
      replicas: 4,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:2', readinessProbe: { periodSeconds: 2 } }] } },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: { duration: 30 } }] } },
      ...spec,
    },
  };
  return [YAML.stringify(base), ...extra].join('---\n');
}

const run = (text: string, strict = false, model = MODEL) => importManifests({ manifests: [{ file: 'm.yaml', text }], model, strict });
const fails = (text: string, message: RegExp, model = MODEL) => assert.throws(() => run(text, false, model), (e: Error) => message.test(e.message) || assert.unreachable(e.message));

test('errors name the file, the document, Kind/name and the field', () => {
  fails('a: [1, 2', /^m\.yaml: document 1: not valid YAML: /);
  fails('- just\n- a list\n', /^m\.yaml: document 1: expected a Kubernetes object/);
  fails('apiVersion: v1\nkind: Service\nmetadata: {}\n', /^m\.yaml: document 1 \(Service\/\): metadata\.name: expected a name, got nothing$/);
  fails(rollout({}, ['apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n']),
    /^m\.yaml: document 2 \(Widget\/w\): kind: relsim does not know example\.com\/v1 Widget; remove it from the input/);
  fails(rollout({ template: undefined, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone' } }),
    /^m\.yaml: document 1 \(Rollout\/web\): spec\.workloadRef\.name: no Deployment named "gone" among the manifests$/);
  fails(rollout({ strategy: { canary: { steps: [{ analysis: { templates: [{ templateName: 'sr' }] } }] } } }),
    /spec\.strategy\.canary\.steps\[0\]\.analysis\.templates\[0\]\.templateName: no AnalysisTemplate named "sr" among the manifests$/);
  fails(rollout({ strategy: { canary: { steps: [{ setWeigth: 20 }] } } }), /steps\[0\]: unknown canary step "setWeigth"/);
  fails(rollout({ strategy: { canary: { steps: [{ pause: { duration: 'soon' } }] } } }), /steps\[0\]\.pause\.duration: expected a duration: integer seconds or a string like "30s"/);
  fails(rollout({ replicas: -1 }), /spec\.replicas: expected an integer ≥ 0, got -1$/);
  fails('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', /no Deployment or Rollout among the manifests/);
  fails(rollout({}), /^model\.yaml: expected a partial scenario/, { file: 'model.yaml', text: '- a\n- b\n' });
});

test('what relsim cannot model is one warning each, never dropped silently; --strict makes it an error', () => {
  const text = rollout({
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [
      { name: 'web', image: 'web:2', readinessProbe: { periodSeconds: 2, failureThreshold: 3 }, startupProbe: { periodSeconds: 5 }, lifecycle: { preStop: { httpGet: { path: '/drain', port: 80 } } } },
      { name: 'sidecar', image: 'envoy' },
    ] } },
    strategy: { canary: {
      dynamicStableScale: true,
      steps: [{ setWeight: 20 }, { setHeaderRoute: { name: 'h', match: [{ headerName: 'x-a', headerValue: { prefix: 'a' } }, { headerName: 'x-b', headerValue: { exact: 'b' } }] } }, { experiment: {} }, { pause: {} }],
    } },
  }, ['apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 1}\n']);
  const { warnings, yaml } = run(text);
  const expected = [
    /spec\.template\.spec\.containers: 2 containers; relsim models one per instance and reads web's lifecycle and probe/,
    /containers\[0\]\.lifecycle\.preStop: a httpGet hook has no duration relsim can read; set services\.web\.preStop in the model/,
    /readinessProbe\.failureThreshold: not modelled/,
    /containers\[0\]\.startupProbe: not modelled/,
    /\(PodDisruptionBudget\/web\): has no effect on a rollout/,
    /spec\.strategy\.canary\.dynamicStableScale: not modelled: stable keeps its full size/,
    /steps\[1\]: skipped: relsim's header route in Argo's form matches one header by an exact, prefix or regex value/,
    /steps\[2\]: skipped: relsim does not model experiment steps/,
  ];
  assert.is(warnings.length, expected.length, warnings.join('\n'));
  for (const re of expected) assert.ok(warnings.some((w) => re.test(w)), `${re} in\n${warnings.join('\n')}`);
  // the skipped steps are gone, the others keep their order and their sources
  assert.match(yaml, /steps:\n {6}- \{setWeight: 20\} # Rollout\/web spec\.strategy\.canary\.steps\[0\]\n {6}- \{pause: \{\}\} # Rollout\/web spec\.strategy\.canary\.steps\[3\]/);
  assert.throws(() => run(text, true), /containers: 2 containers; .* \(--strict\)$/);
});

test('preStop: exec sleep in any shell form, the sleep action, and a sleep with other work', () => {
  const preStop = (hook: unknown) => run(rollout({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'w', readinessProbe: {}, lifecycle: { preStop: hook } }] } } }));
  for (const [hook, s] of [[{ exec: { command: ['sleep', '15'] } }, '15s'], [{ exec: { command: ['/bin/sh', '-c', 'sleep 7'] } }, '7s'], [{ sleep: { seconds: 4 } }, '4s']] as const) {
    const r = preStop(hook);
    assert.match(r.yaml, new RegExp(`preStop: ${s} # Rollout/web spec\\.template\\.spec\\.containers\\[0\\]\\.lifecycle\\.preStop`));
    assert.equal(r.warnings, []);
  }
  const mixed = preStop({ exec: { command: ['sh', '-c', 'nginx -s quit; sleep 5'] } });
  assert.match(mixed.yaml, /preStop: 5s/);
  assert.match(mixed.warnings.join('\n'), /only its sleep \(5 s\) is modelled; the rest \("nginx -s quit"\) is not/);
});

test('a value the model also sets is taken from the manifest, with a warning naming both', () => {
  const model = { file: 'model.yaml', text: 'duration: 2m\nservices:\n  web: {serviceTime: 10ms, replicas: 9}\ntraffic: {rate: 50}\n' };
  const { yaml, warnings } = run(rollout({}), false, model);
  assert.match(yaml, /replicas: 4 # Rollout\/web spec\.replicas/);
  assert.equal(warnings, ['model.yaml: services.web.replicas: set in the model (9) and by Rollout/web spec.replicas; the manifest\'s value (4) is used']);
});

test('AnalysisTemplate metrics: success and error rates, latency in seconds, and what is treated as passing', () => {
  const template = (metrics: unknown[]) => YAML.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'a' }, spec: { metrics } });
  const withAnalysis = (metrics: unknown[]) => run(rollout({ strategy: { canary: { steps: [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'a' }] } }] } } }, [template(metrics)]));
  const prom = (query: string) => ({ prometheus: { address: 'http://p', query } });
  const errors = withAnalysis([{ name: 'errors', interval: '1m', failureLimit: 2, successCondition: 'result[0] <= 0.02', provider: prom('sum(rate(x{code=~"5.."}[1m])) / sum(rate(x[1m]))') }]);
  assert.match(errors.yaml, /analysis:\n\s+successRate: 0\.98\n\s+interval: 1m\n\s+failureLimit: 2/);
  const latency = withAnalysis([{ name: 'p95', failureCondition: 'result[0] >= 0.3', provider: prom('histogram_quantile(0.95, sum(rate(h_seconds_bucket[1m])) by (le))') }]);
  assert.match(latency.yaml, /latency: \{p: 95, max: 300ms\}/);
  const web = withAnalysis([{ name: 'smoke', provider: { web: { url: 'http://x' } }, successCondition: 'result == true' }]);
  assert.match(web.warnings.join('\n'), /metric "smoke": a web provider without a query relsim can read; relsim treats it as passing/);
  assert.match(web.warnings.join('\n'), /steps\[1\]: skipped: none of its metrics is one relsim can evaluate/);
});

test('an imported Argo canary sends v2 the share Argo would at each step, routed and basic', () => {
  const share = (dir: string, fromMs: number, toMs: number) => {
    const sc = parseScenario(importExample(dir).yaml, `${dir}.yaml`);
    const r = simulate(sc, { seed: 1 });
    const s = r.timeline.series[`share.${sc.release!.services[0]}.v2`] as number[];
    const part = s.slice(fromMs / 1000, toMs / 1000);
    return part.reduce((a, b) => a + b, 0) / part.length;
  };
  // routed (nginx trafficRouting): the router carries the weight exactly
  const routed20 = share('argo-canary', 50_000, 100_000);
  assert.ok(Math.abs(routed20 - 0.2) < 0.03, `routed setWeight 20: ${routed20}`);
  // basic: Argo's rounding — 1 canary beside 4 stable (maxSurge 25%) is 20%, not 25%
  const basic10 = share('argo-basic-canary', 42_000, 94_000);
  assert.ok(Math.abs(basic10 - 0.2) < 0.03, `basic setWeight 10: ${basic10}`);
  const basic50 = share('argo-basic-canary', 108_000, 160_000);
  assert.ok(Math.abs(basic50 - 0.5) < 0.04, `basic setWeight 50: ${basic50}`);
});


test('a Rollout\'s progressDeadlineSeconds and progressDeadlineAbort become the strategy\'s, with their sources', () => {
  const { yaml, warnings } = run(rollout({ progressDeadlineSeconds: 120, progressDeadlineAbort: true }));
  assert.equal(warnings, []);
  assert.match(yaml, /progressDeadlineSeconds: 120 # Rollout\/web spec\.progressDeadlineSeconds/);
  assert.match(yaml, /progressDeadlineAbort: true # Rollout\/web spec\.progressDeadlineAbort/);
  const bg = run(rollout({ progressDeadlineSeconds: 90, strategy: { blueGreen: { activeService: 'web' } } })).yaml;
  assert.match(bg, /name: blue-green[\s\S]*progressDeadlineSeconds: 90/);
});

test('blueGreen pre- and post-promotion analyses are read; a pre-promotion one asks for the preview\'s traffic', () => {
  const template = YAML.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'sr' }, spec: { metrics: [
    { name: 'errors', interval: '30s', successCondition: 'result[0] <= 0.05', provider: { prometheus: { address: 'http://p', query: 'sum(rate(x{code=~"5.."}[1m])) / sum(rate(x[1m]))' } } },
  ] } });
  const ref = { templates: [{ templateName: 'sr' }] };
  const { yaml, warnings } = run(rollout({ strategy: { blueGreen: { activeService: 'web', prePromotionAnalysis: ref, postPromotionAnalysis: ref } } }, [template]));
  assert.match(yaml, /prePromotionAnalysis: \{successRate: 0\.95, interval: 30s\} # Rollout\/web spec\.strategy\.blueGreen\.prePromotionAnalysis/);
  assert.match(yaml, /postPromotionAnalysis: \{successRate: 0\.95, interval: 30s\} # Rollout\/web spec\.strategy\.blueGreen\.postPromotionAnalysis/);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /blueGreen\.prePromotionAnalysis: measures the preview, whose test traffic is not in the manifests.*previewMatch/);
  assert.not.match(warnings.join('\n'), /postPromotionAnalysis/);
});

test('setMirrorRoute steps: a percentage with one exact header, other conditions warned about, no match removes it', () => {
  const steps = [
    { setCanaryScale: { replicas: 1 } },
    { setMirrorRoute: { name: 'm', percentage: 40, match: [{ headers: { 'x-mirror': { exact: '1' } } }] } },
    { pause: { duration: 30 } },
    { setMirrorRoute: { name: 'm', percentage: 100, match: [{ method: { exact: 'GET' }, path: { prefix: '/' } }] } },
    { setMirrorRoute: { name: 'm' } },
  ];
  const { yaml, warnings } = run(rollout({ strategy: { canary: { trafficRouting: { smi: {} }, steps } } }));
  const strategy = (YAML.parse(yaml) as { release: { strategy: { steps: unknown[] } } }).release.strategy;
  assert.equal(strategy.steps[1], { setMirrorRoute: { percentage: 40, match: { header: { name: 'x-mirror', value: '1' } } } });
  assert.match(yaml, /# Rollout\/web spec\.strategy\.canary\.steps\[1\]\n\s+- setMirrorRoute:/);
  assert.match(yaml, /\{setMirrorRoute: \{percentage: 100\}\} # Rollout\/web spec\.strategy\.canary\.steps\[3\]/);
  assert.match(yaml, /\{setMirrorRoute: \{percentage: 0\}\} # Rollout\/web spec\.strategy\.canary\.steps\[4\]/);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /steps\[3\]\.setMirrorRoute\.match: relsim matches one exact header only/);
});

test('setHeaderRoute steps: one header (exact, prefix or regex) becomes the canary\'s header route; no match removes it', () => {
  const steps = [{ setCanaryScale: { replicas: 1 } }, { setHeaderRoute: { name: 'h', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } }, { pause: { duration: 30 } }, { setHeaderRoute: { name: 'h' } }];
  const { yaml, warnings } = run(rollout({ strategy: { canary: { trafficRouting: { smi: {} }, steps } } }));
  assert.equal(warnings, []);
  const strategy = (YAML.parse(yaml) as { release: { strategy: { steps: unknown[] } } }).release.strategy;
  assert.equal(strategy.steps[1], { setHeaderRoute: { match: { header: { name: 'x-beta', value: 'yes' } } } });
  assert.equal(strategy.steps[3], { setHeaderRoute: {} });
  // Argo's prefix and regex values are written as relsim's, and read back as such.
  const kinds = [{ setHeaderRoute: { name: 'p', match: [{ headerName: 'x-beta', headerValue: { prefix: 'ye' } }] } }, { setHeaderRoute: { name: 'r', match: [{ headerName: 'x-beta', headerValue: { regex: 'y(es)?' } }] } }];
  const more = run(rollout({ strategy: { canary: { trafficRouting: { smi: {} }, steps: kinds } } }));
  assert.equal(more.warnings, []);
  assert.equal((YAML.parse(more.yaml) as { release: { strategy: { steps: unknown[] } } }).release.strategy.steps,
    [{ setHeaderRoute: { match: { header: { name: 'x-beta', prefix: 'ye' } } } }, { setHeaderRoute: { match: { header: { name: 'x-beta', regex: 'y(es)?' } } } }]);
  const read = parseScenario(more.yaml, 'imported.yaml').release!.strategy;
  assert.equal(read.name === 'canary' && read.steps, [{ setHeaderRoute: { match: { header: { name: 'x-beta', value: 'ye', kind: 'prefix' } } } }, { setHeaderRoute: { match: { header: { name: 'x-beta', value: 'y(es)?', kind: 'regex' } } } }]);
  const unreadable = run(rollout({ strategy: { canary: { trafficRouting: { smi: {} }, steps: [{ setHeaderRoute: { name: 'x', match: [{ headerName: 'x-beta', headerValue: { regex: '(?<=y' } }] } }] } } }));
  assert.match(unreadable.warnings.join('\n'), /steps\[0\]: skipped: relsim's header route in Argo's form matches one header by an exact, prefix or regex value \(one JavaScript can read\)/);
});

test.run();
