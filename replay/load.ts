/**
 * Open-loop-ish load with autocannon 9 offering the scenario's arrivals × speed (constant,
 * Poisson, ramp or trace: see arrivals.ts), every request tracked to exactly one outcome in
 * a LoadSink (the LoadRecorder, or from the load thread: load-thread.ts). The scenario's
 * `nonIdempotent` fraction is sent as POST: proxies retry
 * one only when the connection to the upstream failed (never once sent), like the model,
 * and neither the backends nor this load generator ever re-send one.
 *
 * autocannon 9 caveats handled here (each measured while building the replay):
 * - a request written into a connection the server is closing vanishes (no error, no
 *   timeout) and later responses on that client are matched to the wrong request. We keep
 *   our own FIFO per client, count whatever is still queued on reconnect as `reset`
 *   ("lost on server close", counted separately too), and honour `Connection: close` by
 *   reconnecting before the next request;
 * - like any HTTP client reusing keep-alive connections (RFC 9110 §9.2.2), an idempotent
 *   request lost or reset by the proxy before any response byte (every nginx reload closes
 *   client connections) is re-sent once on a new connection; only a second loss is a drop
 *   (a POST is never re-sent: losing it is the drop).
 *   Both are counted (`lostOnServerClose`, `resentAfterClose`);
 * - result totals are whole-run and inflated under overallRate: we pace and count sends
 *   ourselves;
 * - autocannon's 10 s timeout timer also runs while our pacer keeps a connection idle; an
 *   idle timeout only reconnects (nothing is queued, so nothing is counted).
 *
 * Each request carries what the simulator gives its user (sim/model/traffic.ts `Users`): the user
 * id, and the user's attributes, which the model keeps in one set that header, cookie and
 * query rules all read. So each attribute goes out three ways, as a header, a cookie and a
 * query parameter, and a lane or A/B rule of any kind matches the same users as in the model.
 * An attribute named `cookie` is the user's Cookie header: its pairs go out as cookies of
 * their own (the model's cookie rules read them there too), before the other attributes'.
 */
import autocannon from 'autocannon';
import { COOKIE_HEADER, cookiePairs } from '../scenarios/matching.ts';
import type { TrafficSpec } from '../scenarios/types.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { Users, type CompiledMatch } from '../sim/model/traffic.ts';
import { connectionSchedules, peakRate, type ConnectionSchedule } from './arrivals.ts';
import { REQUEST_ID_HEADER, USER_HEADER, classifyTransportError } from './classify.ts';
import { AFFINITY_COOKIE } from './proxy.ts';
import type { DropCause } from '../sim/result/run-result.ts';
import type { SentRequest } from './recorder.ts';

export interface LoadOptions {
  port: number;
  /** The scenario's traffic: arrival process, users, headers, non-idempotent share. */
  traffic: TrafficSpec;
  /** Time scale: real rate = scenario rate × speed. */
  speed: number;
  seed: number;
  connections?: number;
  /**
   * Session affinity at the entry (scenario ms): each user keeps the canary's cookie for
   * this long (÷ speed in real time) once a response sets it, and sends it meanwhile.
   */
  affinityMaxAgeMs?: number;
}

/**
 * Where the load generator reports: the LoadRecorder itself (same thread), or the load
 * thread's sink that posts each event, stamped, to the recorder (load-thread.ts).
 */
export interface LoadSink {
  /** Real ms since the recorder's start. */
  now(): number;
  sent(user: number, headers: Record<string, string>, method: 'GET' | 'POST', path: string): SentRequest;
  response(r: SentRequest, status: number, headers: Record<string, string>): void;
  drop(r: SentRequest, cause: DropCause): void;
  lostOnServerClose: number;
  resentAfterClose: number;
  outOfOrderResponses: number;
}

export interface RunningLoad {
  /** Stops sending; requests still unanswered stay in flight in the recorder. */
  stop(): Promise<void>;
}

/** One attribute a user carries (names lower case, as the model compares them). */
export interface UserAttribute { name: string; value: string }

/** What goes on the wire for a user: the headers (cookies included) and the request path. */
export interface UserRequest { headers: Record<string, string>; path: string }

/**
 * The attributes each user carries, by the simulator's own rule (sim/model/traffic.ts `Users`):
 * a user's value of a name is that of the first rule of that name it carries, each rule
 * carried by a stable per-user hash with the rule's fraction. Rules named x-user-id are
 * skipped: the model reads an x-user-id condition as the user id itself.
 */
