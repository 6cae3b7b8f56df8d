/**
 * relsim runs dist/ only while it is a build of the current sources: a missing stamp or a
 * source edited after it sends it back to the TypeScript, so a checkout never runs stale code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildState, DIST } from '../../../replay/supervision/build-state.mjs';
import { nodeEntry } from '../../../replay/supervision/node-entry.ts';

test('no stamp: not fresh; stamp newer than every source: fresh; a source edited later: stale, naming it', () => {
  const root = mkdtempSync(join(tmpdir(), 'relsim-build-'));
  try {
    mkdirSync(join(root, 'sim', 'kernel'), { recursive: true });
    writeFileSync(join(root, 'sim', 'kernel', 'engine.ts'), '');
    assert.equal(buildState(root), { fresh: false, why: 'no build yet' });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', '.built'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'sim', 'kernel', 'engine.ts'), past, past);
    assert.equal(buildState(root), { fresh: true, why: '' });
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'sim', 'kernel', 'engine.ts'), later, later);
    assert.equal(buildState(root), { fresh: false, why: 'sim/kernel/engine.ts changed since the last build' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a child entry from the build is the compiled sibling; from source, tsx runs the .ts (or dist/ when fresh)', () => {
  assert.equal(nodeEntry('./backend.ts', 'file:///x/dist/replay/replay-platform.js'), ['/x/dist/replay/backend.js']);
  const fromSource = nodeEntry('./backend.ts', new URL('../../../replay/replay-platform.ts', import.meta.url).href);
  // which of the two depends on whether this checkout's dist/ is current: ask the same rule
  if (buildState().fresh) assert.equal(fromSource, [`${DIST}/replay/backend.js`]);
  else {
    assert.is(fromSource[0], '--import');
    assert.match(fromSource.at(-1)!, /\/replay\/backend\.ts$/);
  }
});

test.run();
