// Output paths are checked before any work and written atomically: a directory given as a
// file, a path under a file, or a directory that takes no new files is one line and exit
// 2 before the run (or compare, gate, replay) starts, with nothing written; a successful
// write leaves only the finished file, never a temporary one or half a report.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpawnOptions } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputs } from '../../bin/output.ts';
import { unwritable, writeAtomically } from '../../bin/output-file.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { runRelsim, type Ran } from './relsim-process.ts';

const scenario = (name: string) => fileURLToPath(new URL(`../../scenarios/examples/${name}`, import.meta.url));
/** The uid/gid of `nobody`: root ignores permission bits, so EACCES needs another user. */
const NOBODY = 65534;

/** `relsim args` in `dir`. */
const relsim = (dir: string, args: string[], opts: SpawnOptions = {}): Promise<Ran> => runRelsim(args, { cwd: dir, timeout: 60_000, ...opts });

/** One CLI run in a scratch dir of its own: `setup` prepares the dir and returns the arguments. */
interface Case { setup: (dir: string) => string[]; opts?: SpawnOptions }
interface Started { dir: string; ran: Promise<Ran> }

// Each CLI run here is its own process in its own scratch dir, and is mostly start-up: the
// first test to need one starts them all, side by side, and each test awaits its own, then
// checks its dir. The dirs go when the file is done.
const scratchDirs: string[] = [];
let started: Record<string, Started> | null = null;

function startAll(): Record<string, Started> {
  if (started) return started;
  started = {};
  for (const [name, c] of Object.entries(CASES) as [string, Case][]) {
    const dir = mkdtempSync(join(tmpdir(), 'relsim-out-'));
    chmodSync(dir, 0o755); // traversable by the unprivileged user of the EACCES test
    scratchDirs.push(dir);
    let ran: Promise<Ran>;
    try { ran = relsim(dir, c.setup(dir), c.opts); } catch (e) { ran = Promise.reject(e); }
    ran.catch(() => undefined); // reported by the test that awaits it
    started[name] = { dir, ran };
  }
  return started;
}

/** The run named `name` (started with the others if it was not yet): its dir and its result. */
async function result(name: keyof typeof CASES): Promise<{ dir: string; r: Ran }> {
  const s = startAll()[name];
  return { dir: s.dir, r: await s.ran };
}

test.after(() => { for (const d of scratchDirs) rmSync(d, { recursive: true, force: true }); });

/** Exit 2, one line on stderr matching `message`, no stack trace, and nothing on stdout (so no summary: no run). */
function refusedUpFront(r: Ran, message: RegExp): void {
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trim(), message);
  assert.not.match(r.stderr, /^\s+at /m);
  assert.is(r.stdout, '');
}

const CASES = {
  isADirectory: { setup: (dir: string) => {
    mkdirSync(join(dir, 'reports'));
    return ['run', scenario('mmc.yaml'), '--json', 'ok.json', '--html', 'reports'];
  } },
  underAFile: { setup: (dir: string) => {
    writeFileSync(join(dir, 'notes.txt'), 'keep me\n');
    return ['run', scenario('mmc.yaml'), '--json', 'ok.json', '--md', 'notes.txt/report.md'];
  } },
  locked: {
    setup: (dir: string) => {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      return ['run', scenario('mmc.yaml'), '--json', join(locked, 'x.json')];
    },
    // Root writes into a 555 directory anyway; run the CLI as `nobody` then, as a real user would.
    opts: (process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {}) as SpawnOptions,
  },
  compare: { setup: (dir: string) => {
    mkdirSync(join(dir, 'out'));
    return ['compare', scenario('rolling-tuned.yaml'), '--strategies', 'rolling', '--seeds', '1', '--workers', '1', '--md', 'ok.md', '--html', 'out'];
  } },
  gate: { setup: (dir: string) => {
    mkdirSync(join(dir, 'out'));
    return ['gate', scenario('mmc.yaml'), '--seeds', '1', '--json', 'ok.json', '--junit', 'out'];
  } },
  replay: { setup: (dir: string) => {
    mkdirSync(join(dir, 'out'));
    // Checked before the proxy lookup and the scenario: exit 2 whether nginx is installed or not.
    return ['replay', scenario('nginx-two-instances.yaml'), '--proxy', 'nginx', '--speed', '20', '--quiet', '--json', 'ok.json', '--html', 'out'];
  } },
  replaces: { setup: (dir: string) => {
    writeFileSync(join(dir, 'r.md'), 'old report\n');
    chmodSync(join(dir, 'r.md'), 0o640);
    writeFileSync(join(dir, 'real.json'), '');
    symlinkSync('real.json', join(dir, 'link.json'));
    return ['run', scenario('mmc.yaml'), '--json', 'link.json', '--md', 'r.md'];
  } },
  device: { setup: () => ['run', scenario('mmc.yaml'), '--json', '/dev/null'] },
} satisfies Record<string, Case>;

