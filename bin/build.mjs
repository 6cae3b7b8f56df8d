#!/usr/bin/env node
/**
 * Compiles relsim to JavaScript in dist/ (one tsc pass that also type-checks the tests),
 * copies the plain-JavaScript files and data the code finds next to itself, and stamps the
 * build. bin/relsim.js runs dist/ while the stamp is newer than every source file, and the
 * TypeScript sources through tsx otherwise, so an edit is never run stale.
 *
 *   node bin/build.mjs          # always build (npm test: this is its type-check)
 *   node bin/build.mjs --stale  # only when dist/ is missing or older than a source (npm start)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildState, DIST, ROOT, STAMP } from '../replay/supervision/build-state.mjs';

/** Files the compiled code reads or runs from beside itself, copied as they are. */
const ASSETS = ['replay/supervision/watchdog-process.mjs', 'replay/supervision/build-state.mjs', 'bench/reference'];

if (process.argv.includes('--stale')) {
  const state = buildState();
  if (state.fresh) process.exit(0);
  console.error(`relsim: building dist/ (${state.why})…`);
}
const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const asset of ASSETS) {
  if (existsSync(join(ROOT, asset))) cpSync(join(ROOT, asset), join(DIST, asset), { recursive: true });
}
mkdirSync(DIST, { recursive: true });
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
