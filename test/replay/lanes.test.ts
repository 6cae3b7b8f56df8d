import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../bench/replay/replay.ts';
import { fixture, requireProxy } from './helpers.ts';

test('A→B→C lane: x-user-id 100 takes A(gray) → B(base) → C(gray), others stay on base', async () => {
  requireProxy('nginx');
  const r = await replay(fixture('lanes-abc.yaml'), { proxy: 'nginx', speed: 5 });
  const gray = r.lanes.gray;
  assert.ok(gray && gray.requests >= 5, `gray requests: ${gray?.requests}`);
  const onPath = gray.paths['a:v2>b:v1>c:v2'] ?? 0;
  // A request is judged by the lane rule only once nginx's old worker (which answers on its
  // keep-alive connections for 0.1-0.3 s after a reload) has exited, so none may miss it.
  assert.is(onPath, gray.requests, `paths: ${JSON.stringify(gray.paths)}`);
  assert.is(r.requests.byCause.misroute, 0, `misroutes: ${r.requests.byCause.misroute}`);
  // Untagged traffic never reached a lane version (shares of a:v2 ≈ the gray user's 1%).
  const aV2 = r.timeline.series['share.a.v2'];
  assert.ok(Math.max(...aV2) < 0.1, `a:v2 share peaked at ${Math.max(...aV2)}`);
});

test.run();
