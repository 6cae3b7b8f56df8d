/**
 * Shared by the replay tests: the proxies must be installed (CI installs them); a missing
 * binary fails the test with the install command rather than skipping it. Also: running a
 * real `relsim replay` child and finding what of it survives (the cleanup tests).
 */
import { loadScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { childPids, requireBinary, sleepMs } from '../../replay/tools.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function requireProxy(name: 'nginx' | 'haproxy'): void {
  requireBinary(name); // throws "… install it with: sudo apt-get install -y <name>"
}

export function fixture(name: string): Scenario {
  return loadScenario(fixturePath(name));
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Share of `version` among the entry service's requests over the buckets in [fromMs, toMs). */
export function shareBetween(series: Record<string, number[]>, bucketMs: number, service: string, version: string, fromMs: number, toMs: number): { share: number; buckets: number } {
  const hits = series[`share.${service}.${version}`] ?? [];
  const offered = series.ok ?? [];
  let num = 0;
  let den = 0;
  let buckets = 0;
  for (let b = Math.ceil(fromMs / bucketMs); (b + 1) * bucketMs <= toMs; b++) {
    num += (hits[b] ?? 0) * (offered[b] ?? 0);
    den += offered[b] ?? 0;
    buckets++;
  }
  return { share: den > 0 ? num / den : NaN, buckets };
}

// ---- a real `relsim replay` as a child, and what it leaves behind (Linux /proc) ----------

const RELSIM = fileURLToPath(new URL('../../bin/relsim.js', import.meta.url));

export interface RelsimRun { child: ChildProcess; ports: number[]; stderr: () => string }

/**
 * Starts `relsim replay <fixture>` with every temp dir under `tmp` (its TMPDIR); resolves
 * once the proxy fronts, with the front ports from the progress line.
 */
export async function startRelsimReplay(tmp: string, proxy: 'nginx' | 'haproxy', fixtureName: string, speed = 5): Promise<RelsimRun> {
  const child = spawn(process.execPath, [RELSIM, 'replay', fixturePath(fixtureName), '--proxy', proxy, '--speed', String(speed)],
    { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  child.stdout!.resume();
  const until = performance.now() + 15_000;
  while (!/proxy fronts on/.test(err) && performance.now() < until && child.exitCode === null) await sleepMs(50);
  if (!/proxy fronts on/.test(err)) throw new Error(`replay did not get going: ${err}`);
  const line = /proxy fronts on.*/.exec(err)![0];
  const ports = [...line.matchAll(/=(\d+)/g)].map((m) => Number(m[1]));
  return { child, ports, stderr: () => err };
}

/** Pids whose command line mentions `marker` (a run's private TMPDIR). */
export function processesMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) out.push(Number(d));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** A process as seen once: its pid and start time (a later process may reuse the pid). */
export interface ProcessMark { pid: number; start: string; cmd: string }

/** `pid` and all its descendants, now. */
export function processTree(pid: number): ProcessMark[] {
  const out: ProcessMark[] = [];
  const walk = (p: number): void => {
    const m = mark(p);
    if (!m) return;
    out.push(m);
    for (const c of childPids(p)) walk(c);
  };
  walk(pid);
  return out;
}

export function mark(pid: number): ProcessMark | null {
  const s = statOf(pid);
  if (!s) return null;
  let cmd = '';
  try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { /* gone */ }
  return { pid, start: s.start, cmd };
}

/**
 * True while the very process marked still runs. A zombie counts as gone: it holds no port
 * or file, and where PID 1 reaps no orphans (some sandboxes) it stays a zombie forever.
 */
export function stillRunning(m: ProcessMark): boolean {
  const s = statOf(m.pid);
  return s !== null && s.state !== 'Z' && s.start === m.start;
}

function statOf(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, starttime 22.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], start: f[19] };
  } catch { return null; }
}
