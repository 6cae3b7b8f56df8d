/**
 * Whether dist/ is a build of the current sources: its stamp exists and is newer than
 * every source file. bin/relsim.js asks it which code to run, and node-entry.ts which code
 * a child process (a replay backend) should run. Plain JavaScript so that it works before
 * anything is compiled; a few hundred stat calls, a few milliseconds.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
export const STAMP = stampOf(ROOT);
/** What the build compiles (tsconfig.json's include) and copies. */
const SOURCES = ['sim', 'strategies', 'scenarios', 'reports', 'replay', 'bench', 'bin', 'test', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

export function buildState(root = ROOT) {
  const stamp = stampOf(root);
  if (!existsSync(stamp)) return { fresh: false, why: 'no build yet' };
  const built = statSync(stamp).mtimeMs;
  for (const s of SOURCES) {
    const newer = newerThan(join(root, s), built);
    if (newer) return { fresh: false, why: `${newer.slice(root.length + 1)} changed since the last build` };
  }
  return { fresh: true, why: '' };
}

function newerThan(path, ms) {
  if (!existsSync(path)) return null;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs > ms ? path : null;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const found = newerThan(join(path, name), ms);
    if (found) return found;
  }
  return null;
}

/** The file a build writes last, in the checkout at `root`. */
function stampOf(root) {
  return join(root, 'dist', '.built');
}