export function userAttributes(traffic: TrafficSpec): (user: number) => UserAttribute[] {
  const users = new Users(traffic);
  // Per name, its rules in order, each compiled as "the user's value of `name` is `value`".
  const byName = new Map<string, { value: string; match: CompiledMatch }[]>();
  for (const h of traffic.headers) {
    const name = h.name.toLowerCase();
    if (name === USER_HEADER) continue;
    const list = byName.get(name) ?? [];
    list.push({ value: h.value, match: users.compile({ header: { name, value: h.value } }, 0) });
    byName.set(name, list);
  }
  return (user) => {
    const out: UserAttribute[] = [];
    for (const [name, rules] of byName) {
      const carried = rules.find((r) => users.test(user, r.match));
      if (carried) out.push({ name, value: carried.value });
    }
    return out;
  };
}

/** A user's request: the user id header, each attribute as a header, a cookie and a query parameter. */
export function userRequest(user: number, attributes: UserAttribute[]): UserRequest {
  const headers: Record<string, string> = { [USER_HEADER]: String(user) };
  for (const a of attributes) headers[a.name] = a.value;
  if (attributes.length === 0) return { headers, path: '/' };
  // Names lower case and both sides URL-encoded, as the proxies' rules expect them (the
  // nginx and HAProxy configs match `name=value` as sent).
  const pair = (name: string, value: string): string => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  const pairs = attributes.map((a) => pair(a.name, a.value));
  const own = attributes.find((a) => a.name === COOKIE_HEADER);
  const cookies = [...(own ? cookiePairs(own.value).map(([n, v]) => pair(n, v)) : []), ...attributes.filter((a) => a !== own).map((a) => pair(a.name, a.value))];
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  else delete headers.cookie;
  return { headers, path: `/?${pairs.join('&')}` };
}

