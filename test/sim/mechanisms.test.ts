// Mechanisms the simulator implements that no other test exercised: retry rules, lossless
// offline, delayed registration, chained registry caches, nginx passive health, consistent
// hashing, trace arrivals, cost accounting and readiness-probe timing. Every expectation
// comes from the scenario (a closed form or a hand computation) or from comparing two
// runs, never from a number a seeded run happened to produce.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, replaceAll, conserved, deregistrationRace } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { scale, sleep, type Plan } from '../../strategies/protocol.ts';
import { Model } from '../../sim/model/model.ts';
import { sleep as engineSleep } from '../../sim/kernel/engine.ts';
import { DROP_CAUSES, type DropCause, type RunResult } from '../../sim/result/run-result.ts';

// ---- helpers ---------------------------------------------------------------------------

/** |observed − expected| within `sds` binomial standard deviations of n trials at p. */
function nearBinomial(count: number, n: number, p: number, sds = 5): boolean {
  return Math.abs(count - n * p) <= sds * Math.sqrt(n * p * (1 - p));
}

/** The causes with a non-zero count. */
function causesSeen(r: RunResult): DropCause[] {
  return DROP_CAUSES.filter((c) => r.requests.byCause[c] > 0);
}

/** Index of the first bucket where the series is > 0, −1 when never. */
function firstPositive(series: number[] | undefined): number {
  return series ? series.findIndex((x) => x > 0) : -1;
}

/** Starts `version` of `service` (one instance) at `atMs`. */
function* startOneAt(service: string, version: string, atMs: number): Plan {
  yield* sleep(atMs);
  yield* scale(service, version, 1);
}

// ---- 1. retries ------------------------------------------------------------------------

// One instance pool with no queueing, so each try times out independently with
// P(S > timeout) = e^(−timeout/mean) = e^(−1) for an exponential service time.
const slowBackend = (nonIdempotent: number, retry: string) => scenario(`
seed: 1
duration: 30s
services:
  api: {replicas: 4, concurrency: 1000, serviceTime: {exponential: {mean: 50ms}}}
entry: {service: api, client: {timeout: 50ms, retry: ${retry}}}
registry: {push: {delay: 0ms}}
traffic: {rate: 300, nonIdempotent: ${nonIdempotent}}
`);

test('retries: a POST that timed out is not retried (it was sent); a GET is, up to the attempts', () => {
  const pTry = Math.exp(-1);
  const get = simulate(slowBackend(0, '{attempts: 2, on: [timeout]}'));
  const post = simulate(slowBackend(1, '{attempts: 2, on: [timeout]}'));
  // GET: dropped only when all 3 tries time out; POST: the first timeout is final.
  assert.ok(nearBinomial(get.requests.byCause.timeout, get.requests.offered, pTry ** 3),
    `GET timeouts ${get.requests.byCause.timeout} of ${get.requests.offered}, expected ≈ ${(pTry ** 3 * get.requests.offered).toFixed(0)}`);
  assert.ok(nearBinomial(post.requests.byCause.timeout, post.requests.offered, pTry),
    `POST timeouts ${post.requests.byCause.timeout} of ${post.requests.offered}, expected ≈ ${(pTry * post.requests.offered).toFixed(0)}`);
  assert.ok(post.requests.byCause.timeout > 5 * get.requests.byCause.timeout);
  assert.ok(conserved(get) && conserved(post));
});

// The deregistration race of termination.test.ts: old instances stop listening while the
// gateway still lists them for 1–5 s, so sends are refused (connect failures).
const race = (nonIdempotent: number, retry: string, extra = '') => deregistrationRace({
  client: `{lb: round-robin, retry: ${retry}}`, extra, traffic: `{rate: 200, nonIdempotent: ${nonIdempotent}}`,
});

test('retries: a connect failure is retried even for a POST (nothing was sent)', () => {
  const off = replaceAll(race(1, '{attempts: 0}'), 'api');
  const on = replaceAll(race(1, '{attempts: 3, on: [connect-failure]}'), 'api');
  assert.ok(off.requests.byCause.refused > 0, `refused without retry ${off.requests.byCause.refused}`);
  assert.is(on.requests.byCause.refused, 0);
});

