/**
 * Renders the routing state as one nginx.conf (pure function; bench/replay/nginx.ts runs it).
 *
 * Per service front: upstream `uI_all` (every instance, equal weights: what a Service or a
 * plain upstream does with no weights set), `uI_K` per version, `uI_none` (no live server ⇒
 * 502 with $upstream_addr = the group name ⇒ no-endpoint). The target is the first
 * non-empty of: lane version for the request's tag, header routes, weighted split
 * (`split_clients` on $request_id), else `uI_all`. The entry front assigns the lane tag from
 * the lanes' match rules (`map` / `split_clients` on the user id).
 */
import type { HeaderRoute } from '../../sim/control-types.ts';
import type { MatchRule, RetryOn } from '../../scenarios/types.ts';
import type { RoutingState } from './proxy.ts';
import { ms } from './tools.ts';

export interface NginxLayout {
  dir: string;
  genPort: number;
  generation: number;
}

export function renderNginxConfig(state: RoutingState, layout: NginxLayout): string {
  const { dir } = layout;
  const out: string[] = [];
  out.push(
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/logs/error.log warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${dir}/tmp/body;`,
    `  proxy_temp_path ${dir}/tmp/proxy;`,
    `  fastcgi_temp_path ${dir}/tmp/fastcgi;`,
    `  uwsgi_temp_path ${dir}/tmp/uwsgi;`,
    `  scgi_temp_path ${dir}/tmp/scgi;`,
    // nginx closes a client connection after keepalive_requests (1000): each close is a
    // reconnect the load generator would have to survive; only reloads should cause them.
    '  keepalive_requests 10000000;',
    '  keepalive_timeout 60s;',
    '  map_hash_bucket_size 128;',
    '  variables_hash_bucket_size 128;',
  );
  out.push(...renderLaneTag(state));
  state.fronts.forEach((front, i) => out.push(...renderFront(state, i)));
  out.push(
    `  server { listen 127.0.0.1:${layout.genPort}; location = /__gen { return 200 "${layout.generation}"; } }`,
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
    out.push(...renderMatch(lane.match, v, lane.tag));
    parts.push(v);
  });
  out.push(...firstNonEmpty(parts, '$relsim_entry_lane'));
  return out;
}

function renderFront(state: RoutingState, i: number): string[] {
  const front = state.fronts[i];
  const versions = state.versionsOf(front.service);
  const up = (v: string): string => `u${i}_${versions.indexOf(v)}`;
  const out: string[] = [];
  const laneSrc = front.isEntry ? '$relsim_entry_lane' : '$http_x_lane';

  // Upstreams.
  // fail_timeout takes whole seconds only: a time-scaled window rounds up to 1 s.
  const server = (port: number, down: boolean): string =>
    `    server 127.0.0.1:${port}${front.maxFails > 0 ? ` max_fails=${front.maxFails} fail_timeout=${Math.max(1, Math.ceil(front.failTimeoutMs / 1000))}s` : ' max_fails=0'}${down ? ' down' : ''};`;
  const upstream = (name: string, eps: { port: number; down: boolean }[]): void => {
    out.push(`  upstream ${name} {`);
    if (front.lb === 'least-request') out.push('    least_conn;');
    else if (front.lb === 'random') out.push('    random two;');
    else if (front.lb === 'consistent-hash') out.push('    hash $http_x_user_id consistent;');
    if (eps.length === 0) out.push('    server 127.0.0.1:9 down;');
    for (const e of eps) out.push(server(e.port, e.down));
    out.push('    keepalive 16;', '  }');
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
      if (v) out.push(`    ${q(lane.tag)} ${up(v)};`);
      else if (state.laneMode === 'strict') out.push(`    ${q(lane.tag)} u${i}_none;`);
    }
    out.push('  }');
    parts.push(`$relsim_f${i}_lane`);
  }
  // Header routes.
  (state.routes.get(front.service) ?? []).forEach((r: HeaderRoute, k: number) => {
    const v = `$relsim_f${i}_r${k}`;
    out.push(...renderMatch(r.match, v, up(r.version)));
    parts.push(v);
  });
  // Weighted split, else every instance.
  const weights = state.weights.get(front.service) ?? null;
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

  // The listener.
  out.push(
    '  server {',
    `    listen 127.0.0.1:${front.port};`,
    '    location / {',
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
    '    }',
    '  }',
  );
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

/** A variable that is `value` when the request matches the rule, else "". */
function renderMatch(m: MatchRule, variable: string, value: string): string[] {
  if (m.percent !== undefined && !m.header && !m.cookie && !m.query && !m.userIds) {
    return [`  split_clients "\${http_x_user_id}" ${variable} {`, ...(m.percent > 0 ? [`    ${m.percent}% ${value};`] : []), '    * "";', '  }'];
  }
  let source = '$host';
  let keys: string[] = [];
  if (m.header) { source = `$http_${m.header.name.toLowerCase().replace(/-/g, '_')}`; keys = [m.header.value]; }
  else if (m.cookie) { source = `$cookie_${m.cookie.name}`; keys = [m.cookie.value]; }
  else if (m.query) { source = `$arg_${m.query.name}`; keys = [m.query.value]; }
  else if (m.userIds) { source = '$http_x_user_id'; keys = m.userIds.map(String); }
  else if (!m.percent) { return [`  map $host ${variable} { default ${value}; }`]; }
  return [`  map ${source} ${variable} {`, '    default "";', ...keys.map((k) => `    ${q(k)} ${value};`), '  }'];
}

/** `target` = the first non-empty of `parts` (nginx has no coalesce; a regex map does it). */
function firstNonEmpty(parts: string[], target: string): string[] {
  return [`  map "${parts.join('|')}" ${target} {`, '    "~^\\|*(?<relsim_first>[^|]+)" $relsim_first;', '    default "";', '  }'];
}

function q(s: string): string {
  return `"${s.replace(/["\\$]/g, '')}"`;
}
