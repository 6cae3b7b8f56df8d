import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../replay/replay.ts';
import { trackedChildCount } from '../../../replay/supervision/cleanup.ts';
import { portIsFree } from '../../../replay/tools.ts';
import { scale, sleep, step, type Plan } from '../../../strategies/protocol.ts';
import { fixture, requireProxy } from '../helpers.ts';

function processesMentioning(marker: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try { return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker); } catch { return false; }
  }).map(Number);
}

test('a plan that throws mid-run: replay rejects and stops every process it started', async () => {
  requireProxy('haproxy');
  const tmp = mkdtempSync(join(tmpdir(), 'relsim-fail-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // os.tmpdir() reads it per call: the run's dirs land here
  const ports: number[] = [];
  try {
    function* broken(): Plan<unknown> {
      yield* step('scale up then fail');
      yield* scale('api', 'v2', 1);
      yield* sleep(3000);
      throw new Error('strategy bug');
    }
    const err = await replay(fixture('haproxy-canary.yaml'), {
      proxy: 'haproxy', speed: 10, plan: broken(),
      onProgress: (m) => { for (const x of m.matchAll(/=(\d+)/g)) ports.push(Number(x[1])); },
    }).then(() => null, (e: Error) => e);
    assert.ok(err, 'replay rejected');
    assert.match(err!.message, /strategy bug/);
    assert.is(trackedChildCount(), 0);
    assert.equal(processesMentioning(tmp), []);
    assert.ok(ports.length > 0, 'saw the proxy port');
    for (const p of ports) assert.ok(await portIsFree(p), `port ${p} free`);
    assert.equal(readdirSync(tmp).filter((d) => d.startsWith('relsim-')), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
