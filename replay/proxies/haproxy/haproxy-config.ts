/**
 * Renders the routing state as one haproxy.cfg (pure; haproxy.ts beside it runs it).
 *
 * Per service front: backend `bI` holding every version's server slots (weights carry the
 * version split) and `bI_K` per version (for lane and header routes), the same slot names
 * in both so one runtime command set can be mirrored. In `bI_K` a live slot's weight is
 * its endpoint's own (`versions.<v>.weight`) only: a version pinned to 0 in the split (lanes
 * pin the base version) must still serve the requests routed to it. Free slots are `disabled` at
 * 127.0.0.1:9, filled at run time with `set server … addr`, so scaling needs no reload.
 * `x-relsim-srv` reports the server that answered (`<NOSRV>` ⇒ no-endpoint).
 *
 * Every string from the scenario (header, cookie and query names and values, lane tags, user
 * ids) is written through haproxy-quote.ts, never interpolated: a scenario is input, and a
 * bare lane tag could rewrite the rule it stood in or, with a newline, begin a new line.
 */
import type { MatchRule, RetryOn } from '../../../scenarios/types.ts';
import type { FrontSpec, RoutingState } from '../../proxy.ts';
import { ms } from '../../tools.ts';
import { haproxyFetch, haproxyHeaderName, haproxyInteger, haproxyLogFormat, haproxyPatterns, haproxyUrlEncoded, haproxyWord } from './haproxy-quote.ts';

/** Server slots per version (more ⇒ the adapter re-renders and reloads). */
export const SLOTS_PER_VERSION = 12;

/** HAProxy's largest server weight: slot weights are scaled so the largest is this. */
export const HAPROXY_MAX_WEIGHT = 256;

export interface HaproxySlot {
  /** `v<K>_<n>`: version index K in the front's version list, slot n. */
  name: string;
  version: string;
  endpointId: string | null;
  port: number;
  /** The endpoint's own weight (`versions.<v>.weight`), 1 while free. */
  endpointWeight: number;
  /** Weight in the front's backend `bI` (the version split × the endpoint's weight). */
  weight: number;
  /** Weight in its version's backend `bI_K` (the endpoint's weight alone). */
  versionWeight: number;
  /** ready: in rotation; drain: marked down (no new requests, in-flight ones finish); maint: removed. */
  state: 'ready' | 'drain' | 'maint';
}

export function renderHaproxyConfig(state: RoutingState, dir: string, slots: Map<number, HaproxySlot[]>): string {
  const out: string[] = [
    'global',
    `  stats socket ${haproxyWord(`${dir}/admin.sock`, 'run directory path')} mode 600 level admin`,
    '  maxconn 4096',
    '  nbthread 1',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout http-keep-alive 60s',
  ];
  state.fronts.forEach((front, i) => {
    const versions = state.versionsOf(front.service);
    const be = (v: string): string => `b${i}_${versions.indexOf(v)}`;
    out.push(`frontend f${i}`, `  bind 127.0.0.1:${haproxyInteger(front.port, 'front port')}`,
      '  http-after-response set-header x-relsim-srv %s');
    if (front.isEntry) {
      for (const lane of state.lanes) {
        out.push(`  http-request set-header x-lane ${haproxyLogFormat(lane.tag, 'lane tag')} if ${condition(acl(lane.match, 'lane match'), '!{ req.hdr(x-lane) -m found }')}`);
      }
    }
    // req.fhdr: the whole value (req.hdr would split a tag holding a comma).
    for (const lane of state.lanes) {
      const v = lane.services[front.service];
      const tagIs = `{ req.fhdr(x-lane) -m str ${haproxyPatterns([lane.tag], 'lane tag')} }`;
      // Permissive lanes fall back to base while the lane's backend has no usable server.
      if (v) out.push(`  use_backend ${be(v)} if ${tagIs}${state.laneMode === 'strict' ? '' : ` { nbsrv(${be(v)}) gt 0 }`}`);
      else if (state.laneMode === 'strict') out.push(`  http-request return status 503 hdr x-relsim-srv <NOSRV> if ${tagIs}`);
    }
    for (const r of state.routes.get(front.service) ?? []) out.push(`  use_backend ${be(r.version)} if ${condition(acl(r.match, 'header route match'))}`);
    out.push(`  default_backend b${i}`);

    const all = slots.get(i) ?? [];
    const backend = (name: string, list: HaproxySlot[], weightOf: (s: HaproxySlot) => number): void => {
      out.push(`backend ${name}`, `  balance ${balance(front.lb)}`);
      if (front.lb === 'consistent-hash') out.push('  hash-type consistent');
      out.push(
        `  timeout server ${front.timeoutMs > 0 ? ms(front.timeoutMs) : '60s'}`,
        ...renderRetry(front.retry.attempts, front.retry.on),
        '  option httpchk GET /__health',
        `  default-server check inter 500ms fall 2 rise 1${front.slowStartMs > 0 ? ` slowstart ${ms(front.slowStartMs)}` : ''}${poolOptions(front.pool)}`,
      );
      for (const s of list) {
        // A config has no drain state: weight 0 keeps a drained server out of rotation across a reload.
        const weight = s.state === 'drain' ? 0 : weightOf(s);
        out.push(`  server ${s.name} 127.0.0.1:${haproxyInteger(s.port, 'endpoint port')} weight ${weight}${s.state === 'maint' ? ' disabled' : ''}`);
      }
    };
    backend(`b${i}`, all, (s) => s.weight);
    versions.forEach((v) => backend(be(v), all.filter((s) => s.version === v), (s) => s.versionWeight));
  });
  out.push('');
  return out.join('\n');
}

