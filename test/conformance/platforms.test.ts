// test:slow
/**
 * Platform conformance: the same plans on the simulator, on the test fake, and replayed
 * through real nginx and real HAProxy must step through the same boundaries. The rules
 * they share (probe ticks, availability after minReadySeconds, scale-down order, the
 * preStop cap, the `after rollout` step) live once in sim/rules/; this test is what keeps
 * a platform from growing its own version of one.
 *
 * The simulator is the reference. The fake has no traffic, so it may differ by one poll of
 * the plan's drain loop. A replay runs on a wall clock divided by `speed`, so each step
 * may run long by timer slack plus the proxy's own change time (both real ms, × speed),
 * measured in the run itself.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import { FakePlatform } from '../strategies/fake-platform.ts';
import { requireProxy } from '../replay/helpers.ts';
import { conformancePlan, conformanceScenario } from './plans.ts';

const SPEED = 2;
/** Real ms a replayed step may overrun by, besides proxy changes: timers, polling (10 ms), process signals. */
const SLACK_REAL_MS = 150;

interface Boundary { name: string; startMs: number; lengthMs: number }

function boundaries(r: RunResult): Boundary[] {
  return r.rollout.steps.map((s) => ({ name: s.name, startMs: s.startMs, lengthMs: s.endMs - s.startMs }));
}

const sim = simulate(conformanceScenario, { plan: conformancePlan() });
const reference = boundaries(sim);

function table(ref: Boundary[], got: Boundary[]): string {
  return '\n' + ref.map((b, k) => `  ${b.name.padEnd(18)} sim ${b.lengthMs} ms, other ${got[k]?.lengthMs ?? '-'} ms`).join('\n');
}

/** Same steps in the same order, each step's length within `tolMs` (the open-ended last step excepted). */
function assertConforms(got: Boundary[], tolMs: number, platform: string): void {
  assert.equal(got.map((b) => b.name), reference.map((b) => b.name), `${platform}: step names`);
  for (let k = 0; k < reference.length - 1; k++) {
    const d = Math.abs(got[k].lengthMs - reference[k].lengthMs);
    assert.ok(d <= tolMs, `${platform}: step '${reference[k].name}' lasted ${got[k].lengthMs} ms, simulator ${reference[k].lengthMs} ms (tolerance ${tolMs} ms)${table(reference, got)}`);
  }
}

test('the reference run exercises every shared rule', () => {
  const len = Object.fromEntries(reference.map((b) => [b.name, b.lengthMs]));
  // 2 instances × (2.5 s start-up, ready at the probe tick at 4 s, + 2 s minReadySeconds)
  assert.is(len['rolling update'], 12_000);
  // green: ready at the probe tick at 4 s, available 3 s later
  assert.is(len['deploy green'], 7000);
  // the starting instance was the victim: the two ready ones were already available
  assert.is(len.victim, 300);
  // preStop 4 s cut to the 2 s grace period, then SIGTERM and a drain of a few ms
  assert.ok(len.drain >= 2000 && len.drain < 2100, `drain ${len.drain}`);
  assert.is(reference[reference.length - 1].name, 'after rollout');
  assert.is(sim.requests.dropped, 0);
});

test('the test fake conforms', () => {
  const fake = new FakePlatform({ a: { v1: 2 }, b: { v1: 1 }, c: { v1: 1 } }, { scenario: conformanceScenario });
  fake.env.run({ until: conformanceScenario.release!.startAt });
  fake.run(conformancePlan(), conformanceScenario.duration);
  const log = fake.stepLog;
  const got = log.steps.map((s) => ({ name: s.name, startMs: s.startMs, lengthMs: (s.endMs < 0 ? conformanceScenario.duration : s.endMs) - s.startMs }));
  assertConforms(got, 100, 'fake');
});

// Both replays run at once (separate processes and ports; 20 req/s each leaves the CPU
// idle): the file's wall time is one replay's, not two. Each test awaits its own; a
// failure is kept as a value until its test collects it. The plan ends at 29.3 s of the
// 48 s run: nginx's reloads, slower on a loaded machine, must not push its last steps
// past the end (with 36 s, a loaded CI run ended before "drained").
const replays = new Map<'nginx' | 'haproxy', Promise<RunResult | { error: unknown }>>();
function replayOn(proxy: 'nginx' | 'haproxy'): Promise<RunResult | { error: unknown }> {
  let r = replays.get(proxy);
  if (!r) {
    r = (async () => { requireProxy(proxy); return replay(conformanceScenario, { proxy, speed: SPEED, plan: conformancePlan() }); })().catch((error: unknown) => ({ error }));
    replays.set(proxy, r);
  }
  return r;
}

for (const proxy of ['nginx', 'haproxy'] as const) {
  test(`a replay through ${proxy} (speed ${SPEED}) conforms`, async () => {
    if (proxy === 'nginx') void replayOn('haproxy');
    const got = await replayOn(proxy);
    if ('error' in got) throw got.error;
    const r = got;
    const changes = (r.meta!.replay as { proxyChangeMs: number[] }).proxyChangeMs;
    const tol = SPEED * (SLACK_REAL_MS + 2 * Math.max(0, ...changes));
    assertConforms(boundaries(r), tol, proxy);
  });
}

test.run();
