/**
 * Every shipped manifest example imports to its checked-in scenario, byte for byte, with
 * exactly its checked-in warnings, and the result loads as a scenario. A change to what a
 * kind maps to shows up here as a diff of expected.yaml.
 *
 * Each folder of scenarios/examples/manifests/ holds the manifests (every .yaml but
 * model.yaml and expected.yaml, in name order), model.yaml, expected.yaml and
 * expected-warnings.txt (one warning per line). After a deliberate change:
 *   RELSIM_UPDATE_GOLDEN=1 node --import tsx test/run.ts test/scenarios/manifests golden
 * (or RELSIM_UPDATE_GOLDEN=<folder> to rewrite one folder's).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../../scenarios/load.ts';
import { EXAMPLES_ROOT as ROOT, exampleDirs, importExample } from './examples.ts';

// '1' rewrites every folder's expected files; a folder name rewrites that folder's only.
const update = (dir: string) => process.env.RELSIM_UPDATE_GOLDEN === '1' || process.env.RELSIM_UPDATE_GOLDEN === dir;
const examples = exampleDirs();

test('the examples are there (a broken listing would pass every golden check)', () => {
  assert.ok(examples.length >= 2, examples.join(', '));
});

for (const dir of examples) {
  test(`${dir}: imports to expected.yaml with expected-warnings.txt, and loads`, () => {
    const { yaml, warnings } = importExample(dir);
    const expected = join(ROOT, dir, 'expected.yaml');
    const expectedWarnings = join(ROOT, dir, 'expected-warnings.txt');
    if (update(dir)) {
      writeFileSync(expected, yaml);
      writeFileSync(expectedWarnings, warnings.map((w) => `${w}\n`).join(''));
    }
    assert.fixture(yaml, readFileSync(expected, 'utf8'));
    assert.equal(warnings, readFileSync(expectedWarnings, 'utf8').split('\n').filter(Boolean));
    const scenario = parseScenario(yaml, join(ROOT, dir, 'model.yaml'));
    assert.ok(scenario.release, 'an imported scenario releases something');
  });
}

test.run();
