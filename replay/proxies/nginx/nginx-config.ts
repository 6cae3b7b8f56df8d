/**
 * Renders the routing state as one nginx.conf (pure function; nginx.ts beside it runs it).
 *
 * Per service front: upstream `uI_all` (every instance at its version's `weight`, 1 unless
 * set: what a Service or a plain upstream does), `uI_K` per version, `uI_none` (no live server ⇒
 * 502 with $upstream_addr = the group name ⇒ no-endpoint). The target is the first
 * non-empty of: lane version for the request's tag, header routes, weighted split
 * (`split_clients` on $request_id), else `uI_all`. The entry front assigns the lane tag from
 * the lanes' match rules (one `map` / `split_clients` per condition, ANDed by a last `map`).
 * A service with a mirror route copies the requests its selection takes to the mirror
 * version (nginx-mirror.ts).
 *
 * Every string from the scenario (header, cookie and query names and values, lane tags, user
 * ids) is written through nginx-quote.ts, never interpolated: a scenario is input, and a bare
 * header name once closed its `map` and opened a server listening on every interface.
 */
import type { HeaderRoute, MirrorRoute } from '../../../strategies/protocol-types.ts';
import type { MatchRule, RetryOn } from '../../../scenarios/types.ts';
import { AFFINITY_COOKIE, type RoutingState } from '../../proxy.ts';
import { ms } from '../../tools.ts';
import {
  NGINX_DOLLAR_DECLARATION, nginxExactKey, nginxHeaderVariable, nginxInteger, nginxRegexKey, nginxString, nginxUrlEncoded, nginxValue,
} from './nginx-quote.ts';
import { MIRROR_LOG_FORMAT, renderMirrorDirectives, renderMirrorLocation } from './nginx-mirror.ts';

export interface NginxLayout {
  dir: string;
  genPort: number;
  generation: number;
}

export function renderNginxConfig(state: RoutingState, layout: NginxLayout): string {
  const path = (p: string): string => nginxString(`${layout.dir}/${p}`, 'run directory path');
  const out: string[] = [];
  out.push(
    'worker_processes 1;',
    `pid ${path('nginx.pid')};`,
    `error_log ${path('logs/error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${path('tmp/body')};`,
    `  proxy_temp_path ${path('tmp/proxy')};`,
    `  fastcgi_temp_path ${path('tmp/fastcgi')};`,
    `  uwsgi_temp_path ${path('tmp/uwsgi')};`,
    `  scgi_temp_path ${path('tmp/scgi')};`,
    // nginx closes a client connection after keepalive_requests (1000): each close is a
    // reconnect the load generator would have to survive; only reloads should cause them.
    '  keepalive_requests 10000000;',
    '  keepalive_timeout 60s;',
    '  map_hash_bucket_size 128;',
    '  variables_hash_bucket_size 128;',
    `  ${NGINX_DOLLAR_DECLARATION}`,
  );
  if (state.mirrors.size > 0) out.push(`  ${MIRROR_LOG_FORMAT}`);
  out.push(...renderLaneTag(state));
  state.fronts.forEach((front, i) => out.push(...renderFront(state, i, path('logs/mirror.log'))));
  out.push(
    `  server { listen 127.0.0.1:${nginxInteger(layout.genPort, 'generation probe port')}; location = /__gen { return 200 "${layout.generation}"; } }`,
    '}',
    '',
  );
  return out.join('\n');
}

// ---- lanes: the entry assigns the tag, every front routes on it --------------------------

function renderLaneTag(state: RoutingState): string[] {
  const out: string[] = [];
  const parts = ['$http_x_lane'];
  state.lanes.forEach((lane, j) => {
    const v = `$relsim_lane_m${j}`;
    out.push(...renderMatch(lane.match, v, lane.tag, 'lane tag', 'lane match'));
    parts.push(v);
  });
  out.push(...firstNonEmpty(parts, '$relsim_entry_lane'));
  return out;
}

