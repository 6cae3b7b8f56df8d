// The registry is the one list of balancer names: the scenario format, its JSON Schema and
// its documentation must follow it, and the balancers must stay importable from scenarios/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { BALANCERS, BALANCER_NAMES } from '../../../sim/balancers/index.ts';
import { LB_ALGORITHMS } from '../../../scenarios/read-client.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { simulate } from '../../../sim/simulate.ts';

const names = Object.keys(BALANCERS);

const scenarioWith = (lb: string): string => `
seed: 1
duration: 5s
services:
  api: {replicas: 3, serviceTime: {constant: 5ms}, concurrency: 8}
entry: {service: api, client: {lb: ${lb}}}
traffic: {rate: 100}
`;

test('the loader accepts exactly the registered names, in registration order', () => {
  assert.equal([...LB_ALGORITHMS], names);
  assert.equal([...BALANCER_NAMES], names);
  assert.throws(() => parseScenario(scenarioWith('no-such-balancer'), 'x.yaml'),
    (e: Error) => e.message.includes(`entry.client.lb: expected one of ${names.join(', ')}, got`));
});

test('relsim.schema.json lists the registered names as lb.algorithm, in both forms', () => {
  const schema = JSON.parse(readFileSync('scenarios/relsim.schema.json', 'utf8'));
  const lb = schema.definitions?.client?.properties?.lb?.anyOf;
  assert.ok(Array.isArray(lb), 'definitions.client.properties.lb.anyOf moved: update this test');
  const fix = `set both enums under definitions.client.properties.lb to ${JSON.stringify(names)}`;
  assert.equal(lb[0].enum, names, fix);
  assert.equal(lb[1].properties.algorithm.enum, names, fix);
});

test('docs/scenario-format.md names every registered balancer in its lb.algorithm row', () => {
  const doc = readFileSync('docs/scenario-format.md', 'utf8');
  const row = doc.split('\n').find((l) => l.startsWith('| `lb.algorithm` |'));
  assert.ok(row, 'no "| `lb.algorithm` |" row in docs/scenario-format.md');
  const missing = names.filter((n) => !row.includes(`\`${n}\``));
  assert.equal(missing, [], `describe ${missing.join(', ')} in the lb.algorithm row of docs/scenario-format.md`);
});

/** Relative imports and re-exports of a file, resolved against the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    out.push(m[1].startsWith('.') ? normalize(join(dirname(file), m[1])) : m[1]);
  }
  return out;
}

test('sim/balancers imports only sim/balancers and scenario-free sim/kernel files', () => {
  const seen = new Set<string>();
  const bad: string[] = [];
  const visit = (file: string, from: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith('sim/balancers/') && !file.startsWith('sim/kernel/')) { bad.push(`${from} → ${file}`); return; }
    for (const dep of importsOf(file)) {
      // Packages are fine only from sim/kernel (seedrandom); node: builtins nowhere here.
      if (!dep.startsWith('sim/') && file.startsWith('sim/kernel/') && !dep.startsWith('node:')) continue;
      visit(dep, file);
    }
  };
  const own = readdirSync('sim/balancers').filter((f) => f.endsWith('.ts')).map((f) => `sim/balancers/${f}`);
  assert.ok(own.includes('sim/balancers/index.ts'));
  for (const f of own) visit(f, f);
  assert.equal(bad, [], 'sim/balancers must not reach outside sim/balancers and sim/kernel (see sim/balancers/index.ts)');
});

// Every name end to end through the real view: a scenario with it runs and serves traffic.
for (const name of names) {
  test(`${name}: a scenario using it runs`, () => {
    const r = simulate(parseScenario(scenarioWith(name), `${name}.yaml`));
    assert.ok(r.requests.ok > 400 && r.requests.ok === r.requests.offered, `${r.requests.ok} of ${r.requests.offered}`);
  });
}

test.run();
