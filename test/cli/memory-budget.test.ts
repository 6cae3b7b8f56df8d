/** `--memory-budget` on the command line: raises the budget for every scenario loaded, and is checked itself. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'relsim-budget-cli-'));
const file = join(dir, 'long.yaml');
// 10 h in 1 ms buckets: the audit's 5.9 GB out-of-memory abort.
writeFileSync(file, 'duration: 10h\nbucket: 1ms\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms}\n');
const relsim = (...args: string[]) => spawnSync(process.execPath, ['bin/relsim.js', ...args], { encoding: 'utf8' });

test('over the default budget: exit 2, one line naming the field and the flag', () => {
  const p = relsim('validate', file);
  assert.is(p.status, 2);
  assert.is(p.stderr.trim().split('\n').length, 1, p.stderr);
  assert.match(p.stderr, /long\.yaml: bucket: the run would need about .* over the memory budget of 2\.0 GB; .*--memory-budget/);
});

test('--memory-budget raises it; a malformed size is refused in one line', () => {
  assert.is(relsim('validate', file, '--memory-budget', '20GB').status, 0);
  const bad = relsim('validate', file, '--memory-budget', 'lots');
  assert.is(bad.status, 2);
  assert.is(bad.stderr.trim(), 'relsim: --memory-budget: expected a size like 512MB or 4GB, got "lots"');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
