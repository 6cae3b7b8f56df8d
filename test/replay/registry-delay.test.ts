// `registryDelay`: the replayed proxy hears of a new endpoint after the scenario's registry
// delay (as the simulator's callers do), instead of right after its own reload.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../bench/replay/replay.ts';
import { simulate } from '../../strategies/simulate.ts';
import { scale, sleep, type Plan } from '../../strategies/actions.ts';
import { fixture, requireProxy } from './helpers.ts';

function* addAt1s(): Plan {
  yield* sleep(1000);
  yield* scale('app', 'v2', 1);
}

/** First bucket in which v2 served anything, in scenario seconds. */
const firstV2 = (series: Record<string, number[]>) => (series['share.app.v2'] ?? []).findIndex((x) => x > 0);

test('with the registry delay the proxy starts sending to a new instance ~3 s later, like the simulator', async () => {
  requireProxy('nginx');
  const s = fixture('registry-delay.yaml');
  const plain = await replay(s, { proxy: 'nginx', speed: 2, plan: addAt1s() });
  const delayed = await replay(s, { proxy: 'nginx', speed: 2, plan: addAt1s(), registryDelay: true });
  const sim = simulate(s, { plan: addAt1s() });
  const [p, d, m] = [firstV2(plain.timeline.series), firstV2(delayed.timeline.series), firstV2(sim.timeline.series)];
  assert.ok(p >= 1 && p <= 3, `without the delay v2 serves from second ${p}`);
  assert.ok(d >= p + 2, `with the 3 s delay v2 serves from second ${d} (vs ${p})`);
  // real process start-up and the reload are not time-scaled, so the replay may trail a little
  assert.ok(d - m >= -1 && d - m <= 2, `replay ${d} s vs simulator ${m} s`);
});

test.run();
