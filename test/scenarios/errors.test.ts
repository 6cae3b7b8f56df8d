import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { loadScenario, parseScenario, ScenarioError } from '../../scenarios/load.ts';

const FIX = 'test/scenarios/fixtures';

function errorOf(fn: () => unknown): string {
  try { fn(); } catch (e) {
    assert.instance(e, ScenarioError);
    assert.is((e as ScenarioError).exitCode, 2);
    const msg = (e as Error).message;
    assert.not.match(msg, '\n', 'one line');
    return msg;
  }
  throw new Error('expected a ScenarioError');
}

/** Each bad-file class of issue 2, with the exact line a user sees. */
const CASES: [string, string][] = [
  ['wrong-type.yaml', 'services.a.replicas: expected a positive integer, got "three"'],
  ['negative-replicas.yaml', 'services.a.replicas: expected a positive integer, got -2'],
  ['negative-rate.yaml', 'traffic.rate: expected a rate in req/s > 0, got -50'],
  ['unknown-field.yaml', 'services.a.replica: unknown field (did you mean `replicas`?)'],
  ['unknown-service.yaml', 'services.a.calls[1]: call target "payments" is not a declared service (services: a, b)'],
  ['cycle.yaml', 'services.c.calls: the call graph has a cycle: a → b → c → a'],
  ['malformed.yaml', 'line 5, column 1: All mapping items must start at the same column'],
  ['malformed.json', 'line 3, column 45: '],
  ['bare-duration.yaml', 'duration: expected a duration > 0 like 250ms, 5s, 2m, got 600'],
  ['bad-release-version.yaml', 'release.to: version "v3" is not declared by service "a" (its versions: v1, v2)'],
];

for (const [file, expected] of CASES) {
  test(`${file}: ${expected}`, () => {
    const msg = errorOf(() => loadScenario(`${FIX}/${file}`));
    assert.ok(msg.startsWith(`${FIX}/${file}: ${expected}`), msg);
  });
}

const ONE = (extra: string) => `duration: 1m\nservices:\n  a: {serviceTime: 1ms, versions: [v1, v2]}\ntraffic: {rate: 1}\n${extra}`;

test('semantic checks name the field', () => {
  const cases: [string, string][] = [
    ['entry: b', 'x.yaml: entry: entry service "b" is not a declared service'],
    ['entry: {service: aa}', 'x.yaml: entry.service: entry service "aa" is not a declared service (did you mean `a`?)'],
    ['release: {services: [z], to: v2, strategy: rolling}', 'x.yaml: release.services[0]: released service "z" is not a declared service'],
    ['release: {startAt: 2m, strategy: rolling}', 'x.yaml: release.startAt: expected a time before the end of the run (1m), got 2m'],
    ['release: {strategy: {name: canry}}', 'x.yaml: release.strategy.name: expected one of recreate, rolling, blue-green, canary, ab, lanes, got "canry" (did you mean `canary`?)'],
    ['release: {strategy: {name: rolling, steps: []}}', 'x.yaml: release.strategy.steps: unknown field'],
    ['release: {strategy: {name: canary, steps: [{setWeight: 120}]}}', 'x.yaml: release.strategy.steps[0].setWeight: expected a weight between 0 and 100, got 120'],
    ['release: {strategy: {name: canary, stableScaling: partiton}}', 'x.yaml: release.strategy.stableScaling: expected one of full, partition, got "partiton" (did you mean `partition`?)'],
    ['release: {strategy: {name: canary, stableScaling: true}}', 'x.yaml: release.strategy.stableScaling: expected one of full, partition, got true'],
    ['release: {strategy: {name: canary, steps: [{setWeigth: 10}]}}', 'x.yaml: release.strategy.steps[0].setWeigth: unknown field (did you mean `setWeight`?)'],
    ['release: {strategy: {name: canary, interval: 1m, steps: [{setWeight: 10}]}}', 'x.yaml: release.strategy.steps: steps cannot be combined with the Flagger shorthand'],
    ['release: {strategy: {name: lanes, lanes: [{name: g, match: {percent: 5}, services: {a: v9}}]}}', 'x.yaml: release.strategy.lanes[0].services.a: version "v9" is not declared by service "a"'],
    ['release: {strategy: {name: lanes, lanes: [{name: g, match: {percent: 5}, services: {q: v2}}]}}', 'x.yaml: release.strategy.lanes[0].services.q: lane service "q" is not a declared service'],
    ['release: {strategy: {name: lanes}}', 'x.yaml: release.strategy.lanes: required field is missing'],
    ['slo: {lanePaths: {gray: ["a:v2"]}}', 'x.yaml: slo.lanePaths.gray: lane "gray" is not declared (the release strategy has no lanes)'],
    ['slo: {maxP99: fast}', 'x.yaml: slo.maxP99: expected a duration > 0 like 250ms, 5s, 2m, got "fast"'],
    ['registry: {push: {}, poll: {interval: 1s}}', 'x.yaml: registry: expected exactly one of push or poll'],
    ['seed: 1.5', 'x.yaml: seed: expected an integer ≥ 0, got 1.5'],
    ['colour: blue', 'x.yaml: colour: unknown field (known fields:'],
  ];
  for (const [extra, expected] of cases) {
    const msg = errorOf(() => parseScenario(ONE(extra), 'x.yaml'));
    assert.ok(msg.startsWith(expected), `${extra}\n  got:      ${msg}\n  expected: ${expected}`);
  }
});