function renderFront(state: RoutingState, i: number, mirrorLog: string): string[] {
  const front = state.fronts[i];
  const versions = state.versionsOf(front.service);
  const up = (v: string): string => `u${i}_${versions.indexOf(v)}`;
  const out: string[] = [];
  const laneSrc = front.isEntry ? '$relsim_entry_lane' : '$http_x_lane';

  // Upstreams.
  // fail_timeout takes whole seconds only: a time-scaled window rounds up to 1 s.
  const server = (port: number, down: boolean, weight: number): string =>
    `    server 127.0.0.1:${nginxInteger(port, 'endpoint port')}${weight !== 1 ? ` weight=${nginxInteger(weight, 'endpoint weight')}` : ''}${front.maxFails > 0 ? ` max_fails=${front.maxFails} fail_timeout=${Math.max(1, Math.ceil(front.failTimeoutMs / 1000))}s` : ' max_fails=0'}${down ? ' down' : ''};`;
  const upstream = (name: string, eps: { port: number; down: boolean; weight: number }[]): void => {
    out.push(`  upstream ${name} {`);
    if (front.lb === 'least-request') out.push('    least_conn;');
    else if (front.lb === 'random') out.push('    random two;');
    else if (front.lb === 'consistent-hash') out.push('    hash $http_x_user_id consistent;');
    if (eps.length === 0) out.push('    server 127.0.0.1:9 down;');
    for (const e of eps) out.push(server(e.port, e.down, e.weight));
    out.push('    keepalive 16;');
    // The callers' pool (client.pool): how long an idle connection is kept, how many
    // requests one carries (nginx's own defaults, 60 s and 1000, otherwise).
    if (front.pool) {
      out.push(`    keepalive_timeout ${front.pool.idleTimeoutMs > 0 ? ms(front.pool.idleTimeoutMs) : '86400s'};`,
        `    keepalive_requests ${front.pool.maxRequests > 0 ? nginxInteger(front.pool.maxRequests, 'pool maxRequests') : 2_000_000_000};`);
    }
    out.push('  }');
  };
  upstream(`u${i}_all`, state.endpointsOf(front.service));
  upstream(`u${i}_none`, []);
  for (const v of versions) upstream(up(v), state.endpointsOf(front.service, v));

  // Lane versions for this service.
  const parts: string[] = [];
  if (state.lanes.length > 0) {
    out.push(`  map ${laneSrc} $relsim_f${i}_lane {`, '    default "";');
    for (const lane of state.lanes) {
      const v = lane.services[front.service];
      // Permissive lanes fall back to base while the proxy lists no live instance of the
      // lane's version (as the simulator does); strict ones answer "no endpoint".
      const live = v !== undefined && state.endpointsOf(front.service, v).some((e) => !e.down);
      if (v && (live || state.laneMode === 'strict')) out.push(`    ${nginxExactKey(lane.tag, 'lane tag')} ${up(v)};`);
      else if (state.laneMode === 'strict') out.push(`    ${nginxExactKey(lane.tag, 'lane tag')} u${i}_none;`);
    }
    out.push('  }');
    parts.push(`$relsim_f${i}_lane`);
  }
  // Header routes.
  (state.routes.get(front.service) ?? []).forEach((r: HeaderRoute, k: number) => {
    const v = `$relsim_f${i}_r${k}`;
    out.push(...renderMatch(r.match, v, up(r.version), 'header route target', 'header route match'));
    parts.push(v);
  });
  // Weighted split, else every instance.
  const weights = state.weights.get(front.service) ?? null;
  // Session affinity while the canary has weight (sim/model/affinity.ts): the cookie routes
  // to the canary before the weights do, and a request the weights send there (nothing
  // before them having decided) gets the cookie. At weight 0 the cookie routes nowhere.
  const sticky = front.affinity && weights && (weights[front.affinity.canary] ?? 0) > 0 ? up(front.affinity.canary) : null;
  let setCookie = '';
  if (sticky && weights) {
    const decided = [...parts];
    const v = `$relsim_f${i}_sticky`;
    out.push(`  map $cookie_${AFFINITY_COOKIE} ${v} {`, '    default "";', `    "1" ${sticky};`, '  }');
    parts.push(v);
    decided.push(v);
    setCookie = `$relsim_f${i}_setcookie`;
    // Everything before the weights empty, the weights on the canary: "|u<i>_<k>" exactly
    // (upstream names are generated, never a scenario string).
    out.push(`  map "${decided.join('')}|$relsim_f${i}_w" ${setCookie} {`, '    default "";', `    "|${sticky}" "${AFFINITY_COOKIE}=1; Path=/";`, '  }');
  }
  if (weights) {
    const v = `$relsim_f${i}_w`;
    out.push(`  split_clients "\${request_id}" ${v} {`);
    const entries = Object.entries(weights).filter(([, w]) => w > 0);
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let given = 0;
    entries.forEach(([ver, w], k) => {
      if (k === entries.length - 1) { out.push(`    * ${up(ver)};`); return; }
      const pct = Math.floor((w / total) * 10000) / 100;
      given += pct;
      if (pct > 0) out.push(`    ${pct}% ${up(ver)};`);
    });
    if (entries.length === 0) out.push(`    * u${i}_none;`);
    void given;
    out.push('  }');
    parts.push(v);
  } else {
    parts.push(`u${i}_all`);
  }
  out.push(...firstNonEmpty(parts, `$relsim_f${i}_target`));
  const mirror = state.mirrors.get(front.service);
  if (mirror) out.push(...renderMirrorSelection(mirror, i, up(mirror.version)));

  // The listener.
  out.push(
    '  server {',
    `    listen 127.0.0.1:${nginxInteger(front.port, 'front port')};`,
    '    location / {',
    ...(mirror ? renderMirrorDirectives(i) : []),
    `      proxy_pass http://$relsim_f${i}_target;`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    `      proxy_set_header x-lane ${laneSrc};`,
    '      proxy_connect_timeout 1s;',
    `      proxy_read_timeout ${front.timeoutMs > 0 ? ms(front.timeoutMs) : '60s'};`,
    `      proxy_send_timeout ${front.timeoutMs > 0 ? ms(front.timeoutMs) : '60s'};`,
    ...renderRetry(front.retry.attempts, front.retry.on),
    '      add_header x-relsim-upstream $upstream_addr always;',
    '      add_header x-relsim-connect $upstream_connect_time always;',
    // An empty value adds no header: only requests the weights sent to the canary get the cookie.
    ...(setCookie ? [`      add_header Set-Cookie ${setCookie} always;`] : []),
    '    }',
    ...(mirror ? renderMirrorLocation(i, up(mirror.version), `$relsim_f${i}_mirror`, laneSrc, mirrorLog) : []),
    '  }',
  );
  return out;
}

