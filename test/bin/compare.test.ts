// `relsim compare` through the real CLI: the printed table, the by-cause table and the
// Markdown report of one short comparison, and a bad --strategies value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRelsim, type Ran } from './relsim-process.ts';

const defaultScenario = fileURLToPath(new URL('../../scenarios/examples/default.yaml', import.meta.url));

const relsim = (...args: string[]): Promise<Ran> => runRelsim(args);

// The refusal below is a separate process and mostly CLI start-up: it runs while the
// comparison does (started by the first test).
let badStrategies: Promise<Ran> | null = null;
const startBadStrategies = (): Promise<Ran> => {
  badStrategies ??= relsim('compare', defaultScenario, '--strategies', 'rolling,bluegreen');
  badStrategies.catch(() => undefined); // reported by its own test
  return badStrategies;
};

/** The rows of the table under the heading line that matches `heading`, up to the blank line. */
function tableRows(stdout: string, heading: RegExp): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  assert.ok(start >= 0, `no table headed ${heading} in:\n${stdout}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  // Skip the heading, the column names and the rule under them.
  return lines.slice(start + 3, end < 0 ? undefined : end);
}

test('two strategies × 2 seeds: a ± interval per strategy, drops by cause on stdout and in the Markdown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-compare-'));
  try {
    const md = join(dir, 'cmp.md');
    // One worker: the machine is shared, and results do not depend on it.
    const comparing = relsim('compare', defaultScenario, '--seeds', '2', '--strategies', 'rolling,canary', '--workers', '1', '--md', md);
    startBadStrategies();
    const r = await comparing;
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^default: 2 strategies × 2 seeds \(mean ± 95% interval, or mean \(low–high\) where cut at 0; seeds with any drop and seeds meeting the SLO, with exact 95% intervals\)$/m);
    const rows = tableRows(r.stdout, /^default: 2 strategies/);
    assert.equal(rows.map((l) => l.split(/\s+/)[0]), ['rolling', 'canary']);
    for (const row of rows) assert.match(row, / ± |\([\d.,%]+–[\d.,%]+\)/, `no interval in: ${row}`);
    // both strategies drop in both seeds; default.yaml's SLO (at most 0.5% lost) fails rolling in
    // both seeds and holds for canary in both, though 2 seeds cannot tell whether canary's mean does
    assert.match(rows[0], /^rolling +fails: error rate .* 2\/2 \(16%–100%\) +0\/2 \(0%–84%\)$/, rows[0]);
    assert.match(rows[1], /^canary +unclear: error rate .* 2\/2 \(16%–100%\) +2\/2 \(16%–100%\)$/, rows[1]);

    // default.yaml's lesson (see its header): rolling drops `refused`, canary `no-endpoint`.
    const causes = tableRows(r.stdout, /^dropped by cause/);
    assert.match(r.stdout, /^strategy +refused +no-endpoint$/m);
    // a mean with ± its interval, or (low–high) where the interval was cut at 0
    const withInterval = String.raw`[\d,.]+ (?:± [\d.,]+|\([\d.,]+–[\d.,]+\))`;
    assert.match(causes[0], new RegExp(`^rolling +${withInterval} +0$`));
    assert.match(causes[1], new RegExp(`^canary +0 +${withInterval}$`));

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

test('a bad --strategies value exits 2 with one line naming it', async () => {
  const r = await startBadStrategies();
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--strategies: unknown strategy 'bluegreen' \(expected one of recreate, rolling, blue-green, canary, ab, lanes\)/);
});

test('a run over its event cap is exit 2 with one line, in this thread and on workers, for compare and gate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-cap-'));
  try {
    const capped = join(dir, 'capped.yaml');
    writeFileSync(capped, `${readFileSync(defaultScenario, 'utf8')}\nlimits: {maxEvents: 1000}\n`);
    const runs = await Promise.all([
      relsim('compare', capped, '--strategies', 'rolling', '--seeds', '2', '--workers', '1'),
      relsim('compare', capped, '--strategies', 'rolling', '--seeds', '2', '--workers', '2'),
      relsim('gate', capped, '--seeds', '2', '--workers', '1'),
    ]);
    for (const r of runs) {
      assert.is(r.status, 2, r.stderr);
      assert.match(r.stderr, /^relsim: .*capped\.yaml: .*simulation exceeded its event cap of 1000 events/m);
      assert.not.match(r.stderr, /\n\s+at /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
