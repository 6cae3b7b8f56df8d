/** The shipped manifest examples (scenarios/examples/manifests/<dir>/), imported as the CLI would. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importManifests, type ImportResult } from '../../../scenarios/manifests/import.ts';

export const EXAMPLES_ROOT = 'scenarios/examples/manifests';

/** Folders holding a model.yaml, in name order. */
export function exampleDirs(): string[] {
  return readdirSync(EXAMPLES_ROOT).filter((d) => existsSync(join(EXAMPLES_ROOT, d, 'model.yaml'))).sort();
}

/** Every .yaml of the folder but model.yaml and expected.yaml, in name order, with its model. */
export function importExample(dir: string): ImportResult {
  const at = join(EXAMPLES_ROOT, dir);
  const files = readdirSync(at).filter((f) => f.endsWith('.yaml') && f !== 'model.yaml' && f !== 'expected.yaml').sort();
  return importManifests({
    manifests: files.map((f) => ({ file: join(at, f), text: readFileSync(join(at, f), 'utf8') })),
    model: { file: join(at, 'model.yaml'), text: readFileSync(join(at, 'model.yaml'), 'utf8') },
  });
}
