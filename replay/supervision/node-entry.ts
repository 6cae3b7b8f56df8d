/**
 * The `node` arguments that run one of relsim's TypeScript entry points (a replay backend, a
 * benchmark child) as a separate process: the compiled `.js` in dist/ when that is a build
 * of the current sources, the `.ts` through tsx's loader otherwise. A backend started from
 * the build is up in a fraction of the time tsx needs, and a replay starts one per instance.
 *
 *   spawn(process.execPath, [...nodeEntry('./backend.ts', import.meta.url), config])
 */
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildState, DIST, ROOT } from './build-state.mjs';

let fresh: boolean | undefined;

/** A module beside the caller, as the caller runs: the compiled `.js` from dist/, else the `.ts`. */
export function siblingModule(relativeTs: string, callerUrl: string): URL {
  return new URL(callerUrl.endsWith('.js') ? relativeTs.replace(/\.ts$/, '.js') : relativeTs, callerUrl);
}

export function nodeEntry(relativeTs: string, callerUrl: string): string[] {
  const compiled = compiledModule(relativeTs, callerUrl);
  if (compiled) return [fileURLToPath(compiled)];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, fileURLToPath(new URL(relativeTs, callerUrl))];
}

/**
 * The compiled `.js` of a module beside the caller, when there is one to run: the caller's
 * own sibling from dist/, or dist/'s copy when it is a build of the current sources; null
 * when only the `.ts` will do (a worker thread then needs a shim that registers tsx).
 */
export function compiledModule(relativeTs: string, callerUrl: string): URL | null {
  if (callerUrl.endsWith('.js')) return siblingModule(relativeTs, callerUrl);
  // Asked once per process: a replay starts many backends.
  fresh ??= buildState().fresh;
  if (!fresh) return null;
  const source = fileURLToPath(new URL(relativeTs, callerUrl));
  return pathToFileURL(`${DIST}/${relative(ROOT, source).replace(/\.ts$/, '.js')}`);
}