export function startLoad(opts: LoadOptions, rec: LoadSink): RunningLoad {
  const streams = new RandomStreams(opts.seed);
  const users = streams.stream('replay/users');
  const methods = streams.stream('replay/methods');
  const { traffic, speed } = opts;
  const rate = Math.max(1, Math.round(peakRate(traffic) * speed));
  // Enough connections that each has ≥ 50 ms between sends at the peak rate: a slow hop
  // chain must not hold the offered rate down (each connection waits for its response).
  const connections = Math.min(rate, opts.connections ?? Math.max(4, Math.min(64, Math.ceil(rate / 20))));
  const schedules = connectionSchedules(traffic, speed, connections, streams.stream('replay/arrivals'));
  const attributesOf = userAttributes(traffic);
  // The path is a function of the user: a re-sent request gets it again from its user.
  const requestOf = (user: number): UserRequest => userRequest(user, attributesOf(user));
  const jar = opts.affinityMaxAgeMs ? new AffinityJar(opts.affinityMaxAgeMs / speed, () => rec.now()) : null;
  const pick = (): Pick => {
    const user = 1 + Math.floor(users() * Math.max(1, traffic.users));
    const { headers, path } = requestOf(user);
    if (jar?.holds(user)) headers.cookie = headers.cookie ? `${headers.cookie}; ${AFFINITY_COOKIE}=1` : `${AFFINITY_COOKIE}=1`;
    const method = traffic.nonIdempotent > 0 && methods() < traffic.nonIdempotent ? 'POST' : 'GET';
    if (method === 'POST') headers['content-length'] = '0'; // an empty body, said explicitly
    return { user, headers, method, path };
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
      trackClient(client as AcClient, rec, pick, schedules[k % schedules.length], jar);
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
  requestIterator: { currentRequest: { headers?: Record<string, string>; method?: string; path?: string }; rebuildRequest(): void };
  pipelinedRequests: { clear(): void };
  conn?: import('node:net').Socket;
  /** http-parser-js, shared by every connection the client opens. */
  parser: { initialize(type: 'RESPONSE'): void };
  _connect(): void;
  _doRequest(...a: unknown[]): void;
  _destroyConnection(): void;
  destroy(): void;
  destroyed: boolean;
}

interface Pick { user: number; headers: Record<string, string>; method: 'GET' | 'POST'; path: string }

/**
 * Each user's sticky-canary cookie, as a browser keeps it: set by a response, sent until it
 * expires (the scenario's maxAge in real time). Only the proxy decides who gets one.
 */
class AffinityJar {
  private readonly until = new Map<number, number>();
  constructor(private readonly maxAgeRealMs: number, private readonly now: () => number) {}
  holds(user: number): boolean { return (this.until.get(user) ?? -Infinity) > this.now(); }
  set(user: number): void { this.until.set(user, this.now() + this.maxAgeRealMs); }
}

function trackClient(client: AcClient, rec: LoadSink, pick: () => Pick, schedule: ConnectionSchedule, jar: AffinityJar | null): void {
  let nextAt = schedule.first();
  let pacer: NodeJS.Timeout | null = null;
  const queue: SentRequest[] = [];
  const resend: SentRequest[] = [];
  const lostBeforeAnswer = (r: SentRequest, cause: 'reset'): void => {
    if (r.resent === 0 && r.method === 'GET') { r.resent++; rec.resentAfterClose++; resend.push(r); } else rec.drop(r, cause);
  };
  let headersOfHead: Record<string, string> = {};
  let statusOfHead = 0;
  let reconnectBeforeNext = false;
  let destroying = false;

  client.on('request', () => {
    let r = resend.shift();
    if (!r) { const { user, headers, method, path } = pick(); r = rec.sent(user, headers, method, path); }
    const it = client.requestIterator;
    it.currentRequest.headers = { ...r.headers, [REQUEST_ID_HEADER]: String(r.id) };
    it.currentRequest.method = r.method;
    it.currentRequest.path = r.path; // set every time: autocannon reuses the object
    it.rebuildRequest();
    queue.push(r);
  });
  client.on('headers', (info: { statusCode: number; headers: string[]; shouldKeepAlive: boolean }) => {
    statusOfHead = info.statusCode;
    headersOfHead = {};
    for (let i = 0; i + 1 < info.headers.length; i += 2) headersOfHead[info.headers[i].toLowerCase()] = info.headers[i + 1];
    if (info.shouldKeepAlive === false) reconnectBeforeNext = true;
  });
  client.on('response', (statusCode: number) => {
    const r = answered(headersOfHead[REQUEST_ID_HEADER]);
    if (r && jar && headersOfHead['set-cookie']?.startsWith(`${AFFINITY_COOKIE}=`)) jar.set(r.user);
    if (r) rec.response(r, statusCode || statusOfHead, headersOfHead);
  });
  // The request a response answers: by the id the entry backend echoes, else (the proxy
  // answered itself) the oldest outstanding one, as HTTP/1.1 orders responses.
  const answered = (id: string | undefined): SentRequest | undefined => {
    if (id === undefined) return queue.shift();
    const i = queue.findIndex((q) => String(q.id) === id);
    if (i !== 0) rec.outOfOrderResponses++;
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };
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
    detachOldConnection();
    connect();
  };
  // autocannon reconnects from both 'end' and 'error' of a connection, and a server that
  // closes while a request is being written fires both: the second call would open a
  // second live connection feeding the same parser and count the request just sent on the
  // first as lost. Once replaced, the old socket says nothing more.
  // autocannon also keeps one parser across connections: a response cut off mid-way (a
  // reload, a timeout) would swallow the next connection's first response as its rest,
  // and every later response would answer the request before it. Start it afresh.
  const detachOldConnection = (): void => {
    client.parser.initialize('RESPONSE');
    const old = client.conn;
    if (!old) return;
    for (const e of ['end', 'error', 'data']) old.removeAllListeners(e);
    old.on('error', () => undefined);
    old.destroy();
  };
  client._doRequest = (...a: unknown[]) => {
    if (client.destroyed) return;
    if (resend.length > 0) {
      // A re-send repeats an arrival already scheduled (and counted as offered): it goes
      // out at once and neither waits for nor uses up a slot of this connection's schedule.
      if (pacer) { clearTimeout(pacer); pacer = null; }
    } else {
      // Our own pacing instead of autocannon's overallRate, which fires each connection's
      // whole quota at the start of its second.
      if (nextAt === Infinity) return; // this connection's share of the arrivals is over
      const wait = nextAt - rec.now();
      if (wait > 0.5) {
        if (!pacer) pacer = setTimeout(() => { pacer = null; client._doRequest(...a); }, wait);
        return;
      }
      // Behind schedule (a slow response): catch up, but not with more than 1 s of backlog.
      nextAt = schedule.next(Math.max(nextAt, rec.now() - 1000));
    }
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