test('retries: with 5xx in retry.on, error drops fall from p to p³ (2 extra tries)', () => {
  const sc = (on: string) => scenario(`
seed: 2
duration: 30s
services:
  api: {replicas: 4, versions: {v1: {errorRate: 0.2}}, concurrency: 64, serviceTime: 5ms}
entry: {service: api, client: {retry: {attempts: 2, on: ${on}}}}
registry: {push: {delay: 0ms}}
traffic: {rate: 300}
`);
  const off = simulate(sc('[connect-failure, reset, timeout]'));
  const on = simulate(sc('[5xx]'));
  assert.ok(nearBinomial(off.requests.byCause.error, off.requests.offered, 0.2), `errors without 5xx retry ${off.requests.byCause.error}`);
  assert.ok(nearBinomial(on.requests.byCause.error, on.requests.offered, 0.2 ** 3), `errors with 5xx retry ${on.requests.byCause.error}`);
  assert.ok(on.requests.byCause.error < off.requests.byCause.error / 10);
});

test('retries: a POST answered 5xx is not retried', () => {
  const sc = scenario(`
seed: 2
duration: 30s
services:
  api: {replicas: 4, versions: {v1: {errorRate: 0.2}}, concurrency: 64, serviceTime: 5ms}
entry: {service: api, client: {retry: {attempts: 2, on: [5xx]}}}
registry: {push: {delay: 0ms}}
traffic: {rate: 300, nonIdempotent: 1}
`);
  const r = simulate(sc);
  assert.ok(nearBinomial(r.requests.byCause.error, r.requests.offered, 0.2), `POST errors ${r.requests.byCause.error} of ${r.requests.offered}`);
});

test('connect failure, timeout and 5xx are each counted under their own cause only', () => {
  const refusedOnly = replaceAll(race(0, '{attempts: 0}'), 'api');
  const timeoutOnly = simulate(slowBackend(0, '{attempts: 0}'));
  const errorOnly = simulate(scenario(`
seed: 2
duration: 30s
services:
  api: {replicas: 4, versions: {v1: {errorRate: 0.2}}, concurrency: 64, serviceTime: 5ms}
registry: {push: {delay: 0ms}}
traffic: {rate: 300}
`));
  assert.equal(causesSeen(refusedOnly), ['refused']);
  assert.equal(causesSeen(timeoutOnly), ['timeout']);
  assert.equal(causesSeen(errorOnly), ['error']);
  // and each has its own timeline series
  assert.ok(refusedOnly.timeline.series['dropped.refused'] && !refusedOnly.timeline.series['dropped.timeout']);
  assert.ok(timeoutOnly.timeline.series['dropped.timeout'] && !timeoutOnly.timeline.series['dropped.error']);
  assert.ok(errorOnly.timeline.series['dropped.error'] && !errorOnly.timeline.series['dropped.refused']);
});

test('retry.on picks the failure class: retrying one cause cuts that cause, not the others', () => {
  // all three failures at once: the race (refused), a 20 ms timeout on a 10 ms exponential
  // (timeout, e^−2 per try) and a 10 % error rate (error)
  const sc = (on: string) => scenario(`
seed: 3
duration: 90s
services:
  api:
    replicas: 4
    versions: {v1: {errorRate: 0.1}, v2: {errorRate: 0.1}}
    concurrency: 64
    serviceTime: {exponential: {mean: 10ms}}
    startup: 2s
    readinessProbe: {periodSeconds: 1}
entry: {service: api, client: {lb: round-robin, timeout: 20ms, retry: {attempts: 3, on: ${on}}}}
registry: {push: {delay: {uniform: {min: 1s, max: 5s}}}}
traffic: {rate: 200}
`);
  const none = replaceAll(sc('[]'), 'api').requests.byCause;
  assert.ok(none.refused > 0 && none.timeout > 0 && none.error > 0, JSON.stringify(none));
  const cases: [string, DropCause][] = [['[connect-failure]', 'refused'], ['[timeout]', 'timeout'], ['[5xx]', 'error']];
  for (const [on, cut] of cases) {
    const got = replaceAll(sc(on), 'api').requests.byCause;
    // three extra tries: the retried cause falls at least tenfold
    assert.ok(got[cut] < none[cut] / 10, `retry ${on}: ${cut} ${got[cut]} vs ${none[cut]} without retries`);
    for (const [, other] of cases) {
      if (other === cut) continue;
      // a retried try can fail another way, so the others may grow a little, never collapse
      assert.ok(got[other] > none[other] * 0.7, `retry ${on}: ${other} ${got[other]} vs ${none[other]} without retries`);
    }
  }
});

// ---- 2. lossless offline -----------------------------------------------------------------

