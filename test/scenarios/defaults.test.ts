import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario, withStrategy, defaultStrategy, loadScenario } from '../../scenarios/load.ts';
import { STRATEGY_NAMES } from '../../scenarios/types.ts';
import { UserError } from '../../scenarios/user-error.ts';

const MINIMAL = 'duration: 2m\nservices:\n  api: {serviceTime: 20ms}\ntraffic: {rate: 50}\n';

test('a minimal file gets every default filled', () => {
  const s = parseScenario(MINIMAL, 'dir/minimal.yaml');
  assert.is(s.name, 'minimal');
  assert.is(s.file, 'dir/minimal.yaml');
  assert.is(s.seed, 1);
  assert.is(s.duration, 120_000);
  assert.is(s.bucketMs, 1000);
  assert.is(s.limits.maxEvents, 100_000_000);
  const a = s.services[0];
  assert.is(a.replicas, 1);
  assert.is(a.initialVersion, 'v1');
  assert.equal(a.versions, [{ name: 'v1', errorRate: 0, latencyFactor: 1, weight: 1, serviceTime: null, coldStart: null, startup: null, crashAfter: null, neverReady: false, requires: {} }]);
  assert.equal(a.instance.readinessProbe, { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.is(a.instance.terminationGracePeriod, 30_000);
  assert.is(a.instance.shutdown, 'graceful');
  assert.is(a.instance.deregistration, 'on-termination');
  assert.equal(a.instance.coldStart, { factor: 1, decay: 30_000, decayRequests: null });
  assert.is(a.propagatesLane, true);
  assert.is(s.entry.service, 'api');
  assert.is(s.entry.client.lb.algorithm, 'round-robin');
  assert.equal(s.entry.client.retry, { attempts: 0, on: ['connect-failure', 'reset', 'timeout'] });
  assert.is(s.registry.mode, 'push');
  assert.equal(s.traffic, { rate: 50, arrival: 'poisson', rampTo: 50, rampDuration: 0, trace: [], users: 1000, headers: [], nonIdempotent: 0 });
  assert.is(s.release, null);
  assert.equal(s.slo, { maxDropped: null, maxErrorRate: null, maxP99Ms: null, maxRolloutMs: null, lanePaths: {}, rollout: 'finished' });
});

test('services keep file order; versions as a list or a map', () => {
  const s = parseScenario(`
duration: 1m
services:
  zeta: {serviceTime: 1ms, calls: [alpha]}
  alpha: {serviceTime: 1ms, versions: {v1: , v2: {latencyFactor: 2, serviceTime: 5ms, coldStart: {factor: 4}}}}
traffic: {rate: 1}
`, 'x.yaml');
  assert.equal(s.services.map((x) => x.name), ['zeta', 'alpha']);
  assert.equal(s.services[1].versions[1], { name: 'v2', errorRate: 0, latencyFactor: 2, weight: 1, serviceTime: { type: 'constant', value: 5 }, coldStart: { factor: 4, decay: 30_000, decayRequests: null }, startup: null, crashAfter: null, neverReady: false, requires: {} });
  assert.is(s.entry.service, 'zeta', 'entry defaults to the first service');
});

test('client precedence: defaults ← callee client ← caller override, field by field', () => {
  const s = parseScenario(`
duration: 1m
services:
  a:
    serviceTime: 1ms
    calls: [b, {service: b, client: {timeout: 200ms, retry: {on: [5xx]}}}, c]
  b:
    serviceTime: 1ms
    client: {lb: {algorithm: least-request, choiceCount: 3}, timeout: 1s, retry: 2}
  c: {serviceTime: 1ms}
entry: {service: b, client: {lb: random}}
traffic: {rate: 1}
`, 'x.yaml');
  const [plain, overridden, toC] = s.services[0].calls;
  assert.is(plain.client.lb.algorithm, 'least-request');
  assert.is(plain.client.timeout, 1000);
  assert.equal(plain.client.retry, { attempts: 2, on: ['connect-failure', 'reset', 'timeout'] });
  assert.is(overridden.client.lb.algorithm, 'least-request', 'lb inherited from the callee');
  assert.is(overridden.client.lb.choiceCount, 3);
  assert.is(overridden.client.timeout, 200, 'the caller wins');
  assert.equal(overridden.client.retry, { attempts: 2, on: ['5xx'] }, 'retry merged field by field');
  assert.is(toC.client.lb.algorithm, 'round-robin');
  assert.is(s.entry.client.lb.algorithm, 'random');
  assert.is(s.entry.client.lb.choiceCount, 3, 'entry inherits the callee fields it does not set');
  assert.is(s.entry.client.timeout, 1000);
});

test('slow start modes get their documented defaults', () => {
  const s = parseScenario(`
duration: 1m
services:
  a: {serviceTime: 1ms, calls: [b, c]}
  b: {serviceTime: 1ms, client: {lb: {slowStart: {mode: envoy, window: 60s}}}}
  c: {serviceTime: 1ms, client: {lb: {slowStart: {mode: dubbo}}}}
traffic: {rate: 1}
`, 'x.yaml');
  assert.equal(s.services[0].calls[0].client.lb.slowStart, { mode: 'envoy', window: 60_000, aggression: 1, minWeightPercent: 10 });
  assert.equal(s.services[0].calls[1].client.lb.slowStart, { mode: 'dubbo', window: 600_000, weight: 100 });
});

test('registry forms: push, poll interval, poll chain', () => {
  const base = 'duration: 1m\nservices: {a: {serviceTime: 1ms}}\ntraffic: {rate: 1}\n';
  assert.equal(parseScenario(base + 'registry: {push: {delay: {uniform: {min: 1s, max: 5s}}}}', 'x.yaml').registry,
    { mode: 'push', delay: { type: 'uniform', min: 1000, max: 5000 }, routingDelay: false, serial: false, batch: true, batchWindow: 0, shared: false });
  assert.is((parseScenario(base + 'registry: {push: {delay: 300ms, serial: true}}', 'x.yaml').registry as { serial: boolean }).serial, true);
  assert.equal(parseScenario(base + 'registry: {poll: {interval: 30s}}', 'x.yaml').registry,
    { mode: 'poll', chain: [{ name: 'poll', interval: 30_000, shared: false }], routingDelay: false });
  assert.equal(parseScenario(base + 'registry: {poll: {chain: [{name: eureka-server, interval: 30s, shared: true}, {name: client, interval: 30s}]}}', 'x.yaml').registry,
    { mode: 'poll', chain: [{ name: 'eureka-server', interval: 30_000, shared: true }, { name: 'client', interval: 30_000, shared: false }], routingDelay: false });
});

test('release defaults: services with a new version, to = the next declared version', () => {
  const s = parseScenario(`
duration: 5m
services:
  a: {serviceTime: 1ms, versions: [v1, v2], calls: [b]}
  b: {serviceTime: 1ms}
  c: {serviceTime: 1ms, versions: [blue, green], initialVersion: green}
traffic: {rate: 1}
release: {startAt: 30s, strategy: canary}
`, 'x.yaml');
  assert.equal(s.release!.services, ['a', 'c']);
  assert.equal({ ...s.release!.to }, { a: 'v2', c: 'blue' });
  assert.is(s.release!.startAt, 30_000);
  assert.equal(s.release!.strategy, defaultStrategy('canary'));
});

test('release `to` as a map picks the services; a single `to` applies to all listed', () => {
  const base = 'duration: 5m\nservices: {a: {serviceTime: 1ms, versions: [v1, v2, v3]}, b: {serviceTime: 1ms, versions: [v1, v2]}}\ntraffic: {rate: 1}\n';
  const m = parseScenario(base + 'release: {to: {b: v2, a: v3}, strategy: rolling}', 'x.yaml').release!;
  assert.equal(m.services, ['b', 'a']);
  assert.equal({ ...m.to }, { b: 'v2', a: 'v3' });
  const one = parseScenario(base + 'release: {services: [a, b], to: v2, strategy: rolling}', 'x.yaml').release!;
  assert.equal({ ...one.to }, { a: 'v2', b: 'v2' });
});

test('Flagger shorthand expands into Argo steps and keeps the flagger block', () => {
  const s = parseScenario(`
duration: 10m
services: {a: {serviceTime: 1ms, versions: [v1, v2]}}
traffic: {rate: 1}
release:
  strategy: {name: canary, interval: 30s, stepWeight: 10, maxWeight: 30, threshold: 3, analysis: {successRate: 0.99}}
`, 'x.yaml');
  const st = s.release!.strategy;
  if (st.name !== 'canary') throw new Error('expected canary');
  assert.equal(st.steps, [
    { setWeight: 10 }, { pause: { duration: 30_000 } },
    { setWeight: 20 }, { pause: { duration: 30_000 } },
    { setWeight: 30 }, { pause: { duration: 30_000 } },
  ]);
  assert.equal(st.flagger, { interval: 30_000, stepWeight: 10, stepWeights: [], maxWeight: 30, threshold: 3, mirrorWeight: 0 });
  assert.is(st.analysis!.interval, 30_000, 'analysis runs once per Flagger interval');
  assert.is(st.analysis!.failureLimit, 2, 'rollback at threshold failed checks = Argo failureLimit threshold − 1');
  assert.is(st.analysis!.successRate, 0.99);

  const w = parseScenario(`
duration: 10m
services: {a: {serviceTime: 1ms, versions: [v1, v2]}}
traffic: {rate: 1}
release: {strategy: {name: canary, stepWeights: [1, 5, 25]}}
`, 'x.yaml').release!.strategy;
  if (w.name !== 'canary') throw new Error('expected canary');
  assert.equal(w.steps.filter((x) => 'setWeight' in x), [{ setWeight: 1 }, { setWeight: 5 }, { setWeight: 25 }]);
  assert.equal(w.flagger, { interval: 60_000, stepWeight: 0, stepWeights: [1, 5, 25], maxWeight: 25, threshold: 5, mirrorWeight: 0 });
});

test('canary steps: every step form', () => {
  const st = parseScenario(`
duration: 10m
services: {a: {serviceTime: 1ms, versions: [v1, v2]}}
traffic: {rate: 1}
release:
  strategy:
    name: canary
    trafficRouting: false
    steps:
      - setCanaryScale: {replicas: 2}
      - setWeight: 10
      - pause: {duration: 30s}
      - pause: {}
      - pause: 1m
      - analysis: {interval: 10s, count: 3, latency: {max: 500ms}, judge: {}}
`, 'x.yaml').release!.strategy;
  if (st.name !== 'canary') throw new Error('expected canary');
  assert.is(st.trafficRouting, false);
  assert.equal(st.steps.slice(0, 5), [
    { setCanaryScale: { replicas: 2 } }, { setWeight: 10 }, { pause: { duration: 30_000 } }, { pause: { duration: null } }, { pause: { duration: 60_000 } },
  ]);
  const a = (st.steps[5] as { analysis: import('../../scenarios/types.ts').AnalysisSpec }).analysis;
  assert.equal(a.latency, { p: 99, max: 500 });
  assert.equal(a.judge, { confidence: 0.98, tolerance: 0.25, direction: 'increase' });
  assert.is(a.count, 3);
});

test('lanes: read with defaults; released services default to the lane services', () => {
  const s = parseScenario(`
duration: 10m
services:
  a: {serviceTime: 1ms, versions: [v1, v2], calls: [b]}
  b: {serviceTime: 1ms, calls: [c]}
  c: {serviceTime: 1ms, versions: [v1, v2]}
traffic: {rate: 1, headers: [{name: x-user-id, value: 100, fraction: 0.1}]}
release:
  strategy:
    name: lanes
    mode: permissive
    lanes: [{name: gray, match: {header: {name: x-user-id, value: "100"}}, services: {a: v2, c: v2}}]
slo: {lanePaths: {gray: ["a:v2>b:v1>c:v2"]}}
`, 'x.yaml');
  const st = s.release!.strategy;
  if (st.name !== 'lanes') throw new Error('expected lanes');
  assert.equal(st.lanes.map((l) => ({ ...l, services: { ...l.services } })), [{ name: 'gray', tag: 'gray', match: { header: { name: 'x-user-id', value: '100' } }, services: { a: 'v2', c: 'v2' }, replicas: 1 }]);
  assert.equal(s.release!.services, ['a', 'c']);
  assert.equal(s.traffic.headers, [{ name: 'x-user-id', value: '100', fraction: 0.1 }]);
  assert.equal({ ...s.slo.lanePaths }, { gray: ['a:v2>b:v1>c:v2'] });
});

const RELEASED = 'duration: 5m\nservices:\n  a: {serviceTime: 1ms, versions: [v1, v2], calls: [b]}\n  b: {serviceTime: 1ms, versions: [v1, v2]}\ntraffic: {rate: 10, headers: [{name: x-canary, value: "1", fraction: 0.05}]}\nrelease: {strategy: {name: rolling, maxSurge: 1, maxUnavailable: 0}}\n';

test('withStrategy: replaces with defaults, keeps own knobs, adapts ab/lanes', () => {
  const s = parseScenario(RELEASED, 'x.yaml');
  for (const name of STRATEGY_NAMES) {
    const t = withStrategy(s, name);
    assert.is(t.release!.strategy.name, name);
    assert.equal(t.release!.services, s.release!.services, 'same services released');
  }
  assert.is(withStrategy(s, 'rolling'), s, 'its own strategy keeps its knobs');
  assert.equal(withStrategy(s, 'canary').release!.strategy, defaultStrategy('canary'));
  const ab = withStrategy(s, 'ab').release!.strategy;
  if (ab.name !== 'ab') throw new Error('expected ab');
  assert.equal(ab.match, { header: { name: 'x-canary', value: '1' } });
  const lanes = withStrategy(s, 'lanes').release!.strategy;
  if (lanes.name !== 'lanes') throw new Error('expected lanes');
  assert.equal({ ...lanes.lanes[0].services }, { a: 'v2', b: 'v2' });
  assert.equal(lanes.lanes[0].match, { header: { name: 'x-canary', value: '1' } });
  assert.is(s.release!.strategy.name, 'rolling', 'the original is not changed');
});

test('withStrategy on a scenario with no release is one clear user error', () => {
  const s = loadScenario('scenarios/examples/mmc.yaml');
  try {
    withStrategy(s, 'canary');
    assert.unreachable('expected an error');
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).exitCode, 2);
    assert.match((e as Error).message, /scenarios\/examples\/mmc\.yaml: has no release block, so there is no rollout to run as canary/);
    // compare calls this for strategies the user never named: no flag in the message.
    assert.not.match((e as Error).message, /--strategy/);
  }
});

test('defaultStrategy: Kubernetes and Argo numbers, in ms', () => {
  const r = defaultStrategy('rolling');
  if (r.name !== 'rolling') throw new Error('expected rolling');
  assert.is(r.maxSurge, '25%');
  assert.is(r.maxUnavailable, '25%');
  assert.is(r.progressDeadlineSeconds, 600_000);
  const bg = defaultStrategy('blue-green');
  if (bg.name !== 'blue-green') throw new Error('expected blue-green');
  assert.is(bg.scaleDownDelaySeconds, 30_000);
  assert.is(bg.autoPromotionEnabled, true);
  const c = defaultStrategy('canary');
  if (c.name !== 'canary') throw new Error('expected canary');
  assert.equal(c.steps.filter((x) => 'setWeight' in x), [{ setWeight: 20 }, { setWeight: 50 }, { setWeight: 100 }]);
  assert.is(c.trafficRouting, true);
  assert.not.ok(defaultStrategy('canary') === defaultStrategy('canary'), 'fresh objects each call');
});

test.run();
