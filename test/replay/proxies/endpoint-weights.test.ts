// Endpoint weights on the real proxies: the gray-weights fixture puts one v2 server at
// weight 1 beside three v1 servers at weight 3. Both proxies pick servers by weighted
// round robin, so v2's share during the pause is 10% — the simulator's exact figure — to
// within the requests around the one config change (±2 points over ~1,000 requests; the
// unweighted share would be 25%).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../replay/replay.ts';
import { simulate } from '../../../sim/simulate.ts';
import type { RunResult } from '../../../sim/result/run-result.ts';
import { fixture, requireProxy, shareBetween } from '../helpers.ts';

function pauseShare(r: RunResult, bucketMs: number): { share: number; buckets: number } {
  const pause = r.rollout.steps.find((s) => s.name.startsWith('pause'));
  assert.ok(pause, `steps: ${r.rollout.steps.map((s) => s.name).join(', ')}`);
  return shareBetween(r.timeline.series, bucketMs, 'web', 'v2', pause.startMs + 2 * bucketMs, pause.endMs);
}

for (const proxy of ['nginx', 'haproxy'] as const) {
  test(`${proxy}: a weight-1 server beside three weight-3 ones takes 10%, as simulated`, async () => {
    requireProxy(proxy);
    const s = fixture('gray-weights.yaml');
    const sim = pauseShare(simulate(s), s.bucketMs);
    assert.ok(Math.abs(sim.share - 0.1) <= 0.01, `simulated ${(sim.share * 100).toFixed(1)}%`);
    const r = await replay(s, { proxy, speed: 8 });
    const real = pauseShare(r, s.bucketMs);
    assert.ok(real.buckets >= 10, `only ${real.buckets} whole buckets in the pause`);
    assert.ok(Math.abs(real.share - 0.1) <= 0.02, `${proxy} gave v2 ${(real.share * 100).toFixed(1)}% (simulated ${(sim.share * 100).toFixed(1)}%)`);
    console.log(`${proxy}: v2 share in the pause ${(real.share * 100).toFixed(2)}% over ${real.buckets} buckets; simulated ${(sim.share * 100).toFixed(2)}%`);
  });
}

test.run();