test('lossless offline: deregistering ≥ the max propagation (5 s) before stopping refuses nothing', () => {
  const lossless = (lead: string) => race(0, '{attempts: 0}', `deregistration: before-termination\n    deregistrationLead: ${lead}`);
  const noLead = replaceAll(lossless('0s'), 'api');
  const atMax = replaceAll(lossless('5s'), 'api');
  const beyond = replaceAll(lossless('6s'), 'api');
  assert.ok(noLead.requests.byCause.refused > 0, `refused without a lead ${noLead.requests.byCause.refused}`);
  assert.is(atMax.requests.byCause.refused, 0);
  assert.is(beyond.requests.byCause.refused, 0);
  assert.is(atMax.requests.dropped, 0);
  assert.ok(conserved(noLead) && conserved(atMax));
});

// ---- 3. delayed registration ------------------------------------------------------------

test('registrationDelay: no request reaches a new instance before the delay after readiness', () => {
  // 100 ms buckets; the instance starts at 10.35 s so no event lands on a bucket edge
  const sc = (delay: string) => scenario(`
seed: 1
duration: 25s
bucket: 100ms
services:
  api: {replicas: 3, versions: [v1, v2], concurrency: 64, serviceTime: 5ms, startup: 500ms, readinessProbe: {periodSeconds: 1}, registrationDelay: ${delay}}
registry: {push: {delay: 0ms}}
traffic: {rate: 1000, arrival: constant}
`);
  const delayed = simulate(sc('5s'), { plan: startOneAt('api', 'v2', 10_350) }).timeline.series;
  const prompt = simulate(sc('0s'), { plan: startOneAt('api', 'v2', 10_350) }).timeline.series;
  // ready falls in (b·100 ms, (b+1)·100 ms] where b is the first bucket sampled ready
  const ready = firstPositive(delayed['instances.api.v2.ready']);
  assert.ok(ready > 0, 'the new instance became ready');
  assert.is(firstPositive(prompt['instances.api.v2.ready']), ready, 'same readiness either way');
  const delayBuckets = 5000 / 100;
  const firstServed = firstPositive(delayed['share.api.v2']);
  // registered in (ready + 50, ready + 51] buckets: nothing served before, traffic right after
  assert.ok(firstServed >= ready + delayBuckets, `served from bucket ${firstServed}, ready at ${ready}`);
  assert.ok(firstServed <= ready + delayBuckets + 1, `served from bucket ${firstServed}, ready at ${ready}`);
  // without the delay, traffic arrives as soon as it is ready
  assert.ok(firstPositive(prompt['share.api.v2']) <= ready + 1, `no delay: served from ${firstPositive(prompt['share.api.v2'])}`);
});

// ---- 4. chained registry caches ------------------------------------------------------------

test('a chain of three 30 s caches drops more than one 30 s cache on the same rolling update', () => {
  // twenty web instances, each its own caller of api with its own poll phases (averaging)
  const sc = (registry: string) => scenario(`
seed: 4
duration: 150s
services:
  web: {replicas: 20, concurrency: 64, serviceTime: 1ms, calls: [api]}
  api: {replicas: 4, versions: [v1, v2], concurrency: 16, serviceTime: {exponential: {mean: 10ms}}, startup: 2s, readinessProbe: {periodSeconds: 1}}
entry: web
registry: ${registry}
traffic: {rate: 200}
`);
  const one = replaceAll(sc('{poll: {interval: 30s}}'), 'api');
  const chain = replaceAll(sc('{poll: {chain: [{name: server, interval: 30s}, {name: client, interval: 30s}, {name: ribbon, interval: 30s}]}}'), 'api');
  const d1 = one.requests.dropped, d3 = chain.requests.dropped;
  assert.ok(d1 > 0, `one cache dropped ${d1}`);
  // each stage adds a U(0, 30 s) wait: mean staleness 45 s vs 15 s, about 3× the drops
  // (2.4–3.3× over ten seeds; the bounds leave room for the spread of 20 callers' phases)
  assert.ok(d3 > 1.8 * d1, `chain ${d3} vs one cache ${d1}`);
  assert.ok(d3 < 4.5 * d1, `chain ${d3} vs one cache ${d1}`);
});

// ---- 5. nginx passive health ---------------------------------------------------------------

