// Lane / A-B match rules of every kind (header, cookie, query, user ids, percentage), from
// the attributes the load generator sends to the conditions the proxies test: every
// condition of a rule must hold, as in the simulator (sim/model/traffic.ts `Users.test`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HaproxyProxy } from '../../../replay/proxies/haproxy/haproxy.ts';
import { renderHaproxyConfig } from '../../../replay/proxies/haproxy/haproxy-config.ts';
import { userAttributes, userRequest, type UserRequest } from '../../../replay/load.ts';
import { NginxProxy } from '../../../replay/proxies/nginx/nginx.ts';
import { renderNginxConfig } from '../../../replay/proxies/nginx/nginx-config.ts';
import { RoutingState, type FrontSpec, type ProxyAdapter } from '../../../replay/proxy.ts';
import { replay } from '../../../replay/replay.ts';
import { freePort } from '../../../replay/tools.ts';
import type { LaneSpec, MatchRule, TrafficSpec } from '../../../scenarios/types.ts';
import { Users } from '../../../sim/model/traffic.ts';
import { fixture, requireProxy } from '../helpers.ts';

const traffic: TrafficSpec = {
  rate: 0, arrival: 'constant', rampTo: 0, rampDuration: 0, trace: [], users: 2000, nonIdempotent: 0,
  headers: [
    { name: 'beta', value: '1', fraction: 0.3 },
    // Two rules of one name: a user carrying both has the first one's value (as the model).
    { name: 'Region', value: 'eu', fraction: 0.5 },
    { name: 'region', value: 'us', fraction: 0.5 },
  ],
};

// ---- what the load generator sends ----------------------------------------------------

/** Whether a request as sent satisfies a rule, read off the wire (cookie header, query string). */
function wireMatches(m: MatchRule, req: UserRequest): boolean {
  const cookies = new Map((req.headers.cookie ?? '').split(/;\s*/).filter(Boolean).map((p) => p.split('=').map(decodeURIComponent) as [string, string]));
  const query = new URLSearchParams(req.path.split('?')[1] ?? '');
  if (m.header && req.headers[m.header.name.toLowerCase()] !== m.header.value) return false;
  if (m.cookie && cookies.get(m.cookie.name.toLowerCase()) !== m.cookie.value) return false;
  if (m.query && query.get(m.query.name.toLowerCase()) !== m.query.value) return false;
  return true;
}

test('the load sends each user the attributes the simulator gives it: header, cookie and query', () => {
  const users = new Users(traffic);
  const attributesOf = userAttributes(traffic);
  const rules: MatchRule[] = [
    { header: { name: 'beta', value: '1' } },
    { cookie: { name: 'beta', value: '1' } },
    { query: { name: 'beta', value: '1' } },
    { cookie: { name: 'region', value: 'eu' } },
    { query: { name: 'REGION', value: 'us' } },
    { cookie: { name: 'beta', value: '1' }, query: { name: 'region', value: 'eu' } },
  ];
  for (const rule of rules) {
    const compiled = users.compile(rule, 0);
    let matched = 0;
    for (let u = 1; u <= traffic.users; u++) {
      const sim = users.test(u, compiled);
      assert.is(wireMatches(rule, userRequest(u, attributesOf(u))), sim, `user ${u}, rule ${JSON.stringify(rule)}`);
      if (sim) matched++;
    }
    // Neither nobody nor everybody: the comparison above must have had both answers to give.
    assert.ok(matched > 100 && matched < traffic.users - 100, `${JSON.stringify(rule)} matched ${matched} users`);
  }
});

// ---- the rendered configs -------------------------------------------------------------

const front: FrontSpec = {
  service: 'app', port: 18080, versions: ['v1', 'v2'], isEntry: true, lb: 'round-robin',
  retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool: null,
};
const lane = (match: MatchRule): LaneSpec => ({ name: 'gray', tag: 'gray', match, services: { app: 'v2' }, replicas: 1 });

function stateWith(lanes: LaneSpec[]): RoutingState {
  const s = new RoutingState([front]);
  s.endpoints.set('v1-1', { id: 'v1-1', service: 'app', version: 'v1', port: 18081, down: false, weight: 1 });
  s.endpoints.set('v2-1', { id: 'v2-1', service: 'app', version: 'v2', port: 18082, down: false, weight: 1 });
  s.weights.set('app', { v1: 100 });
  s.lanes = lanes;
  return s;
}

