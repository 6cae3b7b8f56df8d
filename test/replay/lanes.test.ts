import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replay } from '../../replay/replay.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import { fixture, requireProxy } from './helpers.ts';
import { assertCausesAgree } from './sim-like-replay.ts';

/** The gray lane's most taken path. */
const mainPath = (r: RunResult): string => Object.entries(r.lanes.gray?.paths ?? {}).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';

// This replay is also sim-vs-replay's lanes comparison (it used to replay the same
// scenario at the same speed a second time): the simulator must route the gray user the
// same way.
test('A→B→C lane: x-user-id 100 takes A(gray) → B(base) → C(gray), others stay on base; the simulator agrees', async () => {
  requireProxy('nginx');
  const s = fixture('lanes-abc.yaml');
  const sim = simulate(s);
  const r = await replay(s, { proxy: 'nginx', speed: 5 });
  console.log(`| ${s.name} | simulated: ${sim.requests.offered} offered, gray ${JSON.stringify(sim.lanes.gray?.paths)} | replayed: ${r.requests.offered} offered, gray ${JSON.stringify(r.lanes.gray?.paths)} |`);
  assert.is(mainPath(sim), 'a:v2>b:v1>c:v2', 'the simulated gray path');
  assert.is(mainPath(r), mainPath(sim), 'replayed and simulated, the gray user takes the same path');
  assert.ok(sim.requests.byCause.misroute <= 2, `simulated: at most a stray request at the switch, got ${sim.requests.byCause.misroute}`);
  const gray = r.lanes.gray;
  assert.ok(gray && gray.requests >= 5, `gray requests: ${gray?.requests}`);
  const onPath = gray.paths['a:v2>b:v1>c:v2'] ?? 0;
  // A request is judged by the lane rule only once nginx's old worker (which answers on its
  // keep-alive connections for 0.1-0.3 s after a reload) has exited, so none may miss it.
  assert.is(onPath, gray.requests, `paths: ${JSON.stringify(gray.paths)}`);
  assert.is(r.requests.byCause.misroute, 0, `misroutes: ${r.requests.byCause.misroute}`);
  assertCausesAgree(`${s.name} nginx x5`, s, r);
  // Untagged traffic never reached a lane version (shares of a:v2 ≈ the gray user's 1%).
  const aV2 = r.timeline.series['share.a.v2'];
  assert.ok(Math.max(...aV2) < 0.1, `a:v2 share peaked at ${Math.max(...aV2)}`);
});

test('a lane torn down under load: paths right under the old or the new rules are not misroutes', async () => {
  requireProxy('nginx');
  const s = fixture('lanes-abc-teardown.yaml');
  const r = await replay(s, { proxy: 'nginx', speed: 5 });
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
  // After teardown everything is base again: a:v2's share is 0 in every whole bucket
  // from a second after the teardown (nginx's old worker may answer for a moment) on.
  const teardownEnd = r.rollout.steps.find((s) => s.name === 'teardown')!.endMs;
  const aV2 = r.timeline.series['share.a.v2'];
  const after = aV2.slice(Math.ceil((teardownEnd + 1000) / r.timeline.bucketMs));
  assert.ok(after.length >= 3, `the teardown ended at ${Math.round(teardownEnd)} ms, too late to watch the buckets after it`);
  assert.equal(after, after.map(() => 0), `a:v2 share after the teardown: ${JSON.stringify(after)}`);
  // Not compared cause by cause with the simulator (sim-vs-replay.test.ts says why).
});

test.run();
