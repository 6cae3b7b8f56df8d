/**
 * One HTTP/1.1 request with exactly the bytes given (UTF-8), over a plain socket to
 * 127.0.0.1. Node's http client validates and re-encodes header names and values (latin1),
 * which would hide what a proxy does with the raw strings a scenario can hold.
 */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawGet(port: number, path: string, headers: [string, string][], timeoutMs = 5000): Promise<RawResponse> {
  const head = [`GET ${path} HTTP/1.1`, 'host: 127.0.0.1', ...headers.map(([n, v]) => `${n}: ${v}`), 'connection: close', '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed client reads as an abort to nginx (499, no response).
    const sock = connect(port, '127.0.0.1', () => sock.write(Buffer.from(head, 'utf8')));
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', reject);
    sock.setTimeout(timeoutMs, () => { sock.destroy(); reject(new Error(`no response from 127.0.0.1:${port} within ${timeoutMs} ms`)); });
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, at < 0 ? text.length : at).split('\r\n');
      const out: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) out[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(lines[0]?.split(' ')[1] ?? 0), headers: out, body: at < 0 ? '' : decodeBody(text.slice(at + 4), out) });
    });
  });
}

/** The body, undoing chunked transfer coding (nginx and HAProxy pass a chunked backend reply through). */
function decodeBody(raw: string, headers: Record<string, string>): string {
  if (!/chunked/i.test(headers['transfer-encoding'] ?? '')) return raw;
  let out = '';
  let rest = Buffer.from(raw, 'utf8');
  for (;;) {
    const nl = rest.indexOf('\r\n');
    if (nl < 0) return out;
    const size = parseInt(rest.subarray(0, nl).toString(), 16);
    if (!(size > 0)) return out;
    out += rest.subarray(nl + 2, nl + 2 + size).toString('utf8');
    rest = rest.subarray(nl + 2 + size + 2);
  }
}
