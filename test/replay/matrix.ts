/**
 * The simulator against the replay, cause by cause, for every replay fixture at two speeds
 * on both proxies: `npm run test:matrix` (CI runs it after `npm test`; about 8 minutes on
 * two cores, too long for the test suite's 5-minute budget, so not a *.test.ts file).
 *
 * Each replay runs with the scenario's registry delay (`registryDelay`) and measures what
 * does not scale with --speed (propagation per endpoint change, backend spawn times); the
 * simulator is fed those measures (sim-like-replay.ts) and its mean over 10 seeds must
 * match the replayed count of every cause within ±25 % or a single run's counting noise
 * (allowedDiff). Known gaps are listed with their reason and reported, not failed; a known
 * gap that agrees is reported too, so the list can shrink. The exit code is 1 on any other
 * disagreement; CI runs it with --report (exit 0 unless a replay fails to run) because a
 * single replay per cell still makes the close cells flip now and then.
 *
 *   node --import tsx test/replay/matrix.ts [--report] [--json out.json] [fixture-name ...]
 */
import { writeFileSync } from 'node:fs';
import { replay } from '../../replay/replay.ts';
import type { ProxyKind } from '../../replay/proxy.ts';
import { fixture } from './helpers.ts';
import { compareCauses, formatCauses, measuresOf, simulatedCauses, type CauseRow } from './sim-like-replay.ts';

const FIXTURES = [
  'rolling-one-replica', 'nginx-kill-compare', 'nginx-kill', 'nginx-smooth', 'pool-drain', 'gray-weights',
  'haproxy-canary', 'haproxy-drain', 'lanes-abc', 'lanes-abc-teardown', 'lanes-cookie', 'post-retry', 'ramp',
];
const PROXIES: ProxyKind[] = ['nginx', 'haproxy'];
const SPEEDS = [4, 8];

/** Not run: what the fixture tests is not a scenario's own plan. */
const SKIPPED: Record<string, string> = {
  'registry-delay': 'replays a hand-made plan (a single mechanism), not the scenario\'s release',
};

/** Disagreements understood and left open, by fixture (and proxy, when only one). */
const KNOWN: { fixture: string; proxy?: ProxyKind; why: string }[] = [
  {
    fixture: 'nginx-kill-compare', proxy: 'haproxy',
    why: 'the load generator runs in the harness\'s own event loop: at speed 8 the replacement\'s spawn at the kill stalls it (no request offered in the 100 ms around the kill), so fewer requests fall in the 50-90 ms real refusal windows (replay about half the simulator\'s refused); agrees at speed 4. Fix: load from a worker thread',
  },
  {
    fixture: 'nginx-kill', proxy: 'haproxy',
    why: 'the same load stall at the kill at speed 8; the counts are small (about 8 vs 18) and either side may come out higher',
  },
];

interface Row { fixture: string; proxy: ProxyKind; speed: number; rows: CauseRow[]; ok: boolean; known: string | null; error?: string }

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : null;
  const only = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
  // --report: print the matrix, fail only when a replay could not run.
  const names = only.length > 0 ? only : FIXTURES;
  const out: Row[] = [];
  for (const name of names) {
    if (SKIPPED[name]) { console.log(`skip ${name}: ${SKIPPED[name]}`); continue; }
    const s = fixture(`${name}.yaml`);
    for (const proxy of PROXIES) {
      for (const speed of SPEEDS) {
        const known = KNOWN.find((k) => k.fixture === name && (!k.proxy || k.proxy === proxy))?.why ?? null;
        try {
          const rep = await replay(s, { proxy, speed, registryDelay: true });
          const rows = compareCauses(simulatedCauses(s, measuresOf(rep), 10), rep);
          const ok = rows.every((r) => r.ok);
          out.push({ fixture: name, proxy, speed, rows, ok, known });
          console.log(`${ok ? 'agree   ' : known ? 'known   ' : 'DISAGREE'} ${name} ${proxy} x${speed}: ${formatCauses(rows)}`);
        } catch (e) {
          out.push({ fixture: name, proxy, speed, rows: [], ok: false, known, error: (e as Error).message });
          console.log(`ERROR    ${name} ${proxy} x${speed}: ${(e as Error).message}`);
        }
      }
    }
  }
  const failed = out.filter((r) => (!r.ok && !r.known) || r.error);
  console.log(`\n${out.filter((r) => r.ok).length} agree, ${out.filter((r) => !r.ok && r.known).length} known gaps, ${failed.length} disagree, of ${out.length} replays`);
  for (const k of KNOWN) console.log(`known gap ${k.fixture}${k.proxy ? ` (${k.proxy})` : ''}: ${k.why}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
  const errors = out.filter((r) => r.error);
  process.exitCode = args.includes('--report') ? (errors.length > 0 ? 1 : 0) : failed.length > 0 ? 1 : 0;
}

await main();
