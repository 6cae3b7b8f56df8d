/**
 * relsim's side of the watchdog (watchdog-process.mjs): started on first use, once per
 * relsim process, and told of every process group and temp dir as they come and go, so
 * that they are stopped and removed even when relsim is killed with SIGKILL.
 *
 *   watchGroup(child.pid);  unwatchGroup(child.pid);
 *   watchDir(dir);          unwatchDir(dir);
 *
 * The watchdog is detached (its own session: a Ctrl-C to relsim's process group does not
 * take it down before it has done its job) and unref'd (it never keeps relsim alive).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./watchdog-process.mjs', import.meta.url));

export function watchGroup(pgid: number): void {
  groups.add(pgid);
  send({ op: 'group+', pid: pgid });
}

export function unwatchGroup(pgid: number): void {
  if (groups.delete(pgid)) send({ op: 'group-', pid: pgid });
}

export function watchDir(path: string): void {
  dirs.add(path);
  send({ op: 'dir+', path });
}

export function unwatchDir(path: string): void {
  if (dirs.delete(path)) send({ op: 'dir-', path });
}

/** The watchdog's pid (tests), or null before first use. */
export function watchdogPid(): number | null {
  return watchdog?.pid ?? null;
}

// ---- internals ------------------------------------------------------------------------

type Message = { op: 'group+' | 'group-'; pid: number } | { op: 'dir+' | 'dir-'; path: string };

/** What is registered now, to hand to a new watchdog should the first one die. */
const groups = new Set<number>();
const dirs = new Set<string>();
let watchdog: ChildProcess | null = null;

function send(msg: Message): void {
  if (watchdog) write(watchdog, msg);
  // First use (or the last watchdog was killed): a new one is told the whole registry.
  else if (msg.op === 'group+' || msg.op === 'dir+') start();
}

/**
 * Lines go straight into the pipe (libuv writes at once when nothing is queued), so even a
 * SIGKILL right after this call finds them in the kernel's buffer for the watchdog to read.
 */
function write(child: ChildProcess, msg: Message): void {
  child.stdin?.write(`${JSON.stringify(msg)}\n`);
}

function start(): void {
  // stderr shared with relsim: the watchdog's one line says what it had to clean up.
  const child = spawn(process.execPath, [SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'inherit'], cwd: '/' });
  watchdog = child;
  child.unref();
  // The pipe's own handle would keep the event loop alive just as the process would.
  (child.stdin as Socket | null)?.unref();
  child.stdin?.on('error', () => undefined); // a dead watchdog: EPIPE, handled by 'exit' below
  child.on('error', () => undefined);
  child.once('exit', () => {
    // Killed by someone while relsim runs: the next new group or dir starts another.
    if (watchdog === child) watchdog = null;
  });
  for (const pid of groups) write(child, { op: 'group+', pid });
  for (const path of dirs) write(child, { op: 'dir+', path });
}