test('passive health: max_fails 1 benches a killed peer after one refusal; disabled, it is hit until the caller hears', () => {
  const delayMs = 5000;
  const sc = (maxFails: number) => scenario(`
seed: 1
duration: 30s
services:
  app: {replicas: 4, concurrency: 32, serviceTime: 10ms, shutdown: abrupt}
entry: {service: app, client: {lb: {algorithm: smooth-wrr, maxFails: ${maxFails}, failTimeout: 10s}}}
registry: {push: {delay: ${delayMs}ms}}
traffic: {rate: 200}
`);
  function* killOne(): Plan {
    yield* sleep(10_000);
    yield* scale('app', 'v1', 3); // the pod dies at once; the gateway lists it for 5 s more
  }
  const benched = simulate(sc(1), { plan: killOne() }).requests.byCause.refused;
  const plain = simulate(sc(0), { plan: killOne() }).requests.byCause.refused;
  // fail_timeout 10 s > the 5 s until the caller drops it: the first refusal is the only one
  assert.is(benched, 1);
  // smooth WRR sends it every 4th request for 5 s: ≈ 200 × 5 / 4 (Poisson count, sd ≈ 8)
  const expected = (200 * delayMs) / 1000 / 4;
  assert.ok(Math.abs(plain - expected) < 50, `refused with max_fails off ${plain}, expected ≈ ${expected}`);
});

// ---- 6. consistent-hash stickiness -------------------------------------------------------

/** Runs the model, recording which instance each of the gateway's picks chose per user. */
function picksByUser(lb: string): { order: Map<number, number[]>; newcomer: number } {
  const m = new Model(scenario(`
seed: 1
duration: 30s
services:
  api: {replicas: 4, versions: [v1, v2], concurrency: 64, serviceTime: 5ms, readinessProbe: {periodSeconds: 1}}
entry: {service: api, client: {lb: ${lb}}}
registry: {push: {delay: 0ms}}
traffic: {rate: 500, users: 300}
`));
  // Wrap the gateway view's own pick (the balancer decision the model makes per request).
  const view = m.views[0];
  const pick = view.pick.bind(view);
  const order = new Map<number, number[]>();
  view.pick = (version, now, key, avoid) => {
    const i = pick(version, now, key, avoid);
    const seen = order.get(key) ?? [];
    if (seen[seen.length - 1] !== i) seen.push(i);
    order.set(key, seen);
    return i;
  };
  const existing = m.inst.n;
  m.engine.process((function* () {
    yield engineSleep(15_000);
    m.scale('api', 'v2', 1); // the instance set changes once, half-way
  })());
  m.run();
  return { order, newcomer: existing };
}

test('consistent hash: one instance per user while the set is stable; a new instance only takes users', () => {
  const { order, newcomer } = picksByUser('consistent-hash');
  assert.ok(order.size > 250, `users seen ${order.size}`);
  const firstChoices = new Set<number>();
  let moved = 0;
  for (const [user, seq] of order) {
    firstChoices.add(seq[0]);
    // at most one change, and only onto the newcomer (rendezvous hashing moves nobody else)
    assert.ok(seq.length <= 2, `user ${user} went to ${seq.join(', ')}`);
    if (seq.length === 2) {
      assert.is(seq[1], newcomer, `user ${user} moved to ${seq[1]}`);
      moved++;
    }
  }
  assert.is(firstChoices.size, 4, 'users spread over all four instances');
  // about 1/5 of the users move to the fifth instance (binomial over 300 users)
  assert.ok(nearBinomial(moved, order.size, 1 / 5), `moved ${moved} of ${order.size}`);
  // the check can fail: round-robin sends one user's requests everywhere
  const rr = picksByUser('round-robin').order;
  assert.ok([...rr.values()].some((seq) => seq.length > 2), 'round-robin is not sticky');
});

// ---- 7. trace arrivals ---------------------------------------------------------------------

test('trace arrivals: exactly the traced requests, each in the bucket of its time', () => {
  const durationMs = 10_000;
  const bucketMs = 100;
  // irregular but ascending (37 ms steps plus up to 30 ms jitter), plus edge cases: t = 0,
  // the two sides of a bucket edge, repeated times, and times at or after the end
  const times: number[] = [0, 0, 99.5, 100, 100, 4999.9, 5000];
  for (let k = 1; k < 250; k++) times.push(5000 + 37 * k + ((k * k) % 11) * 3);
  times.push(durationMs - 0.5, durationMs, durationMs + 500);
  times.sort((a, b) => a - b);
  const sc = scenario(`
seed: 1
duration: ${durationMs}ms
bucket: ${bucketMs}ms
services:
  api: {replicas: 2, concurrency: 64, serviceTime: 2ms}
traffic: {arrival: trace, trace: [${times.map((t) => `${t}ms`).join(', ')}]}
`);
  const r = simulate(sc);
  const inRun = times.filter((t) => t < durationMs);
  const expected = new Array<number>(durationMs / bucketMs).fill(0);
  for (const t of inRun) expected[Math.floor(t / bucketMs)]++;
  assert.is(r.requests.offered, inRun.length);
  assert.equal(r.timeline.series.offered, expected);
  assert.is(r.requests.dropped, 0);
  assert.ok(conserved(r));
});

