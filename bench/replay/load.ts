/**
 * Open-loop-ish load with autocannon 9 at the scenario's rate × speed, every request
 * tracked to exactly one outcome in a LoadRecorder.
 *
 * autocannon 9 caveats handled here (see shared/research/replay-probe.md):
 * - a request written into a connection the server is closing vanishes (no error, no
 *   timeout) and later responses on that client are matched to the wrong request. We keep
 *   our own FIFO per client, count whatever is still queued on reconnect as `reset`
 *   ("lost on server close", counted separately too), and honour `Connection: close` by
 *   reconnecting before the next request;
 * - like any HTTP client reusing keep-alive connections (RFC 9110 §9.2.2), an idempotent
 *   request lost or reset by the proxy before any response byte (every nginx reload closes
 *   client connections) is re-sent once on a new connection; only a second loss is a drop.
 *   Both are counted (`lostOnServerClose`, `resentAfterClose`);
 * - result totals are whole-run and inflated under overallRate: we count sends ourselves;
 * - timeout ≥ 2 s, because the timer runs while the rate limiter pauses a connection.
 */
import autocannon from 'autocannon';
import type { HeaderRule } from '../../scenarios/types.ts';
import { RandomStreams } from '../../sim/random.ts';
import { USER_HEADER, classifyTransportError } from './classify.ts';
import type { LoadRecorder, SentRequest } from './recorder.ts';

export interface LoadOptions {
  port: number;
  /** Real requests per second (scenario rate × speed). */
  rate: number;
  users: number;
  headers: HeaderRule[];
  seed: number;
  /** Exponential gaps (Poisson arrivals) rather than constant ones. */
  poisson: boolean;
  connections?: number;
}

export interface RunningLoad {
  /** Stops sending; requests still unanswered stay in flight in the recorder. */
  stop(): Promise<void>;
}

export function startLoad(opts: LoadOptions, rec: LoadRecorder): RunningLoad {
  const users = new RandomStreams(opts.seed).stream('replay/users');
  const gaps = new RandomStreams(opts.seed).stream('replay/arrivals');
  const rate = Math.max(1, Math.round(opts.rate));
  // Enough connections that each has ≥ 50 ms between sends: a slow hop chain must not
  // hold the offered rate down (each connection waits for its response).
  const connections = Math.min(rate, opts.connections ?? Math.max(4, Math.min(64, Math.ceil(rate / 20))));
  const pickHeaders = (): { user: number; headers: Record<string, string> } => {
    const user = 1 + Math.floor(users() * Math.max(1, opts.users));
    const headers: Record<string, string> = { [USER_HEADER]: String(user) };
    opts.headers.forEach((h, i) => { if (userDraw(user, i) < h.fraction) headers[h.name.toLowerCase()] = h.value; });
    return { user, headers };
  };

  const clients: AcClient[] = [];
  const instance = autocannon({
    url: `http://127.0.0.1:${opts.port}/`,
    connections,
    duration: 24 * 3600,
    timeout: 10,
    setupClient: (client: unknown) => {
      const k = clients.length;
      clients.push(client as AcClient);
      // Each connection is one arrival stream of rate/connections, phase-shifted so the
      // streams interleave; with exponential gaps their sum is Poisson at `rate`.
      const perConn = connections / rate * 1000;
      const gap = opts.poisson ? () => -perConn * Math.log(1 - gaps()) : () => perConn;
      trackClient(client as AcClient, rec, pickHeaders, gap, (k / connections) * perConn);
    },
  } as autocannon.Options);
  // The result callback/promise would print nothing; we read the recorder instead.
  (instance as unknown as { on(e: string, f: () => void): void }).on('error', () => undefined);

  return {
    stop: () => new Promise((resolve) => {
      (instance as unknown as { stop(): void }).stop();
      // autocannon only destroys its clients at its next sample tick (up to 1 s later);
      // until then they keep sending. Stop them now.
      for (const c of clients) c.destroy();
      setImmediate(resolve);
    }),
  };
}

// ---- per-client tracking --------------------------------------------------------------