test('run: --json ok.json --html <a directory> fails before the run and writes neither', async () => {
  const { dir, r } = await result('isADirectory');
  refusedUpFront(r, /^relsim: --html reports: is a directory; name a file$/);
  assert.equal(readdirSync(dir), ['reports']);
  assert.equal(readdirSync(join(dir, 'reports')), []);
});

test('run: a path under a file (ENOTDIR) fails before the run', async () => {
  const { dir, r } = await result('underAFile');
  refusedUpFront(r, /^relsim: --md notes\.txt\/report\.md: notes\.txt is not a directory$/);
  assert.equal(readdirSync(dir), ['notes.txt']);
  assert.is(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep me\n');
});

test('run: a directory that takes no new files (EACCES) fails before the run', async () => {
  const { dir, r } = await result('locked');
  refusedUpFront(r, /^relsim: --json \S+\/locked\/x\.json: cannot create a file in \S+\/locked \(EACCES\)$/);
  assert.equal(readdirSync(join(dir, 'locked')), []);
});

test('compare, gate and replay check their output paths before any run', async () => {
  const cases: ['compare' | 'gate' | 'replay', RegExp][] = [
    ['compare', /^relsim: --html out: is a directory; name a file$/],
    ['gate', /^relsim: --junit out: is a directory; name a file$/],
    ['replay', /^relsim: --html out: is a directory; name a file$/],
  ];
  for (const [name, message] of cases) {
    const { dir, r } = await result(name);
    refusedUpFront(r, message);
    assert.equal(readdirSync(dir), ['out'], name);
  }
});

test('a successful run leaves the finished files only, replacing an old one and keeping its mode', async () => {
  const { dir, r } = await result('replaces');
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(dir).sort(), ['link.json', 'r.md', 'real.json']);
  assert.match(readFileSync(join(dir, 'r.md'), 'utf8'), /^## relsim run: mmc/);
  assert.is(statSync(join(dir, 'r.md')).mode & 0o777, 0o640);
  // Written through the symlink, which stays a symlink.
  assert.ok(lstatSync(join(dir, 'link.json')).isSymbolicLink());
  assert.is(JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')).schema, 'relsim.run/1');
});

test('a device is written in place, not replaced: --json /dev/null', async () => {
  const { r } = await result('device');
  assert.is(r.status, 0, r.stderr);
  assert.ok(statSync('/dev/null').isCharacterDevice());
  assert.is(unwritable('/dev/null'), null);
});

test('a write that fails at the end leaves no temporary file and says so in one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-out-'));
  try {
    const target = join(dir, 'r.json');
    const out = outputs({ json: target });
    mkdirSync(target); // the path became a directory after the check
    try {
      out.write('json', '{}\n');
      assert.unreachable('the write succeeded');
    } catch (e) {
      assert.instance(e, UserError);
      assert.match((e as UserError).message, /^--json \S+r\.json: cannot write \(EISDIR\)$/);
    }
    assert.equal(readdirSync(dir), ['r.json']);
    assert.throws(() => writeAtomically(target, 'x'));
    assert.equal(readdirSync(dir), ['r.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unwritable(): the reasons, as the end of an error line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-out-'));
  try {
    writeFileSync(join(dir, 'f'), '');
    assert.is(unwritable(dir), 'is a directory; name a file');
    assert.is(unwritable(`${join(dir, 'new')}/`), 'names a directory; name a file');
    assert.is(unwritable(join(dir, 'f', 'x.json')), `${join(dir, 'f')} is not a directory`);
    assert.is(unwritable(join(dir, 'missing', 'x.json')), `directory ${join(dir, 'missing')} does not exist`);
    assert.is(unwritable(join(dir, 'f')), null);
    assert.is(unwritable(join(dir, 'new.json')), null);
    assert.equal(readdirSync(dir), ['f'], 'the probe file is gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
