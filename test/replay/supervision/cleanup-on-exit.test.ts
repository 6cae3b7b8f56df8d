import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portIsFree, sleepMs } from '../../../replay/tools.ts';
import { processesMentioning, requireProxy, startRelsimReplay } from '../helpers.ts';

/** What is left of a run shortly after it ended: processes naming its temp dir, taken ports, its temp dirs. */
async function leftAfter(tmp: string, ports: number[]): Promise<{ processes: number[]; taken: number[]; dirs: string[] }> {
  await sleepMs(300);
  const processes = processesMentioning(tmp);
  const taken: number[] = [];
  for (const p of ports) if (!(await portIsFree(p))) taken.push(p);
  // (tsx keeps its own compile cache there too; only our dirs must be gone.)
  const dirs = readdirSync(tmp).filter((d) => d.startsWith('relsim-'));
  return { processes, taken, dirs };
}

/** Nothing of the run is left: no process naming its temp dir, ports free, dirs removed. */
function assertNothingLeft(left: { processes: number[]; taken: number[]; dirs: string[] }): void {
  assert.equal(left.processes, [], 'no relsim child process remains');
  assert.equal(left.taken, [], 'the ports are free');
  assert.equal(left.dirs, [], 'temp dirs removed');
}

// Every temp dir of the run lands under a private TMPDIR, and every child's command line
// names its dir (backends' config, nginx -p): a /proc scan finds any survivor.

interface Interrupted { runningBefore: number; code: number | null; left: Awaited<ReturnType<typeof leftAfter>> }

/**
 * A replay interrupted by `signal` mid-run, and what it left. The SIGINT and SIGTERM runs
 * are separate relsim processes, each with its own TMPDIR, ports and process groups, so
 * they run side by side: the first of the two tests starts both.
 */
const interrupted = new Map<NodeJS.Signals, Promise<Interrupted>>();
function interrupt(signal: NodeJS.Signals): Promise<Interrupted> {
  let run = interrupted.get(signal);
  if (!run) {
    run = (async () => {
      const tmp = mkdtempSync(join(tmpdir(), `relsim-${signal.toLowerCase()}-`));
      try {
        const { child, ports } = await startRelsimReplay(tmp, 'nginx', 'lanes-abc.yaml');
        await sleepMs(1500); // mid-run: load flowing, the lanes being deployed
        const runningBefore = processesMentioning(tmp).length;
        const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
        child.kill(signal);
        const code = await exited;
        return { runningBefore, code, left: await leftAfter(tmp, ports) };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    })();
    run.catch(() => undefined); // reported by its own test
    interrupted.set(signal, run);
  }
  return run;
}

const SIGNALS = [['SIGINT', 130], ['SIGTERM', 143]] as const;

for (const [signal, code] of SIGNALS) {
  test(`${signal} mid-replay: no backend or proxy process remains and the ports are free`, async () => {
    requireProxy('nginx');
    for (const [s] of SIGNALS) void interrupt(s);
    const r = await interrupt(signal);
    assert.ok(r.runningBefore >= 4, 'backends and nginx are running before the signal');
    assert.is(r.code, code, `exit code ${code} after ${signal}`);
    assertNothingLeft(r.left);
  });
}

test('a replay that runs to the end leaves nothing behind either', async () => {
  requireProxy('nginx');
  const tmp = mkdtempSync(join(tmpdir(), 'relsim-done-'));
  try {
    // Speed 10: 3 s of load, with the lane's backends up well before the end.
    const { child, ports, stderr } = await startRelsimReplay(tmp, 'nginx', 'lanes-abc.yaml', 10);
    assert.ok(processesMentioning(tmp).length >= 4, 'backends and nginx are running mid-run');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.is(code, 0, stderr());
    assertNothingLeft(await leftAfter(tmp, ports));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
