import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portIsFree, sleepMs } from '../../bench/replay/tools.ts';
import { fixturePath, requireProxy } from './helpers.ts';

const RELSIM = fileURLToPath(new URL('../../bin/relsim.js', import.meta.url));

/** Pids whose command line mentions `marker` (the run's private TMPDIR). */
function processesMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) out.push(Number(d));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Starts `relsim replay lanes-abc` with its temp dirs under `tmp`; resolves once the proxy fronts. */
async function startReplay(tmp: string): Promise<{ child: ReturnType<typeof spawn>; ports: number[]; stderr: () => string }> {
  const child = spawn(process.execPath, [RELSIM, 'replay', fixturePath('lanes-abc.yaml'), '--proxy', 'nginx', '--speed', '5'],
    { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  child.stdout!.resume();
  const until = performance.now() + 15_000;
  while (!/proxy fronts on/.test(err) && performance.now() < until) await sleepMs(50);
  assert.match(err, /proxy fronts on/, `replay did not get going: ${err}`);
  const ports = [...err.matchAll(/=(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(ports.length === 3, `front ports from: ${err}`);
  return { child, ports, stderr: () => err };
}

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
      const { child, ports } = await startReplay(tmp);
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
    const { child, ports, stderr } = await startReplay(tmp);
    assert.ok(processesMentioning(tmp).length >= 4, 'backends and nginx are running mid-run');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.is(code, 0, stderr());
    await assertNothingLeft(tmp, ports);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
