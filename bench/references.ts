/**
 * The reference implementations `relsim bench` measures the engine against, in the same
 * run: bench/reference/mmc.cpp (std::priority_queue, compiled here with g++ -O2 into a
 * temp dir) and bench/reference/mmc.py (Python heapq). Each prints one JSON line.
 *
 *   const cpp = buildCpp();                       // CppReference | Skipped
 *   if (!isSkipped(cpp)) { cpp.mmc({...}); cpp.dispose(); }
 *   runPythonMmc({...});                          // NativeMmc | Skipped
 *
 * A missing compiler or interpreter is a note in the report, not a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HoldOptions, HoldResult } from './hold.ts';
import type { MmcOptions, MmcResult } from './mmc.ts';

export interface Skipped { skipped: string }

/** The C++/Python M/M/c figures: the fields the engine's result has too. */
export type NativeMmc = Pick<MmcResult, 'customers' | 'events' | 'wallMs' | 'cpuMs' | 'customersPerSec' | 'eventsPerSec' | 'meanWait'>;

/** The C++ hold-model figures: the engine's, without the pending-count proof. */
export type NativeHold = Omit<HoldResult, 'pendingAtEnd'>;

export function isSkipped(x: unknown): x is Skipped {
  return typeof x === 'object' && x !== null && typeof (x as Skipped).skipped === 'string';
}

const referenceDir = fileURLToPath(new URL('./reference/', import.meta.url));

export interface CppReference {
  readonly compiler: string;
  hold(opts: HoldOptions): NativeHold;
  mmc(opts: MmcOptions): NativeMmc;
  dispose(): void;
}

export function buildCpp(): CppReference | Skipped {
  const version = toolVersion('g++', ['--version']);
  if (!version) return { skipped: 'g++ not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'relsim-bench-'));
  const exe = join(dir, 'mmc');
  try {
    execFileSync('g++', ['-O2', '-std=c++17', '-o', exe, join(referenceDir, 'mmc.cpp')], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `g++ failed to compile bench/reference/mmc.cpp: ${firstLine(stderrOf(e))}` };
  }
  return {
    compiler: version,
    hold(o) {
      const r = runJson(exe, ['hold', o.pending, o.events, o.warmupEvents, o.seed]);
      return { pending: r.pending, events: r.events, wallMs: r.wallMs, cpuMs: r.cpuMs,
        nsPerOp: (r.wallMs * 1e6) / r.events, cpuNsPerOp: (r.cpuMs * 1e6) / r.events,
        eventsPerSec: r.events / (r.wallMs / 1000) };
    },
    mmc(o) {
      return withRates(runJson(exe, ['mmc', o.c, o.lambda, o.mu, o.customers, o.warmupCustomers, o.seed]));
    },
    dispose() { rmSync(dir, { recursive: true, force: true }); },
  };
}

export function pythonVersion(): string | null {
  return toolVersion('python3', ['--version']);
}

export function runPythonMmc(o: MmcOptions): NativeMmc | Skipped {
  if (!pythonVersion()) return { skipped: 'python3 not installed' };
  return withRates(runJson('python3', [join(referenceDir, 'mmc.py'), o.c, o.lambda, o.mu, o.customers,
    o.warmupCustomers, o.seed]));
}

function withRates(r: Record<string, number>): NativeMmc {
  const s = r.wallMs / 1000;
  return { customers: r.customers, events: r.events, wallMs: r.wallMs, cpuMs: r.cpuMs,
    customersPerSec: r.customers / s, eventsPerSec: r.events / s, meanWait: r.meanWait };
}

function runJson(cmd: string, args: (string | number)[]): Record<string, number> {
  const out = execFileSync(cmd, args.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

function toolVersion(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return firstLine(r.stdout || r.stderr);
}

function stderrOf(e: unknown): string {
  const s = (e as { stderr?: unknown }).stderr;
  return s ? String(s) : String(e);
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}
