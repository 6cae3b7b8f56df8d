/**
 * Finding the proxy binaries (Debian puts them in /usr/sbin, often not on a user's PATH),
 * waiting for a child's own ready signal, and checking ports are free before use.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

export class ToolMissingError extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed (needed by relsim replay); install it with: sudo apt-get install -y ${tool}`);
    this.name = 'ToolMissingError';
  }
}

/** Absolute path of an executable, or throws ToolMissingError with the install command. */
export function requireBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  throw new ToolMissingError(name);
}

/**
 * A free 127.0.0.1 port for something to listen on. Not port 0: the kernel hands those out
 * from the ephemeral range, the same range every client socket (autocannon's, the
 * backends') takes its local port from, so a port free now could be an open client
 * connection's by the time nginx binds it. Ports below the ephemeral range are never
 * assigned to client sockets. Each port is handed out once per process and checked free.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = 10_000, high = Math.max(low + 1000, ephemeralLow - 1);
  for (let tries = 0; tries < 200; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if (await portIsFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found on 127.0.0.1 between ${low} and ${high}`);
}

const handedOut = new Set<number>();

/** Linux's ip_local_port_range (where client sockets get their ports); the usual default elsewhere. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch { /* not Linux */ }
  return [32768, 60999];
}

/** True when nothing listens on 127.0.0.1:port (so a ready probe cannot hit an orphan). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: number[]): Promise<void> {
  for (const p of ports) {
    if (!(await portIsFree(p))) throw new Error(`port ${p} on 127.0.0.1 is taken (an orphan from an earlier run?)`);
  }
}

/** Resolves with the first stdout line starting with `prefix`; rejects if the child exits first. */
export function waitForLine(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => finish(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer): void => {
      buf += d.toString();
      for (const line of buf.split('\n')) if (line.startsWith(prefix)) { finish(null, line.slice(prefix.length).trim()); return; }
    };
    const onErr = (d: Buffer): void => { err += d.toString(); };
    const onExit = (code: number | null): void => finish(new Error(`exited (${code}) before ready: ${err.trim().slice(0, 500)}`));
    const finish = (e: Error | null, line = ''): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (e) reject(e); else resolve(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Real ms as nginx/HAProxy write them (integer ms, at least 1). */
export function ms(x: number): string {
  return `${Math.max(1, Math.round(x))}ms`;
}

/**
 * Pids whose parent is `pid` (Linux; empty elsewhere). The kernel's own list of a thread's
 * children when it has one (one small read); otherwise a scan of every /proc/<n>/stat,
 * which takes milliseconds on a busy machine and blocks the load generator meanwhile.
 */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { /* no CONFIG_PROC_CHILDREN, or not Linux */ }
  return childPidsByScan(pid);
}

/** The portable way (slow): every process's parent from /proc/<n>/stat. */
export function childPidsByScan(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return out; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch { /* exited while we looked */ }
  }
  return out;
}

/** How often waitOldWorkersGone looks: old workers live 90-320 ms after a reload here. */
const WORKER_POLL_MS = 20;

/**
 * Waits until the master `pid` has at most `workers` children, i.e. the workers that still
 * held the previous configuration (and its keep-alive connections) have exited. Both nginx
 * and HAProxy answer on a new worker before the old one has stopped serving the connections
 * it holds, so "the new config answers" is not yet "every request sees the new config".
 * Returns false when they outlive `timeoutMs` (a slow request keeps an old worker alive);
 * the adapters count that, so a replay says when it judged requests before a change settled.
 */
export async function waitOldWorkersGone(pid: number, workers: number, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (childPids(pid).length <= workers) return true;
    if (performance.now() >= until) return false;
    await sleepMs(WORKER_POLL_MS);
  }
}
