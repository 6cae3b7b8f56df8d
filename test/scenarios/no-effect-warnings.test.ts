/**
 * Settings that are accepted but change nothing in that combination are named in a
 * warning (the CLI prints them as `relsim: warning: …`); the same settings where they do
 * have an effect stay quiet.
 *
 * The audit's cases (scenarios/no-effect.ts) also simulate both sides: where the warning
 * fires, the run is the same with and without the setting (and under `--strategy S` where
 * the claim covers it); in the nearest combination where it stays quiet, the run differs.
 * A model change that gives a warned setting an effect fails here, not in a user's report.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario, withStrategy } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import type { Scenario, StrategyName } from '../../scenarios/types.ts';

function warnings(over: { service?: Record<string, unknown>; release?: unknown; traffic?: Record<string, unknown> }): string[] {
  const doc = {
    duration: '2m',
    services: { a: { replicas: 4, versions: ['v1', 'v2'], serviceTime: '10ms', ...over.service } },
    entry: { service: 'a' },
    traffic: { rate: 20, ...over.traffic },
    release: over.release ?? { to: 'v2', strategy: 'rolling' },
  };
  return parseScenario(JSON.stringify(doc), 's.json').warnings ?? [];
}

test('preStop longer than the grace period: the kubelet cuts the rest', () => {
  assert.equal(warnings({ service: { preStop: '60s', terminationGracePeriodSeconds: 30 } }),
    ['s.json: services.a.preStop: 1m is longer than terminationGracePeriodSeconds (30s): the kubelet ends the hook at the grace period, so the rest has no effect; raise the grace period above the preStop']);
  assert.equal(warnings({ service: { preStop: '20s', terminationGracePeriodSeconds: 30 } }), []);
});

test('readyAfterRegistration without a registrationDelay: it registers the moment it is ready', () => {
  assert.equal(warnings({ service: { readyAfterRegistration: true } }),
    ['s.json: services.a.readyAfterRegistration: has no effect without a registrationDelay: an instance registers the moment it is ready; set registrationDelay, or remove it']);
  assert.equal(warnings({ service: { readyAfterRegistration: true, registrationDelay: '10s' } }), []);
});

test('takeOutFirst with batches: the batches are ignored', () => {
  const w = warnings({ release: { to: 'v2', strategy: { name: 'rolling', takeOutFirst: true, batches: [{ replicas: 1 }, { replicas: 3 }] } } });
  assert.equal(w.length, 1);
  assert.match(w[0], /release\.strategy\.batches: has no effect with takeOutFirst/);
  assert.equal(warnings({ release: { to: 'v2', strategy: { name: 'rolling', batches: [{ replicas: 1 }, { replicas: 3 }] } } }), []);
});

test('maxSurge / maxUnavailable on a canary with a router: unused', () => {
  const w = warnings({ release: { to: 'v2', strategy: { name: 'canary', maxSurge: 2, steps: [{ setWeight: 20 }] } } });
  assert.equal(w.length, 1);
  assert.match(w[0], /release\.strategy\.maxSurge: has no effect with trafficRouting: true/);
  // a basic canary (no router) finishes as a rolling update within maxSurge: quiet
  assert.equal(warnings({ release: { to: 'v2', strategy: { name: 'canary', trafficRouting: false, maxSurge: 2, steps: [{ setWeight: 20 }] } } }), []);
});

test('a lane or A/B rule on a header no request carries matches nobody', () => {
  const lanes = { to: 'v2', strategy: { name: 'lanes', lanes: [{ name: 'gray', match: { header: { name: 'x-gray', value: '1' } }, services: { a: 'v2' } }] } };
  const w = warnings({ release: lanes });
  assert.equal(w.length, 1);
  assert.match(w[0], /release\.strategy\.lanes\[0\]\.match\.header: no request carries "x-gray"/);
  assert.equal(warnings({ release: lanes, traffic: { headers: [{ name: 'x-gray', value: '1', fraction: 0.1 }] } }), []);
  const ab = { to: 'v2', strategy: { name: 'ab', match: { cookie: { name: 'beta', value: 'yes' } } } };
  assert.match(warnings({ release: ab }).join('\n'), /release\.strategy\.match\.cookie: no request carries "beta"/);
  // x-user-id is on every request
  assert.equal(warnings({ release: { to: 'v2', strategy: { name: 'ab', match: { header: { name: 'x-user-id', value: '7' } } } } }), []);
});


// ---- the audit: every field accepted without effect in some combination ---------------------

/** A scenario as written: JSON-like, loosely typed on purpose (the loader is what checks it). */
type Doc = any;

/** gw → a → b; a (v1, v2, v3) is released with a rolling update; b is not released. */
function base(): Doc {
  return {
    duration: '90s',
    services: {
      gw: { replicas: 2, concurrency: 16, serviceTime: '2ms', calls: ['a'] },
      a: {
        replicas: 4, versions: { v1: {}, v2: {}, v3: {} }, concurrency: 8, serviceTime: { exponential: { mean: '10ms' } },
        startup: { uniform: { min: '2s', max: '4s' } }, readinessProbe: { periodSeconds: 1 }, calls: ['b'],
      },
      b: { replicas: 2, versions: ['v1', 'v2'], concurrency: 8, serviceTime: { exponential: { mean: '5ms' } } },
    },
    entry: 'gw',
    registry: { push: { delay: { uniform: { min: '200ms', max: '2s' } } } },
    traffic: { rate: 60, users: 200 },
    release: { startAt: '15s', services: ['a'], to: 'v2', strategy: 'rolling' },
  };
}

/** base() changed by `f`. */
const mod = (f: (d: Doc) => void): Doc => { const d = base(); f(d); return d; };

