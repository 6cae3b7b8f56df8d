// test:slow
// test:separate (npm run test:injection; CI runs it after npm test: its proxy starts alone take over a minute)
// No scenario string can inject configuration into the generated nginx / HAProxy configs.
// Each hostile string goes into every position of a RoutingState a scenario can fill with a
// string, fed straight to the generators (bypassing the scenario validator: this is the
// generators' own defence). Per string and proxy, every position either is refused by the
// generator with an Error naming what was wrong, or yields a config the real proxy accepts
// (`nginx -t` / `haproxy -c`, run by the adapters), whose processes then listen on
// 127.0.0.1 only (read off the kernel, not the config), and that routes a request carrying
// the string exactly as the rule says, where HTTP can carry it.
//
// Set RELSIM_INJECTION_TABLE=1 to print which positions each proxy refused per string.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HaproxyProxy } from '../../../replay/proxies/haproxy/haproxy.ts';
import { renderHaproxyConfig } from '../../../replay/proxies/haproxy/haproxy-config.ts';
import { NginxProxy } from '../../../replay/proxies/nginx/nginx.ts';
import { renderNginxConfig } from '../../../replay/proxies/nginx/nginx-config.ts';
import { RoutingState, type FrontSpec, type ProxyAdapter, type ProxyKind } from '../../../replay/proxy.ts';
import { freePort } from '../../../replay/tools.ts';
import type { HeaderRoute, MirrorRoute } from '../../../strategies/protocol-types.ts';
import type { LaneSpec, MatchRule } from '../../../scenarios/types.ts';
import { requireProxy } from '../helpers.ts';
import { boundSockets, proxyPids } from '../listening.ts';
import { rawGet } from '../raw-http.ts';

// ---- the hostile strings ----------------------------------------------------------------

/** A port for the injected listeners to ask for (they must never get it). */
const injectPort = await freePort();

const HOSTILE: string[] = [
  // The reported one: an nginx header name that closed the map and opened a server on every interface.
  `x {} server { listen 0.0.0.0:${injectPort}; location / { return 200 INJECTED; } } map $http_y`,
  // The same with the map's second argument supplied, which the generated line before the fix accepted.
  `x $relsim_injected {} server { listen 0.0.0.0:${injectPort}; location / { return 200 INJECTED; } } map $http_y`,
  `x; listen 0.0.0.0:${injectPort};`,
  `"; } server { listen 0.0.0.0:${injectPort}; } map $x $y { "`,
  `x\nfrontend evil\n  bind 0.0.0.0:${injectPort}\n  http-request return status 200`,
  `x\r\n  bind 0.0.0.0:${injectPort}`,
  `' } use_backend b0_0 if TRUE { '`,
  'x if TRUE',
  '"', "'", '\\', '\\"', 'a"b', "a'b", 'a\\b', '\\\\', 'a\\', 'a\\t\\n',
  ';', '{', '}', '{}', 'a;b{c}d',
  '$var', '$http_host', '${host}', 'a$1b', '$',
  '#', 'a # comment',
  'a b', ' lead', 'trail ', '\t', 'a\tb',
  'a\rb', 'a\nb', 'a\0b', 'a\x01b', 'a\x7fb',
  'é∑😀', '\u202eevil', '\ufeffbom', 'a\u00a0b', '\ud800',
  'x'.repeat(3000), 'y\\"$'.repeat(1500), 'z'.repeat(20000),
  '`id`', '$(id)', "'$(id)'",
  '%', '%%', '%[src]', '%[env(HOME)]', '%{+Q}o', 'a%2Fb',
  '-f', '-i', '--', '-m reg .*',
  'default', 'include', 'hostnames', '~.*', '\\~x', '(?i)A', 'if', 'unless', 'or',
  '|', 'a|b', ',', 'a,b', '(', ')', '()', '*', '.*', '^', '[', '!',
  'x-benign',
];

// ---- a routing state built from positions ------------------------------------------------

interface Check {
  name: string;
  front: 'entry' | 'db';
  headers: [string, string][];
  path: string;
  /** The backend that must answer (its label) and the lane tag it must see, or a 5xx with no backend. */
  want: { backend: string; lane: string } | 'no-endpoint';
}

