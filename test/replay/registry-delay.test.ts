// `registryDelay`: the replayed proxy hears of a new endpoint after the scenario's registry
// delay (as the simulator's callers do), instead of right after its own reload.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import { scale, sleep, type Plan } from '../../strategies/protocol.ts';
import { fixture, requireProxy } from './helpers.ts';

function* addAt1s(): Plan {
  yield* sleep(1000);
  yield* scale('app', 'v2', 1);
}

/**
 * Seconds from the first bucket in which v2 was ready to the first in which it served. Taken
 * from the ready time of each run, because a real backend's start-up is not time-scaled and
 * varies with machine load; the registry delay is what comes after it.
 */
function lag(series: Record<string, number[]>): number {
  const served = (series['share.app.v2'] ?? []).findIndex((x) => x > 0);
  const ready = (series['instances.app.v2.ready'] ?? []).findIndex((x) => x > 0);
  return served < 0 || ready < 0 ? NaN : served - ready;
}

test('with the registry delay the proxy starts sending to a new instance ~3 s after it is ready, like the simulator', async () => {
  requireProxy('nginx');
  const s = fixture('registry-delay.yaml');
  // Side by side (separate nginx instances and ports): each lag is timed from its own run's readiness.
  const [plain, delayed] = await Promise.all([
    replay(s, { proxy: 'nginx', speed: 2, plan: addAt1s() }),
    replay(s, { proxy: 'nginx', speed: 2, plan: addAt1s(), registryDelay: true }),
  ]);
  const sim = simulate(s, { plan: addAt1s() });
  const [p, d, m] = [lag(plain.timeline.series), lag(delayed.timeline.series), lag(sim.timeline.series)];
  console.log(`ready → serving, scenario s: replay ${p}, replay with --registry-delay ${d}, simulator ${m}`);
  assert.is(m, 3, 'the simulator waits the 3 s push delay');
  // One reload (0.1-0.5 s real, not time-scaled) after readiness. The ready count is
  // sampled four times per bucket, so it can land in the bucket after the first share: hence -1.
  assert.ok(p >= -1 && p <= 2, `without the delay v2 serves ${p} s after it is ready`);
  assert.ok(d >= p + 2, `with the 3 s delay v2 serves ${d} s after it is ready (vs ${p})`);
  // the delay is timed from the readiness the harness observes; the reload comes after it
  assert.ok(d - m >= -1 && d - m <= 2, `replay ${d} s vs simulator ${m} s`);
});

test.run();