const load = (d: Doc): Scenario => parseScenario(JSON.stringify(d), 's.json');

/** The warnings about `path` (the field itself or inside it). */
function about(d: Doc, path: string): string[] {
  return (load(d).warnings ?? []).filter((w) => w.startsWith(`s.json: ${path}:`) || w.startsWith(`s.json: ${path}.`) || w.startsWith(`s.json: ${path}[`));
}

/** The RunResult without the engine's event counter and the echo of the scenario's topology. */
function runOf(d: Doc, strategy?: StrategyName): string {
  const s = load(d);
  const r = simulate(strategy ? withStrategy(s, strategy) : s);
  delete r.meta?.events;
  delete r.meta?.topology;
  return JSON.stringify(r);
}

const ALL: StrategyName[] = ['recreate', 'rolling', 'blue-green', 'canary', 'ab', 'lanes'];

/** `on` sets what `off` leaves out: a warning about `path` (matching `why`), and the same run. */
function noEffect(path: string, why: RegExp, on: Doc, off: Doc, strategies: StrategyName[] = []): void {
  const w = about(on, path);
  assert.is(w.length, 1, `one warning about ${path}, got ${JSON.stringify(load(on).warnings)}`);
  assert.match(w[0], why);
  assert.match(w[0], /no effect/);
  for (const st of [undefined, ...strategies]) {
    assert.is(runOf(on, st), runOf(off, st), `${path} changed the run${st ? ` under --strategy ${st}` : ''}`);
  }
}

/** The nearest combination where the setting counts: no warning about `path`, and a different run. */
function hasEffect(path: string, on: Doc, off: Doc): void {
  assert.equal(about(on, path), [], `no warning about ${path}`);
  assert.is.not(runOf(on), runOf(off), `${path} should change the run here`);
}

test('instance settings of a service no release touches: none of its instances starts or stops', () => {
  const life = {
    preStop: '5s', startup: '3s', readinessProbe: { initialDelaySeconds: 3, periodSeconds: 7 }, registrationDelay: '2s',
    deregistration: 'before-termination', deregistrationLead: '2s', terminationGracePeriodSeconds: 5, shutdown: 'abrupt',
    minReadySeconds: 10, coldStart: { factor: 10, decay: '20s' }, proactiveNotification: true,
  };
  const on = mod((d) => Object.assign(d.services.gw, life));
  assert.equal(load(on).warnings?.map((w) => w.split(':')[1].trim()).sort(), Object.keys(life).map((k) => `services.gw.${k}`).sort());
  noEffect('services.gw.preStop', /gw is not released \(release\.services: a\), so none of its instances ever starts or stops; add gw to release\.services/, on, base(), ALL);
  // a version's own cold start, too: the initial instances are warm
  noEffect('services.b.versions.v1.coldStart', /b is not released/, mod((d) => { d.services.b.versions = { v1: { coldStart: { factor: 20, decay: '1m' } }, v2: {} }; }), base());
  // released, the same settings count
  hasEffect('services.a.preStop', mod((d) => Object.assign(d.services.a, life)), base());
  const both = (d: Doc): void => { d.release.services = ['gw', 'a']; d.services.gw.versions = ['v1', 'v2']; };
  hasEffect('services.gw.preStop', mod((d) => { both(d); Object.assign(d.services.gw, life); }), mod(both));
  // without a release (a steady-state model) they are not flagged, only what no release could change
  assert.equal(about(mod((d) => { delete d.release; Object.assign(d.services.gw, life); }), 'services.gw').map((w) => w.split(':')[1].trim()),
    ['services.gw.terminationGracePeriodSeconds']);
});

test('the settings of a version that never runs (not initial, not release.to, not in a lane)', () => {
  const v3 = { errorRate: 0.5, latencyFactor: 5, weight: 7, serviceTime: '1s', coldStart: { factor: 9, decay: '1m' } };
  noEffect('services.a.versions.v3', /^s\.json: services\.a\.versions\.v3: errorRate, latencyFactor, weight, serviceTime, coldStart have no effect: version v3 never runs/,
    mod((d) => { d.services.a.versions.v3 = v3; }), base(), ['canary', 'lanes']);
  hasEffect('services.a.versions.v3', mod((d) => { d.release.to = 'v3'; d.services.a.versions.v3 = v3; }), mod((d) => { d.release.to = 'v3'; }));
  // a lane version runs
  const lane = (d: Doc): void => { d.release = { startAt: '15s', strategy: { name: 'lanes', lanes: [{ name: 'g', match: { percent: 50 }, services: { a: 'v3' } }] } }; };
  hasEffect('services.a.versions.v3', mod((d) => { lane(d); d.services.a.versions.v3 = v3; }), mod(lane));
});

test('equal weights on every version: only their ratios act', () => {
  const all3 = (d: Doc): void => { d.services.a.versions = { v1: { weight: 3 }, v2: { weight: 3 }, v3: {} }; };
  // v3 never runs, so v1 and v2 carry every instance: 3 against 3 is 1 against 1.
  const warned = about(mod((d) => { all3(d); d.services.a.versions.v3 = { weight: 3 }; }), 'services.a.versions.v1.weight');
  assert.equal(warned.length, 1);
  assert.match(warned[0], /every version of a has weight 3, and weights only act relative to each other/);
  hasEffect('services.a.versions.v2.weight', mod((d) => { d.services.a.versions = { v1: { weight: 3 }, v2: { weight: 1 }, v3: {} }; }), base());
});

