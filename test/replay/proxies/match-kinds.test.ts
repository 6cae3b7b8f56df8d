// Prefix, regex and OR rules, and cookies read from the user's own Cookie header: for every
// user, the simulator's decision (sim/model/traffic.ts `Users.test`), the replay recorder's
// reading of the request as sent (`requestMatches`) and the version real nginx and real
// HAProxy route it to (the rule made exact by replay/match-expansion.ts, as a replay does)
// must agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userAttributes, userRequest, type UserRequest } from '../../../replay/load.ts';
import { exactRule } from '../../../replay/match-expansion.ts';
import { HaproxyProxy } from '../../../replay/proxies/haproxy/haproxy.ts';
import { NginxProxy } from '../../../replay/proxies/nginx/nginx.ts';
import { RoutingState, type FrontSpec, type ProxyAdapter } from '../../../replay/proxy.ts';
import { requestMatches } from '../../../replay/recorder.ts';
import { freePort } from '../../../replay/tools.ts';
import type { MatchRule, TrafficSpec } from '../../../scenarios/types.ts';
import { Users } from '../../../sim/model/traffic.ts';
import { requireProxy } from '../helpers.ts';

const traffic: TrafficSpec = {
  rate: 0, arrival: 'constant', rampTo: 0, rampDuration: 0, trace: [], users: 400, nonIdempotent: 0,
  headers: [
    { name: 'x-cohort', value: 'beta-1', fraction: 0.2 },
    { name: 'x-cohort', value: 'beta-22', fraction: 0.2 },
    { name: 'x-cohort', value: 'alpha', fraction: 0.3 },
    { name: 'user-agent', value: 'Mozilla/5.0 (iPhone; Mobile)', fraction: 0.25 },
    // The user's own Cookie header: its pairs are cookies the rules read.
    { name: 'Cookie', value: 'canary=always; theme=dark', fraction: 0.15 },
    { name: 'cookie', value: 'canary=never', fraction: 0.3 },
  ],
};

const RULES: [string, MatchRule][] = [
  ['prefix', { header: { name: 'x-cohort', value: 'beta-', kind: 'prefix' } }],
  ['regex (whole value)', { header: { name: 'x-cohort', value: 'beta-\\d', kind: 'regex' } }],
  ['regex inside a value', { header: { name: 'user-agent', value: '.*Mobile.*', kind: 'regex' } }],
  ['cookie from the Cookie header', { cookie: { name: 'canary', value: 'always' } }],
  ['cookie by prefix', { cookie: { name: 'Canary', value: 'alw', kind: 'prefix' } }],
  ['OR of header and cookie', { any: [{ header: { name: 'x-cohort', value: 'alpha' } }, { cookie: { name: 'canary', value: 'always' } }] }],
  ['OR with a prefix and an AND', { any: [{ header: { name: 'x-cohort', value: 'beta-2', kind: 'prefix' } }, { cookie: { name: 'theme', value: 'dark' }, header: { name: 'user-agent', value: 'Mozilla', kind: 'prefix' } }] }],
  ['user ids by regex', { header: { name: 'x-user-id', value: '1\\d', kind: 'regex' } }],
];

const users = new Users(traffic);
const attributesOf = userAttributes(traffic);
const requestOf = (u: number): UserRequest => userRequest(u, attributesOf(u));

/** The users a rule takes in the simulator. */
function simulated(rule: MatchRule): boolean[] {
  const compiled = users.compile(rule, 0);
  return Array.from({ length: traffic.users + 1 }, (_, u) => u > 0 && users.test(u, compiled));
}

test('the simulator and the request as sent agree for every user, and every rule has both answers', () => {
  for (const [name, rule] of RULES) {
    const sim = simulated(rule);
    let taken = 0;
    for (let u = 1; u <= traffic.users; u++) {
      const req = requestOf(u);
      assert.is(requestMatches(rule, { ...req, user: u }), sim[u], `${name}, user ${u}: ${JSON.stringify(req)}`);
      if (sim[u]) taken++;
    }
    assert.ok(taken > 5 && taken < traffic.users - 5, `${name}: ${taken} of ${traffic.users} users`);
  }
});

