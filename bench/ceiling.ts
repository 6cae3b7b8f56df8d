/**
 * The replay harness's own ceiling (autocannon straight at a backend vs through nginx), as
 * measured by bench/harness-ceiling.ts, which the replay side owns. Loaded only when that
 * module and nginx are both present, so `relsim bench` works on a machine without them and
 * says why the figure is missing.
 *
 *   await measureCeilingIfPresent(log)   // the module's result, or { skipped: '...' }
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Skipped } from './references.ts';
import { siblingModule } from '../replay/supervision/node-entry.ts';

/** Seconds per measured target: short, because the bench as a whole should stay near a minute. */
export const CEILING_SECONDS = 3;

type MeasureCeiling = (opts: { seconds: number }) => Promise<unknown>;

export async function measureCeilingIfPresent(log: (line: string) => void = () => {}): Promise<unknown> {
  const moduleUrl = siblingModule('./harness-ceiling.ts', import.meta.url);
  const modulePath = fileURLToPath(moduleUrl);
  if (!existsSync(modulePath)) return skip('bench/harness-ceiling.ts not present yet');
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (nginx.error || nginx.status !== 0) return skip('nginx not installed');
  // A variable specifier keeps the type-checker from requiring the module to exist.
  const mod = (await import(moduleUrl.href)) as { measureCeiling?: MeasureCeiling };
  if (typeof mod.measureCeiling !== 'function') return skip('bench/harness-ceiling.ts has no measureCeiling()');
  log(`harness ceiling: autocannon direct vs through nginx, ${CEILING_SECONDS} s each`);
  try {
    return await mod.measureCeiling({ seconds: CEILING_SECONDS });
  } catch (e) {
    return skip(`ceiling measurement failed: ${(e as Error).message.split('\n')[0]}`);
  }
}

function skip(reason: string): Skipped {
  return { skipped: reason };
}