/**
 * `$relsim_f<i>_mirror` = "1" for a request the mirror copies, as the model decides
 * (sim/model/mirror.ts): not routed to the mirror version already, the match rule holds,
 * and the percentage draw takes it. The draw is per request, as the model's: nginx hashes
 * the request id, salted so it is independent of the weighted split's hash of the same id.
 */
function renderMirrorSelection(mirror: MirrorRoute, i: number, upstream: string): string[] {
  const v = `$relsim_f${i}_mirror`;
  const out: string[] = [`  map $relsim_f${i}_target ${v}_r { ${upstream} ""; default 1; }`];
  const flags = [`${v}_r`];
  if (mirror.match) {
    out.push(...renderMatch(mirror.match, `${v}_m`, '1', 'mirror flag', 'mirror match'));
    flags.push(`${v}_m`);
  }
  const percent = Math.max(0, Math.min(100, Math.round(mirror.percent * 100) / 100));
  if (percent < 100) {
    out.push(`  split_clients "mirror\${request_id}" ${v}_p {`, ...(percent > 0 ? [`    ${percent}% 1;`] : []), '    * "";', '  }');
    flags.push(`${v}_p`);
  }
  out.push(`  map "${flags.join('')}" ${v} { default ""; "${'1'.repeat(flags.length)}" 1; }`);
  return out;
}

/** `proxy_next_upstream` as the scenario's retry policy says (off when attempts = 0). */
export function renderRetry(attempts: number, on: RetryOn[]): string[] {
  if (attempts <= 0 || on.length === 0) return ['      proxy_next_upstream off;'];
  const conds = new Set<string>();
  for (const c of on) {
    if (c === 'connect-failure' || c === 'reset') conds.add('error');
    else if (c === 'timeout') conds.add('timeout');
    else if (c === '5xx') { conds.add('http_500'); conds.add('http_502'); conds.add('http_503'); conds.add('http_504'); }
  }
  return [`      proxy_next_upstream ${[...conds].join(' ')};`, `      proxy_next_upstream_tries ${attempts + 1};`];
}

/**
 * A variable that is `value` when the request matches the rule, else "". Every condition of
 * the rule must hold, as in the simulator (sim/model/traffic.ts `Users.test`): each condition sets
 * its own variable to "1" when it holds, and a last map takes `value` only when all of them
 * are "1" (nginx has no AND; a map keyed on their concatenation is one). A rule with no
 * condition matches everything. `valueWhat` and `what` name the value and the rule in a refusal.
 */
/**
 * Renders a match rule and its lane tag the way a config would, to be thrown away: throws
 * what the config would throw, before any process starts (preflight.ts).
 */
export function checkNginxMatch(m: MatchRule, tag: string | null, what: string): void {
  renderMatch(m, '$relsim_check', tag ?? 'x', 'lane tag', what);
  if (tag !== null) nginxExactKey(tag, 'lane tag');
}

