/**
 * One `relsim` CLI process for the tests that drive the real command line, without blocking
 * the test process, so a test can run independent invocations side by side (each is mostly
 * start-up). Resolves with the exit status and everything written to stdout and stderr.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RELSIM_JS = fileURLToPath(new URL('../../bin/relsim.js', import.meta.url));

export interface Ran { status: number | null; stdout: string; stderr: string }

export function runRelsim(args: string[], opts: SpawnOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [RELSIM_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    c.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    c.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