// ---- 8. cost -----------------------------------------------------------------------------

test('cost: blue-green instance-seconds and peak match a hand computation', () => {
  const replicas = 4, durationS = 120, startAtS = 20, startupS = 3, delayS = 30, preStopS = 5;
  const sc = scenario(`
seed: 1
duration: ${durationS}s
services:
  api: {replicas: ${replicas}, versions: [v1, v2], concurrency: 32, serviceTime: 5ms, startup: ${startupS}s, readinessProbe: {initialDelaySeconds: 1, periodSeconds: 2}, preStop: ${preStopS}s}
registry: {push: {delay: 0ms}}
traffic: {rate: 100}
release: {startAt: ${startAtS}s, services: [api], to: v2, strategy: {name: blue-green, scaleDownDelaySeconds: ${delayS}}}
`);
  const r = simulate(sc);
  assert.is(r.rollout.outcome, 'promoted');
  // green is created at startAt; its probe ticks at +1 s, +3 s, …: the first tick after the
  // app is up (+3 s) passes, so it is ready (and switched to) 3 s after startAt.
  const readyS = 3;
  // blue lives from 0 until switch + scaleDownDelay + preStop (no load left to drain),
  // green from startAt to the end
  const blueEndS = startAtS + readyS + delayS + preStopS;
  const expected = replicas * blueEndS + replicas * (durationS - startAtS);
  const bucketS = r.timeline.bucketMs / 1000;
  const peak = 2 * replicas;
  assert.is(r.cost.peakInstances, peak);
  // within one bucket for every instance
  assert.ok(Math.abs(r.cost.instanceSeconds - expected) <= peak * bucketS,
    `instance-seconds ${r.cost.instanceSeconds}, expected ${expected}`);
  // and the instance series (sampled once per bucket) integrate to the same figure
  const s = r.timeline.series;
  const names = Object.keys(s).filter((k) => k.startsWith('instances.api.'));
  const sampled = s.offered.map((_, b) => names.reduce((acc, k) => acc + s[k][b], 0));
  assert.is(Math.max(...sampled), peak);
  const integral = sampled.reduce((a, b) => a + b, 0) * bucketS;
  assert.ok(Math.abs(integral - r.cost.instanceSeconds) <= peak * bucketS, `series ${integral} vs cost ${r.cost.instanceSeconds}`);
});

// ---- 9. readiness-probe timing -----------------------------------------------------------

test('readiness probe: initialDelaySeconds, periodSeconds and successThreshold delay readiness', () => {
  const createdMs = 10_350; // off the 100 ms bucket edges, so no sample ties with an event
  // Probes tick at created + initialDelay + m·period; the first tick at or after the app is
  // up passes; successThreshold passes in a row make it ready.
  const cases = [
    { probe: '{periodSeconds: 1}', startup: '500ms', readyAfterMs: 1000 }, // ticks 0 (down), 1 s
    { probe: '{initialDelaySeconds: 10, periodSeconds: 1}', startup: '500ms', readyAfterMs: 10_000 }, // first tick 10 s
    { probe: '{periodSeconds: 10}', startup: '2500ms', readyAfterMs: 10_000 }, // ticks 0 (down), 10 s
    { probe: '{periodSeconds: 2, successThreshold: 3}', startup: '500ms', readyAfterMs: 6000 }, // passes 2, 4, 6 s
    { probe: '{initialDelaySeconds: 3, periodSeconds: 2, successThreshold: 2}', startup: '4500ms', readyAfterMs: 7000 }, // ticks 3 (down), 5, 7 s
  ];
  for (const c of cases) {
    const sc = scenario(`
seed: 1
duration: 30s
bucket: 100ms
services:
  api: {replicas: 1, versions: [v1, v2], serviceTime: 1ms, startup: ${c.startup}, readinessProbe: ${c.probe}}
traffic: {rate: 10}
`);
    const s = simulate(sc, { plan: startOneAt('api', 'v2', createdMs) }).timeline.series;
    const readyAt = createdMs + c.readyAfterMs;
    // sampled at each bucket's end: ready in bucket b means readyAt ∈ (b·100, (b+1)·100]
    assert.is(firstPositive(s['instances.api.v2.ready']), Math.ceil(readyAt / 100) - 1, `${c.probe}, startup ${c.startup}`);
    assert.is(firstPositive(s['instances.api.v2.starting']), Math.ceil(createdMs / 100) - 1, `${c.probe}: created`);
  }
});

test.run();