/**
 * The callers' pool (client.pool) on HAProxy's idle server connections: `pool-purge-delay`
 * closes idle ones after about the idle timeout, `max-reuse` caps requests per connection.
 * Reuse itself is `http-reuse safe`, HAProxy's default.
 */
function poolOptions(pool: FrontSpec['pool']): string {
  if (!pool) return '';
  const purge = pool.idleTimeoutMs > 0 ? ` pool-purge-delay ${ms(pool.idleTimeoutMs)}` : '';
  const reuse = pool.maxRequests > 0 ? ` max-reuse ${haproxyInteger(pool.maxRequests, 'pool maxRequests')}` : '';
  return purge + reuse;
}

function balance(lb: string): string {
  if (lb === 'least-request') return 'leastconn';
  if (lb === 'random') return 'random';
  if (lb === 'consistent-hash') return 'hdr(x-user-id)';
  return 'roundrobin';
}

export function renderRetry(attempts: number, on: RetryOn[]): string[] {
  if (attempts <= 0 || on.length === 0) return ['  retries 0'];
  const conds = new Set<string>();
  for (const c of on) {
    if (c === 'connect-failure') conds.add('conn-failure');
    else if (c === 'reset') { conds.add('empty-response'); conds.add('junk-response'); }
    else if (c === 'timeout') conds.add('response-timeout');
    else if (c === '5xx') ['500', '502', '503', '504'].forEach((x) => conds.add(x));
  }
  const out = [`  retries ${attempts}`, '  option redispatch 1', `  retry-on ${[...conds].join(' ')}`];
  // HAProxy's layer-7 retries re-send any method; the model (and nginx) only re-send a
  // non-idempotent request when the connection failed, i.e. before it was sent.
  if ([...conds].some((c) => c !== 'conn-failure')) out.push('  http-request disable-l7-retry if METH_POST');
  return out;
}

/**
 * The rule as an `if` condition: one anonymous ACL per condition, side by side, which HAProxy
 * ANDs, so every condition must hold as in the simulator (sim/model/traffic.ts `Users.test`).
 * A rule with no condition matches everything. `what` names the rule in a refusal.
 */
/** Renders a match rule and its lane tag as a config would, to be thrown away (preflight.ts). */
export function checkHaproxyMatch(m: MatchRule, tag: string | null, what: string): void {
  acl(m, what);
  if (tag !== null) { haproxyLogFormat(tag, 'lane tag'); haproxyPatterns([tag], 'lane tag'); }
}

/**
 * HAProxy conditions have no parentheses: AND binds tighter than `||`. So a rule is a list
 * of alternatives, each an AND of anonymous ACLs, and anything ANDed to the rule (`prefix`)
 * is repeated in every alternative. No alternative (an OR of nothing) never holds.
 */
function condition(alternatives: string[], prefix = ''): string {
  if (alternatives.length === 0) return 'FALSE';
  return alternatives.map((a) => (prefix ? `${prefix} ${a}` : a)).join(' || ');
}

/** The rule's alternatives (one, without `any`), each an AND of anonymous ACLs. */
function acl(m: MatchRule, what: string): string[] {
  if (m.any) return m.any.map((alt, k) => {
    if (alt.any) throw new Error(`HAProxy config: ${what}: alternative ${k} nests a list of rules`);
    return conjunction(alt, what);
  });
  return [conjunction(m, what)];
}

function conjunction(m: MatchRule, what: string): string {
  for (const kind of ['header', 'cookie', 'query'] as const) {
    // The replay expands prefix and regex values into the exact ones its traffic carries (replay/match-expansion.ts).
    if (m[kind]?.kind) throw new Error(`HAProxy config: ${what} ${kind} ${m[kind]!.kind}: expected exact values (expand the rule first)`);
  }
  const conds: string[] = [];
  if (m.header) {
    const name = haproxyHeaderName(m.header.name, `${what} header name`);
    conds.push(`{ ${haproxyFetch('req.fhdr', name, `${what} header name`)} -m str ${haproxyPatterns([m.header.value], `${what} header value`)} }`);
  }
  // load.ts sends cookies and query parameters URL-encoded with lower-case names; both
  // fetches return the raw (still encoded) value, compared as sent.
  const pair = (fn: string, kv: { name: string; value: string }, kind: string): string => {
    const name = haproxyUrlEncoded(kv.name.toLowerCase(), `${what} ${kind} name`);
    const value = haproxyUrlEncoded(kv.value, `${what} ${kind} value`);
    return `{ ${haproxyFetch(fn, name, `${what} ${kind} name`)} -m str ${haproxyPatterns([value], `${what} ${kind} value`)} }`;
  };
  if (m.cookie) conds.push(pair('req.cook', m.cookie, 'cookie'));
  if (m.query) conds.push(pair('urlp', m.query, 'query'));
  if (m.userIds) conds.push(`{ req.hdr(x-user-id) -m str ${haproxyPatterns(m.userIds.map((id) => haproxyInteger(id, `${what} user id`)), `${what} user id`)} }`);
  // Hashed by HAProxy (crc32 of the user id), not by the model's hash: the same share of
  // users, not the same users (the recorder trusts the lane tag the backend saw for these).
  if (m.percent !== undefined && m.percent < 100) conds.push(`{ req.hdr(x-user-id),crc32,mod(100) -m int lt ${Math.max(0, Math.round(m.percent))} }`);
  return conds.length > 0 ? conds.join(' ') : 'TRUE';
}