test('service-level checks', () => {
  const cases: [string, string][] = [
    ['a: {serviceTime: 1ms, calls: [a]}', 'x.yaml: services.a.calls: the call graph has a cycle: a → a'],
    ['a: {serviceTime: 1ms, initialVersion: v2}', 'x.yaml: services.a.initialVersion: version "v2" is not declared by service "a" (its versions: v1)'],
    ['a: {serviceTime: 1ms, versions: [v1, v1]}', 'x.yaml: services.a.versions[1]: version "v1" is declared twice'],
    ['a: {serviceTime: 1ms, versions: [1.0]}', 'x.yaml: services.a.versions[0]: expected a version name (a string; quote numbers: "1"), got 1'],
    ['a: {replicas: 2}', 'x.yaml: services.a.serviceTime: required field is missing'],
    ['a: {serviceTime: 1ms, concurrency: 0}', 'x.yaml: services.a.concurrency: expected a positive integer, got 0'],
    ['a: {serviceTime: 1ms, shutdown: gracefull}', 'x.yaml: services.a.shutdown: expected one of graceful, abrupt, got "gracefull" (did you mean `graceful`?)'],
    ['a: {serviceTime: 1ms, client: {lb: round-robbin}}', 'x.yaml: services.a.client.lb: expected one of round-robin'],
    ['a: {serviceTime: 1ms, client: {retry: {on: [timeouts]}}}', 'x.yaml: services.a.client.retry.on[0]: expected one of connect-failure, reset, timeout, 5xx, got "timeouts" (did you mean `timeout`?)'],
    ['a: {serviceTime: 1ms, client: {lb: {slowStart: {mode: envoy}}}}', 'x.yaml: services.a.client.lb.slowStart.window: required field is missing'],
    ['"a b": {serviceTime: 1ms}', 'x.yaml: services["a b"]: expected a service name (letters, digits'],
  ];
  for (const [svc, expected] of cases) {
    const msg = errorOf(() => parseScenario(`duration: 1m\nservices:\n  ${svc}\ntraffic: {rate: 1}\n`, 'x.yaml'));
    assert.ok(msg.startsWith(expected), `${svc}\n  got:      ${msg}\n  expected: ${expected}`);
  }
});

test('loadScenario: missing file and wrong extension are one line too', () => {
  assert.is(errorOf(() => loadScenario(`${FIX}/does-not-exist.yaml`)), `${FIX}/does-not-exist.yaml: no such file`);
  assert.match(errorOf(() => loadScenario('README.md')), 'README.md: expected a .yaml, .yml or .json file, got ".md"');
});

/** The real CLI, from the repo root: exit 2, one line on stderr naming the field, no stack. */
function runCli(...args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['bin/relsim.js', 'validate', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

test('CLI: relsim validate on a bad file exits 2 with one line, no stack trace', () => {
  const r = runCli(`${FIX}/negative-replicas.yaml`);
  assert.is(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.is(lines[0], `relsim: ${FIX}/negative-replicas.yaml: services.a.replicas: expected a positive integer, got -2`);
  assert.not.match(r.stderr, /^\s+at /m);
  assert.is(r.stdout, '');
});

test('CLI: good and bad files together: ok lines for the good, exit 2', () => {
  const r = runCli('scenarios/examples/mmc.yaml', `${FIX}/cycle.yaml`, `${FIX}/malformed.yaml`);
  assert.is(r.code, 2);
  assert.is(r.stdout, 'ok  scenarios/examples/mmc.yaml  (1 service, strategy none)\n');
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 2, r.stderr);
  assert.match(lines[0], 'cycle.yaml: services.c.calls: the call graph has a cycle: a → b → c → a');
  assert.match(lines[1], 'malformed.yaml: line 5, column 1:');
  assert.not.match(r.stderr, /^\s+at /m);
});

test('CLI: all good exits 0', () => {
  const r = runCli('scenarios/examples/mmc.yaml');
  assert.is(r.code, 0);
  assert.match(r.stdout, /^ok {2}scenarios\/examples\/mmc\.yaml {2}\(1 service, strategy none\)$/m);
});

test.run();