/** The state under construction: one entry service (its name may be the hostile string) and a non-entry `db`. */
interface Build {
  service: string;
  versions: string[];
  /** version → endpoint id (the id may be the hostile string). */
  ids: Record<string, string>;
  lanes: LaneSpec[];
  routes: HeaderRoute[];
  /** The entry service's mirror route (nginx renders it; HAProxy, which cannot mirror, ignores it). */
  mirror?: MirrorRoute;
}

interface Position {
  name: string;
  /** What a refusal's message must mention. */
  mention: RegExp;
  /** Puts `s` into the build at this position; returns the requests that show it round-trips (none when HTTP cannot carry `s`). */
  apply(b: Build, s: string, k: number): Check[];
}

const lane = (name: string, tag: string, match: MatchRule, services: Record<string, string>): LaneSpec =>
  ({ name, tag, match, services, replicas: 1 });

/** Whether HTTP carries `s` as a header value unchanged (no controls, no surrounding whitespace a parser strips). */
function carriable(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return s.length > 0 && s.length <= 6000 && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s) && !/\p{Cs}/u.test(s) && s.trim() === s;
}
const isToken = (s: string): boolean => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s) && s.length <= 6000;
/** As load.ts sends a cookie / query pair: lower-case name, both URL-encoded; null when not encodable. */
function wire(name: string, value: string): string | null {
  try { return `${encodeURIComponent(name.toLowerCase())}=${encodeURIComponent(value)}`; } catch { return null; }
}

const inLane = (tag: string): { backend: string; lane: string } => ({ backend: 'v2', lane: tag });
const BASE = { backend: 'v1', lane: '' };

