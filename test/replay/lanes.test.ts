import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
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

test('a lane torn down under load: paths right under the old or the new rules are not misroutes', async () => {
  requireProxy('nginx');
  const r = await replay(fixture('lanes-abc-teardown.yaml'), { proxy: 'nginx', speed: 5 });
  // Backend start-up is not time-scaled, so the deploy step's length varies by machine;
  // the scenario leaves room for it, and the teardown must have run for the checks below.
  const steps = r.rollout.steps.map((s) => s.name);
  assert.ok(steps.includes('teardown'), `steps: ${steps.join(', ')}`);
  const gray = r.lanes.gray;
  // Half the users carry the lane header, so the lane sees many requests on each reload.
  assert.ok(gray && gray.requests >= 50, `gray requests: ${gray?.requests}`);
  assert.equal(Object.keys(gray.paths), ['a:v2>b:v1>c:v2'], `paths: ${JSON.stringify(gray.paths)}`);
  // Responses are paired by request id: before that, a reload occasionally swapped two
  // requests' answers on a connection, and a gray path was charged to a base request.
  assert.is(r.requests.byCause.misroute, 0, `misroutes: ${r.requests.byCause.misroute}`);
  // After teardown everything is base again: a:v2's share ends at 0.
  const aV2 = r.timeline.series['share.a.v2'];
  assert.is(aV2[aV2.length - 1], 0, `a:v2 share at the end: ${aV2[aV2.length - 1]}`);
});

test.run();
