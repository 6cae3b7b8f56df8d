/**
 * One registry of everything a replay starts: child processes (each its own process group,
 * so nginx/HAProxy workers go with their master) and temp dirs. Cleaned on success, failure,
 * an exception, SIGINT/SIGTERM and process exit, so no run leaves orphans holding ports.
 * Nothing runs in a process killed with SIGKILL: for that, each group and dir is also
 * announced to the watchdog (watchdog.ts), and each dir names its owner (stale-runs.ts).
 *
 *   const child = spawnTracked('nginx', [...]);   // detached ⇒ own process group
 *   const dir = makeTrackedTempDir('relsim-nginx-');
 *   await cleanupAll();                            // graceful: SIGTERM, then SIGKILL
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOwnerFile } from './stale-runs.ts';
import { unwatchDir, unwatchGroup, watchDir, watchGroup } from './watchdog.ts';

export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  installSignalHandlers();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: true });
  const pid = child.pid;
  if (pid !== undefined) {
    children.add(child);
    watchGroup(pid);
  }
  child.once('exit', () => {
    children.delete(child);
    // Workers outliving their master keep the group: the watchdog still has to see to them.
    if (pid !== undefined && !groupExists(pid)) unwatchGroup(pid);
  });
  // A detached child must not keep the event loop alive on its own account.
  child.unref();
  return child;
}

export function makeTrackedTempDir(prefix: string): string {
  installSignalHandlers();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  watchDir(dir);
  writeOwnerFile(dir);
  return dir;
}

export function removeTrackedDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
  unwatchDir(dir);
}

/** Sends `signal` to the child's whole process group (ignores groups already gone). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Waits for exit up to `ms`; true when the child exited. */
export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => { child.off('exit', onExit); resolve(false); }, ms);
    const onExit = (): void => { clearTimeout(t); resolve(true); };
    child.once('exit', onExit);
  });
}

/** Stops one child: `signal` to its group, SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000): Promise<void> {
  if (!isRunning(child)) return;
  signalGroup(child, signal);
  if (!(await waitExit(child, graceMs))) {
    signalGroup(child, 'SIGKILL');
    await waitExit(child, 1000);
  }
}

/** Stops every tracked child and removes every tracked dir. */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 'SIGTERM', 1500)));
  killAllSync();
}

/** Synchronous last resort (signal handlers, 'exit'): SIGKILL every group, remove dirs. */
export function killAllSync(): void {
  // What is settled here is struck off the watchdog's list: it has nothing to redo or report.
  for (const c of children) {
    signalGroup(c, 'SIGKILL');
    if (c.pid !== undefined) unwatchGroup(c.pid);
  }
  children.clear();
  for (const d of dirs) {
    try { rmSync(d, { recursive: true, force: true }); unwatchDir(d); } catch { /* best effort */ }
  }
  dirs.clear();
}

export function trackedChildCount(): number {
  return children.size;
}

// ---- internals ------------------------------------------------------------------------

function groupExists(pgid: number): boolean {
  try { process.kill(-pgid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let installed = false;

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (sig: NodeJS.Signals, code: number) => (): void => {
    killAllSync();
    process.stderr.write(`relsim: interrupted (${sig}); stopped every replay process\n`);
    process.exit(code);
  };
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));
  process.once('exit', killAllSync);
}
