// A manual promotion (release.approvals) replayed through HAProxy: the canary holds its 10 %
// at an indefinite pause until the approval's time, then promotes; the simulator resumes at
// the same scenario time, and neither drops a request.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../../replay/replay.ts';
import { simulate } from '../../../sim/simulate.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { requireProxy, shareBetween } from '../helpers.ts';

const s = parseScenario(`
name: approval
seed: 3
duration: 36s
services:
  api: {replicas: 2, versions: [v1, v2], concurrency: 32, serviceTime: 3ms, readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}}
entry: {service: api, client: {lb: round-robin}}
traffic: {rate: 40, users: 1000}
release:
  startAt: 3s
  approvals: [18s]
  strategy: {name: canary, scaleDownDelaySeconds: 2, steps: [{setWeight: 10}, {pause: {}}, {setWeight: 100}, {pause: {duration: 6s}}]}
`, 'approval.yaml');

test('HAProxy: the pause: {} ends at the approval, in the replay as in the simulator', async () => {
  requireProxy('haproxy');
  const speed = 10;
  const r = await replay(s, { proxy: 'haproxy', speed });
  const sim = simulate(s);
  const paused = (x: typeof r) => x.rollout.steps.find((st) => st.name === 'paused (pause) until approval at 18s');
  assert.ok(paused(sim) && paused(r), `steps: ${r.rollout.steps.map((x) => x.name).join(', ')}`);
  assert.is(paused(sim)!.endMs, 18_000);
  // The replay's plan resumes on a wall-clock timer: within a few real ms of 1.8 s.
  assert.ok(Math.abs(paused(r)!.endMs - 18_000) <= 250, `replay resumed at ${paused(r)!.endMs} ms`);
  assert.is(r.requests.dropped, 0, JSON.stringify(r.requests.byCause));
  assert.is(sim.requests.dropped, 0);
  const before = shareBetween(r.timeline.series, s.bucketMs, 'api', 'v2', paused(r)!.startMs + 1000, 18_000);
  // The weight change waits for the second canary process to be ready (real start-up, scaled
  // by the speed), so the share is read over the pause that follows it.
  const hold = r.rollout.steps.find((st) => st.name === 'pause 6s')!;
  const after = shareBetween(r.timeline.series, s.bucketMs, 'api', 'v2', hold.startMs + 1000, hold.endMs);
  assert.ok(Math.abs(before.share - 0.1) <= 0.06, `held at ${(before.share * 100).toFixed(1)} % until the approval`);
  assert.ok(after.share >= 0.97, `${(after.share * 100).toFixed(1)} % after it`);
  assert.is(r.rollout.outcome, 'promoted');
  assert.is(sim.rollout.outcome, 'promoted');
});

test.run();
