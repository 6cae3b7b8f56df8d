import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { Ajv } from 'ajv';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';

const schema = JSON.parse(readFileSync('scenarios/relsim.schema.json', 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
const validate = ajv.compile(schema);

function raw(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { merge: true });
}

function schemaErrors(path: string): string {
  return validate(raw(path)) ? '' : ajv.errorsText(validate.errors);
}

const SCENARIO_FILE = /\.(ya?ml|json)$/;
// Read the folder at test time, so scenarios others add later are checked too.
const shipped = readdirSync('scenarios/examples').filter((f) => SCENARIO_FILE.test(f) && f !== 'relsim.schema.json').map((f) => join('scenarios/examples', f));

test('there are shipped scenarios to check', () => {
  assert.ok(shipped.includes('scenarios/examples/mmc.yaml'), shipped.join(', '));
});

for (const file of shipped) {
  test(`shipped ${file} passes the JSON Schema and the loader`, () => {
    assert.is(schemaErrors(file), '', file);
    loadScenario(file);
  });
}

const FIX = 'test/scenarios/fixtures';
const fixtures = readdirSync(FIX);

for (const f of fixtures.filter((x) => x.startsWith('good-'))) {
  test(`good fixture ${f}: schema and loader both accept`, () => {
    assert.is(schemaErrors(join(FIX, f)), '');
    loadScenario(join(FIX, f));
  });
}

// Structural mistakes: the schema and the loader must both reject them.
for (const f of ['wrong-type.yaml', 'negative-rate.yaml', 'negative-replicas.yaml', 'unknown-field.yaml', 'bare-duration.yaml']) {
  test(`bad fixture ${f}: schema and loader both reject`, () => {
    assert.ok(schemaErrors(join(FIX, f)) !== '', 'schema accepted it');
    assert.throws(() => loadScenario(join(FIX, f)));
  });
}

// Cross-references are beyond a JSON Schema: it accepts these, the loader does not.
for (const f of ['cycle.yaml', 'unknown-service.yaml', 'bad-release-version.yaml']) {
  test(`semantic fixture ${f}: schema-valid, loader rejects`, () => {
    assert.is(schemaErrors(join(FIX, f)), '');
    assert.throws(() => loadScenario(join(FIX, f)));
  });
}

test('the schema rejects strategy knobs of another strategy, double steps, a registry with both modes', () => {
  const base = 'duration: 1m\nservices: {a: {serviceTime: 1ms, versions: [v1, v2]}}\ntraffic: {rate: 1}\n';
  assert.ok(validate(YAML.parse(base + 'release: {strategy: {name: canary, steps: [{setWeight: 10}, {pause: {}}]}}')), ajv.errorsText(validate.errors));
  for (const extra of [
    'release: {strategy: {name: rolling, steps: []}}',
    'release: {strategy: {name: canary, steps: [{setWeight: 10, pause: {}}]}}',
    'release: {strategy: {name: lanes}}',
    'registry: {push: {}, poll: {interval: 1s}}',
    'slo: {lanePaths: {g: ["a:v1>"]}}',
    'traffic2: {}',
  ]) {
    assert.not.ok(validate(YAML.parse(base + extra)), `schema accepted: ${extra}`);
    assert.throws(() => parseScenario(base + extra, 'x.yaml'), undefined, `loader accepted: ${extra}`);
  }
});

test('match rules: a list, prefix and regex values are accepted by both; two value kinds and an empty list by neither', () => {
  const base = 'duration: 1m\nservices: {a: {serviceTime: 1ms, versions: [v1, v2]}}\ntraffic: {rate: 1, headers: [{name: x, value: beta-1, fraction: 0.5}]}\n';
  const ab = (match: string) => `${base}release: {strategy: {name: ab, duration: 30s, match: ${match}}}`;
  for (const match of ['{header: {name: x, prefix: beta}}', '[{header: {name: x, regex: "beta-.*"}}, {cookie: {name: x, exact: beta-1}}]', '{query: {name: x, value: beta-1}, percent: 5}']) {
    assert.ok(validate(YAML.parse(ab(match))), `${match}: ${ajv.errorsText(validate.errors)}`);
    parseScenario(ab(match), 'x.yaml');
  }
  for (const match of ['{header: {name: x, value: a, regex: b}}', '[]', '{header: {name: x}}', '[[{header: {name: x, value: a}}]]']) {
    assert.not.ok(validate(YAML.parse(ab(match))), `schema accepted: ${match}`);
    assert.throws(() => parseScenario(ab(match), 'x.yaml'), undefined, `loader accepted: ${match}`);
  }
});

test('the example in docs/scenario-format.md passes the schema and the loader', () => {
  const doc = readFileSync('docs/scenario-format.md', 'utf8');
  const m = /## A complete small example\s+```yaml\n([\s\S]*?)```/.exec(doc);
  assert.ok(m, 'example block not found');
  const text = m![1];
  assert.ok(validate(YAML.parse(text)), ajv.errorsText(validate.errors));
  const s = parseScenario(text, 'docs-example.yaml');
  assert.is(s.release!.strategy.name, 'canary');
});

test.run();
