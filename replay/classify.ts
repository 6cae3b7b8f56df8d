/**
 * How a replay tells why a request failed, from what the client can see. Shared by the
 * load recorder (entry requests) and the backends (their downstream calls), so a failure
 * deep in A→B→C reaches the client with the cause where it happened.
 *
 * Signals, in order: a backend's own `x-relsim-drop` header (error, queue-full, or a
 * downstream cause it relays); the proxy's upstream report (`x-relsim-upstream`: nginx
 * `$upstream_addr`, an upstream *name* rather than ip:port when no server was live;
 * `x-relsim-srv`: HAProxy's server name, `<NOSRV>` when none was available); the status.
 */
import type { DropCause } from '../sim/result/run-result.ts';

export const DROP_HEADER = 'x-relsim-drop';
export const PATH_HEADER = 'x-relsim-path';
export const LANE_ECHO_HEADER = 'x-relsim-lane';
export const LANE_HEADER = 'x-lane';
export const USER_HEADER = 'x-user-id';
/** The load generator's id of an entry request, echoed by the entry backend. */
export const REQUEST_ID_HEADER = 'x-relsim-req';

type HeaderBag = Record<string, string | string[] | undefined>;

/** The cause of a non-2xx response, or null for a success. */
export function classifyResponse(status: number, headers: HeaderBag): DropCause | null {
  const own = first(headers[DROP_HEADER]);
  if (own && isDropCause(own)) return own;
  if (status >= 200 && status < 400) return null;
  const upstream = lastOfList(first(headers['x-relsim-upstream']));
  const srv = first(headers['x-relsim-srv']);
  if (status === 502 || status === 503) {
    if (srv === '<NOSRV>') return 'no-endpoint';
    if (upstream !== undefined && upstream !== '' && !/:\d+$/.test(upstream)) return 'no-endpoint';
    if (upstream !== undefined) {
      // nginx: no connect time for the last try ⇒ the connection itself failed.
      const connect = lastOfList(first(headers['x-relsim-connect']));
      return connect === undefined || connect === '' || connect === '-' ? 'refused' : 'reset';
    }
    if (srv !== undefined) return status === 503 ? 'refused' : 'reset';
  }
  if (status === 504 || status === 408) return 'timeout';
  return 'error';
}

/** The backend port the proxy's last try went to (nginx's `$upstream_addr`), or null. */
export function upstreamPort(headers: HeaderBag): number | null {
  const m = /:(\d+)$/.exec(lastOfList(first(headers['x-relsim-upstream'])) ?? '');
  return m ? Number(m[1]) : null;
}

/** The cause of a transport error seen by a client (no HTTP response at all). */
export function classifyTransportError(err: unknown): DropCause {
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = String((err as Error | null)?.message ?? err);
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT' || /timed out|timeout/i.test(msg)) return 'timeout';
  return 'reset';
}

export function isDropCause(s: string): s is DropCause {
  return s === 'refused' || s === 'reset' || s === 'no-endpoint' || s === 'queue-full' || s === 'timeout' || s === 'error' || s === 'misroute';
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** nginx lists one value per try, comma-separated (and ' : ' between upstream groups). */
function lastOfList(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(/\s*[,:]\s+/);
  return parts[parts.length - 1].trim();
}