const POSITIONS: Position[] = [
  {
    name: 'lane header name', mention: /header name/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, `t${k}`, { header: { name: s, value: 'on' } }, { [b.service]: 'v2' }));
      return isToken(s) ? [{ name: 'header present', front: 'entry', headers: [[s, 'on']], path: '/', want: inLane(`t${k}`) }] : [];
    },
  },
  {
    name: 'lane header value', mention: /header value/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, `t${k}`, { header: { name: `x-h${k}`, value: s } }, { [b.service]: 'v2' }));
      if (!carriable(s)) return [];
      return [
        { name: 'exact value', front: 'entry', headers: [[`x-h${k}`, s]], path: '/', want: inLane(`t${k}`) },
        { name: 'value + suffix', front: 'entry', headers: [[`x-h${k}`, `${s}Z`]], path: '/', want: BASE },
        { name: 'prefix + value', front: 'entry', headers: [[`x-h${k}`, `Z${s}`]], path: '/', want: BASE },
      ];
    },
  },
  {
    name: 'lane cookie name', mention: /cookie (name|value)/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, `t${k}`, { cookie: { name: s, value: 'on' } }, { [b.service]: 'v2' }));
      const w = wire(s, 'on');
      return w && w.length <= 6000 ? [{ name: 'cookie set', front: 'entry', headers: [['cookie', `a=1; ${w}; z=2`]], path: '/', want: inLane(`t${k}`) }] : [];
    },
  },
  {
    name: 'lane cookie value', mention: /cookie (name|value)/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, `t${k}`, { cookie: { name: `c${k}`, value: s } }, { [b.service]: 'v2' }));
      const w = wire(`c${k}`, s);
      const miss = wire(`c${k}`, `${s}Z`);
      if (!w || !miss || w.length > 6000) return [];
      return [
        { name: 'cookie value', front: 'entry', headers: [['cookie', w]], path: '/', want: inLane(`t${k}`) },
        { name: 'cookie value + suffix', front: 'entry', headers: [['cookie', miss]], path: '/', want: BASE },
      ];
    },
  },
  {
    name: 'lane query name', mention: /query (name|value)/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, `t${k}`, { query: { name: s, value: 'on' } }, { [b.service]: 'v2' }));
      const w = wire(s, 'on');
      return w && w.length <= 6000 ? [{ name: 'query parameter', front: 'entry', headers: [], path: `/?a=1&${w}&z=2`, want: inLane(`t${k}`) }] : [];
    },
  },
  {
    name: 'lane query value', mention: /query (name|value)/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, `t${k}`, { query: { name: `q${k}`, value: s } }, { [b.service]: 'v2' }));
      const w = wire(`q${k}`, s);
      const miss = wire(`q${k}`, `${s}Z`);
      if (!w || !miss || w.length > 6000) return [];
      return [
        { name: 'query value', front: 'entry', headers: [], path: `/?${w}`, want: inLane(`t${k}`) },
        { name: 'query value + suffix', front: 'entry', headers: [], path: `/?${miss}`, want: BASE },
      ];
    },
  },
  {
    name: 'lane user id', mention: /user id/,
    apply(b, s, k) {
      // Typed number[], but a state built without the validator can hold anything.
      b.lanes.push(lane(`l${k}`, `t${k}`, { userIds: [s as unknown as number] }, { [b.service]: 'v2' }));
      return carriable(s) ? [{ name: 'user id', front: 'entry', headers: [['x-user-id', s]], path: '/', want: inLane(`t${k}`) }] : [];
    },
  },
  {
    name: 'lane tag', mention: /tag/,
    apply(b, s, k) {
      b.lanes.push(lane(`l${k}`, s, { header: { name: `x-tag${k}`, value: 'on' } }, { [b.service]: 'v2' }));
      if (!carriable(s)) return [];
      return [
        { name: 'tag assigned at the entry', front: 'entry', headers: [[`x-tag${k}`, 'on']], path: '/', want: inLane(s) },
        { name: 'tag sent by the client', front: 'entry', headers: [['x-lane', s]], path: '/', want: inLane(s) },
        { name: 'tag + suffix sent by the client', front: 'entry', headers: [['x-lane', `${s}Z`]], path: '/', want: { backend: 'v1', lane: `${s}Z` } },
        // Strict lanes: the lane has no db version, so db must refuse rather than serve base.
        { name: 'tag at a front the lane has no version for', front: 'db', headers: [['x-lane', s]], path: '/', want: 'no-endpoint' },
      ];
    },
  },
  {
    name: 'lane name', mention: /lane/,
    apply(b, s, k) {
      b.lanes.push(lane(s, `t${k}`, { header: { name: `x-n${k}`, value: 'on' } }, { [b.service]: 'v2' }));
      return [{ name: 'lane taken', front: 'entry', headers: [[`x-n${k}`, 'on']], path: '/', want: inLane(`t${k}`) }];
    },
  },
  {
    name: 'route header name', mention: /header name/,
    apply(b, s) {
      b.routes.push({ match: { header: { name: s, value: 'route' } }, version: 'v3' });
      return isToken(s) ? [{ name: 'route header present', front: 'entry', headers: [[s, 'route']], path: '/', want: { backend: 'v3', lane: '' } }] : [];
    },
  },
  {
    name: 'route header value', mention: /header value/,
    apply(b, s, k) {
      b.routes.push({ match: { header: { name: `x-r${k}`, value: s } }, version: 'v3' });
      if (!carriable(s)) return [];
      return [
        { name: 'route value', front: 'entry', headers: [[`x-r${k}`, s]], path: '/', want: { backend: 'v3', lane: '' } },
        { name: 'route value + suffix', front: 'entry', headers: [[`x-r${k}`, `${s}Z`]], path: '/', want: BASE },
      ];
    },
  },
  // A mirror's copy is thrown away: the user's answer is the routed one (v1) whatever the rule says.
  {
    name: 'mirror header name', mention: /header name/,
    apply(b, s) {
      b.mirror = { version: 'v2', percent: 100, match: { header: { name: s, value: 'copy' } } };
      // HAProxy answers 400 to a header name over 255 characters (HTX), and renders no mirror that would refuse it first.
      return isToken(s) && s.length <= 255 ? [{ name: 'mirrored request answered by the routed version', front: 'entry', headers: [[s, 'copy']], path: '/', want: BASE }] : [];
    },
  },
  {
    name: 'mirror header value', mention: /header value/,
    apply(b, s, k) {
      b.mirror = { version: 'v3', percent: 50, match: { header: { name: `x-m${k}`, value: s } } };
      return carriable(s) ? [{ name: 'mirrored request answered by the routed version', front: 'entry', headers: [[`x-m${k}`, s]], path: '/', want: BASE }] : [];
    },
  },
  {
    name: 'mirror version', mention: /version/,
    apply(b, s) {
      // A version with no endpoint: the copy fails (502), the user's request does not.
      b.mirror = { version: s, percent: 100, match: null };
      return [{ name: 'request mirrored to a version with no endpoint', front: 'entry', headers: [], path: '/', want: BASE }];
    },
  },
  {
    name: 'version name', mention: /version/,
    apply(b, s, k) {
      b.versions.push(s);
      b.lanes.push(lane(`l${k}`, `t${k}`, { header: { name: `x-ver${k}`, value: 'on' } }, { [b.service]: s }));
      return [{ name: 'lane to the version', front: 'entry', headers: [[`x-ver${k}`, 'on']], path: '/', want: { backend: 'named', lane: `t${k}` } }];
    },
  },
  {
    name: 'endpoint id', mention: /endpoint/,
    apply(b, s) {
      b.ids.v1 = s;
      return [];
    },
  },
  {
    name: 'service name', mention: /service/,
    apply(b, s) {
      // Renames the entry service: every other position refers to it through b.service.
      b.service = s;
      return [];
    },
  },
];

