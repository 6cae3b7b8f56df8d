/**
 * Audit findings on the scenario format: integers past what the simulator can store are
 * rejected (by the loader and the JSON Schema alike), `readinessProbe.failureThreshold`
 * loads with a warning because the model ignores it, and `release.from` is accepted and
 * checked against each released service's initialVersion.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { Ajv } from 'ajv';
import { parseScenario, ScenarioError } from '../../scenarios/load.ts';
import { INT32_MAX, MAX_QUEUE, MAX_REPLICAS, MAX_VERSIONS_TOTAL } from '../../scenarios/limits.ts';

const schema = JSON.parse(readFileSync('scenarios/relsim.schema.json', 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
const validate = ajv.compile(schema);

/** The ScenarioError line a text produces; fails the test when it loads or throws anything else. */
function errorOf(text: string): string {
  try {
    parseScenario(text, 'x.yaml');
  } catch (e) {
    assert.instance(e, ScenarioError);
    assert.is((e as ScenarioError).exitCode, 2);
    const msg = (e as Error).message;
    assert.not.match(msg, '\n', 'one line');
    return msg;
  }
  throw new Error(`expected a ScenarioError, but it loaded:\n${text}`);
}

function schemaAccepts(text: string): boolean {
  return validate(YAML.parse(text, { merge: true })) as boolean;
}

/** Two services, a with v1 and v2, b with v1 and v2; `extra` is appended at the top level. */
function scenario(opts: { a?: string; b?: string; traffic?: string; extra?: string } = {}): string {
  return [
    'duration: 1m',
    'services:',
    `  a: {serviceTime: 1ms, versions: [v1, v2]${opts.a ? `, ${opts.a}` : ''}}`,
    `  b: {serviceTime: 1ms, versions: [v1, v2]${opts.b ? `, ${opts.b}` : ''}}`,
    `traffic: {rate: 1${opts.traffic ? `, ${opts.traffic}` : ''}}`,
    opts.extra ?? '',
  ].join('\n');
}

const canaryScale = (n: number) => scenario({ extra: `release: {services: [a], strategy: {name: canary, steps: [{setCanaryScale: {replicas: ${n}}}]}}` });

/** Each capped integer: where it is written, and the same file with a given value there. */
const CAPPED: { path: string; min: number; max: number; file: (n: number) => string }[] = [
  { path: 'services.a.replicas', min: 1, max: MAX_REPLICAS, file: (n) => scenario({ a: `replicas: ${n}` }) },
  { path: 'services.a.concurrency', min: 1, max: INT32_MAX, file: (n) => scenario({ a: `concurrency: ${n}` }) },
  { path: 'services.a.queue', min: 0, max: MAX_QUEUE, file: (n) => scenario({ a: `queue: ${n}` }) },
  { path: 'services.b.client.retry.attempts', min: 0, max: INT32_MAX, file: (n) => scenario({ b: `client: {retry: {attempts: ${n}}}` }) },
  { path: 'entry.client.retry', min: 0, max: INT32_MAX, file: (n) => scenario({ extra: `entry: {service: a, client: {retry: ${n}}}` }) },
  { path: 'traffic.users', min: 1, max: INT32_MAX, file: (n) => scenario({ traffic: `users: ${n}` }) },
  { path: 'release.strategy.previewReplicaCount', min: 1, max: MAX_REPLICAS, file: (n) => scenario({ extra: `release: {services: [a], strategy: {name: blue-green, previewReplicaCount: ${n}}}` }) },
  { path: 'release.strategy.replicas', min: 1, max: MAX_REPLICAS, file: (n) => scenario({ extra: `release: {services: [a], strategy: {name: ab, replicas: ${n}}}` }) },
  { path: 'release.strategy.steps[0].setCanaryScale.replicas', min: 0, max: MAX_REPLICAS, file: canaryScale },
  { path: 'release.strategy.lanes[0].replicas', min: 1, max: MAX_REPLICAS, file: (n) => scenario({ extra: `release: {strategy: {name: lanes, lanes: [{name: g, match: {percent: 5}, services: {a: v2}, replicas: ${n}}]}}` }) },
];

for (const c of CAPPED) {
  test(`${c.path}: the maximum loads and passes the schema`, () => {
    // The memory budget is its own check (hostile-input.test.ts); here it is out of the way.
    parseScenario(c.file(c.max), 'x.yaml', { memoryBudget: 2 ** 60 });
    assert.ok(schemaAccepts(c.file(c.max)), ajv.errorsText(validate.errors));
  });

  test(`${c.path}: one past the maximum is a ScenarioError naming the field, and the schema rejects it`, () => {
    const msg = errorOf(c.file(c.max + 1));
    assert.ok(msg.startsWith(`x.yaml: ${c.path}: expected an integer between ${c.min} and ${c.max} (`), msg);
    assert.ok(msg.endsWith(`, got ${c.max + 1}`), msg);
    assert.not.ok(schemaAccepts(c.file(c.max + 1)), 'schema accepted it');
  });
}

test('the audit case: queue 3000000000 is refused, not wrapped into a negative queue', () => {
  assert.is(errorOf(scenario({ a: 'queue: 3000000000' })),
    'x.yaml: services.a.queue: expected an integer between 0 and 1000000 (each instance reserves its queue when it starts; a million is as good as unbounded), got 3000000000');
});

test('below the minimum still reads as before (the contract quotes this line)', () => {
  assert.is(errorOf(scenario({ a: 'replicas: -2' })), 'x.yaml: services.a.replicas: expected a positive integer, got -2');
});