/** The lines of the nginx `map`/`split_clients` block that sets `variable`. */
function nginxBlock(conf: string, variable: string): string[] {
  const lines = conf.split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => /^(map|split_clients) /.test(l) && l.split(/\s+/)[2] === variable);
  assert.ok(at >= 0, `no block sets ${variable}`);
  return lines.slice(at, lines.indexOf('}', at) + 1);
}

const nginxConf = (m: MatchRule): string => renderNginxConfig(stateWith([lane(m)]), { dir: '/tmp/x', genPort: 18083, generation: 1 });

test('nginx: a cookie rule reads the Cookie header, a query rule the query string', () => {
  const cookie = nginxConf({ cookie: { name: 'beta', value: '1' } });
  assert.equal(nginxBlock(cookie, '$relsim_lane_m0_c0'), ['map $http_cookie $relsim_lane_m0_c0 {', 'default "";', '"~(^|;\\s*)beta=1(;|$)" 1;', '}']);
  assert.equal(nginxBlock(cookie, '$relsim_lane_m0'), ['map "$relsim_lane_m0_c0" $relsim_lane_m0 {', 'default "";', '"1" gray;', '}']);
  const query = nginxConf({ query: { name: 'x-region', value: 'e.u' } });
  // Any name works (nginx's $arg_x-region would be $arg_x then "-region"); regex characters are literal.
  assert.equal(nginxBlock(query, '$relsim_lane_m0_c0'), ['map $args $relsim_lane_m0_c0 {', 'default "";', '"~(^|&)x-region=e\\.u(&|$)" 1;', '}']);
});

test('nginx: every condition of a rule is required (one flag each, ANDed by the last map)', () => {
  const conf = nginxConf({ header: { name: 'x-canary', value: '1' }, cookie: { name: 'beta', value: '1' }, query: { name: 'region', value: 'eu' }, userIds: [7, 8], percent: 50 });
  assert.equal(nginxBlock(conf, '$relsim_lane_m0_c0'), ['map $http_x_canary $relsim_lane_m0_c0 {', 'default "";', '"~^1$" 1;', '}']);
  assert.ok(nginxBlock(conf, '$relsim_lane_m0_c1')[0].startsWith('map $http_cookie '));
  assert.ok(nginxBlock(conf, '$relsim_lane_m0_c2')[0].startsWith('map $args '));
  assert.equal(nginxBlock(conf, '$relsim_lane_m0_c3').slice(2, 4), ['"7" 1;', '"8" 1;']);
  assert.equal(nginxBlock(conf, '$relsim_lane_m0_c4'), ['split_clients "${http_x_user_id}" $relsim_lane_m0_c4 {', '50% 1;', '* "";', '}']);
  assert.equal(nginxBlock(conf, '$relsim_lane_m0'),
    ['map "$relsim_lane_m0_c0$relsim_lane_m0_c1$relsim_lane_m0_c2$relsim_lane_m0_c3$relsim_lane_m0_c4" $relsim_lane_m0 {', 'default "";', '"11111" gray;', '}']);
});

const haproxyConf = (m: MatchRule): string[] =>
  renderHaproxyConfig(stateWith([lane(m)]), '/tmp/x', new Map()).split('\n').map((l) => l.trim());

test('HAProxy: cookie, query and combined rules are anonymous ACLs side by side on one line (ANDed)', () => {
  const tagLine = (m: MatchRule): string | undefined => haproxyConf(m).find((l) => l.startsWith('http-request set-header x-lane gray'));
  assert.is(tagLine({ cookie: { name: 'beta', value: '1' } }),
    "http-request set-header x-lane gray if !{ req.hdr(x-lane) -m found } { req.cook('beta') -m str '1' }");
  assert.is(tagLine({ query: { name: 'Region', value: 'eu' } }),
    "http-request set-header x-lane gray if !{ req.hdr(x-lane) -m found } { urlp('region') -m str 'eu' }");
  assert.is(tagLine({ header: { name: 'x-canary', value: '1' }, cookie: { name: 'beta', value: '1' }, query: { name: 'region', value: 'eu' }, percent: 50 }),
    "http-request set-header x-lane gray if !{ req.hdr(x-lane) -m found } { req.fhdr('x-canary') -m str '1' } { req.cook('beta') -m str '1' }"
    + " { urlp('region') -m str 'eu' } { req.hdr(x-user-id),crc32,mod(100) -m int lt 50 }");
});