test('keep-alive settings: a server\'s keepAlive without pooling callers, pool fields of the other protocol', () => {
  noEffect('services.a.keepAlive', /no caller of a keeps connections \(client\.pool\)/,
    mod((d) => { d.services.a.keepAlive = { timeout: '1s', onShutdown: 'none' }; }), base(), ['recreate', 'blue-green']);
  hasEffect('services.a.keepAlive', mod((d) => { d.services.a.keepAlive = { onShutdown: 'none' }; d.services.a.client = { pool: {} }; }),
    mod((d) => { d.services.a.client = { pool: {} }; }));
  const pooled = (pool: object) => mod((d) => { d.services.gw.calls = [{ service: 'a', client: { pool } }]; });
  noEffect('services.gw.calls[0].client.pool.connections', /this pool is HTTP\/1\.1; set pool\.http2: true/, pooled({ connections: 2 }), pooled({}));
  noEffect('services.gw.calls[0].client.pool.maxRequests', /this pool is HTTP\/2/, pooled({ http2: true, maxRequests: 3 }), pooled({ http2: true }));
  hasEffect('services.gw.calls[0].client.pool.connections', pooled({ http2: true, connections: 1 }), pooled({ http2: true }));
});

test('how a service serves requests, when no request reaches it', () => {
  const c = (extra: object): Doc => ({ replicas: 2, versions: { v1: {} }, serviceTime: '5ms', ...extra });
  const set = { concurrency: 1, queue: 0, coldStart: { factor: 50, decay: '1m' }, calls: ['b'], propagatesLane: false, proactiveNotification: true, client: { timeout: '1ms', retry: 3 } };
  const on = mod((d) => { d.services.c = c(set); d.services.c.versions.v1 = { errorRate: 0.5 }; });
  assert.equal(load(on).warnings?.map((w) => w.split(':')[1].trim()),
    ['services.c.concurrency', 'services.c.queue', 'services.c.coldStart', 'services.c.calls', 'services.c.propagatesLane', 'services.c.proactiveNotification', 'services.c.versions.v1.errorRate', 'services.c.client']);
  noEffect('services.c.concurrency', /no request reaches c \(it is not the entry, gw, and no service a request reaches calls it\)/, on, mod((d) => { d.services.c = c({}); }));
  assert.match(about(on, 'services.c.client')[0], /so no caller uses it/);
  hasEffect('services.c.concurrency', mod((d) => { d.services.c = c({ concurrency: 1, queue: 0 }); d.services.b.calls = ['c']; }), mod((d) => { d.services.c = c({}); d.services.b.calls = ['c']; }));
});

test('propagatesLane on a service that calls nothing', () => {
  const lanes = (d: Doc): void => { d.release = { startAt: '15s', strategy: { name: 'lanes', duration: '1m', lanes: [{ name: 'g', match: { percent: 30 }, services: { a: 'v2', b: 'v2' } }] } }; };
  noEffect('services.b.propagatesLane', /b calls no service/, mod((d) => { lanes(d); d.services.b.propagatesLane = false; }), mod(lanes));
  hasEffect('services.a.propagatesLane', mod((d) => { lanes(d); d.services.a.propagatesLane = false; }), mod(lanes));
});

test('deregistrationLead with deregistration: on-termination', () => {
  noEffect('services.a.deregistrationLead', /has no effect with deregistration: on-termination/, mod((d) => { d.services.a.deregistrationLead = '3s'; }), base());
  const lossless = (d: Doc): void => { d.services.a.deregistration = 'before-termination'; };
  hasEffect('services.a.deregistrationLead', mod((d) => { lossless(d); d.services.a.deregistrationLead = '3s'; }), mod(lossless));
});

test('terminationGracePeriodSeconds with shutdown: abrupt and a preStop that fits in it', () => {
  const abrupt = (preStop: string) => (d: Doc): void => { d.services.a.shutdown = 'abrupt'; d.services.a.preStop = preStop; };
  noEffect('services.a.terminationGracePeriodSeconds', /shutdown: abrupt and a preStop \(2s\) that fits in it: the app exits at SIGTERM/,
    mod((d) => { abrupt('2s')(d); d.services.a.terminationGracePeriodSeconds = 3; }), mod(abrupt('2s')));
  // the grace period still cuts a longer preStop (that line warns about the preStop)
  hasEffect('services.a.terminationGracePeriodSeconds', mod((d) => { abrupt('5s')(d); d.services.a.terminationGracePeriodSeconds = 3; }), mod(abrupt('5s')));
  // a graceful app is killed at the end of the grace period
  const graceful = (d: Doc): void => { d.services.a.serviceTime = '3s'; d.services.a.concurrency = 100; };
  hasEffect('services.a.terminationGracePeriodSeconds', mod((d) => { graceful(d); d.services.a.terminationGracePeriodSeconds = 1; }), mod(graceful));
});

test('lb.slowStart on calls to a service whose instances never change', () => {
  const slow = { lb: { slowStart: { mode: 'envoy', window: '30s' } } };
  noEffect('services.a.calls[0].client.lb.slowStart', /slow start ramps up new instances, and b is not released/,
    mod((d) => { d.services.a.calls = [{ service: 'b', client: slow }]; }), base(), ALL);
  hasEffect('services.gw.calls[0].client.lb.slowStart', mod((d) => { d.services.gw.calls = [{ service: 'a', client: slow }]; }), base());
  // with nginx passive health, slow start also sets smooth-wrr's weight scale: quiet
  assert.equal(about(mod((d) => { d.services.b.client = { lb: { algorithm: 'smooth-wrr', maxFails: 2, slowStart: { mode: 'haproxy', window: '10s' } } }; }), 'services.b.client'), []);
});