// ---- running it ----------------------------------------------------------------------------

interface Backends { ports: Record<string, number>; close(): void }

/** One backend per label; each answers with its label and the x-lane it received (raw bytes, as UTF-8). */
async function startBackends(labels: string[]): Promise<Backends> {
  const servers: Server[] = [];
  const ports: Record<string, number> = {};
  for (const label of labels) {
    const server = createServer((req, res) => {
      if (req.url === '/__health') { res.end('ok'); return; }
      const at = req.rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'x-lane');
      const laneSeen = at >= 0 ? Buffer.from(req.rawHeaders[at + 1], 'latin1').toString('utf8') : '';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ backend: label, lane: laneSeen }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports[label] = (server.address() as AddressInfo).port;
  }
  return { ports, close: () => servers.forEach((s) => s.close()) };
}

function frontSpec(service: string, versions: string[], isEntry: boolean): FrontSpec {
  return {
    service, port: 0, versions, isEntry, lb: 'round-robin',
    retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool: null,
  };
}

const VERSION_LABEL: Record<string, string> = { v1: 'v1', v2: 'v2', v3: 'v3' };

function build(s: string, positions: Position[]): { b: Build; checks: Check[] } {
  const b: Build = { service: 'app', versions: ['v1', 'v2', 'v3'], ids: {}, lanes: [], routes: [] };
  // The service name first: the other positions read it.
  const ordered = [...positions].sort((x, y) => Number(y.name === 'service name') - Number(x.name === 'service name'));
  const checks = ordered.flatMap((p) => p.apply(b, s, POSITIONS.indexOf(p)).map((c) => ({ ...c, name: `${p.name}: ${c.name}` })));
  return { b, checks };
}

function toState(b: Build, ports: Record<string, number>): RoutingState {
  const state = new RoutingState([frontSpec(b.service, ['v1', 'v2', 'v3'], true), frontSpec('db', ['v1'], false)]);
  for (const v of b.versions) {
    const id = b.ids[v] ?? `${v}-1`;
    state.endpoints.set(id, { id, service: b.service, version: v, port: ports[VERSION_LABEL[v] ?? 'named'] ?? 9, down: false, weight: 1 });
  }
  state.endpoints.set('db-1', { id: 'db-1', service: 'db', version: 'v1', port: ports.db ?? 9, down: false, weight: 1 });
  state.weights.set(b.service, { v1: 100 });
  state.routes.set(b.service, b.routes);
  if (b.mirror) state.mirrors.set(b.service, b.mirror);
  state.lanes = b.lanes;
  state.laneMode = 'strict';
  return state;
}

function render(kind: ProxyKind, state: RoutingState): string {
  return kind === 'nginx'
    ? renderNginxConfig(state, { dir: '/tmp/relsim-injection', genPort: 9, generation: 1 })
    : renderHaproxyConfig(state, '/tmp/relsim-injection', new Map());
}