// ---- through the real proxies -----------------------------------------------------------

/** A backend that answers every request with its version (and passes HAProxy's health check). */
async function stub(version: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => { res.setHeader('x-version', version); res.end('ok'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function versionAt(port: number, req: UserRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: req.path, headers: req.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['x-version'] ?? `status ${res.statusCode}`)));
    }).on('error', reject);
  });
}

/** Each request through a real nginx and a real HAProxy with `match` as the lane rule: the version that answered. */
async function throughBothProxies(match: MatchRule, requests: [string, UserRequest, string][]): Promise<void> {
  requireProxy('nginx');
  requireProxy('haproxy');
  const backends = [await stub('v1'), await stub('v2')];
  try {
    for (const kind of ['nginx', 'haproxy'] as const) {
      const state = stateWith([lane(match)]);
      state.fronts[0].port = await freePort();
      state.endpoints.get('v1-1')!.port = backends[0].port;
      state.endpoints.get('v2-1')!.port = backends[1].port;
      const proxy: ProxyAdapter = kind === 'nginx' ? new NginxProxy(state) : new HaproxyProxy(state);
      await proxy.start();
      try {
        for (const [name, req, want] of requests) assert.is(await versionAt(state.fronts[0].port, req), want, `${kind}: ${name}`);
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    for (const b of backends) b.server.close();
  }
}

test('nginx and HAProxy take a cookie + query lane only when both hold', async () => {
  await throughBothProxies({ cookie: { name: 'beta', value: '1' }, query: { name: 'region', value: 'eu' } }, [
    ['neither', userRequest(1, []), 'v1'],
    ['cookie only', userRequest(1, [{ name: 'beta', value: '1' }]), 'v1'],
    ['query only', { headers: { 'x-user-id': '1' }, path: '/?region=eu' }, 'v1'],
    ['other region', userRequest(1, [{ name: 'beta', value: '1' }, { name: 'region', value: 'us' }]), 'v1'],
    ['both', userRequest(1, [{ name: 'beta', value: '1' }, { name: 'region', value: 'eu' }]), 'v2'],
    ['both among other cookies', { headers: { 'x-user-id': '1', cookie: 'a=2; beta=1; z=3' }, path: '/?x=1&region=eu&y=2' }, 'v2'],
  ]);
});

test('nginx and HAProxy: a header value with a quote, a backslash and a comma matches only itself', async () => {
  const value = 'a\\b"c,d.e';
  const tagged = (v: string): UserRequest => ({ headers: { 'x-user-id': '1', 'x-tag': v }, path: '/' });
  await throughBothProxies({ header: { name: 'x-tag', value } }, [
    ['exact', tagged(value), 'v2'],
    ['quote and backslash dropped', tagged('abc,d.e'), 'v1'],
    ['dot is literal', tagged('a\\b"c,dXe'), 'v1'],
    ['only the part before the comma', tagged('a\\b"c'), 'v1'],
  ]);
});

test('replay through nginx: a cookie + header lane is taken by exactly its users, no misroute', async () => {
  requireProxy('nginx');
  const s = fixture('lanes-cookie.yaml');
  const r = await replay(s, { proxy: 'nginx', speed: 5 });
  const beta = r.lanes.beta;
  // If the cookie were not sent (or nginx read another source), nobody would be in the lane.
  assert.ok(beta && beta.requests >= 20, `lane requests: ${beta?.requests}`);
  assert.equal(Object.keys(beta.paths), ['app:v2'], `paths: ${JSON.stringify(beta.paths)}`);
  // A misroute is a lane user's request off v2 or anyone else's on v2: the proxy's choice,
  // request by request, agrees with the rule on both conditions.
  assert.is(r.requests.byCause.misroute, 0, `misroutes: ${r.requests.byCause.misroute}`);
  assert.is(r.requests.dropped, 0, `drops: ${JSON.stringify(r.requests.byCause)}`);
});

test.run();