test('lb.failTimeout without passive health, lb.choiceCount outside least-request', () => {
  noEffect('services.a.client.lb.failTimeout', /failTimeout is the window of passive health, which is off \(maxFails is 0\)/,
    mod((d) => { d.services.a.client = { lb: { algorithm: 'smooth-wrr', failTimeout: '1s' } }; }), mod((d) => { d.services.a.client = { lb: 'smooth-wrr' }; }));
  const failing = (lb: object) => (d: Doc): void => { d.services.a.client = { lb, retry: { attempts: 1, on: ['5xx'] } }; d.services.a.versions.v2 = { errorRate: 0.3 }; };
  hasEffect('services.a.client.lb.failTimeout', mod(failing({ algorithm: 'smooth-wrr', maxFails: 1, failTimeout: '100ms' })), mod(failing({ algorithm: 'smooth-wrr', maxFails: 1 })));
  noEffect('services.a.client.lb.choiceCount', /choiceCount is least-request's number of choices, and gw's call balances with round-robin/,
    mod((d) => { d.services.a.client = { lb: { choiceCount: 5 } }; }), base());
  hasEffect('services.a.client.lb.choiceCount', mod((d) => { d.services.a.client = { lb: { algorithm: 'least-request', choiceCount: 5 } }; }), mod((d) => { d.services.a.client = { lb: 'least-request' }; }));
});

test('a timeout longer than the run; retry.on with no attempts; attempts with nothing to retry on', () => {
  noEffect('services.a.client.timeout', /a 91s timeout cannot fire in a 90s run/, mod((d) => { d.services.a.client = { timeout: '91s' }; }), base());
  hasEffect('services.a.client.timeout', mod((d) => { d.services.a.client = { timeout: '15ms' }; }), base());
  noEffect('services.a.client.retry.on', /retry\.attempts is 0, so nothing is retried/, mod((d) => { d.services.a.client = { retry: { on: ['5xx'] } }; }), base());
  const bad = (retry: unknown) => (d: Doc): void => { d.services.a.versions.v2 = { errorRate: 0.3 }; if (retry !== undefined) d.services.a.client = { retry }; };
  hasEffect('services.a.client.retry.on', mod(bad({ attempts: 2, on: ['5xx'] })), mod(bad(2)));
  noEffect('services.a.client.retry.attempts', /retry\.on is empty, so no failure is retried/, mod(bad({ attempts: 3, on: [] })), mod(bad(undefined)));
  // the callee's shorthand `retry: 3` is named as written; the caller's `on: []` is what turns it off
  const off = mod((d) => { d.services.a.client = { retry: 3 }; d.services.gw.calls = [{ service: 'a', client: { retry: { on: [] } } }]; });
  assert.equal(load(off).warnings, ['s.json: services.a.client.retry: has no effect on any call to a: retry.on is empty, so no failure is retried; list failures in retry.on, or remove it']);
});

test('a callee client field that every caller sets for itself', () => {
  noEffect('services.a.client.timeout', /has no effect on any call to a: gw's call sets its own \(services\.gw\.calls\[0\]\.client\.timeout\)/,
    mod((d) => { d.services.a.client = { timeout: '5ms' }; d.services.gw.calls = [{ service: 'a', client: { timeout: '15ms' } }]; }),
    mod((d) => { d.services.gw.calls = [{ service: 'a', client: { timeout: '15ms' } }]; }));
  // a caller that overrides something else inherits it
  hasEffect('services.a.client.timeout', mod((d) => { d.services.a.client = { timeout: '5ms' }; d.services.gw.calls = [{ service: 'a', client: { retry: 1 } }]; }),
    mod((d) => { d.services.gw.calls = [{ service: 'a', client: { retry: 1 } }]; }));
  // the short form `lb: name` is named as written
  assert.match(about(mod((d) => { d.services.a.client = { lb: 'random' }; d.services.gw.calls = [{ service: 'a', client: { lb: 'round-robin' } }]; }), 'services.a.client.lb')[0] ?? '', /^s\.json: services\.a\.client\.lb: has no effect on any call to a/);
});

test('traffic: ramp and trace fields under another arrival; a header rule no match reads', () => {
  noEffect('traffic.rampTo', /has no effect with arrival: poisson/, mod((d) => { d.traffic.rampTo = 500; }), base());
  noEffect('traffic.rampDuration', /has no effect with arrival: poisson/, mod((d) => { d.traffic.rampDuration = '30s'; }), base());
  hasEffect('traffic.rampTo', mod((d) => { d.traffic.arrival = 'ramp'; d.traffic.rampDuration = '30s'; d.traffic.rampTo = 200; }), mod((d) => { d.traffic.arrival = 'ramp'; d.traffic.rampDuration = '30s'; }));
  noEffect('traffic.trace', /has no effect with arrival: poisson/, mod((d) => { d.traffic.trace = ['0ms', '5ms', '1s']; }), base());
  const h0 = { name: 'x-canary', value: '1', fraction: 0.3 };
  const hdrs = (...more: object[]) => (d: Doc): void => { d.traffic.headers = [h0, ...more]; };
  // headers[0] is the match `--strategy ab|lanes` gets: never flagged; a later rule is
  noEffect('traffic.headers[1]', /no match rule of the release reads "x-beta"/, mod(hdrs({ name: 'x-beta', value: 'y', fraction: 0.5 })), mod(hdrs()), ['ab', 'lanes']);
  noEffect('traffic.headers[1]', /every request carries x-user-id = its user id/, mod(hdrs({ name: 'x-user-id', value: '7' })), mod(hdrs()), ['ab', 'lanes']);
  assert.equal(about(mod(hdrs()), 'traffic.headers'), []);
  const ab = (d: Doc): void => { d.release.strategy = { name: 'ab', duration: '30s', match: { header: { name: 'x-beta', value: 'y' } } }; d.services.a.versions.v2 = { latencyFactor: 3 }; };
  hasEffect('traffic.headers[1]', mod((d) => { ab(d); hdrs({ name: 'x-beta', value: 'y', fraction: 0.5 })(d); }), mod((d) => { ab(d); hdrs({ name: 'x-beta', value: 'y', fraction: 0.1 })(d); }));
});