const show = (s: string): string => { const j = JSON.stringify(s); return j.length > 60 ? `${j.slice(0, 57)}…"` : j; };

/** Problems found for one string through one proxy (empty = refused cleanly or safe and routed right). */
async function hostileThrough(kind: ProxyKind, s: string, backends: Backends): Promise<{ problems: string[]; refused: string[] }> {
  const problems: string[] = [];
  const refused: string[] = [];
  const accepted: Position[] = [];
  for (const p of POSITIONS) {
    try {
      render(kind, toState(build(s, [p]).b, {}));
      accepted.push(p);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      refused.push(p.name);
      if (!(e instanceof Error) || e.constructor !== Error) problems.push(`${p.name}: refused with a ${e instanceof Error ? e.constructor.name : typeof e}, not a plain Error: ${msg}`);
      else if (!p.mention.test(msg) || !(kind === 'nginx' ? /nginx/ : /HAProxy/).test(msg)) problems.push(`${p.name}: refusal does not say what and where: ${msg}`);
    }
  }
  if (accepted.length === 0) return { problems, refused };
  // Every accepted position at once (one proxy start); when that fails, each alone, so the
  // report names the position at fault (one broken position would hide what the others do).
  const together = await throughProxy(kind, s, accepted, backends);
  if (together.length === 0 || accepted.length === 1) return { problems: [...problems, ...together], refused };
  for (const p of accepted) for (const x of await throughProxy(kind, s, [p], backends)) problems.push(`${p.name} alone: ${x}`);
  if (problems.length === 0) problems.push(...together.map((x) => `all positions together: ${x}`));
  return { problems, refused };
}

/** Starts the proxy on the state holding `s` at `positions`: what is wrong with it (nothing = passes). */
async function throughProxy(kind: ProxyKind, s: string, positions: Position[], backends: Backends): Promise<string[]> {
  const problems: string[] = [];
  const { b, checks } = build(s, positions);
  const state = toState(b, backends.ports);
  for (const f of state.fronts) f.port = await nextFreePort();
  const proxy: ProxyAdapter = kind === 'nginx' ? new NginxProxy(state) : new HaproxyProxy(state);
  try {
    await proxy.start(); // renders, runs `nginx -t` / `haproxy -c`, starts and waits until it serves
  } catch (e) {
    await proxy.stop();
    return [`the proxy refused the generated config: ${String(e).slice(0, 400)}`];
  }
  try {
    const pids = proxyPids([kind]);
    const sockets = boundSockets(pids);
    if (pids.length < 2) problems.push(`expected a ${kind} master and worker, found pids ${pids.join(',')}`);
    const entryPort = state.fronts[0].port;
    if (!sockets.some((x) => x.port === entryPort)) problems.push(`socket check sees no listener on the entry port ${entryPort}: ${JSON.stringify(sockets)}`);
    for (const x of sockets) if (!x.loopback) problems.push(`listens on ${x.proto} ${x.address}:${x.port} (only 127.0.0.1 is allowed)`);
    if (problems.length > 0) return problems; // an injected config: no point routing through it

    const all: Check[] = [
      { name: 'plain request', front: 'entry', headers: [], path: '/', want: BASE },
      { name: 'plain request to db', front: 'db', headers: [], path: '/', want: { backend: 'db', lane: '' } },
      ...checks,
    ];
    for (const c of all) {
      const port = state.fronts[c.front === 'entry' ? 0 : 1].port;
      let got: string;
      try {
        const r = await rawGet(port, c.path, c.headers);
        if (c.want === 'no-endpoint') { if (r.status >= 500 && !r.body.includes('"backend"')) continue; }
        else {
          const body = r.status === 200 ? JSON.parse(r.body) as { backend: string; lane: string } : null;
          if (body && body.backend === c.want.backend && body.lane === c.want.lane) continue;
        }
        got = `${r.status} ${r.body.slice(0, 200)}`;
      } catch (e) {
        got = String(e);
      }
      problems.push(`${c.name}: wanted ${JSON.stringify(c.want).slice(0, 200)}, got ${got}`);
    }
  } finally {
    await proxy.stop();
  }
  return problems;
}

