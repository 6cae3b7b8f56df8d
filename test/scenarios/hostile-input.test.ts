/**
 * Hostile-but-plausible scenario files: each is refused in one line naming the field (or
 * accepted, where it is legitimate), never a stack trace, a multi-line message, a terminal
 * escape or an exhausted machine.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario, ScenarioError } from '../../scenarios/load.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { isOneCleanLine } from '../fuzz/check.ts';

function refusal(text: string, file = 'x.yaml'): string {
  try {
    parseScenario(text, file);
  } catch (e) {
    assert.instance(e, UserError, `not a user error: ${(e as Error).stack}`);
    assert.is((e as UserError).exitCode, 2);
    const msg = (e as Error).message;
    assert.ok(isOneCleanLine(msg), `not one clean line: ${JSON.stringify(msg)}`);
    return msg;
  }
  throw new Error('expected the scenario to be refused');
}

const BASE = 'duration: 1m\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, versions: [v1, v2]}\n';
const withAb = (match: string): string => `${BASE}release: {services: [a], to: v2, strategy: {name: ab, match: ${match}}}\n`;

// ---- YAML that the parser accepts but cannot resolve --------------------------------------

test('an alias bomb is refused, not expanded', () => {
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]'];
  for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  assert.match(refusal(`${bomb.join('\n')}\n${BASE}`), /x\.yaml: malformed YAML: Excessive alias count/);
});

test('an undefined alias and a merge key that names no map are refused', () => {
  assert.match(refusal(`name: *nope\n${BASE}`), /x\.yaml: malformed YAML: Unresolved alias .*nope/);
  assert.match(refusal(`${BASE}  b:\n    <<: 5\n`), /x\.yaml: malformed YAML: Merge sources must be maps/);
});

test('a duplicate key is refused with its line, whatever the map size', () => {
  assert.match(refusal(`${BASE}duration: 2m\n`), /x\.yaml: line 5, column 1: map keys must be unique; duration appears twice/);
  // Repeated merge keys are YAML's way of merging two maps, not duplicates.
  const merged = parseScenario([
    'duration: 1m', 'traffic: {rate: 1}', 'services:',
    '  a: &t {serviceTime: 1ms, replicas: 3}', '  b:', '    <<: *t', '    <<: {concurrency: 4}',
  ].join('\n'), 'x.yaml');
  assert.is(merged.services[1].replicas, 3);
  assert.is(merged.services[1].instance.concurrency, 4);
});

test('a map or list used as a key is refused, not stringified with a warning', () => {
  assert.match(refusal(`${BASE}? {a: 1}\n: x\n`), /x\.yaml: line 5, column 3: expected a plain key \(a name\), got a map or list used as a key/);
  assert.match(refusal(`${BASE}? [a]\n: x\n`), /expected a plain key/);
});

// ---- echoed keys stay on one line -----------------------------------------------------------

test('a key with a newline or a terminal escape is quoted in the error', () => {
  const msg = refusal(`${BASE}"bad\\nkey\\u001b[31m": 1\n`);
  assert.match(msg, /x\.yaml: \["bad\\nkey\\u001b\[31m"\]: unknown field/);
  const msg2 = refusal(`duration: 1m\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: {lognormal: {median: 1ms, p99: 2ms}, "x\\u001b[2J": 1}}\n`);
  assert.match(msg2, /got lognormal and "x\\u001b\[2J"/);
});

// ---- header names and values: what reaches a proxy config -----------------------------------

const INJECTION = 'x {} server { listen 0.0.0.0:18099; location / { return 200 INJECTED; } } map $http_y';

test('a match rule header name that is not an HTTP token is refused (the nginx injection)', () => {
  assert.match(refusal(withAb(`{header: {name: ${JSON.stringify(INJECTION)}, value: "1"}}`)),
    /x\.yaml: release\.strategy\.match\.header\.name: expected a header name \(letters, digits and .*\), got "x \{\} server/);
  assert.match(refusal(withAb('{cookie: {name: "a b", value: "1"}}')), /match\.cookie\.name: expected a cookie name/);
  assert.match(refusal(withAb('{query: {name: "a=b", value: "1"}}')), /match\.query\.name: expected a query parameter name/);
  assert.match(refusal(withAb('{header: {name: "", value: "1"}}')), /match\.header\.name: expected a header name/);
});

test('lane match rules and traffic headers are held to the same rules', () => {
  const lanes = `${BASE}release: {services: [a], to: v2, strategy: {name: lanes, lanes: [{name: gray, match: {header: {name: "x;y", value: "1"}}, services: {a: v2}}]}}\n`;
  assert.match(refusal(lanes), /lanes\[0\]\.match\.header\.name: expected a header name/);
  const traffic = BASE.replace('traffic: {rate: 1}', 'traffic: {rate: 1, headers: [{name: "x:y", value: "1"}]}');
  assert.match(refusal(traffic), /traffic\.headers\[0\]\.name: expected a header name/);
});

test('header values with CR, LF, NUL or surrounding spaces are refused; ordinary punctuation is fine', () => {
  for (const bad of ['a\\r\\nX-Injected: 1', 'a\\u0000b', 'a\\nb', ' padded']) {
    const traffic = BASE.replace('traffic: {rate: 1}', `traffic: {rate: 1, headers: [{name: x-canary, value: "${bad}"}]}`);
    assert.match(refusal(traffic), /traffic\.headers\[0\]\.value: expected a header value without/);
    assert.match(refusal(withAb(`{header: {name: x-canary, value: "${bad}"}}`)), /match\.header\.value: expected a header value without/);
  }
  const fine = parseScenario(withAb(`{header: {name: X-Canary_1.v2, value: "it's \\"quoted\\" \\\\ ; {} $x %[y]"}}`), 'x.yaml');
  const s = fine.release?.strategy;
  assert.ok(s?.name === 'ab' && s.match.header?.value === 'it\'s "quoted" \\ ; {} $x %[y]');
});

test('validate exits 2 with one line for the injection, before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-hostile-'));
  try {
    const f = join(dir, 'inject.yaml');
    writeFileSync(f, withAb(`{header: {name: ${JSON.stringify(INJECTION)}, value: "1"}}`));
    const p = spawnSync(process.execPath, ['bin/relsim.js', 'validate', f], { encoding: 'utf8' });
    assert.is(p.status, 2, p.stderr);
    assert.is(p.stderr.trim().split('\n').length, 1, p.stderr);
    assert.match(p.stderr, /match\.header\.name: expected a header name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- names that are also Object.prototype's --------------------------------------------------

test('services and versions named __proto__ or constructor are names like any other', () => {
  const s = parseScenario([
    'duration: 1m', 'traffic: {rate: 1}', 'services:',
    '  constructor: {serviceTime: 1ms, calls: [__proto__]}',
    '  __proto__: {serviceTime: 1ms, versions: [v1, toString]}',
    'release: {services: [__proto__], to: {__proto__: toString}, strategy: {name: lanes, lanes: [{name: gray, match: {percent: 50}, services: {__proto__: toString}}]}}',
  ].join('\n'), 'x.yaml');
  assert.equal(s.services.map((x) => x.name), ['constructor', '__proto__']);
  assert.ok(Object.prototype.hasOwnProperty.call(s.release?.to, '__proto__'));
  assert.is(s.release?.to.__proto__, 'toString');
  assert.is(s.release?.to.constructor, undefined, 'no inherited keys');
  const strategy = s.release?.strategy;
  assert.ok(strategy?.name === 'lanes' && Object.keys(strategy.lanes[0].services).join() === '__proto__');
});

// ---- memory: refused from the scenario alone --------------------------------------------------

test('inputs that exhausted memory are refused by the budget, naming the field', () => {
  const cases: [string, RegExp][] = [
    ['duration: 10h\nbucket: 1ms\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms}\n', /^x\.yaml: bucket: the run would need about [\d.]+ GB \(timeline: 36,000,000 buckets/],
    ['duration: 1000h\nbucket: 1ms\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms}\n', /^x\.yaml: bucket: the run would need/],
    ['duration: 100000h\ntraffic: {rate: 1e-9}\nservices:\n  a: {serviceTime: 1ms}\n', /^x\.yaml: bucket: the run would need/],
    ['duration: 10s\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, replicas: 900000}\n', /^x\.yaml: services\.a\.replicas: the run would need about [\d.]+ GB \(up to 1,800,000 instances of a/],
    ['duration: 10s\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, replicas: 5000, calls: [b]}\n  b: {serviceTime: 1ms, replicas: 5000}\n', /^x\.yaml: services\.a\.calls: the run would need/],
  ];
  for (const [text, expected] of cases) {
    const msg = refusal(text);
    assert.match(msg, expected);
    assert.match(msg, /over the memory budget of 2\.0 GB; .*raise the budget with limits\.memory or --memory-budget$/);
  }
  assert.match(refusal('duration: 10s\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, replicas: 2147483647}\n'),
    /services\.a\.replicas: expected an integer between 1 and 1000000/);
});

test('limits.memory raises (or lowers) the budget, and the loader option overrides it', () => {
  const big = 'duration: 10h\nbucket: 5ms\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms}\n';
  assert.match(refusal(big), /bucket: the run would need/);
  assert.is(parseScenario(`limits: {memory: 8GB}\n${big}`, 'x.yaml').limits.memory, 8 * 1024 ** 3);
  assert.match(refusal(`limits: {memory: 300MB}\nduration: 1h\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, replicas: 50000}\n`), /over the memory budget of 300 MB/);
  assert.is(parseScenario(big, 'x.yaml', { memoryBudget: 8 * 1024 ** 3 }).limits.memory, 8 * 1024 ** 3);
  assert.match(refusal('limits: {memory: lots}\nduration: 1m\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms}\n'), /limits\.memory: expected a size like 512MB or 4GB, got "lots"/);
});

test('a file too large to parse within the budget is refused before parsing', () => {
  const text = `${BASE}description: "${'x'.repeat(12 * 1024 * 1024)}"\n`;
  assert.match(refusal(text), /^x\.yaml: the file is 12 MB; reading it would need about [\d.]+ GB, over the memory budget of 2\.0 GB \(files up to \d+ MB\); raise it with --memory-budget$/);
  assert.ok(parseScenario(text, 'x.yaml', { memoryBudget: 4 * 1024 ** 3 }));
});

test.run();