test('rolling: maxSurge/maxUnavailable with batches, drainWait without takeOutFirst, the last batch\'s pause', () => {
  const rolling = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'rolling', ...knobs }; };
  const batches = [{ replicas: 1, pause: '5s' }, { replicas: 3, pause: '5s' }];
  noEffect('release.strategy.maxSurge', /has no effect with batches: each batch scales to its own count/, mod(rolling({ batches: [batches[0], { replicas: 3 }], maxSurge: 3 })), mod(rolling({ batches: [batches[0], { replicas: 3 }] })));
  noEffect('release.strategy.maxUnavailable', /has no effect with takeOutFirst/, mod(rolling({ takeOutFirst: true, maxUnavailable: 2 })), mod(rolling({ takeOutFirst: true })));
  hasEffect('release.strategy.maxSurge', mod(rolling({ maxSurge: 3, maxUnavailable: 0 })), base());
  noEffect('release.strategy.drainWait', /has no effect without takeOutFirst/, mod(rolling({ drainWait: '5s' })), base());
  hasEffect('release.strategy.drainWait', mod(rolling({ takeOutFirst: true, drainWait: '5s' })), mod(rolling({ takeOutFirst: true })));
  noEffect('release.strategy.batches[1].pause', /pauses between batches, not after the last one/, mod(rolling({ batches })), mod(rolling({ batches: [batches[0], { replicas: 3 }] })));
  hasEffect('release.strategy.batches[0].pause', mod(rolling({ batches: [batches[0], { replicas: 3 }] })), mod(rolling({ batches: [{ replicas: 1 }, { replicas: 3 }] })));
});

test('rolling: a minReadySeconds the service already exceeds; a progressDeadlineSeconds the run cannot reach', () => {
  const own = (sec: number, knobs: object = {}) => (d: Doc): void => { d.services.a.minReadySeconds = sec; d.release.strategy = { name: 'rolling', ...knobs }; };
  noEffect('release.strategy.minReadySeconds', /a's own minReadySeconds is at least as long/, mod(own(8, { minReadySeconds: 5 })), mod(own(8)));
  hasEffect('release.strategy.minReadySeconds', mod(own(3, { minReadySeconds: 8 })), mod(own(3)));
  // the new instances never get ready: only a deadline inside the run rolls back
  const stuck = (knobs: object = {}) => (d: Doc): void => { d.services.a.startup = '10m'; d.release.strategy = { name: 'rolling', ...knobs }; };
  noEffect('release.strategy.progressDeadlineSeconds', /the run ends 75s after release\.startAt, before a 2m deadline \(or the default 10m\) could pass/,
    mod(stuck({ progressDeadlineSeconds: 120 })), mod(stuck()));
  hasEffect('release.strategy.progressDeadlineSeconds', mod(stuck({ progressDeadlineSeconds: 30 })), mod(stuck()));
  // beyond the run but shorter than the default would be: it does disable the default, so quiet
  assert.equal(about(mod((d) => { d.duration = '20m'; stuck({ progressDeadlineSeconds: 1500 })(d); }), 'release.strategy.progressDeadlineSeconds'), []);
});

test('blue-green: a preview as large as the service; promotion knobs with autoPromotionEnabled: false', () => {
  const bg = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'blue-green', ...knobs }; };
  noEffect('release.strategy.previewReplicaCount', /not below the replicas of a \(4\)/, mod(bg({ previewReplicaCount: 4 })), mod(bg({})));
  hasEffect('release.strategy.previewReplicaCount', mod(bg({ previewReplicaCount: 1 })), mod(bg({})));
  const manual = mod(bg({ autoPromotionEnabled: false, autoPromotionSeconds: 10, scaleDownDelaySeconds: 5 }));
  noEffect('release.strategy.autoPromotionSeconds', /has no effect with autoPromotionEnabled: false/, manual, mod(bg({ autoPromotionEnabled: false, scaleDownDelaySeconds: 5 })));
  noEffect('release.strategy.scaleDownDelaySeconds', /has no effect with autoPromotionEnabled: false/, manual, mod(bg({ autoPromotionEnabled: false, autoPromotionSeconds: 10 })));
  hasEffect('release.strategy.scaleDownDelaySeconds', mod(bg({ autoPromotionSeconds: 10, scaleDownDelaySeconds: 5 })), mod(bg({ autoPromotionSeconds: 10 })));
});

