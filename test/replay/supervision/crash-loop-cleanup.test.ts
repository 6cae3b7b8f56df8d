// Crash-looping pods (versions.<v>.crashAfter) replayed through HAProxy and scaled away
// while their process is down: in the back-off (no restart after the deletion) and while
// the restart is starting (that process is killed); and a run that ends inside a back-off
// (no restart after the run). Nothing is left running, and the crashes are the simulator's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../replay/replay.ts';
import type { ReplayCrash } from '../../../replay/replay-platform.ts';
import { trackedChildCount } from '../../../replay/supervision/cleanup.ts';
import { sleepMs } from '../../../replay/tools.ts';
import { simulate } from '../../../sim/simulate.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { scale, sleep, sleepUntil, type Plan } from '../../../strategies/protocol.ts';
import { requireProxy } from '../helpers.ts';

/** Command lines (NUL-separated args joined by spaces) of the processes mentioning `marker`. */
function commandsMentioning(marker: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(marker)) out.push(cmd.replace(/\0/g, ' '));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

// Created at 1 s, each run listening 5 s after it starts (2.5 s real at speed 2: longer than a
// backend takes to spawn, so the times are the scenario's, even beside another replay file: at speed 5, 1 s real, a loaded spawn was late). v2: up 6 s, crash 7 s, restart
// at once, up 12 s, crash 13 s: deleted at 16 s in its 10 s back-off (it would restart at
// 23 s). v3 (a 9 s start-up): up 10 s, crash 11 s, restart at once: deleted at 16 s while
// that process starts (it would listen at 20 s). v4 (crashAfter 4 s): crash 10 s and 19 s;
// its restart is due at 29 s, after the run.
const s = parseScenario(`
name: crash-cleanup
seed: 4
duration: 26s
services:
  api:
    replicas: 1
    versions: {v1: {}, v2: {crashAfter: 1s}, v3: {crashAfter: 1s, startup: 9s}, v4: {crashAfter: 4s}}
    concurrency: 16
    serviceTime: 5ms
    startup: 5s
    readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}
entry: {service: api, client: {lb: round-robin, retry: {attempts: 0}}}
traffic: {rate: 50}
`, 'crash-cleanup.yaml');

test('HAProxy: a crash-looping pod scaled away in its back-off or mid-restart stays gone; a run ending in a back-off restarts nothing', async () => {
  requireProxy('haproxy');
  const tmp = mkdtempSync(join(tmpdir(), 'relsim-crash-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // the run's dir, named in every backend's command line, lands here
  const seen: Record<string, string[]> = {};
  const look = (label: string): void => {
    seen[label] = commandsMentioning(tmp).filter((c) => /"version":"v[23]"/.test(c));
  };
  function* plan(probe: boolean): Plan {
    yield* sleep(1000);
    for (const v of ['v2', 'v3', 'v4']) yield* scale('api', v, 1);
    yield* sleepUntil(16_000);
    yield* scale('api', 'v2', 0);
    yield* scale('api', 'v3', 0);
    yield* sleepUntil(16_500);
    if (probe) look('at 16.5 s');
    yield* sleepUntil(24_500); // past v2's restart, had it not been deleted
    if (probe) look('at 24.5 s');
    yield* sleep(1e9);
  }
  try {
    const r = await replay(s, { proxy: 'haproxy', speed: 2, plan: plan(true) });
    const sim = simulate(s, { plan: plan(false) });
    const crashes = ((r.meta?.replay as { crashLog?: ReplayCrash[] }).crashLog ?? []);
    const byVersion = (v: string) => crashes.filter((c) => c.version === v).map((c) => c.restartInMs);
    console.log(`replayed crashes: ${crashes.map((c) => `${c.version}@${c.atMs}`).join(', ')}`);
    assert.equal(byVersion('v2'), [0, 10_000], 'v2: two crashes, the second in the back-off it was deleted in');
    assert.equal(byVersion('v3'), [0], 'v3: one crash, deleted while restarting');
    assert.equal(byVersion('v4'), [0, 10_000], 'v4: two crashes, its restart due after the run');
    assert.ok(crashes.every((c) => c.expected));
    assert.equal(seen['at 16.5 s'], [], 'the restarting v3 process was killed with its pod');
    assert.equal(seen['at 24.5 s'], [], 'the deleted v2 was not restarted');
    for (const x of [r, sim]) {
      const label = x === r ? 'replay' : 'simulator';
      for (const v of ['v2', 'v3']) {
        for (const st of ['starting', 'ready', 'terminating']) {
          assert.ok((x.timeline.series[`instances.api.${v}.${st}`] ?? []).slice(17).every((n) => n === 0), `${label}: no ${v} ${st} after 17 s`);
        }
      }
      // v4 crashed at 19 s and waits out its back-off: a pod, starting.
      assert.ok(x.timeline.series['instances.api.v4.starting'].slice(21).every((n) => n === 1), `${label}: v4 ${x.timeline.series['instances.api.v4.starting']}`);
    }
    // The run is over; v4's restart would have come 3 s of scenario (0.6 s real) after it.
    await sleepMs(1200);
    assert.is(trackedChildCount(), 0, 'no process started after the run');
    assert.equal(commandsMentioning(tmp), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
