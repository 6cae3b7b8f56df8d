// Output flags given `-` write to stdout, through the real CLI in a scratch working
// directory, so a file literally named `-` would show up there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputs } from '../../bin/output.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { runRelsim, type Ran } from './relsim-process.ts';

const scenario = (name: string) => fileURLToPath(new URL(`../../scenarios/examples/${name}`, import.meta.url));

/** `relsim args` in `dir`. */
const relsim = (dir: string, args: string[]): Promise<Ran> => runRelsim(args, { cwd: dir });

const RUNS = {
  md: ['run', scenario('mmc.yaml'), '--md', '-'],
  junit: ['gate', scenario('mmc.yaml'), '--seeds', '1', '--junit', '-'],
  twoOnStdout: ['run', scenario('mmc.yaml'), '--json', '-', '--md', '-'],
  html: ['run', scenario('mmc.yaml'), '--html', '-'],
};

// Each CLI run here is its own process in an empty scratch dir of its own, and is mostly
// start-up: the first test to need one starts them all, side by side, and each test awaits
// its own, then checks its dir. The dirs go when the file is done.
const scratchDirs: string[] = [];
let started: Record<string, { dir: string; ran: Promise<Ran> }> | null = null;

async function inScratchDir(name: keyof typeof RUNS): Promise<{ dir: string; r: Ran }> {
  if (!started) {
    started = {};
    for (const [n, args] of Object.entries(RUNS)) {
      const dir = mkdtempSync(join(tmpdir(), 'relsim-cli-'));
      scratchDirs.push(dir);
      const ran = relsim(dir, args);
      ran.catch(() => undefined); // reported by the test that awaits it
      started[n] = { dir, ran };
    }
  }
  const { dir, ran } = started[name];
  return { dir, r: await ran };
}

test.after(() => { for (const d of scratchDirs) rmSync(d, { recursive: true, force: true }); });

test('run --md - puts the Markdown report alone on stdout and writes no file named -', async () => {
  const { dir, r } = await inScratchDir('md');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^## relsim run: mmc · none \(seed 1, sim\)\n/);
  assert.match(r.stdout, /^\| offered \| ok \| dropped \|/m);
  // The human summary moved to stderr, so the report can be redirected on its own.
  assert.not.match(r.stdout, /^requests {2}offered/m);
  assert.match(r.stderr, /^requests {2}offered/m);
  assert.not.ok(existsSync(join(dir, '-')), 'a file named - was written');
  assert.equal(readdirSync(dir), []);
});

test('gate --junit - puts the JUnit XML on stdout and the verdicts on stderr', async () => {
  const { dir, r } = await inScratchDir('junit');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^<\?xml /);
  assert.match(r.stderr, /gate: pass/);
  assert.equal(readdirSync(dir), []);
});

test('two outputs on stdout: exit 2 with one line, before simulating, nothing written', async () => {
  const { dir, r } = await inScratchDir('twoOnStdout');
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--json and --md: only one output can go to stdout/);
  assert.equal(readdirSync(dir), []);
});

test('--html - (with a space) gets the same one-line refusal as --html=-, not a yargs error', async () => {
  const { dir, r } = await inScratchDir('html');
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stderr.trim(), "relsim: --html: cannot go to stdout ('-' is only for --json, --md, --junit); name a file");
  assert.equal(readdirSync(dir), []);
});

test('outputs() rejects - where stdout is not offered, an empty name and a missing directory', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ html: '-' }, /^--html: cannot go to stdout \('-' is only for --json, --md, --junit\)/],
    [{ md: '' }, /^--md: expected a file name or '-' for stdout$/],
    [{ html: '' }, /^--html: expected a file name$/],
    [{ md: '/no-such-dir/x.md' }, /^--md \/no-such-dir\/x\.md: directory \/no-such-dir does not exist$/],
  ];
  for (const [flags, message] of cases) {
    try {
      outputs(flags);
      assert.unreachable(`${JSON.stringify(flags)} was accepted`);
    } catch (e) {
      assert.instance(e, UserError);
      assert.is((e as UserError).exitCode, 2);
      assert.match((e as Error).message, message);
    }
  }
  // Unset flags and one stdout output are fine.
  assert.is(outputs({ json: undefined, md: '-', html: undefined }).toStdout, true);
  assert.is(outputs({ json: undefined }).toStdout, false);
});

test.run();