test('canary stableScaling: partition without a router, and the scale-down delays it has no use for', () => {
  const canary = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'canary', ...knobs }; };
  const basic = { trafficRouting: false, steps: [{ setCanaryScale: { replicas: 1 } }, { pause: '5s' }] };
  noEffect('release.strategy.stableScaling', /has no effect with trafficRouting: false: the canary without a router already moves pods/,
    mod(canary({ ...basic, stableScaling: 'partition' })), mod(canary(basic)));
  const routed = { steps: [{ setCanaryScale: { replicas: 1 } }, { setWeight: 20 }, { pause: '5s' }] };
  hasEffect('release.strategy.stableScaling', mod(canary({ ...routed, stableScaling: 'partition' })), mod(canary(routed)));
  // v2 fails half its requests: the analysis rolls it back, which partition style does without a delay
  const bad = (knobs: object) => (d: Doc): void => { d.services.a.versions.v2 = { errorRate: 0.5 }; canary(knobs)(d); };
  const partition = { ...routed, stableScaling: 'partition', analysis: { interval: '2s', successRate: 0.9, minRequests: 5 } };
  noEffect('release.strategy.abortScaleDownDelaySeconds', /has no effect with stableScaling: partition/, mod(bad({ ...partition, abortScaleDownDelaySeconds: 2 })), mod(bad(partition)));
  noEffect('release.strategy.scaleDownDelaySeconds', /has no effect with stableScaling: partition/,
    mod(canary({ ...routed, stableScaling: 'partition', scaleDownDelaySeconds: 2 })), mod(canary({ ...routed, stableScaling: 'partition' })));
  // …and with a router the delays count in full style
  hasEffect('release.strategy.scaleDownDelaySeconds', mod(canary({ ...routed, scaleDownDelaySeconds: 2 })), mod(canary(routed)));
  // partition style rolls its pods within maxSurge/maxUnavailable: no warning, and they count
  assert.equal(about(mod(canary({ ...routed, stableScaling: 'partition', maxSurge: 0, maxUnavailable: 1 })), 'release.strategy.maxSurge'), []);
  hasEffect('release.strategy.maxSurge', mod(canary({ ...routed, stableScaling: 'partition', maxSurge: 0, maxUnavailable: 1 })), mod(canary({ ...routed, stableScaling: 'partition', maxUnavailable: 1 })));
});

test('canary: steps after pause: {}, delays without a router, an analysis that never measures, threshold without analysis', () => {
  const canary = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'canary', ...knobs }; };
  const forever = [{ setWeight: 25 }, { pause: {} }];
  noEffect('release.strategy.steps[2]', /this step and the one after it have no effect: the rollout never gets past release\.strategy\.steps\[1\]/,
    mod(canary({ steps: [...forever, { setWeight: 75 }, { pause: '5s' }] })), mod(canary({ steps: forever })));
  noEffect('release.strategy.scaleDownDelaySeconds', /used when the canary is promoted/, mod(canary({ steps: forever, scaleDownDelaySeconds: 3 })), mod(canary({ steps: forever })));
  const timed = [{ setWeight: 25 }, { pause: '5s' }];
  hasEffect('release.strategy.steps[2]', mod(canary({ steps: [...timed, { setWeight: 75 }, { pause: '5s' }] })), mod(canary({ steps: timed })));

  // A basic canary's weight steps take their replica counts with maxSurge (Argo's rounding may
  // surge to R + 1), so before an indefinite pause only maxUnavailable waits for a promotion.
  const basicForever = { trafficRouting: false, steps: [{ setWeight: 10 }, { pause: {} }] };
  hasEffect('release.strategy.maxSurge', mod(canary({ ...basicForever, maxSurge: 1 })), mod(canary({ ...basicForever, maxSurge: 0 })));
  noEffect('release.strategy.maxUnavailable', /used when the canary is promoted/, mod(canary({ ...basicForever, maxUnavailable: 1 })), mod(canary(basicForever)));

  const basic = { trafficRouting: false, steps: [{ setWeight: 50 }, { pause: '5s' }] };
  noEffect('release.strategy.abortScaleDownDelaySeconds', /has no effect with trafficRouting: false/, mod(canary({ ...basic, abortScaleDownDelaySeconds: 2 })), mod(canary(basic)));
  noEffect('release.strategy.scaleDownDelaySeconds', /has no effect with trafficRouting: false/, mod(canary({ ...basic, scaleDownDelaySeconds: 2 })), mod(canary(basic)));
  hasEffect('release.strategy.scaleDownDelaySeconds', mod(canary({ steps: [{ setWeight: 50 }], scaleDownDelaySeconds: 2 })), mod(canary({ steps: [{ setWeight: 50 }] })));

  // v2 fails half its requests: any measurement rolls it back
  const bad = (knobs: object) => (d: Doc): void => { d.services.a.versions.v2 = { errorRate: 0.5 }; canary(knobs)(d); };
  const analysis = { interval: '10s', successRate: 0.9, minRequests: 5 };
  noEffect('release.strategy.analysis', /measures after every 10s of pause, and the steps pause 6s in all, so it never measures/,
    mod(bad({ steps: [{ setWeight: 50 }, { pause: '6s' }], analysis })), mod(bad({ steps: [{ setWeight: 50 }, { pause: '6s' }] })));
  hasEffect('release.strategy.analysis', mod(bad({ steps: [{ setWeight: 50 }, { pause: '20s' }], analysis })), mod(bad({ steps: [{ setWeight: 50 }, { pause: '20s' }] })));

  const flagger = { interval: '10s', stepWeight: 25 };
  noEffect('release.strategy.threshold', /has no effect without analysis/, mod(bad({ ...flagger, threshold: 1 })), mod(bad(flagger)));
  const checked = { ...flagger, analysis: { successRate: 0.9, minRequests: 5 } };
  noEffect('release.strategy.threshold', /analysis\.failureLimit is set/, mod(bad({ ...flagger, threshold: 1, analysis: { ...checked.analysis, failureLimit: 4 } })), mod(bad({ ...flagger, analysis: { ...checked.analysis, failureLimit: 4 } })));
  hasEffect('release.strategy.threshold', mod(bad({ ...checked, threshold: 1 })), mod(bad(checked)));
});

