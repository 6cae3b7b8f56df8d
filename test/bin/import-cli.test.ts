/**
 * `relsim import` and `--model` end to end through the CLI: the direct path gives the same
 * RunResult byte for byte as importing to a file and running that; manifests piped on stdin
 * (several documents, as helm template prints them) work; --strict fails on a warning; a bad
 * manifest is one line and exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRelsim } from './relsim-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'relsim-import-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const EX = 'scenarios/examples/manifests/argo-canary';
const DEP = 'scenarios/examples/manifests/deployment';

test('import -o, then run the file = run the manifests with --model, byte for byte; stdin works too', async () => {
  const out = join(dir, 'scenario.yaml');
  const written = await runRelsim(['import', `${EX}/manifests.yaml`, '--model', `${EX}/model.yaml`, '-o', out]);
  assert.is(written.status, 0, written.stderr);
  assert.is(readFileSync(out, 'utf8'), readFileSync(`${EX}/expected.yaml`, 'utf8'));
  const [fromFile, direct, piped] = await Promise.all([
    runRelsim(['run', out, '--json', '-']),
    runRelsim(['run', `${EX}/manifests.yaml`, '--model', `${EX}/model.yaml`, '--json', '-']),
    runRelsim(['run', '-', '--model', `${EX}/model.yaml`, '--json', '-'], { input: readFileSync(`${EX}/manifests.yaml`, 'utf8') }),
  ]);
  assert.is(direct.status, 0, direct.stderr);
  assert.ok(direct.stdout.length > 1000);
  assert.is(direct.stdout, fromFile.stdout);
  assert.is(piped.stdout, direct.stdout);
});

test('gate and compare take manifests; warnings go to stderr; --strict turns them into exit 2', async () => {
  const [gate, strict, lax] = await Promise.all([
    runRelsim(['gate', `${DEP}/manifests.yaml`, '--model', `${DEP}/model.yaml`, '--seeds', '2']),
    runRelsim(['import', `${DEP}/manifests.yaml`, '--model', `${DEP}/model.yaml`, '--strict']),
    runRelsim(['import', `${DEP}/manifests.yaml`, '--model', `${DEP}/model.yaml`]),
  ]);
  const word = /^(PASS|FAIL|INCONCLUSIVE) {2}api \(rolling, 2 seeds/m.exec(gate.stdout)?.[1];
  assert.ok(word, gate.stdout + gate.stderr);
  // the exit code is the one the printed verdict documents
  assert.is(gate.status, { PASS: 0, FAIL: 1, INCONCLUSIVE: 4 }[word!], gate.stdout);
  assert.match(gate.stderr, /relsim: warning: .*\(PodDisruptionBudget\/api\): has no effect on a rollout/);
  assert.is(strict.status, 2);
  assert.is(strict.stderr.trim().split('\n').length, 1, strict.stderr);
  assert.match(strict.stderr, /readinessProbe\.failureThreshold: not modelled.*\(--strict\)$/m);
  assert.is(lax.status, 0, lax.stderr);
  assert.is(lax.stdout, readFileSync(`${DEP}/expected.yaml`, 'utf8'));
});

test('bad input: one line, exit 2, no stack trace', async () => {
  const [missing, noModel, broken, strictAlone] = await Promise.all([
    runRelsim(['import', join(dir, 'none.yaml'), '--model', `${EX}/model.yaml`]),
    runRelsim(['import', `${EX}/manifests.yaml`]),
    runRelsim(['run', '-', '--model', `${EX}/model.yaml`], { input: 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\nkind: [\n' }),
    runRelsim(['run', 'scenarios/examples/default.yaml', '--strict']),
  ]);
  for (const r of [missing, noModel, broken, strictAlone]) {
    assert.is(r.status, 2, r.stderr);
    assert.not.match(r.stderr, /\n\s+at /);
  }
  assert.match(missing.stderr, /none\.yaml: no such file/);
  assert.match(noModel.stderr, /Missing required argument: model/);
  assert.match(broken.stderr, /^relsim: <stdin>: document 2: not valid YAML/m);
  assert.match(strictAlone.stderr, /--strict: only with --model/);
});

test.run();
