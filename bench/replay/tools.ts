/**
 * Finding the proxy binaries (Debian puts them in /usr/sbin, often not on a user's PATH),
 * waiting for a child's own ready signal, and checking ports are free before use.
 */
import { existsSync } from 'node:fs';
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

/** A free 127.0.0.1 port: bind port 0, read it back, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
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
