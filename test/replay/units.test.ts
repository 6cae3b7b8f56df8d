import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyResponse, classifyTransportError } from '../../replay/classify.ts';
import { LoadRecorder } from '../../replay/recorder.ts';
import { ToolMissingError, childPids, childPidsByScan, requireBinary, waitOldWorkersGone } from '../../replay/tools.ts';
import { spawnTracked, stopChild } from '../../replay/supervision/cleanup.ts';
import { renderRetry } from '../../replay/proxies/nginx/nginx-config.ts';
import { renderRetry as renderHaproxyRetry } from '../../replay/proxies/haproxy/haproxy-config.ts';

test('drop causes from what the client sees (nginx and HAProxy reports)', () => {
  assert.is(classifyResponse(200, {}), null);
  assert.is(classifyResponse(500, { 'x-relsim-drop': 'error' }), 'error');
  assert.is(classifyResponse(500, { 'x-relsim-drop': 'queue-full' }), 'queue-full');
  assert.is(classifyResponse(502, { 'x-relsim-upstream': 'u0_1', 'x-relsim-connect': '' }), 'no-endpoint');
  assert.is(classifyResponse(502, { 'x-relsim-upstream': '127.0.0.1:4000', 'x-relsim-connect': '-' }), 'refused');
  assert.is(classifyResponse(502, { 'x-relsim-upstream': '127.0.0.1:4000, 127.0.0.1:4001', 'x-relsim-connect': '0.000, -' }), 'refused');
  assert.is(classifyResponse(502, { 'x-relsim-upstream': '127.0.0.1:4000', 'x-relsim-connect': '0.001' }), 'reset');
  assert.is(classifyResponse(503, { 'x-relsim-srv': '<NOSRV>' }), 'no-endpoint');
  assert.is(classifyResponse(503, { 'x-relsim-srv': 'v0_1' }), 'refused');
  assert.is(classifyResponse(504, {}), 'timeout');
  assert.is(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'refused');
  assert.is(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), 'reset');
  assert.is(classifyTransportError(new Error('request timed out')), 'timeout');
});

const GRAY = [{ name: 'gray', tag: 'gray', match: { header: { name: 'x-user-id', value: '100' } }, services: { a: 'v2', c: 'v2' }, replicas: 1 }];

test('recorder: one outcome per request, misroute from the reported path', () => {
  const rec = new LoadRecorder(1, 1000);
  rec.beginLaneChange(GRAY);
  rec.endLaneChange();
  const gray = rec.sent(100, { 'x-user-id': '100' });
  const plain = rec.sent(7, { 'x-user-id': '7' });
  const strayed = rec.sent(100, { 'x-user-id': '100' });
  const lost = rec.sent(8, { 'x-user-id': '8' });
  rec.sent(9, { 'x-user-id': '9' }); // never answered: in flight
  rec.response(gray, 200, { 'x-relsim-path': 'a:v2>b:v1>c:v2' });
  rec.response(plain, 200, { 'x-relsim-path': 'a:v1>b:v1>c:v2' }); // untagged on a lane version
  rec.response(strayed, 200, { 'x-relsim-path': 'a:v2>b:v1>c:v1' }); // tag lost before C
  rec.drop(lost, 'refused');
  rec.drop(lost, 'reset'); // a second outcome is ignored
  assert.is(rec.offered, 5);
  assert.is(rec.ok, 1);
  assert.equal({ ...rec.byCause }, { refused: 1, reset: 0, 'no-endpoint': 0, 'queue-full': 0, timeout: 0, error: 0, misroute: 2 });
  assert.is(rec.inFlight, 1, 'the unanswered one, counted apart from ok and dropped');
  rec.response(gray, 200, { 'x-relsim-path': 'a:v1>b:v1>c:v1' }); // a late duplicate answer changes nothing
  assert.is(rec.ok + rec.dropped + rec.inFlight, rec.offered);
  assert.equal({ ...rec.laneResults.gray, paths: { ...rec.laneResults.gray.paths } }, { requests: 2, paths: { 'a:v2>b:v1>c:v2': 1, 'a:v2>b:v1>c:v1': 1 } });
});

