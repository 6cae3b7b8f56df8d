import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../bench/replay/replay.ts';
import { fixture, requireProxy } from './helpers.ts';

// Two-instance nginx release at --speed 10 (40 s scenario ⇒ 4 s wall, 300 req/s).

test('smooth release: mark down + reload before stopping drops nothing', async () => {
  requireProxy('nginx');
  const r = await replay(fixture('nginx-smooth.yaml'), { proxy: 'nginx', speed: 10 });
  assert.is(r.platform, 'replay');
  assert.is(r.rollout.outcome, 'promoted', 'both instances replaced within the scenario');
  assert.ok(r.requests.offered > 800, `offered ${r.requests.offered}`);
  assert.is(r.requests.offered, r.requests.ok + r.requests.dropped + r.requests.inFlightAtEnd, 'conservation');
  assert.is(r.requests.dropped, 0, `drops: ${JSON.stringify(r.requests.byCause)}`);
  // v2 served traffic by the end, v1 none.
  const v2 = r.timeline.series['share.app.v2'];
  assert.ok(v2[v2.length - 2] > 0.99, `v2 share at the end ${v2[v2.length - 2]}`);
  assert.ok((r.meta?.replay as { proxyReloads: number }).proxyReloads >= 4, 'every down/up/add/remove was a reload');
});

test('killed in place with retries off: the proxy sends to a dead port (refused)', async () => {
  requireProxy('nginx');
  const r = await replay(fixture('nginx-kill.yaml'), { proxy: 'nginx', speed: 10 });
  assert.is(r.requests.offered, r.requests.ok + r.requests.dropped + r.requests.inFlightAtEnd, 'conservation');
  assert.ok(r.requests.dropped > 0, 'drops expected');
  assert.ok(r.requests.byCause.refused > 0, `refused expected: ${JSON.stringify(r.requests.byCause)}`);
  const step = r.rollout.steps.find((s) => s.name === 'rolling update');
  assert.ok(step && step.dropped > 0, 'drops attributed to the rollout step');
});

test.run();