test('webhooks: confirm-traffic-increase where no weight rises, confirm-promotion on an A/B test that rolls back; threshold with a failing check', () => {
  const strategy = (knobs: object) => (d: Doc): void => { d.release.strategy = knobs; };
  const gate = (type: string) => [{ name: 'g', type, openAt: '1m' }];
  const scaleOnly = [{ setCanaryScale: { replicas: 1 } }, { pause: '5s' }];
  noEffect('release.strategy.webhooks[0].type', /no setWeight step raises the canary's weight/,
    mod(strategy({ name: 'canary', steps: scaleOnly, webhooks: gate('confirm-traffic-increase') })), mod(strategy({ name: 'canary', steps: scaleOnly })));
  hasEffect('release.strategy.webhooks[0].type', mod(strategy({ name: 'canary', steps: [{ setWeight: 50 }], webhooks: gate('confirm-traffic-increase') })), mod(strategy({ name: 'canary', steps: [{ setWeight: 50 }] })));
  const ab = { name: 'ab', match: { percent: 20 }, duration: '10s' };
  noEffect('release.strategy.webhooks[0].type', /never raises a weight/, mod(strategy({ ...ab, webhooks: gate('confirm-traffic-increase') })), mod(strategy(ab)));
  noEffect('release.strategy.webhooks[0].type', /with then: rollback/, mod(strategy({ ...ab, then: 'rollback', webhooks: gate('confirm-promotion') })), mod(strategy({ ...ab, then: 'rollback' })));
  hasEffect('release.strategy.webhooks[0].type', mod(strategy({ ...ab, webhooks: gate('confirm-promotion') })), mod(strategy(ab)));
  // A failing rollout hook is a check: threshold counts it.
  const flagger = { name: 'canary', interval: '10s', stepWeight: 25, webhooks: [{ name: 'smoke', type: 'rollout', failAt: 0 }] };
  hasEffect('release.strategy.threshold', mod(strategy({ ...flagger, threshold: 1 })), mod(strategy(flagger)));
});

test('approvals: a strategy that never pauses for one, more than the pauses, after the run; steps after pause: {} count them', () => {
  const withApprovals = (strategy: unknown, approvals: string[]) => (d: Doc): void => { d.release.strategy = strategy; if (approvals.length) d.release.approvals = approvals; };
  noEffect('release.approvals', /a rolling release never pauses for a promotion/, mod(withApprovals('rolling', ['30s'])), base());
  const forever = { name: 'canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 75 }] };
  hasEffect('release.approvals', mod(withApprovals(forever, ['30s'])), mod(withApprovals(forever, [])));
  noEffect('release.approvals[1]', /pauses for a promotion 1 time\(s\), and each pause takes one approval/, mod(withApprovals(forever, ['30s', '40s'])), mod(withApprovals(forever, ['30s'])));
  noEffect('release.approvals[0]', /at or after the end of the run \(90s\)/, mod(withApprovals(forever, ['2m'])), mod(withApprovals(forever, [])));
  // an approval takes the rollout past the pause, so the steps after it are quiet
  assert.equal(about(mod(withApprovals(forever, ['30s'])), 'release.strategy.steps'), []);
  assert.equal(about(mod(withApprovals(forever, [])), 'release.strategy.steps').length, 1);
  const manual = { name: 'blue-green', autoPromotionEnabled: false, scaleDownDelaySeconds: 5 };
  hasEffect('release.strategy.scaleDownDelaySeconds', mod(withApprovals(manual, ['40s'])), mod(withApprovals({ ...manual, scaleDownDelaySeconds: 30 }, ['40s'])));
});

test('A/B replicas as large as the service; lanes teardown after the run ends', () => {
  const ab = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'ab', duration: '20s', ...knobs }; };
  noEffect('release.strategy.replicas', /not below the replicas of a \(4\), so B is as large as without it/, mod(ab({ replicas: 6 })), mod(ab({})));
  hasEffect('release.strategy.replicas', mod(ab({ replicas: 1 })), mod(ab({})));
  const lanes = (duration: string, knobs: object) => (d: Doc): void => {
    d.release = { startAt: '15s', strategy: { name: 'lanes', duration, lanes: [{ name: 'g', match: { percent: 30 }, services: { a: 'v2' } }], ...knobs } };
  };
  noEffect('release.strategy.teardown', /they come down after 95s at the earliest, and the run ends at 90s/, mod(lanes('80s', { teardown: false })), mod(lanes('80s', {})));
  hasEffect('release.strategy.teardown', mod(lanes('30s', { teardown: false })), mod(lanes('30s', {})));
});

test('match rules no request meets: a value no user gets, an x-user-id or user ids beyond traffic.users', () => {
  // B is 3× slower, so who matches shows in the latencies
  const ab = (match: object) => (d: Doc): void => {
    d.release.strategy = { name: 'ab', duration: '40s', match }; d.services.a.versions.v2 = { latencyFactor: 3 };
    d.traffic.headers = [{ name: 'x-canary', value: '1', fraction: 0.3 }, { name: 'x-canary', value: '2', fraction: 0 }];
  };
  const nobody = mod(ab({ header: { name: 'x-canary', value: 'nope' } }));
  noEffect('release.strategy.match.header.value', /no request carries x-canary = "2" \(traffic\.headers gives it "1"\)/, mod(ab({ header: { name: 'x-canary', value: '2' } })), nobody);
  hasEffect('release.strategy.match.header.value', mod(ab({ header: { name: 'x-canary', value: '1' } })), nobody);
  noEffect('release.strategy.match.header.value', /no request carries x-user-id = "201" \(user ids run from 1 to traffic\.users, 200\)/, mod(ab({ header: { name: 'x-user-id', value: '201' } })), nobody);
  hasEffect('release.strategy.match.header.value', mod(ab({ header: { name: 'x-user-id', value: '200' } })), nobody);
  noEffect('release.strategy.match.userIds', /has no effect: user ids run from 1 to traffic\.users \(200\), so no request matches this rule/, mod(ab({ userIds: [201, 500] })), nobody);
  // partly in range: the rule counts, the ids beyond do not
  const partly = mod(ab({ userIds: [7, 500] }));
  assert.match(about(partly, 'release.strategy.match.userIds')[0], /: 500 has no effect: .*no request carries that id/);
  assert.is.not(runOf(partly), runOf(nobody));
  assert.is(runOf(partly), runOf(mod(ab({ userIds: [7] }))));
  assert.equal(about(mod(ab({ userIds: [7] })), 'release.strategy.match'), []);
});