test('recorder: while a lane change is applied, a path right under the old or the new lanes is no misroute', () => {
  const rec = new LoadRecorder(1, 1000);
  const user100 = { 'x-user-id': '100' };
  rec.beginLaneChange(GRAY);
  rec.endLaneChange();
  const straddles = rec.sent(100, user100); // sent under the lane, answered after teardown
  rec.beginLaneChange([]); // teardown: the old worker routes by the lane, the new one does not
  const byNew = rec.sent(100, user100);
  const byOld = rec.sent(100, user100);
  rec.response(byNew, 200, { 'x-relsim-path': 'a:v1>b:v1>c:v1' });
  rec.response(byOld, 200, { 'x-relsim-path': 'a:v2>b:v1>c:v2' });
  rec.endLaneChange();
  rec.response(straddles, 200, { 'x-relsim-path': 'a:v1>b:v1>c:v1' });
  const afterTeardown = rec.sent(100, user100);
  rec.response(afterTeardown, 200, { 'x-relsim-path': 'a:v1>b:v1>c:v1' });
  rec.beginLaneChange(GRAY); // set up again: until it settles, untagged on a lane version is allowed
  const early = rec.sent(7, { 'x-user-id': '7' });
  rec.response(early, 200, { 'x-relsim-path': 'a:v2>b:v1>c:v1' });
  rec.endLaneChange();
  const late = rec.sent(7, { 'x-user-id': '7' });
  rec.response(late, 200, { 'x-relsim-path': 'a:v2>b:v1>c:v1' });
  const grayA = [{ ...GRAY[0], services: { a: 'v2' } }];
  rec.beginLaneChange(grayA); // the lane shrinks to A: A must be v2 for user 100 under both
  const wrongUnderBoth = rec.sent(100, user100);
  rec.response(wrongUnderBoth, 200, { 'x-relsim-path': 'a:v1>b:v1>c:v2' });
  rec.endLaneChange();
  assert.is(rec.ok, 5);
  assert.is(rec.byCause.misroute, 2, 'untagged on a lane version after set-up; off the lane under old and new rules');
  assert.equal(rec.lanes, grayA);
  assert.equal({ ...rec.laneResults.gray.paths }, { 'a:v2>b:v1>c:v2': 1, 'a:v1>b:v1>c:v2': 1 });
});

test('retry policy: off when attempts are 0, else nginx conditions and tries', () => {
  assert.equal(renderRetry(0, ['connect-failure']), ['      proxy_next_upstream off;']);
  assert.equal(renderRetry(2, ['connect-failure', 'timeout', '5xx']).map((l) => l.trim()),
    ['proxy_next_upstream error timeout http_500 http_502 http_503 http_504;', 'proxy_next_upstream_tries 3;']);
});

test('HAProxy retries: a POST is re-sent only after a connection failure, like nginx and the model', () => {
  assert.equal(renderHaproxyRetry(0, ['5xx']), ['  retries 0']);
  assert.not.ok(renderHaproxyRetry(2, ['connect-failure']).some((l) => l.includes('disable-l7-retry')));
  const l7 = renderHaproxyRetry(2, ['connect-failure', '5xx']).map((l) => l.trim());
  assert.ok(l7.includes('retry-on conn-failure 500 502 503 504'), l7.join(' | '));
  assert.ok(l7.includes('http-request disable-l7-retry if METH_POST'), l7.join(' | '));
});

test('a missing proxy binary names the install command', () => {
  try {
    requireBinary('relsim-no-such-proxy');
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ToolMissingError);
    assert.match((e as Error).message, /apt-get install -y relsim-no-such-proxy/);
  }
});

test('waitOldWorkersGone waits for a master\'s extra children to exit, and gives up after its bound', async () => {
  // Stands in for a proxy master right after a reload: an old worker (exits soon) beside the new one.
  const master = spawnTracked('sh', ['-c', 'sleep 0.4 & sleep 30 & wait']);
  try {
    const pid = master.pid!;
    let kids: number[] = [];
    for (let i = 0; i < 100 && kids.length < 2; i++) { kids = childPids(pid); await new Promise((r) => setTimeout(r, 5)); }
    assert.is(kids.length, 2, `children of the stand-in master: ${kids}`);
    // The kernel's children list (the fast path) and the /proc scan (the fallback) agree.
    assert.equal([...kids].sort(), childPidsByScan(pid).sort());
    assert.is(await waitOldWorkersGone(pid, 0, 50), false, 'no worker ever leaves within 50 ms');
    assert.is(await waitOldWorkersGone(pid, 1, 5000), true, 'the short-lived one exits');
    assert.is(childPids(pid).length, 1);
  } finally {
    await stopChild(master, 'SIGKILL', 1000);
  }
});

test.run();
