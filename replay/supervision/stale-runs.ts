/**
 * Leftovers of a relsim that died with its watchdog (both killed at once, say): every temp
 * dir relsim makes names its owner in `owner.pid`, and the next replay sweeps the tmp dir
 * for relsim dirs whose owner is dead, stopping the proxy such a dir still runs and
 * removing the dir.
 *
 *   writeOwnerFile(dir);                  // right after mkdtemp
 *   const removed = await sweepStaleRuns(); // at the start of a replay
 *
 * Never kills an unrelated process: a pid from a dead run's pid file is signalled only when
 * /proc shows it is that nginx/HAProxy, running on a config inside that very dir.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { HAVE_PROCFS, isRunningPid, procCmdline, procStat } from './procfs.ts';
import { sleepMs } from '../tools.ts';

export const OWNER_FILE = 'owner.pid';
/** Every relsim temp dir's name starts so (makeTrackedTempDir's prefixes). */
export const TEMP_PREFIX = 'relsim-';
/**
 * Where a proxy's master pid is kept in its dir: nginx writes its own (the `pid` directive
 * nginx-config.ts renders); HAProxy in the foreground writes none, so relsim writes it.
 */
export const PROXY_PID_FILES = { nginx: 'nginx.pid', haproxy: 'haproxy.pid' } as const;

/** `<pid> <start time>`: the start time tells the owner from a later process with its pid. */
export function writeOwnerFile(dir: string): void {
  const start = procStat(process.pid)?.start;
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}${start ? ` ${start}` : ''}\n`);
}

/** Removes `root`'s relsim dirs whose owner is dead; returns the dirs removed. */
export async function sweepStaleRuns(root = tmpdir()): Promise<string[]> {
  let names: string[];
  try { names = readdirSync(root); } catch { return []; }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = join(root, name);
    const owner = readOwner(dir);
    // No owner file: not a run dir (a test's), or one being created this instant.
    if (!owner || isRunningPid(owner.pid, owner.start)) continue;
    await stopStaleProxies(dir);
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch { /* another sweep (or a watchdog) got there first */ }
  }
  return removed;
}

// ---- internals ------------------------------------------------------------------------

function readOwner(dir: string): { pid: number; start?: string } | null {
  try {
    const st = lstatSync(dir);
    // Only real dirs of this user: never follow a link, never touch another user's files.
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) return null;
    const [pid, start] = readFileSync(join(dir, OWNER_FILE), 'utf8').trim().split(/\s+/);
    const n = Number(pid);
    return Number.isInteger(n) && n > 1 ? { pid: n, start } : null;
  } catch { return null; }
}

/** SIGKILLs every proxy the dead run left in `dir` (and its workers), then waits ≤ 1 s for them. */
async function stopStaleProxies(dir: string): Promise<void> {
  const killed: number[] = [];
  for (const { file, program } of pidFiles(dir)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1 || !isProxyOf(pid, program, dirname(file))) continue;
    // spawnTracked made the proxy its own process group's leader: the group holds its workers.
    const target = procStat(pid)?.pgrp === pid ? -pid : pid;
    try { process.kill(target, 'SIGKILL'); killed.push(pid); } catch { /* gone meanwhile */ }
  }
  const until = performance.now() + 1000;
  while (killed.some((p) => isRunningPid(p)) && performance.now() < until) await sleepMs(20);
}

/** The proxies' pid files in the dir itself (a standalone proxy's) or one level down (a replay's). */
function pidFiles(dir: string): { file: string; program: keyof typeof PROXY_PID_FILES }[] {
  const places = [dir];
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) places.push(join(dir, e.name));
  } catch { /* removed meanwhile */ }
  const out: { file: string; program: keyof typeof PROXY_PID_FILES }[] = [];
  for (const place of places) {
    for (const program of Object.keys(PROXY_PID_FILES) as (keyof typeof PROXY_PID_FILES)[]) {
      const file = join(place, PROXY_PID_FILES[program]);
      if (existsSync(file)) out.push({ file, program });
    }
  }
  return out;
}

/**
 * True when `pid` runs `program` on a config inside `proxyDir`: the program by its first
 * word (nginx retitles its master "nginx: master process /usr/sbin/nginx -p <dir> …"),
 * the dir by its path in the command line. Without /proc nothing can be verified: false.
 */
function isProxyOf(pid: number, program: string, proxyDir: string): boolean {
  if (!HAVE_PROCFS || !isRunningPid(pid)) return false;
  const cmd = procCmdline(pid);
  const first = basename(cmd.split(' ')[0] ?? '').replace(/:$/, '');
  return first === program && cmd.includes(`${proxyDir}/`);
}