function renderMatch(m: MatchRule, variable: string, rawValue: string, valueWhat: string, what: string): string[] {
  // A list of rules: each sets its own variable, and the first that holds decides (nginx
  // has no OR; an empty list never holds).
  if (m.any) {
    if (m.any.length === 0) return [`  map $host ${variable} { default ""; }`];
    const out: string[] = [];
    const parts = m.any.map((alt, k) => {
      if (alt.any) throw new Error(`nginx config: ${what}: alternative ${k} nests a list of rules`);
      out.push(...renderMatch(alt, `${variable}_o${k}`, rawValue, valueWhat, what));
      return `${variable}_o${k}`;
    });
    out.push(...firstNonEmpty([...parts, '""'], variable));
    return out;
  }
  for (const kind of ['header', 'cookie', 'query'] as const) {
    // The replay expands prefix and regex values into the exact ones its traffic carries (replay/match-expansion.ts).
    if (m[kind]?.kind) throw new Error(`nginx config: ${what} ${kind} ${m[kind]!.kind}: expected exact values (expand the rule first)`);
  }
  const value = nginxValue(rawValue, valueWhat);
  const conditions = matchConditions(m, what);
  if (conditions.length === 0) return [`  map $host ${variable} { default ${value}; }`];
  const out: string[] = [];
  const flags = conditions.map((render, k) => {
    const flag = `${variable}_c${k}`;
    out.push(...render(flag));
    return flag;
  });
  out.push(`  map "${flags.join('')}" ${variable} {`, '    default "";', `    "${'1'.repeat(flags.length)}" ${value};`, '  }');
  return out;
}

/** One renderer per condition of the rule; each sets its flag variable to "1" when the condition holds. */
function matchConditions(m: MatchRule, what: string): ((flag: string) => string[])[] {
  const out: ((flag: string) => string[])[] = [];
  const flagMap = (source: string, keys: string[]) => (flag: string): string[] =>
    [`  map ${source} ${flag} {`, '    default "";', ...keys.map((k) => `    ${k} 1;`), '  }'];
  // Header values compare exactly, as in the model: a plain map key would ignore case.
  if (m.header) out.push(flagMap(nginxHeaderVariable(m.header.name, `${what} header name`), [nginxExactKey(m.header.value, `${what} header value`)]));
  // Cookie and query names are matched in the raw header / query string, so any name works
  // (`$cookie_x-a` is not a variable nginx can name); both are sent URL-encoded, names lower
  // case (see load.ts `userRequest`).
  if (m.cookie) out.push(flagMap('$http_cookie', [nginxRegexKey('(^|;\\s*)', wirePair(m.cookie, `${what} cookie`), '(;|$)', `${what} cookie name=value as sent`)]));
  if (m.query) out.push(flagMap('$args', [nginxRegexKey('(^|&)', wirePair(m.query, `${what} query`), '(&|$)', `${what} query name=value as sent`)]));
  // A key listed twice is an error to nginx; the model reads the list as a set.
  if (m.userIds) out.push(flagMap('$http_x_user_id', [...new Set(m.userIds.map((id) => nginxString(nginxInteger(id, `${what} user id`), `${what} user id`)))]));
  const percent = m.percent === undefined ? 100 : Math.max(0, Math.round(m.percent * 100) / 100);
  if (percent < 100) {
    // Hashed by nginx (murmur2 of the user id), not by the model's hash: the same share of
    // users, not the same users (the recorder trusts the lane tag the backend saw for these).
    out.push((flag) => [`  split_clients "\${http_x_user_id}" ${flag} {`, ...(percent > 0 ? [`    ${percent}% 1;`] : []), '    * "";', '  }']);
  }
  return out;
}

/** `name=value` as load.ts sends it in a cookie or a query string. */
function wirePair(kv: { name: string; value: string }, what: string): string {
  return `${nginxUrlEncoded(kv.name.toLowerCase(), `${what} name`)}=${nginxUrlEncoded(kv.value, `${what} value`)}`;
}

/**
 * `target` = the first non-empty of `parts` (variables; the last may be an upstream name).
 * nginx has no coalesce: a chain of maps, each taking its part unless that is "" (a joined
 * string split again by a regex would break on a lane tag holding the separator).
 */
function firstNonEmpty(parts: string[], target: string): string[] {
  if (parts.length === 1) return [`  map $host ${target} { default ${parts[0]}; }`];
  const out: string[] = [];
  let rest = parts[parts.length - 1];
  for (let k = parts.length - 2; k >= 0; k--) {
    const v = k === 0 ? target : `${target}_${k}`;
    out.push(`  map ${parts[k]} ${v} { "" ${rest}; default ${parts[k]}; }`);
    rest = v;
  }
  return out;
}