test('slo.rollout and slo.maxRollout without a release', () => {
  const steady = (slo: object) => mod((d) => { delete d.release; d.slo = slo; });
  noEffect('slo.rollout', /no rollout whose ending it could check/, steady({ rollout: 'rolled-back' }), steady({}));
  noEffect('slo.maxRollout', /no rollout to time, so the check always passes/, steady({ maxRollout: '1ms' }), steady({}));
  hasEffect('slo.maxRollout', mod((d) => { d.slo = { maxRollout: '1ms' }; }), base());
  hasEffect('slo.rollout', mod((d) => { d.slo = { rollout: 'rolled-back' }; }), base());
});

test('the shipped scenarios warn about nothing', async () => {
  const { readdirSync } = await import('node:fs');
  const { loadScenario } = await import('../../scenarios/load.ts');
  const dir = 'scenarios/examples';
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) assert.equal(loadScenario(`${dir}/${f}`).warnings, [], f);
});


test('abortAt: with lanes, after the run; progressDeadlineAbort under Flagger; failing-version fields on a service never started', () => {
  const lanes = (abortAt?: string) => (d: Doc): void => {
    d.release = { startAt: '15s', strategy: { name: 'lanes', duration: '30s', lanes: [{ name: 'g', match: { percent: 30 }, services: { a: 'v2' } }] } };
    if (abortAt) d.release.abortAt = abortAt;
  };
  noEffect('release.abortAt', /has no effect with lanes/, mod(lanes('30s')), mod(lanes()));
  noEffect('release.abortAt', /at or after the end of the run \(90s\)/, mod((d) => { d.release.abortAt = '95s'; }), base());
  hasEffect('release.abortAt', mod((d) => { d.release.abortAt = '20s'; }), base());

  const flagger = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'canary', interval: '10s', stepWeight: 20, maxWeight: 40, ...knobs }; };
  noEffect('release.strategy.progressDeadlineAbort', /Flagger always rolls back/, mod(flagger({ progressDeadlineAbort: true })), mod(flagger({})));

  const failing = { startup: '40s', crashAfter: '5s', neverReady: true };
  noEffect('services.b.versions.v1.crashAfter', /b never starts an instance|initial ones are up and ready at t = 0/, mod((d) => { d.services.b.versions = { v1: { crashAfter: '5s' }, v2: {} }; }), base());
  assert.is(about(mod((d) => { d.services.b.versions = { v1: failing, v2: {} }; }), 'services.b.versions.v1').length, 3);
  hasEffect('services.a.versions.v2.crashAfter', mod((d) => { d.services.a.versions.v2 = { crashAfter: '5s' }; }), base());
});

test('onFailure: rollback-all with one released service; requires naming every version of the callee', () => {
  noEffect('release.onFailure', /only one service is released/, mod((d) => { d.release.onFailure = 'rollback-all'; }), base());
  const two = (f: string) => (d: Doc): void => { d.release.services = ['b', 'a']; d.release.onFailure = f; };
  assert.equal(about(mod(two('rollback-all')), 'release.onFailure'), []);
  noEffect('services.a.versions.v2.requires.b', /names every version of b \(v1, v2\)/, mod((d) => { d.services.a.versions.v2 = { requires: { b: ['v1', 'v2'] } }; }), base());
  hasEffect('services.a.versions.v2.requires', mod((d) => { d.services.a.versions.v2 = { requires: { b: 'v2' } }; }), base());
});

test('order: parallel with one released service or with lanes; with two services it overlaps them', () => {
  noEffect('release.order', /only one service is released/, mod((d) => { d.release.order = 'parallel'; }), base(), ALL);
  const lanes = (d: Doc): void => { d.release = { startAt: '15s', strategy: { name: 'lanes', duration: '1m', lanes: [{ name: 'g', match: { percent: 30 }, services: { a: 'v2', b: 'v2' } }] } }; };
  noEffect('release.order', /with lanes: a lane release already starts every lane service at once/, mod((d) => { lanes(d); d.release.order = 'parallel'; }), mod(lanes));
  const two = (d: Doc): void => { d.release.services = ['b', 'a']; };
  hasEffect('release.order', mod((d) => { two(d); d.release.order = 'parallel'; }), mod(two));
  assert.throws(() => load(mod((d) => { d.release.order = 'together'; })), /release\.order: expected one of sequential, parallel/);
});

test('sessionAffinity without a router; with one it pins users', () => {
  const canary = (knobs: object) => (d: Doc): void => { d.release.strategy = { name: 'canary', steps: [{ setWeight: 25 }, { pause: { duration: '40s' } }], ...knobs }; };
  noEffect('release.strategy.sessionAffinity', /trafficRouting: false/, mod(canary({ trafficRouting: false, sessionAffinity: true })), mod(canary({ trafficRouting: false })));
  hasEffect('release.strategy.sessionAffinity', mod(canary({ sessionAffinity: true })), mod(canary({})));
});

test.run();