/** The parts of autocannon's (untyped) Client we hook. */
interface AcClient {
  on(event: string, f: (...a: never[]) => void): void;
  requestIterator: { currentRequest: { headers?: Record<string, string> }; rebuildRequest(): void };
  pipelinedRequests: { clear(): void };
  _connect(): void;
  _doRequest(...a: unknown[]): void;
  _destroyConnection(): void;
  destroy(): void;
  destroyed: boolean;
}

function trackClient(client: AcClient, rec: LoadRecorder, pick: () => { user: number; headers: Record<string, string> },
  gap: () => number, offset: number): void {
  let nextAt = rec.now() + offset;
  let pacer: NodeJS.Timeout | null = null;
  const queue: SentRequest[] = [];
  const resend: SentRequest[] = [];
  const lostBeforeAnswer = (r: SentRequest, cause: 'reset'): void => {
    if (r.resent === 0) { r.resent++; rec.resentAfterClose++; resend.push(r); } else rec.drop(r, cause);
  };
  let headersOfHead: Record<string, string> = {};
  let statusOfHead = 0;
  let reconnectBeforeNext = false;
  let destroying = false;

  client.on('request', () => {
    const again = resend.shift();
    const { user, headers } = again ?? pick();
    const it = client.requestIterator;
    it.currentRequest.headers = headers;
    it.rebuildRequest();
    queue.push(again ?? rec.sent(user, headers));
  });
  client.on('headers', (info: { statusCode: number; headers: string[]; shouldKeepAlive: boolean }) => {
    statusOfHead = info.statusCode;
    headersOfHead = {};
    for (let i = 0; i + 1 < info.headers.length; i += 2) headersOfHead[info.headers[i].toLowerCase()] = info.headers[i + 1];
    if (info.shouldKeepAlive === false) reconnectBeforeNext = true;
  });
  client.on('response', (statusCode: number) => {
    const r = queue.shift();
    if (r) rec.response(r, statusCode || statusOfHead, headersOfHead);
  });
  client.on('connError', (err: Error) => {
    const r = queue.shift();
    if (!r) return;
    const cause = classifyTransportError(err);
    if (cause === 'reset') lostBeforeAnswer(r, cause); else rec.drop(r, cause);
  });
  client.on('timeout', () => {
    const r = queue.shift();
    if (r) rec.drop(r, 'timeout');
  });

  const connect = client._connect.bind(client);
  const doRequest = client._doRequest.bind(client);
  const destroyConnection = client._destroyConnection.bind(client);
  client._destroyConnection = () => { destroying = true; destroyConnection(); };
  client._connect = () => {
    reconnectBeforeNext = false;
    if (destroying) {
      // A timeout (its handler pops the request) or our own reconnect: nothing is lost here.
      destroying = false;
    } else {
      // The server ended the connection with requests outstanding: autocannon would lose
      // them silently and mismatch later responses.
      for (const r of queue.splice(0)) { rec.lostOnServerClose++; lostBeforeAnswer(r, 'reset'); }
      client.pipelinedRequests.clear();
    }
    connect();
  };
  client._doRequest = (...a: unknown[]) => {
    if (client.destroyed) return;
    // Our own pacing instead of autocannon's overallRate, which fires each connection's
    // whole quota at the start of its second.
    const wait = nextAt - rec.now();
    if (wait > 0.5) {
      if (!pacer) pacer = setTimeout(() => { pacer = null; client._doRequest(...a); }, wait);
      return;
    }
    // Behind schedule (a slow response): catch up, but not with more than 1 s of backlog.
    nextAt = Math.max(nextAt, rec.now() - 1000) + gap();
    if (reconnectBeforeNext) {
      reconnectBeforeNext = false;
      destroyConnection();
      destroying = false;
      client.pipelinedRequests.clear();
      connect();
      return;
    }
    doRequest(...a);
  };
}

/** A stable per-user draw in [0, 1) for header rule `i` (a header is decided per user). */
function userDraw(user: number, i: number): number {
  let h = (user * 2654435761 + (i + 1) * 40503) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