test('semantics: a regex matches the whole value, a prefix its start, an OR either side, a Cookie header pair as a cookie', () => {
  const share = (rule: MatchRule): number => simulated(rule).filter(Boolean).length;
  // 'beta' as a regex matches no cohort value (beta-1, beta-22 are longer), 'beta-\d' only beta-1.
  assert.is(share({ header: { name: 'x-cohort', value: 'beta', kind: 'regex' } }), 0);
  assert.is(share({ header: { name: 'x-cohort', value: 'beta-\\d', kind: 'regex' } }), share({ header: { name: 'x-cohort', value: 'beta-1' } }));
  assert.is(share({ header: { name: 'x-cohort', value: 'beta-', kind: 'prefix' } }),
    share({ header: { name: 'x-cohort', value: 'beta-1' } }) + share({ header: { name: 'x-cohort', value: 'beta-22' } }));
  const a = simulated({ header: { name: 'x-cohort', value: 'alpha' } });
  const c = simulated({ cookie: { name: 'canary', value: 'always' } });
  const or = simulated(RULES[5][1]);
  for (let u = 1; u <= traffic.users; u++) assert.is(or[u], a[u] || c[u], `user ${u}`);
  // A user's value of a name is its first carried rule's: canary=always users never read never.
  const never = simulated({ cookie: { name: 'canary', value: 'never' } });
  for (let u = 1; u <= traffic.users; u++) assert.ok(!(c[u] && never[u]), `user ${u} has both cookie values`);
  assert.ok(c.filter(Boolean).length > 0.1 * traffic.users && never.filter(Boolean).length > 0.15 * traffic.users);
  // x-user-id by regex: ids 10..19.
  assert.equal(simulated(RULES[7][1]).flatMap((x, u) => (x ? [u] : [])), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test('made exact for a proxy: the values the traffic carries, as alternatives; nothing carried → a rule that never holds', () => {
  assert.equal(exactRule(RULES[0][1], traffic), { any: [{ header: { name: 'x-cohort', value: 'beta-1' } }, { header: { name: 'x-cohort', value: 'beta-22' } }] });
  assert.equal(exactRule(RULES[4][1], traffic), { cookie: { name: 'Canary', value: 'always' } });
  assert.equal(exactRule({ header: { name: 'x-cohort', value: 'gamma', kind: 'prefix' } }, traffic), { any: [] });
  const plain: MatchRule = { header: { name: 'x-cohort', value: 'alpha' } };
  assert.is(exactRule(plain, traffic), plain, 'an exact rule passes through unchanged');
});

// ---- through the real proxies -----------------------------------------------------------

const front: FrontSpec = {
  service: 'app', port: 0, versions: ['v1', 'v2'], isEntry: true, lb: 'round-robin',
  retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool: null,
};

async function stub(version: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => { res.setHeader('x-version', version); res.end('ok'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

// One kept-alive connection per proxy run: each config is started once and never reloaded here.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
test.after(() => agent.destroy());

function versionAt(port: number, req: UserRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: req.path, headers: req.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['x-version'] ?? `status ${res.statusCode}`)));
    }).on('error', reject);
  });
}

test('nginx and HAProxy route every user as the simulator does, each rule as a lane and as a header route', async () => {
  requireProxy('nginx');
  requireProxy('haproxy');
  const backends = [await stub('v1'), await stub('v2')];
  try {
    for (const kind of ['nginx', 'haproxy'] as const) {
      for (const [name, rule] of RULES) {
        const sim = simulated(rule);
        const state = new RoutingState([{ ...front, port: await freePort() }]);
        state.endpoints.set('v1-1', { id: 'v1-1', service: 'app', version: 'v1', port: backends[0].port, down: false, weight: 1 });
        state.endpoints.set('v2-1', { id: 'v2-1', service: 'app', version: 'v2', port: backends[1].port, down: false, weight: 1 });
        state.weights.set('app', { v1: 100 });
        // Odd rules as a lane, even ones as a header route: both renderings of a rule are exercised.
        const exact = exactRule(rule, traffic);
        const asLane = RULES.findIndex(([n]) => n === name) % 2 === 1;
        if (asLane) state.lanes = [{ name: 'gray', tag: 'gray', match: exact, services: { app: 'v2' }, replicas: 1 }];
        else state.routes.set('app', [{ match: exact, version: 'v2' }]);
        const proxy: ProxyAdapter = kind === 'nginx' ? new NginxProxy(state) : new HaproxyProxy(state);
        await proxy.start();
        try {
          const wrong: string[] = [];
          for (let u = 1; u <= traffic.users; u++) {
            const got = await versionAt(state.fronts[0].port, requestOf(u));
            if (got !== (sim[u] ? 'v2' : 'v1')) wrong.push(`user ${u}: ${got}, simulated ${sim[u] ? 'v2' : 'v1'}`);
          }
          assert.equal(wrong, [], `${kind}, ${name} (${asLane ? 'lane' : 'header route'}): ${wrong.slice(0, 5).join('; ')}`);
        } finally {
          await proxy.stop();
        }
      }
    }
  } finally {
    for (const b of backends) b.server.close();
  }
});

test.run();
