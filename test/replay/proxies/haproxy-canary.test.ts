import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../replay/replay.ts';
import { simulate } from '../../../sim/simulate.ts';
import { fixture, requireProxy, shareBetween } from '../helpers.ts';

test('HAProxy canary 10 → 50 → 100: observed v2 share per step within ±5 points', async () => {
  requireProxy('haproxy');
  const s = fixture('haproxy-canary.yaml');
  const r = await replay(s, { proxy: 'haproxy', speed: 10 });
  assert.is(r.requests.dropped, 0, `drops: ${JSON.stringify(r.requests.byCause)}`);
  const sim = simulate(s).requests;
  assert.is(sim.dropped, 0, `the simulator predicts no drops either: ${JSON.stringify(sim.byCause)}`);
  assert.is((r.meta?.replay as { proxyReloads: number }).proxyReloads, 0, 'weights change without a reload');
  const steps = r.rollout.steps;
  const checked: string[] = [];
  for (const [i, st] of steps.entries()) {
    const m = /^setWeight (\d+)$/.exec(st.name);
    if (!m) continue;
    // The pause after the step: weights are in place for all of it (skip its first bucket).
    const pause = steps[i + 1];
    const to = pause ? pause.endMs : r.rollout.endMs;
    const from = (pause ?? st).startMs + s.bucketMs;
    const { share, buckets } = shareBetween(r.timeline.series, s.bucketMs, 'api', 'v2', from, to);
    assert.ok(buckets >= 3, `${st.name}: only ${buckets} whole buckets observed`);
    const want = Number(m[1]) / 100;
    assert.ok(Math.abs(share - want) <= 0.05, `${st.name}: observed ${(share * 100).toFixed(1)}%`);
    checked.push(`${st.name}=${(share * 100).toFixed(1)}%`);
  }
  assert.equal(checked.map((c) => c.split('=')[0]), ['setWeight 10', 'setWeight 50', 'setWeight 100']);
});

test.run();
