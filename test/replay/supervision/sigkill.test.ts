import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStreams } from '../../../sim/kernel/random.ts';
import { portIsFree, sleepMs } from '../../../replay/tools.ts';
import { mark, processesMentioning, processTree, requireProxy, startRelsimReplay, stillRunning, type ProcessMark } from '../helpers.ts';

// SIGKILL cannot be caught: relsim's own cleanup never runs, so whatever stops the proxy
// and removes the dirs must live outside it. The kill lands at a random point after the
// proxy is up (mid-start of the lanes, mid-reload…); the seed is logged so a failure can be
// replayed with RELSIM_TEST_SEED=<seed>.
const seed = Number(process.env.RELSIM_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
const streams = new RandomStreams(seed);

/** Everything that must be gone, and how long it may take (the watchdog: SIGTERM, then SIGKILL after ~1 s). */
const WAIT_MS = 5000;

interface Killed { delay: number; seen: ProcessMark[]; signal: NodeJS.Signals | null; left: string[]; leftAfterMs: number; stderr: string }

/**
 * A replay through `proxy` SIGKILLed mid-run, and what of it was left. The nginx and the
 * HAProxy runs are separate relsim processes, each with its own TMPDIR, ports and process
 * groups, and every check below is by those: they run side by side, started by the first
 * of the two tests.
 */
const killed = new Map<string, Promise<Killed>>();
function killRun(proxy: 'nginx' | 'haproxy'): Promise<Killed> {
  let run = killed.get(proxy);
  if (!run) {
    run = (async () => {
      const tmp = mkdtempSync(join(tmpdir(), `relsim-sigkill-${proxy}-`));
      let seen: ProcessMark[] = [];
      try {
        const { child, ports, stderr } = await startRelsimReplay(tmp, proxy, 'lanes-abc.yaml');
        const delay = Math.floor(streams.stream(proxy)() * 1500);
        await sleepMs(delay);
        seen = snapshot(child.pid!, tmp);
        const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
        child.kill('SIGKILL');
        const signal = await exited;

        const killedAt = performance.now();
        let left = await leftovers(seen, tmp, ports);
        while (left.length > 0 && performance.now() < killedAt + WAIT_MS) {
          await sleepMs(100);
          left = await leftovers(seen, tmp, ports);
        }
        const leftAfterMs = performance.now() - killedAt;
        await sleepMs(50);
        return { delay, seen, signal, left, leftAfterMs, stderr: stderr() };
      } finally {
        // A failing run must not leave its orphans behind: kill exactly what is its.
        for (const m of survivors(seen, tmp)) { try { process.kill(m.pid, 'SIGKILL'); } catch { /* gone */ } }
        rmSync(tmp, { recursive: true, force: true });
      }
    })();
    run.catch(() => undefined); // reported by its own test
    killed.set(proxy, run);
  }
  return run;
}

const PROXIES = ['nginx', 'haproxy'] as const;

for (const proxy of PROXIES) {
  test(`SIGKILL of relsim mid-replay (${proxy}): no process of the run remains, ports free, temp dirs gone`, async () => {
    requireProxy(proxy);
    for (const p of PROXIES) if (p === proxy || hasProxy(p)) void killRun(p);
    const { delay, seen, signal, left, leftAfterMs, stderr } = await killRun(proxy);
    console.log(`  sigkill (${proxy}): RELSIM_TEST_SEED=${seed}, kill ${delay} ms after the proxy is up`);
    assert.ok(seen.some((m) => m.cmd.includes(proxy)), `${proxy} is running before the kill: ${seen.map((m) => m.cmd).join(' | ')}`);
    assert.ok(seen.length >= 5, 'relsim, backends and the proxy are running before the kill');
    assert.is(signal, 'SIGKILL');
    assert.equal(left, [], `within ${WAIT_MS} ms of the SIGKILL nothing of the run is left`);
    // Its work, not the backends' own parent check: it says what it stopped (on relsim's stderr).
    assert.match(stderr, /relsim watchdog: .*stopped [1-9]\d* process group/);
    console.log(`  sigkill (${proxy}): all ${seen.length} processes gone, ports free, dirs removed ${Math.round(leftAfterMs)} ms after the kill`);
  });
}

/** Whether `proxy` is installed (the other proxy's run starts early only then; its own test names a missing one). */
function hasProxy(proxy: 'nginx' | 'haproxy'): boolean {
  try { requireProxy(proxy); return true; } catch { return false; }
}

/** relsim's process tree plus anything naming the run's TMPDIR (HAProxy workers, say). */
function snapshot(pid: number, tmp: string): ProcessMark[] {
  const byPid = new Map<number, ProcessMark>();
  for (const m of processTree(pid)) byPid.set(m.pid, m);
  for (const p of processesMentioning(tmp)) for (const m of processTree(p)) byPid.set(m.pid, m);
  return [...byPid.values()];
}

/** What of the run is still there, one line per thing (empty: all clean). */
async function leftovers(seen: ProcessMark[], tmp: string, ports: number[]): Promise<string[]> {
  const out = survivors(seen, tmp).map((m) => `process ${m.pid}: ${m.cmd}`);
  for (const p of ports) if (!(await portIsFree(p))) out.push(`port ${p} taken`);
  // (tsx keeps its own compile cache there too; only relsim's dirs must be gone.)
  for (const d of readdirSync(tmp)) if (d.startsWith('relsim-')) out.push(`dir ${d}`);
  return out;
}

/**
 * The run's processes still running: the ones seen before the kill, and any started after
 * (a worker forked by a reload) by their group or by naming the dir.
 */
function survivors(seen: ProcessMark[], tmp: string): ProcessMark[] {
  const out = seen.filter(stillRunning);
  const groups = new Set(seen.map((m) => m.pid));
  for (const p of new Set([...processesMentioning(tmp), ...groupMembers(groups)])) {
    const m = mark(p);
    if (m && stillRunning(m) && !out.some((s) => s.pid === p)) out.push(m);
  }
  return out;
}

/** Live pids whose process group is one of `groups`. */
function groupMembers(groups: Set<number>): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] !== 'Z' && groups.has(Number(f[2]))) out.push(Number(d));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

test.run();
