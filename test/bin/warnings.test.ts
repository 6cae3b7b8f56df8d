// A field the model accepts but ignores is named on stderr by every command that loads a
// scenario, without changing the exit code or touching stdout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRelsim, type Ran } from './relsim-process.ts';

const mmc = fileURLToPath(new URL('../../scenarios/examples/mmc.yaml', import.meta.url));

/** The four runs below are independent and go side by side. */
const cli = (...args: string[]): Promise<Ran> => runRelsim(args);

test('validate and run warn about readinessProbe.failureThreshold on stderr, exit 0, stdout unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-warn-'));
  try {
    const plain = join(dir, 'plain.yaml');
    const withField = join(dir, 'probe.yaml');
    const text = readFileSync(mmc, 'utf8').replace(/^duration: .*$/m, 'duration: 20s'); // short: the run is only compared
    writeFileSync(plain, text);
    // The same scenario with the ignored field set on its one service.
    const name = /^services:\n {2}(\S+):\n/m.exec(text)?.[1];
    assert.ok(name, 'mmc.yaml has a services map');
    writeFileSync(withField, text.replace(`services:\n  ${name}:\n`, `services:\n  ${name}:\n    readinessProbe: {failureThreshold: 5}\n`));
    const [v, vPlain, a, b] = await Promise.all([cli('validate', withField), cli('validate', plain), cli('run', plain, '--json', '-'), cli('run', withField, '--json', '-')]);
    assert.is(v.status, 0, v.stderr);
    assert.match(v.stderr, new RegExp(`relsim: warning: .*probe\\.yaml: services\\.${name}\\.readinessProbe\\.failureThreshold: accepted for manifest compatibility`));
    assert.is(vPlain.stderr.includes('warning'), false, 'no warning when the field is not set');
    assert.is(a.status, 0, a.stderr);
    assert.ok(a.stdout.startsWith('{'), 'a RunResult on stdout');
    assert.is(b.status, 0, b.stderr);
    assert.match(b.stderr, /relsim: warning: .*failureThreshold/);
    // The field has no effect: same RunResult apart from nothing.
    assert.is(b.stdout, a.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
