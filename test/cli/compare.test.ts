// `relsim compare` through the real CLI: the printed table, the by-cause table and the
// Markdown report of one short comparison, and a bad --strategies value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const relsimJs = fileURLToPath(new URL('../../bin/relsim.js', import.meta.url));
const defaultScenario = fileURLToPath(new URL('../../scenarios/examples/default.yaml', import.meta.url));
const relsim = (...args: string[]) => spawnSync(process.execPath, [relsimJs, ...args], { encoding: 'utf8' });

/** The rows of the table under the heading line that matches `heading`, up to the blank line. */
function tableRows(stdout: string, heading: RegExp): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  assert.ok(start >= 0, `no table headed ${heading} in:\n${stdout}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  // Skip the heading, the column names and the rule under them.
  return lines.slice(start + 3, end < 0 ? undefined : end);
}

test('two strategies × 2 seeds: a ± interval per strategy, drops by cause on stdout and in the Markdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-compare-'));
  try {
    const md = join(dir, 'cmp.md');
    // One worker: the machine is shared, and results do not depend on it.
    const r = relsim('compare', defaultScenario, '--seeds', '2', '--strategies', 'rolling,canary', '--workers', '1', '--md', md);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^default: 2 strategies × 2 seeds \(mean ± 95% interval\)$/m);
    const rows = tableRows(r.stdout, /^default: 2 strategies/);
    assert.equal(rows.map((l) => l.split(/\s+/)[0]), ['rolling', 'canary']);
    for (const row of rows) assert.match(row, / ± /, `no interval in: ${row}`);

    // default.yaml's lesson (see its header): rolling drops `refused`, canary `no-endpoint`.
    const causes = tableRows(r.stdout, /^dropped by cause/);
    assert.match(r.stdout, /^strategy +refused +no-endpoint$/m);
    assert.match(causes[0], /^rolling +[\d,]+ ± [\d.,]+ +0$/);
    assert.match(causes[1], /^canary +0 +[\d,]+ ± [\d.,]+$/);

    const report = readFileSync(md, 'utf8');
    assert.match(report, /^\| strategy \| `refused` \| `no-endpoint` \|$/m);
    // The Markdown shows the same numbers stdout printed.
    const [rollingRefused] = causes[0].split(/\s{2,}/).slice(1);
    assert.ok(report.includes(`| rolling | ${rollingRefused} | 0 |`), report);
    assert.match(r.stderr, new RegExp(`wrote ${md.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad --strategies value exits 2 with one line naming it', () => {
  const r = relsim('compare', defaultScenario, '--strategies', 'rolling,bluegreen');
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--strategies: unknown strategy 'bluegreen' \(expected one of recreate, rolling, blue-green, canary, ab, lanes\)/);
});

test.run();
