/**
 * What Linux's /proc says about a process: enough to tell "still the same, still running"
 * from "gone, a zombie, or a new process that got the same pid". Elsewhere (no /proc) the
 * answers fall back to kill(pid, 0), which cannot tell a reused pid apart.
 */
import { existsSync, readFileSync } from 'node:fs';

export const HAVE_PROCFS = existsSync('/proc/self/stat');

export interface ProcStat {
  /** R, S, D, Z (zombie), … */
  state: string;
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid, names one process for good. */
  start: string;
}

export function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], pgrp: Number(f[2]), start: f[19] };
  } catch { return null; }
}

/** The command line with its NULs as spaces ('' when gone or unreadable). */
export function procCmdline(pid: number): string {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { return ''; }
}

/**
 * True while process `pid` runs and, when `start` is known, is the very process that had
 * that start time. A zombie is not running: it holds no port or file.
 */
export function isRunningPid(pid: number, start?: string): boolean {
  if (!HAVE_PROCFS) {
    try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  }
  const s = procStat(pid);
  return s !== null && s.state !== 'Z' && (start === undefined || s.start === start);
}
