// HAProxy's mark-down is a drain (`set server … state drain`): out of rotation, requests in
// flight finish, health checks go on; only a removed server is put in maintenance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HaproxyProxy } from '../../../replay/proxies/haproxy/haproxy.ts';
import { RoutingState, type FrontSpec } from '../../../replay/proxy.ts';
import { replay } from '../../../replay/replay.ts';
import { freePort } from '../../../replay/tools.ts';
import { fixture, requireProxy } from '../helpers.ts';

/** srv_admin_state bits (management guide, `show servers state`). */
const FMAINT = 0x01;
const FDRAIN = 0x08;

interface Stub { server: Server; port: number; active: number }

/** A backend answering with its name; `/slow` takes 300 ms, so it is in flight for a while. */
async function stub(name: string): Promise<Stub> {
  const s: Stub = { server: createServer(), port: 0, active: 0 };
  s.server.on('request', (req, res) => {
    s.active++;
    const answer = (): void => { s.active--; res.setHeader('x-name', name); res.end('ok'); };
    if (req.url === '/slow') setTimeout(answer, 300); else answer();
  });
  await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
  s.port = (s.server.address() as AddressInfo).port;
  return s;
}

function answeredBy(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? String(res.headers['x-name']) : `status ${res.statusCode}`));
    }).on('error', reject);
  });
}

async function answersOf(port: number, n: number): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < n; i++) out.add(await answeredBy(port));
  return out;
}

/** backend name → srv_admin_state of server `slot`, from `show servers state`. */
function adminStates(dump: string, slot: string): Record<string, number> {
  const lines = dump.split('\n');
  const cols = (lines.find((l) => l.startsWith('# be_id')) ?? '').slice(2).split(' ');
  const out: Record<string, number> = {};
  for (const l of lines) {
    const f = l.split(' ');
    if (f[cols.indexOf('srv_name')] === slot) out[f[cols.indexOf('be_name')]] = Number(f[cols.indexOf('srv_admin_state')]);
  }
  return out;
}

/** The slot (server name) holding 127.0.0.1:`port`. */
function slotAt(dump: string, port: number): string {
  const lines = dump.split('\n');
  const cols = (lines.find((l) => l.startsWith('# be_id')) ?? '').slice(2).split(' ');
  const row = lines.map((l) => l.split(' ')).find((f) => f[cols.indexOf('srv_port')] === String(port));
  assert.ok(row, `no server at port ${port}`);
  return row[cols.indexOf('srv_name')];
}

test('mark-down drains (in-flight requests finish, no new ones); marked up it serves again; removal is maint', async () => {
  requireProxy('haproxy');
  const a = await stub('a');
  const b = await stub('b');
  const front: FrontSpec = {
    service: 'app', port: await freePort(), versions: ['v1'], isEntry: true, lb: 'round-robin',
    retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool: null,
  };
  const state = new RoutingState([front]);
  state.endpoints.set('a', { id: 'a', service: 'app', version: 'v1', port: a.port, down: false, weight: 1 });
  state.endpoints.set('b', { id: 'b', service: 'app', version: 'v1', port: b.port, down: false, weight: 1 });
  const proxy = new HaproxyProxy(state);
  await proxy.start();
  try {
    assert.equal([...await answersOf(front.port, 6)].sort(), ['a', 'b']);
    const slotA = slotAt(await proxy.command('show servers state'), a.port);

    // Round robin puts two of four concurrent slow requests on a; drain a while they run.
    const slow = Array.from({ length: 4 }, () => answeredBy(front.port, '/slow'));
    for (let i = 0; i < 100 && a.active === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(a.active > 0, 'a request in flight on a when it is marked down');
    await proxy.markDown('a', true);
    const slowAnswers = await Promise.all(slow);
    assert.ok(slowAnswers.includes('a') && slowAnswers.every((x) => x === 'a' || x === 'b'), `slow requests: ${slowAnswers}`);

    // Drained (not in maintenance) in the service's backend and in its version's backend.
    const drained = adminStates(await proxy.command('show servers state'), slotA);
    assert.equal(Object.keys(drained).sort(), ['b0', 'b0_0']);
    for (const [be, st] of Object.entries(drained)) assert.ok((st & FDRAIN) !== 0 && (st & FMAINT) === 0, `${be}: admin state ${st}`);
    assert.equal([...await answersOf(front.port, 6)], ['b'], 'no new request reaches the drained server');

    await proxy.markDown('a', false);
    for (const [be, st] of Object.entries(adminStates(await proxy.command('show servers state'), slotA))) assert.is(st, 0, `${be} ready again`);
    assert.equal([...await answersOf(front.port, 6)].sort(), ['a', 'b']);

    await proxy.removeServer('a');
    for (const [be, st] of Object.entries(adminStates(await proxy.command('show servers state'), slotA))) {
      assert.ok((st & FMAINT) !== 0, `${be}: a removed server is in maintenance (admin state ${st})`);
    }
    assert.equal([...await answersOf(front.port, 6)], ['b']);
  } finally {
    await proxy.stop();
    a.server.close();
    b.server.close();
  }
});

test('take-out-first release through HAProxy (mark down, wait, stop): nothing dropped, no reload', async () => {
  requireProxy('haproxy');
  const r = await replay(fixture('haproxy-drain.yaml'), { proxy: 'haproxy', speed: 10 });
  assert.is(r.rollout.outcome, 'promoted', 'both instances replaced within the scenario');
  const steps = r.rollout.steps.map((s) => s.name);
  assert.ok(steps.includes('take out old 1') && steps.includes('take out old 2'), `steps: ${steps.join(', ')}`);
  const q = r.requests;
  assert.ok(q.offered > 800, `offered ${q.offered}`);
  assert.is(q.offered, q.ok + q.dropped + q.inFlightAtEnd, 'conservation');
  assert.is(q.dropped, 0, `drops: ${JSON.stringify(q.byCause)}`);
  // Mark-down, scaling and removal all go through the runtime API.
  assert.is((r.meta?.replay as { proxyReloads: number }).proxyReloads, 0, 'no reload');
  const v2 = r.timeline.series['share.app.v2'];
  assert.ok(v2[v2.length - 2] > 0.99, `v2 share at the end ${v2[v2.length - 2]}`);
});

test.run();
