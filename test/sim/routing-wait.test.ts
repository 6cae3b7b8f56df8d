// How the plan meets its routing changes, and how callers share them:
// - release.routing.waitApplied: the plan resumes when the last caller routes by a change,
//   so with a constant push delay D and routingDelay, each routing step lasts exactly D
//   longer; release.routing.grace adds its own length to each (Kruise's gracePeriodSeconds);
// - registry.push.shared: one delay per change for every caller (one proxy on every hop),
//   so two callers never route by different lane tables and a lane teardown misroutes nothing,
//   where callers with their own delays misroute while they disagree;
// - a `sequence` distribution replays its values in order (a measured trace).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { makeSampler } from '../../sim/kernel/distributions.ts';
import { RandomStreams } from '../../sim/kernel/random.ts';
import { Propagation } from '../../sim/model/registry.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

const canary = (routing: string) => scenario(`
seed: 4
duration: 120s
services:
  app: {replicas: 2, versions: [v1, v2], concurrency: 16, serviceTime: 2ms, startup: 1s, readinessProbe: {periodSeconds: 1}}
entry: {service: app, client: {lb: round-robin}}
registry: {push: {delay: {constant: 2s}, routingDelay: true}}
traffic: {rate: 50, users: 100}
release:
  startAt: 5s
  ${routing}
  strategy:
    name: canary
    trafficRouting: true
    steps: [{setWeight: 20}, {pause: {duration: 10s}}, {setWeight: 60}, {pause: {duration: 10s}}]
`);

const stepLength = (r: RunResult, name: string): number => {
  const s = r.rollout.steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step ${name} in ${r.rollout.steps.map((x) => x.name).join(', ')}`);
  return s.endMs - s.startMs;
};

test('waitApplied: each routing step lasts the push delay longer; grace adds its own length', () => {
  const base = simulate(canary(''));
  const waited = simulate(canary('routing: {waitApplied: true}'));
  const graced = simulate(canary('routing: {waitApplied: true, grace: 3s}'));
  for (const step of ['setWeight 20', 'setWeight 60']) {
    assert.is(stepLength(waited, step) - stepLength(base, step), 2000, step);
    assert.is(stepLength(graced, step) - stepLength(waited, step), 3000, step);
  }
  assert.ok(base.rollout.finished && waited.rollout.finished && graced.rollout.finished);
  assert.ok(graced.rollout.endMs > waited.rollout.endMs && waited.rollout.endMs > base.rollout.endMs);
  // grace alone: no wait for the delivery, only the grace
  const graceOnly = simulate(canary('routing: {grace: 3s}'));
  assert.is(stepLength(graceOnly, 'setWeight 20') - stepLength(base, 'setWeight 20'), 3000);
});

test('routing: bad fields are named', () => {
  assert.throws(() => canary('routing: {waitApplied: yes-please}'), /release\.routing\.waitApplied/);
  assert.throws(() => canary('routing: {grace: 3}'), /release\.routing\.grace/);
  assert.throws(() => canary('routing: {wait: true}'), /release\.routing/);
});

const lanes = (push: string, seed: number) => scenario(`
seed: ${seed}
duration: 30s
services:
  a: {replicas: 2, versions: [v1, v2], concurrency: 32, serviceTime: 2ms, calls: [b]}
  b: {replicas: 2, versions: [v1], concurrency: 32, serviceTime: 2ms, calls: [c]}
  c: {replicas: 2, versions: [v1, v2], concurrency: 32, serviceTime: 2ms}
entry: a
registry: {push: {delay: {uniform: {min: 0s, max: 1s}}, routingDelay: true${push}}}
traffic: {rate: 200, users: 100, headers: [{name: x-cohort, value: gray, fraction: 0.5}]}
release:
  startAt: 2s
  services: [a, c]
  to: v2
  strategy:
    name: lanes
    duration: 6s
    teardown: true
    lanes: [{name: gray, match: {header: {name: x-cohort, value: gray}}, services: {a: v2, c: v2}}]
`);

test('push.shared: callers that share one delivery never disagree on the lanes; own delays do', () => {
  let own = 0;
  let shared = 0;
  for (let seed = 1; seed <= 5; seed++) {
    own += simulate(lanes('', seed)).requests.byCause.misroute;
    shared += simulate(lanes(', shared: true', seed)).requests.byCause.misroute;
  }
  assert.ok(own > 20, `independent per-caller delays misroute while callers disagree: ${own}`);
  assert.is(shared, 0);
});

test('push.shared: every channel lands a change at the same time; changes stay in order', () => {
  const spec = { mode: 'push' as const, delay: { type: 'uniform' as const, min: 0, max: 1000 }, routingDelay: false, serial: false, batch: false, batchWindow: 0 };
  const sharedP = new Propagation({ ...spec, shared: true }, new RandomStreams(1));
  const [x, y] = [sharedP.channel('a#0', 'b'), sharedP.channel('a#1', 'b')];
  const t1 = sharedP.landingOf(1, x, 0, 0);
  assert.is(sharedP.landingOf(1, y, 0, 0), t1);
  const t2 = sharedP.landingOf(2, y, 10, t1);
  assert.is(sharedP.landingOf(2, x, 10, t1), t2);
  assert.ok(t2 >= t1);
  const ownP = new Propagation({ ...spec, shared: false }, new RandomStreams(1));
  const [u, v] = [ownP.channel('a#0', 'b'), ownP.channel('a#1', 'b')];
  assert.is.not(ownP.landingOf(1, u, 0, 0), ownP.landingOf(1, v, 0, 0));
});

test('sequence: values in order, then from the first again; the reader names a bad one', () => {
  const s = makeSampler({ type: 'sequence', values: [5, 1, 9] }, () => { throw new Error('a sequence draws no random number'); });
  assert.equal([1, 2, 3, 4, 5, 6, 7].map(() => s.sample()), [5, 1, 9, 5, 1, 9, 5]);
  assert.is(s.mean, 5);
  const withStartup = (dist: string) => scenario(`
duration: 10s
traffic: {rate: 10}
services: {app: {versions: [v1, v2], serviceTime: 1ms, startup: ${dist}}}
`);
  assert.equal(withStartup('{sequence: [1s, 250ms]}').services[0].instance.startup, { type: 'sequence', values: [1000, 250] });
  assert.throws(() => withStartup('{sequence: []}'), /services\.app\.startup\.sequence/);
  assert.throws(() => withStartup('{sequence: [fast]}'), /services\.app\.startup\.sequence\[0\]|services\.app\.startup\.sequence\.0/);
});

test.run();
