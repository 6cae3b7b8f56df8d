/** `--memory-budget` on the command line: raises the budget for every scenario loaded, and is checked itself. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'relsim-budget-cli-'));
const file = join(dir, 'long.yaml');
// 10 h in 1 ms buckets: the audit's 5.9 GB out-of-memory abort.
writeFileSync(file, 'duration: 10h\nbucket: 1ms\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms}\n');
interface Ran { status: number | null; stderr: string }

/** `relsim validate …` without blocking this process. */
function relsim(...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['bin/relsim.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stderr }));
  });
}

// Three independent processes, mostly CLI start-up: the first test starts all three side
// by side, and each test awaits its own.
let runs: Record<'plain' | 'raised' | 'bad', Promise<Ran>> | null = null;
function run(name: 'plain' | 'raised' | 'bad'): Promise<Ran> {
  runs ??= {
    plain: relsim('validate', file),
    raised: relsim('validate', file, '--memory-budget', '20GB'),
    bad: relsim('validate', file, '--memory-budget', 'lots'),
  };
  for (const r of Object.values(runs)) r.catch(() => undefined); // reported by the test that awaits it
  return runs[name];
}

test('over the default budget: exit 2, one line naming the field and the flag', async () => {
  const p = await run('plain');
  assert.is(p.status, 2);
  assert.is(p.stderr.trim().split('\n').length, 1, p.stderr);
  assert.match(p.stderr, /long\.yaml: bucket: the run would need about .* over the memory budget of 2\.0 GB; .*--memory-budget/);
});

test('--memory-budget raises it; a malformed size is refused in one line', async () => {
  assert.is((await run('raised')).status, 0);
  const bad = await run('bad');
  assert.is(bad.status, 2);
  assert.is(bad.stderr.trim(), 'relsim: --memory-budget: expected a size like 512MB or 4GB, got "lots"');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
