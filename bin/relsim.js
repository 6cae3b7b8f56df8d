#!/usr/bin/env node
// The `relsim` command. It runs the compiled JavaScript in dist/ when that is a build of
// the current sources (npm start and npm test build it), and the TypeScript sources through
// tsx's loader otherwise, so an edited checkout never runs stale code and needs no build step.
import { buildState, DIST } from '../replay/supervision/build-state.mjs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

let cli;
if (buildState().fresh) {
  // Stack traces of real bugs point at the .ts lines.
  process.setSourceMapsEnabled(true);
  cli = await import(pathToFileURL(join(DIST, 'bin', 'cli.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('./cli.ts');
}
await cli.main(process.argv.slice(2));
