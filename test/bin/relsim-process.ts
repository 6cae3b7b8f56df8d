/**
 * One `relsim` CLI process for the tests that drive the real command line, without blocking
 * the test process, so a test can run independent invocations side by side (each is mostly
 * start-up). Resolves with the exit status and everything written to stdout and stderr.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RELSIM_JS = fileURLToPath(new URL('../../bin/relsim.js', import.meta.url));

export interface Ran { status: number | null; stdout: string; stderr: string }

/** `input`: text written to the child's stdin (otherwise stdin is closed). */
export function runRelsim(args: string[], opts: SpawnOptions & { input?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const { input, ...spawnOpts } = opts;
    const c = spawn(process.execPath, [RELSIM_JS, ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...spawnOpts });
    if (input !== undefined) c.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    c.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    c.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
