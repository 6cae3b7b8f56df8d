// The sweep of dead runs' temp dirs (the backstop when relsim and its watchdog died
// together): which dirs it removes and keeps, that it stops a dead run's nginx/HAProxy but
// never a process a stale pid file wrongly names, and that a replay runs it first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HaproxyProxy } from '../../../replay/proxies/haproxy/haproxy.ts';
import { NginxProxy } from '../../../replay/proxies/nginx/nginx.ts';
import { RoutingState } from '../../../replay/proxy.ts';
import { replay } from '../../../replay/replay.ts';
import { OWNER_FILE, sweepStaleRuns, writeOwnerFile } from '../../../replay/supervision/stale-runs.ts';
import { freePort, portIsFree } from '../../../replay/tools.ts';
import { step, type Plan } from '../../../strategies/protocol.ts';
import { fixture, mark, requireProxy, stillRunning } from '../helpers.ts';

/** A pid no process has any more (a child that ran and was reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** A relsim-style run dir under `root` owned by `owner` ("<pid> <start>"), or by nobody. */
function runDir(root: string, name: string, owner: string | null): string {
  const dir = join(root, name);
  mkdirSync(dir);
  if (owner !== null) writeFileSync(join(dir, OWNER_FILE), `${owner}\n`);
  return dir;
}

test('sweep: a run dir whose owner died is removed; a live owner\'s, an unowned one and a foreign one are kept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'relsim-sweep-'));
  try {
    const dead = runDir(root, 'relsim-replay-dead', `${deadPid()}`);
    const live = runDir(root, 'relsim-replay-live', null);
    writeOwnerFile(live);
    // The owner's pid now names a different process (a later start time): the owner is dead.
    const reused = runDir(root, 'relsim-nginx-reused', `${process.pid} 1`);
    const unowned = runDir(root, 'relsim-replay-unowned', null);
    const foreign = runDir(root, 'other-tool-dead', `${deadPid()}`);
    const removed = await sweepStaleRuns(root);
    assert.equal(removed.sort(), [dead, reused].sort());
    assert.not.ok(existsSync(dead));
    assert.not.ok(existsSync(reused));
    assert.ok(existsSync(live), 'a live owner\'s dir stays');
    assert.ok(existsSync(unowned), 'a dir without owner file stays (not ours, or being made)');
    assert.ok(existsSync(foreign), 'only relsim- dirs are looked at');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('sweep: stops the nginx and HAProxy a dead run left running, never an unrelated process its pid file names', async () => {
  requireProxy('nginx');
  requireProxy('haproxy');
  const root = mkdtempSync(join(tmpdir(), 'relsim-sweep-'));
  const proxies: (NginxProxy | HaproxyProxy)[] = [];
  const innocent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', join(root, 'relsim-replay-lies', 'nginx') + '/'], { stdio: 'ignore' });
  try {
    const started: { dir: string; port: number; pidFile: string }[] = [];
    for (const kind of ['nginx', 'haproxy'] as const) {
      const dir = runDir(root, `relsim-replay-${kind}`, `${deadPid()}`);
      const port = await freePort();
      const state = new RoutingState([{ service: 'app', port, versions: ['v1'], isEntry: true, lb: 'round-robin',
        retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 10_000, slowStartMs: 0, pool: null }]);
      state.endpoints.set('app-1', { id: 'app-1', service: 'app', version: 'v1', port: 9, down: false, weight: 1 });
      const proxy = kind === 'nginx' ? new NginxProxy(state, dir) : new HaproxyProxy(state, dir);
      proxies.push(proxy);
      await proxy.start();
      started.push({ dir, port, pidFile: join(dir, kind, `${kind}.pid`) });
    }
    const masters = started.map((s) => mark(Number(readFileSync(s.pidFile, 'utf8').trim()))!);
    assert.ok(masters.every((m) => m && stillRunning(m)), 'both proxies run before the sweep');

    // A dead run whose pid files name a process that is not its proxy (the pid was reused).
    const lies = runDir(root, 'relsim-replay-lies', `${deadPid()}`);
    for (const kind of ['nginx', 'haproxy']) {
      mkdirSync(join(lies, kind));
      writeFileSync(join(lies, kind, `${kind}.pid`), `${innocent.pid}\n`);
    }
    const innocentMark = mark(innocent.pid!)!;

    const removed = await sweepStaleRuns(root);
    assert.equal(removed.length, 3);
    for (const m of masters) assert.not.ok(stillRunning(m), `proxy ${m.pid} stopped: ${m.cmd}`);
    for (const s of started) {
      assert.ok(await portIsFree(s.port), `port ${s.port} free`);
      assert.not.ok(existsSync(s.dir));
    }
    assert.ok(stillRunning(innocentMark), 'the unrelated process named by a stale pid file still runs');
    assert.not.ok(existsSync(lies));
  } finally {
    innocent.kill('SIGKILL');
    for (const p of proxies) await p.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
});

test('a replay sweeps the dirs of dead earlier runs before it starts', async () => {
  requireProxy('haproxy');
  const root = mkdtempSync(join(tmpdir(), 'relsim-sweep-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = root; // os.tmpdir() reads it per call
  try {
    const stale = runDir(root, 'relsim-replay-stale', `${deadPid()}`);
    const progress: string[] = [];
    // The sweep is all this test is about: stop the replay as soon as its plan runs.
    function* stopAtOnce(): Plan<unknown> {
      yield* step('stop');
      throw new Error('enough');
    }
    const err = await replay(fixture('haproxy-canary.yaml'), { proxy: 'haproxy', speed: 10, plan: stopAtOnce(), onProgress: (m) => progress.push(m) })
      .then(() => null, (e: Error) => e);
    assert.match(err?.message ?? '', /enough/);
    assert.not.ok(existsSync(stale), 'the dead run\'s dir is gone');
    assert.match(progress[0] ?? '', /removed 1 temp dir\(s\) of earlier runs that died/);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