test('versions of all services together stop at 63: the service that passes it is named', () => {
  const names = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `v${from + i}`).join(', ');
  const text = (bCount: number) => `duration: 1m\nservices:\n  a: {serviceTime: 1ms, versions: [${names(40)}]}\n  b: {serviceTime: 1ms, versions: [${names(bCount)}]}\ntraffic: {rate: 1}\n`;
  parseScenario(text(MAX_VERSIONS_TOTAL - 40), 'x.yaml');
  assert.is(errorOf(text(MAX_VERSIONS_TOTAL - 39)),
    'x.yaml: services.b.versions: expected at most 63 versions across all services (lane paths record each hop\'s version in 6 bits), got 64 counting these');
  // The schema sees one service at a time: it can only hold each to the same total.
  const one = (n: number) => `duration: 1m\nservices:\n  a: {serviceTime: 1ms, versions: [${names(n)}]}\ntraffic: {rate: 1}\n`;
  assert.ok(schemaAccepts(one(MAX_VERSIONS_TOTAL)), ajv.errorsText(validate.errors));
  assert.not.ok(schemaAccepts(one(MAX_VERSIONS_TOTAL + 1)), 'schema accepted 64 versions');
  assert.ok(errorOf(one(MAX_VERSIONS_TOTAL + 1)).startsWith('x.yaml: services.a.versions: expected at most 63 versions'));
});

// ---- readinessProbe.failureThreshold ------------------------------------------------------

const FT_WARNING = 'x.yaml: services.a.readinessProbe.failureThreshold: accepted for manifest compatibility but has no effect: modelled instances never fail a readiness probe once ready';

test('failureThreshold set explicitly: loads, keeps the value, and warns once naming the field', () => {
  const s = parseScenario(scenario({ a: 'readinessProbe: {periodSeconds: 5, failureThreshold: 6}' }), 'x.yaml');
  assert.is(s.services[0].instance.readinessProbe.failureThreshold, 6);
  assert.equal(s.warnings, [FT_WARNING]);
});

test('failureThreshold not written: no warning, even with a readinessProbe block', () => {
  assert.equal(parseScenario(scenario(), 'x.yaml').warnings, []);
  assert.equal(parseScenario(scenario({ a: 'readinessProbe: {periodSeconds: 5}' }), 'x.yaml').warnings, []);
});

test('failureThreshold is still validated like any integer', () => {
  assert.is(errorOf(scenario({ a: 'readinessProbe: {failureThreshold: 0}' })),
    'x.yaml: services.a.readinessProbe.failureThreshold: expected a positive integer, got 0');
});

test('the schema describes failureThreshold as having no effect', () => {
  const ft = schema.definitions.service.properties.readinessProbe.properties.failureThreshold;
  assert.match(ft.description, 'no effect');
});

// ---- lb.maxFails outside smooth-wrr --------------------------------------------------------

test('lb.maxFails with an algorithm the model applies it to warns nothing; with another, warns per hop', () => {
  const swrr = parseScenario(scenario({ a: 'client: {lb: {algorithm: smooth-wrr, maxFails: 1}}' }), 'x.yaml');
  assert.equal(swrr.warnings, []);
  const rr = parseScenario(scenario({ a: 'client: {lb: {algorithm: round-robin, maxFails: 1}}' }), 'x.yaml');
  assert.equal(rr.warnings, ['x.yaml: entry.client.lb.maxFails: has no effect with lb round-robin: passive health (nginx max_fails) is modelled with smooth-wrr only']);
});

// ---- release.from -------------------------------------------------------------------------

const release = (body: string, a = '') => scenario({ a, extra: `release: {${body}, strategy: rolling}` });

test('release.from: a version name or a map, equal to initialVersion, loads and passes the schema', () => {
  for (const text of [
    release('services: [a, b], from: v1, to: v2'),
    release('from: {a: v1, b: v1}, to: {a: v2, b: v2}'),
    release('services: [a], from: v2, to: v1', 'initialVersion: v2'),
  ]) {
    parseScenario(text, 'x.yaml');
    assert.ok(schemaAccepts(text), `${ajv.errorsText(validate.errors)}\n${text}`);
  }
});

test('release.from as a map names the released services when services and to do not', () => {
  const s = parseScenario(release('from: {b: v1}'), 'x.yaml');
  assert.equal(s.release!.services, ['b']);
  assert.equal({ ...s.release!.to }, { b: 'v2' });
});

test('release.from errors name the exact field', () => {
  const cases: [string, string, string?][] = [
    [release('services: [a], from: v2'),
      'x.yaml: release.from: expected "v1", the version service "a" starts from (services.a.initialVersion, by default its first version), got "v2"; to start from "v2", set services.a.initialVersion: v2'],
    [release('from: {a: v1, b: v2}'),
      'x.yaml: release.from.b: expected "v1", the version service "b" starts from'],
    [release('services: [a], from: v9'),
      'x.yaml: release.from: version "v9" is not declared by service "a" (its versions: v1, v2)'],
    [release('services: [a], from: {a: v1, b: v1}'),
      'x.yaml: release.from.b: "b" is not in release.services (a)'],
    [release('services: [a, b], from: {a: v1}'),
      'x.yaml: release.from: expected a version for every released service, got none for "b"'],
    [release('services: [a], from: [v1]'),
      'x.yaml: release.from: expected a version name or a map service → version, got a list'],
    [release('services: [a], from: 1'),
      'x.yaml: release.from: expected a version name (a string; quote numbers: "1"), got 1'],
  ];
  for (const [text, expected] of cases) {
    const msg = errorOf(text);
    assert.ok(msg.startsWith(expected), `${msg}\nexpected to start with\n${expected}`);
  }
});

test('release.from of an unknown service is left to the service check', () => {
  assert.is(errorOf(release('services: [z], from: v1')), 'x.yaml: release.services[0]: released service "z" is not a declared service (did you mean `a`?)');
});

test.run();
