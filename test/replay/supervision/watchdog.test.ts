// The watchdog on its own, without a replay: what it does when relsim's pipe closes (stop
// the groups, SIGKILL the stubborn, remove the dirs, exit), that a SIGKILL right after a
// registration loses nothing, and that it neither keeps relsim alive nor outlives it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleepMs } from '../../../replay/tools.ts';
import { mark, stillRunning, type ProcessMark } from '../helpers.ts';

const WATCHDOG = fileURLToPath(new URL('../../../replay/supervision/watchdog-process.mjs', import.meta.url));
const CLEANUP = fileURLToPath(new URL('../../../replay/supervision/cleanup.ts', import.meta.url));
const WATCHDOG_CLIENT = fileURLToPath(new URL('../../../replay/supervision/watchdog.ts', import.meta.url));

async function waitGone(marks: ProcessMark[], ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (marks.some(stillRunning) && performance.now() < until) await sleepMs(25);
  return !marks.some(stillRunning);
}

/** A detached child (its own group, as spawnTracked makes them) that lives 30 s; `stubborn` ignores SIGTERM. */
function groupLeader(stubborn: boolean): ProcessMark {
  const code = `${stubborn ? "process.on('SIGTERM', () => {});" : ''} setTimeout(() => {}, 30000)`;
  const c = spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' });
  c.unref();
  return { pid: c.pid!, start: '', cmd: '' };
}

test('watchdog: when its pipe closes it stops every registered group (SIGKILL for one ignoring SIGTERM), removes the dirs, exits', async () => {
  const root = mkdtempSync(join(tmpdir(), 'relsim-wd-'));
  const polite = groupLeader(false);
  const stubborn = groupLeader(true);
  await sleepMs(200); // both have set up their handlers
  const marks = [mark(polite.pid)!, mark(stubborn.pid)!];
  try {
    const dir = join(root, 'relsim-replay-x');
    mkdirSync(dir);
    const wd = spawn(process.execPath, [WATCHDOG], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const ready = new Promise<void>((r) => wd.stdout!.once('data', () => r()));
    let err = '';
    wd.stderr!.on('data', (d) => { err += d; });
    const exited = new Promise<number | null>((r) => wd.once('exit', (c) => r(c)));
    for (const pid of [polite.pid, stubborn.pid]) wd.stdin!.write(`${JSON.stringify({ op: 'group+', pid })}\n`);
    wd.stdin!.write(`${JSON.stringify({ op: 'dir+', path: dir })}\n`);
    await ready;
    wd.kill('SIGINT'); // a Ctrl-C must not stop it before its job
    await sleepMs(100);
    assert.ok(stillRunning(mark(wd.pid!)!), 'the watchdog ignores SIGINT');
    assert.ok(marks.every(stillRunning), 'nothing is stopped while relsim (the pipe) lives');
    const t = performance.now();
    wd.stdin!.end(); // what the kernel does when relsim dies
    assert.is(await exited, 0);
    const took = performance.now() - t;
    assert.ok(await waitGone(marks, 500), 'both groups stopped');
    assert.not.ok(existsSync(dir), 'dir removed');
    assert.ok(took >= 900 && took < 3000, `the SIGTERM-ignoring group got SIGKILL about 1 s later (took ${Math.round(took)} ms)`);
    assert.match(err, /stopped 2 process group\(s\) it left \(1 needed SIGKILL\), removed 1 temp dir/);
  } finally {
    for (const m of marks) if (stillRunning(m)) process.kill(m.pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

/** Runs `body` in a fresh node with cleanup.ts loaded; resolves with its exit and stdout. */
function inChild(root: string, body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const src = `import * as cleanup from ${JSON.stringify(CLEANUP)}; import { watchdogPid } from ${JSON.stringify(WATCHDOG_CLIENT)}; ${body}`;
  const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], { env: { ...process.env, TMPDIR: root }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stdout!.on('data', (d) => { out += d; });
  c.stderr!.on('data', (d) => { err += d; });
  return new Promise((r) => c.once('exit', (code, signal) => r({ code, signal, out, err })));
}

test('watchdog: relsim SIGKILLed the instant after registering: the lines already in the pipe are enough', async () => {
  const root = mkdtempSync(join(tmpdir(), 'relsim-wd-'));
  let left: ProcessMark[] = [];
  try {
    const r = await inChild(root, `
      const dir = cleanup.makeTrackedTempDir('relsim-replay-');
      const c = cleanup.spawnTracked('sleep', ['30']);
      process.stdout.write(JSON.stringify({ dir, pid: c.pid, wd: watchdogPid() }) + '\\n', () => process.kill(process.pid, 'SIGKILL'));`);
    assert.is(r.signal, 'SIGKILL', r.err);
    const { dir, pid, wd } = JSON.parse(r.out) as { dir: string; pid: number; wd: number };
    left = [mark(pid), mark(wd)].filter((m): m is ProcessMark => m !== null);
    assert.ok(await waitGone(left, 3000), 'the sleep and the watchdog are gone');
    assert.not.ok(existsSync(dir), 'dir removed');
  } finally {
    for (const m of left) if (stillRunning(m)) process.kill(m.pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

test('watchdog: keeps no one alive; after a clean exit it has nothing to do and ends too', async () => {
  const root = mkdtempSync(join(tmpdir(), 'relsim-wd-'));
  let wdMark: ProcessMark | null = null;
  try {
    const t = performance.now();
    const r = await inChild(root, `
      const dir = cleanup.makeTrackedTempDir('relsim-replay-');
      const c = cleanup.spawnTracked('sleep', ['30']);
      process.stdout.write(JSON.stringify({ wd: watchdogPid() }) + '\\n');
      await cleanup.stopChild(c);
      cleanup.removeTrackedDir(dir);`);
    // The script's end is the process's end: no handle of the watchdog held it.
    assert.is(r.code, 0, r.err);
    assert.ok(performance.now() - t < 10_000);
    wdMark = mark((JSON.parse(r.out) as { wd: number }).wd);
    if (wdMark) assert.ok(await waitGone([wdMark], 2000), 'the watchdog exited after relsim');
    assert.not.match(r.err, /relsim watchdog/, 'nothing was left for the watchdog to clean');
  } finally {
    if (wdMark && stillRunning(wdMark)) process.kill(wdMark.pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
