// Services, versions, lanes and tags may be named after Object.prototype's members
// (`constructor`, `__proto__`, `toString`, `hasOwnProperty`): every name keys a map in the
// model, the strategies and the reports, and each must be an ordinary key there — found
// when present, absent when not, and written to the RunResult JSON as a real key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, conserved } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { Model } from '../../sim/model/model.ts';
import { evaluateGate } from '../../reports/gate.ts';
import { meanSubject } from '../../sim/result/slo.ts';
import { summarizeRun } from '../../reports/summary.ts';
import { renderRunMarkdown } from '../../reports/markdown.ts';
import type { LanesKnobs, Scenario } from '../../scenarios/types.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const;

/**
 * The entry service is named N and is not in the lane; b has a lane version N; the lane
 * and its tag are N too. `laneStartup` delays the lane version's start-up (past the end
 * of the run: the lane never opens).
 */
const hostile = (N: string, laneStartup = '1s') => scenario(`
name: hostile-${N}
seed: 1
duration: 12s
services:
  ${N}:
    replicas: 2
    serviceTime: 2ms
    calls: [b]
  b:
    replicas: 2
    versions: [v1, ${N}]
    serviceTime: 2ms
    startup: ${laneStartup}
    readinessProbe: {initialDelaySeconds: 1, periodSeconds: 1}
entry: ${N}
registry: {push: {delay: 50ms}}
traffic: {rate: 100, users: 10}
release:
  startAt: 1s
  services: [b]
  to: ${N}
  strategy:
    name: lanes
    duration: 8s
    lanes:
      - {name: ${N}, tag: ${N}, match: {header: {name: x-user-id, value: "1"}}, services: {b: ${N}}, replicas: 1}
slo:
  lanePaths: {${N}: ["${N}:v1>b:${N}"]}
`);

/** The result as a consumer reads it back: JSON text, parsed (objects with a prototype again). */
const viaJson = (r: RunResult): RunResult => JSON.parse(JSON.stringify(r)) as RunResult;

test('a lane named after an Object.prototype member is a real key of the RunResult JSON', () => {
  for (const N of NAMES) {
    const r = simulate(hostile(N));
    assert.ok(conserved(r), N);
    const json = viaJson(r);
    assert.ok(Object.hasOwn(json.lanes, N), `${N}: lanes has keys ${JSON.stringify(Object.keys(json.lanes))}`);
    const lane = json.lanes[N];
    assert.ok(lane.requests > 0, `${N}: ${JSON.stringify(lane)}`);
    assert.ok(Object.hasOwn(lane.paths, `${N}:v1>b:${N}`), `${N}: paths ${JSON.stringify(lane.paths)}`);
    assert.ok(Object.hasOwn(json.lanes, 'base'), N);
  }
});

test('version state lists a version named after an Object.prototype member as its own key', () => {
  for (const N of NAMES) {
    const m = new Model(hostile(N));
    m.scale('b', N, 1);
    const state = m.versionState('b');
    assert.equal(Object.keys(state).sort(), [N, 'v1'].sort(), N);
    assert.is(Object.hasOwn(state, N) && state[N].desired, 1, N);
  }
});

test('the lanes strategy skips services its lane does not cover, also when lane maps are plain objects built in code', () => {
  for (const N of NAMES) {
    const sc = hostile(N);
    // A Scenario built in code (as test/strategies/fixture.ts does) holds plain objects,
    // which inherit `constructor`, `toString`, … : the service N must still count as
    // not in the lane.
    const knobs = sc.release!.strategy as LanesKnobs & { name: 'lanes' };
    const lanes = knobs.lanes.map((l) => ({ ...l, services: { ...l.services } }));
    const inCode: Scenario = { ...sc, release: { ...sc.release!, to: { ...sc.release!.to }, strategy: { ...knobs, lanes } } };
    const r = simulate(inCode);
    assert.ok(conserved(r), N);
    assert.ok(r.rollout.steps.some((s) => s.name.startsWith('lanes active')), `${N}: steps ${r.rollout.steps.map((s) => s.name)}`);
  }
});

test('slo.lanePaths of a lane that never opened is a failed check, not a crash', () => {
  for (const N of NAMES) {
    const r = simulate(hostile(N, '60s'));
    assert.equal(Object.keys(r.lanes), [], N);
    // The scenario reader is not this test's subject: it may drop a `__proto__` key of lanePaths.
    if (N === '__proto__' && !Object.hasOwn(hostile(N).slo.lanePaths, N)) continue;
    assert.is(r.slo.pass, false, N);
    // (the run stops before the lanes open, so the release's own `rollout` check fails too)
    assert.equal(r.slo.violations.filter((v) => v.startsWith('lane ')), [`lane ${N}: no traffic observed, so its paths cannot be checked`], N);
  }
});

test('the gate merges lanes named after Object.prototype members over seeds, also from JSON', () => {
  for (const N of NAMES) {
    const sc = hostile(N);
    const runs = [simulate(sc, { seed: 1 }), simulate(sc, { seed: 2 })];
    for (const set of [runs, runs.map(viaJson)]) {
      const merged = meanSubject(set).lanes;
      assert.ok(Object.hasOwn(merged, N), `${N}: merged lanes ${JSON.stringify(Object.keys(merged))}`);
      assert.is(merged[N].requests, runs[0].lanes[N].requests + runs[1].lanes[N].requests, N);
      const verdict = evaluateGate(set, sc.slo, null);
      if (Object.hasOwn(sc.slo.lanePaths, N)) assert.ok(verdict.checks.some((c) => c.name === `lanePaths.${N}`), N);
    }
    // Merging must not have written onto Object.prototype (a `__proto__` lane read from JSON).
    assert.is(({} as Record<string, unknown>).requests, undefined, N);
  }
});

test('the summary and the Markdown report of such a run', () => {
  for (const N of NAMES) {
    const r = simulate(hostile(N));
    assert.match(summarizeRun(r), /^requests {2}offered/m);
    assert.match(renderRunMarkdown(r), /^## relsim run: hostile-/);
  }
});

test.run();