// ---- the tests ---------------------------------------------------------------------------

// The two proxies' runs of one string go side by side: separate processes on separate
// ports, each checked by its own kind's pids (proxyPids), so neither sees the other. Only
// one run per kind is in flight at a time. The nginx test of a string starts the HAProxy
// run too; the HAProxy test right after it collects that run and asserts on it.

/** The backends, shared by every run: each answers with its label and the x-lane it got, nothing else. */
let backendsStarted: Promise<Backends> | null = null;
const sharedBackends = (): Promise<Backends> => (backendsStarted ??= startBackends(['v1', 'v2', 'v3', 'named', 'db']));
test.after(async () => { if (backendsStarted) (await backendsStarted).close(); });

/** freePort, one call at a time: two runs asking at once must not be handed the same port. */
let portQueue: Promise<unknown> = Promise.resolve();
function nextFreePort(): Promise<number> {
  const next = portQueue.then(() => freePort());
  portQueue = next.catch(() => undefined);
  return next;
}

type Outcome = { problems: string[]; refused: string[] } | { error: unknown };
const runs = new Map<string, Promise<Outcome>>();

/** The run of string `i` through `kind`, started once; a failure is kept as a value (no unhandled rejection meanwhile). */
function run(kind: ProxyKind, i: number): Promise<Outcome> {
  const key = `${kind} ${i}`;
  let r = runs.get(key);
  if (!r) {
    r = sharedBackends().then((backends) => hostileThrough(kind, HOSTILE[i], backends)).catch((error: unknown) => ({ error }));
    runs.set(key, r);
  }
  return r;
}

const table: string[] = [];

HOSTILE.forEach((s, i) => {
  for (const kind of ['nginx', 'haproxy'] as const) {
    test(`${kind}: hostile string #${i} ${show(s)} is refused or stays a value`, async () => {
      requireProxy(kind);
      if (kind === 'nginx') void run('haproxy', i); // collected by the next test
      const outcome = await run(kind, i);
      runs.delete(`${kind} ${i}`);
      if ('error' in outcome) throw outcome.error;
      const { problems, refused } = outcome;
      table.push(`${kind}\t#${i}\t${show(s)}\t${refused.length === 0 ? 'accepted everywhere' : `refused: ${refused.join(', ')}`}${problems.length ? '\tPROBLEMS' : ''}`);
      assert.equal(problems, [], `${kind}, string ${show(s)}:\n  ${problems.join('\n  ')}`);
    });
  }
});

// The user-id position refuses every hostile string (ids must be numbers): whole numbers must still work.
test('user ids that are whole numbers, one listed twice, still route through both proxies', async () => {
  const backends = await sharedBackends();
  for (const kind of ['nginx', 'haproxy'] as const) {
    requireProxy(kind);
    const b: Build = { service: 'app', versions: ['v1', 'v2', 'v3'], ids: {}, lanes: [lane('ids', 'ids', { userIds: [7, 7, 12] }, { app: 'v2' })], routes: [] };
    const state = toState(b, backends.ports);
    for (const f of state.fronts) f.port = await nextFreePort();
    const proxy: ProxyAdapter = kind === 'nginx' ? new NginxProxy(state) : new HaproxyProxy(state);
    await proxy.start();
    try {
      for (const [id, want] of [['7', 'v2'], ['12', 'v2'], ['8', 'v1'], ['77', 'v1']]) {
        const r = await rawGet(state.fronts[0].port, '/', [['x-user-id', id]]);
        assert.is(r.status === 200 ? (JSON.parse(r.body) as { backend: string }).backend : `status ${r.status}`, want, `${kind}: user ${id}`);
      }
    } finally {
      await proxy.stop();
    }
  }
});

test('the table', () => {
  // Grouped by proxy, as the runs were before they went side by side.
  if (process.env.RELSIM_INJECTION_TABLE) console.log(`\n${[...table].sort((x, y) => Number(x.startsWith('haproxy')) - Number(y.startsWith('haproxy'))).join('\n')}`);
});

test.run();
