import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portIsFree, sleepMs } from '../../replay/tools.ts';
import { processesMentioning, requireProxy, startRelsimReplay } from './helpers.ts';

/** Nothing of the run is left: no process naming its temp dir, ports free, dirs removed. */
async function assertNothingLeft(tmp: string, ports: number[]): Promise<void> {
  await sleepMs(300);
  assert.equal(processesMentioning(tmp), [], 'no relsim child process remains');
  for (const p of ports) assert.ok(await portIsFree(p), `port ${p} is free`);
  // (tsx keeps its own compile cache there too; only our dirs must be gone.)
  assert.equal(readdirSync(tmp).filter((d) => d.startsWith('relsim-')), [], 'temp dirs removed');
}

// Every temp dir of the run lands under a private TMPDIR, and every child's command line
// names its dir (backends' config, nginx -p): a /proc scan finds any survivor.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} mid-replay: no backend or proxy process remains and the ports are free`, async () => {
    requireProxy('nginx');
    const tmp = mkdtempSync(join(tmpdir(), `relsim-${signal.toLowerCase()}-`));
    try {
      const { child, ports } = await startRelsimReplay(tmp, 'nginx', 'lanes-abc.yaml');
      await sleepMs(1500); // mid-run: load flowing, the lanes being deployed
      assert.ok(processesMentioning(tmp).length >= 4, 'backends and nginx are running before the signal');
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill(signal);
      assert.is(await exited, code, `exit code ${code} after ${signal}`);
      await assertNothingLeft(tmp, ports);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test('a replay that runs to the end leaves nothing behind either', async () => {
  requireProxy('nginx');
  const tmp = mkdtempSync(join(tmpdir(), 'relsim-done-'));
  try {
    const { child, ports, stderr } = await startRelsimReplay(tmp, 'nginx', 'lanes-abc.yaml');
    assert.ok(processesMentioning(tmp).length >= 4, 'backends and nginx are running mid-run');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.is(code, 0, stderr());
    await assertNothingLeft(tmp, ports);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
