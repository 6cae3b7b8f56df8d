/**
 * Traffic mirroring on nginx (ngx_http_mirror_module, built into Debian's nginx): the
 * front's `location /` carries `mirror /relsim_mirror_<i>;`, so nginx starts a background
 * subrequest to that internal location for every request. The location copies the request
 * to the mirror version's upstream only when the front's selection variable (rendered
 * beside the routing maps in nginx-config.ts: percentage, match, not already routed there)
 * is "1"; otherwise it answers 204 itself and nothing leaves nginx. The copy's answer is
 * thrown away by nginx; its outcome is written to a log of its own, which is how the
 * replay counts copies (users' requests are counted by the load generator, and never see
 * a copy).
 *
 * Subrequests share the main request's variables, so the selection reads the very target
 * the main request was routed to, and the same `$request_id`.
 *
 * What nginx does that the model does not: a mirror subrequest holds its main request open
 * until it finishes. The client's response is sent at once, but the next request on the
 * same keep-alive connection is read only after the copy is answered (measured on nginx
 * 1.22: a 300 ms copy delayed the next request on the connection by 300-600 ms; the first
 * answer came in 4-6 ms). A mirror version slower than the one users are routed to
 * therefore slows users in a replay; the simulator's copies never do.
 */
import type { MirroredCopy } from '../../proxy.ts';
import { PATH_HEADER } from '../../classify.ts';

/**
 * The log format of copies, `|`-separated (an upstream list has spaces): finish time,
 * upstream status, upstream time (s), and last the path the backend reported.
 */
export const MIRROR_LOG_FORMAT = `log_format relsim_mirror '$msec|$upstream_status|$upstream_response_time|$upstream_http_${PATH_HEADER.replace(/-/g, '_')}';`;

/** The header every copy carries, so a backend (or a person reading its traffic) can tell it from a user's request. */
export const MIRROR_HEADER = 'x-relsim-mirror';

/** The internal location a front's requests are mirrored to. */
export function mirrorUri(front: number): string {
  return `/relsim_mirror_${front}`;
}

/**
 * The internal location of front `front`: copies go to `upstream` when `selected` is "1".
 * No retry (nobody waits for a copy, and the model never retries one) and no time limit
 * beyond nginx's 60 s defaults (the model arms no timeout for a copy).
 */
export function renderMirrorLocation(front: number, upstream: string, selected: string, laneSrc: string, logPath: string): string[] {
  return [
    `    location = ${mirrorUri(front)} {`,
    '      internal;',
    '      log_subrequest on;',
    `      access_log ${logPath} relsim_mirror if=${selected};`,
    `      if (${selected} = "") { return 204; }`,
    `      proxy_pass http://${upstream}$request_uri;`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    `      proxy_set_header x-lane ${laneSrc};`,
    `      proxy_set_header ${MIRROR_HEADER} 1;`,
    '      proxy_next_upstream off;',
    '      proxy_connect_timeout 1s;',
    '    }',
  ];
}

/** The lines of the front's `location /` that start the copies. */
export function renderMirrorDirectives(front: number): string[] {
  return [`      mirror ${mirrorUri(front)};`, '      mirror_request_body on;'];
}

/**
 * One line of the copies' log as a copy, or null for a line that is not one (a partial
 * last line is left for the next read by the caller). A copy is ok when its backend
 * answered 2xx/3xx; any other status (a backend's 500, nginx's 502 for a refused or
 * missing endpoint, 504) is a failed copy.
 */
export function parseMirrorLine(line: string): MirroredCopy | null {
  const [msec, status, time, ...rest] = line.trim().split('|');
  const path = rest.join('|');
  const at = Number(msec) * 1000;
  if (!Number.isFinite(at) || status === undefined) return null;
  const code = Number(lastOf(status));
  const secs = Number(lastOf(time ?? '-'));
  return {
    at,
    hops: path !== '' && path !== '-' ? path.split('>') : [],
    ok: code >= 200 && code < 400,
    latencyMs: Number.isFinite(secs) ? secs * 1000 : 0,
  };
}

/** The last try of an nginx upstream list (`a, b` or `a : b`). */
function lastOf(v: string): string {
  const parts = v.split(/[,:]\s*/);
  return parts[parts.length - 1].trim();
}
