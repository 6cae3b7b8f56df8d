/**
 * One modelled instance as a real HTTP server on 127.0.0.1 (run as a child process:
 * `node --import tsx replay/backend.ts '<BackendConfig JSON>'`).
 *
 * Per request: queue for a concurrency slot (bounded queue ⇒ 503 queue-full), local work
 * = sampled service time × latency factor × cold-start factor decaying with uptime, an
 * injected 500 at the version's error rate, then the downstream calls in order through the
 * proxy, copying the lane tag when the service propagates it. The response reports the hop
 * (`x-relsim-path: a:v2>b:v1>c:v2`), the instance, and the lane tag it received.
 * SIGTERM: graceful = stop accepting, finish in-flight, exit, with keep-alive connections
 * treated as `keepAlive.onShutdown` says; abrupt = exit at once.
 * A failing version (`crashAfterMs`) exits on its own that long after it starts listening,
 * abruptly: whatever is in flight and every connection die with the process, as a crash
 * does; the platform restarts it as the kubelet would (replay-platform.ts).
 */
import http from 'node:http';
import net, { type Socket } from 'node:net';
import type { DropCause } from '../sim/result/run-result.ts';
import { makeSampler } from '../sim/kernel/distributions.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { CRASH_DISARM_SIGNAL, CRASH_EXIT_CODE, READY_PREFIX, type BackendConfig } from './backend-config.ts';
import { coldFactor } from '../sim/rules/cold-start.ts';
import { DROP_HEADER, LANE_ECHO_HEADER, LANE_HEADER, PATH_HEADER, REQUEST_ID_HEADER, USER_HEADER, classifyResponse, classifyTransportError } from './classify.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as BackendConfig;
const streams = new RandomStreams(cfg.seed);
const serviceTime = makeSampler(cfg.serviceTime, streams.stream(`replay/${cfg.instanceId}/service-time`));
const errorDraw = streams.stream(`replay/${cfg.instanceId}/errors`);
const hop = `${cfg.service}:${cfg.version}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

let startedAt = 0;
let active = 0;
/** Requests that started local work so far (warm-up by requests served). */
let requestsStarted = 0;
const waiting: (() => void)[] = [];
let shuttingDown = false;
let inFlight = 0;

const server = http.createServer((req, res) => {
  if (req.url === '/__health') { res.end('ok'); return; }
  inFlight++;
  busy.set(req.socket, (busy.get(req.socket) ?? 0) + 1);
  res.on('close', () => {
    inFlight--;
    const n = (busy.get(req.socket) ?? 1) - 1;
    if (n > 0) busy.set(req.socket, n); else busy.delete(req.socket);
    maybeExit();
  });
  void handle(req, res);
});
// The scenario's keepAlive.timeout when callers pool connections (0 = never: Node's 0
// disables the timeout), else a default longer than any run's idle gaps.
server.keepAliveTimeout = cfg.keepAlive ? cfg.keepAlive.timeout / cfg.speed : 30_000;
const onShutdown = cfg.keepAlive?.onShutdown ?? 'close-idle';

// The listener is separate from the HTTP server so SIGTERM can stop new connections
// without touching open ones (Node 19+'s server.close() also closes idle connections,
// which is only one of the keepAlive.onShutdown behaviours).
const sockets = new Set<Socket>();
/** Requests being answered per connection (a connection without an entry is idle). */
const busy = new Map<Socket, number>();
const listener = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => { sockets.delete(socket); busy.delete(socket); maybeExit(); });
  server.emit('connection', socket);
});

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  req.resume();
  if (active >= cfg.concurrency && waiting.length >= cfg.queue) return reply(res, 503, hop, 'queue-full', req);
  if (active >= cfg.concurrency) await new Promise<void>((r) => waiting.push(r));
  active++;
  try {
    await wait(localWorkMs());
    if (errorDraw() < cfg.errorRate) return reply(res, 500, hop, 'error', req);
    let path = hop;
    for (const call of cfg.calls) {
      const r = await callDownstream(call, req);
      path += r.path ? `>${r.path}` : `>${call.service}:?`;
      if (r.cause) return reply(res, 500, path, r.cause, req);
    }
    reply(res, 200, path, null, req);
  } finally {
    active--;
    waiting.shift()?.();
  }
}

function localWorkMs(): number {
  const uptime = (performance.now() - startedAt) * cfg.speed;
  // The same rule the simulator applies per service start (requests counted as they start).
  const cold = coldFactor(cfg.coldStart, uptime, requestsStarted++);
  return (serviceTime.sample() * cfg.latencyFactor * cold) / cfg.speed;
}

function reply(res: http.ServerResponse, status: number, path: string, cause: DropCause | null, req: http.IncomingMessage): void {
  if (res.headersSent || res.destroyed) return;
  const lane = req.headers[LANE_HEADER];
  const headers: Record<string, string> = {
    [PATH_HEADER]: path,
    'x-relsim-instance': cfg.instanceId,
    'content-type': 'application/json',
  };
  if (typeof lane === 'string') headers[LANE_ECHO_HEADER] = lane;
  const id = req.headers[REQUEST_ID_HEADER];
  if (typeof id === 'string') headers[REQUEST_ID_HEADER] = id;
  if (cause) headers[DROP_HEADER] = cause;
  if (shuttingDown && onShutdown !== 'none') headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ service: cfg.service, version: cfg.version, instance: cfg.instanceId, path, cause }));
}

interface CallResult { path: string; cause: DropCause | null }

function callDownstream(call: BackendConfig['calls'][number], inbound: http.IncomingMessage, retried = false): Promise<CallResult> {
  const headers: Record<string, string> = {};
  const user = inbound.headers[USER_HEADER];
  if (typeof user === 'string') headers[USER_HEADER] = user;
  const lane = inbound.headers[LANE_HEADER];
  if (cfg.propagatesLane && typeof lane === 'string') headers[LANE_HEADER] = lane;
  return new Promise((resolve) => {
    // The re-send takes a fresh connection: the pool's other idle sockets were opened to the
    // same old proxy worker and are being closed with it.
    // A request keeps its method on every hop (a POST stays non-idempotent downstream).
    const method = inbound.method === 'POST' ? 'POST' : 'GET';
    const req = http.request({ host: '127.0.0.1', port: call.port, path: '/', method, headers, agent: retried ? false : agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const path = res.headers[PATH_HEADER];
        resolve({ path: typeof path === 'string' ? path : '', cause: classifyResponse(res.statusCode ?? 0, res.headers) });
      });
      res.on('error', (e) => resolve({ path: '', cause: classifyTransportError(e) }));
    });
    if (call.timeoutMs > 0) {
      req.setTimeout(call.timeoutMs / cfg.speed, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    }
    req.on('error', (e) => {
      // The Node docs' pattern: a keep-alive socket the proxy closed (every nginx reload
      // does) fails the next request on it; re-send once on a fresh socket, as the load
      // generator does at the entry, unless it is a POST (it may have been acted on).
      const code = (e as NodeJS.ErrnoException).code;
      if (!retried && method === 'GET' && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
        resolve(callDownstream(call, inbound, true));
        return;
      }
      resolve({ path: '', cause: classifyTransportError(e) });
    });
    req.end();
  });
}

function wait(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/**
 * A draining server exits once nothing is in flight; unless it closed its idle connections
 * at SIGTERM, also only once callers have closed theirs (Node's server.close() waits for
 * every connection), as the simulator's rule (sim/model/lifecycle.ts drained).
 */
function maybeExit(): void {
  if (shuttingDown && inFlight === 0 && (onShutdown === 'close-idle' || sockets.size === 0)) process.exit(0);
}

/** The crash due `crashAfterMs` after listening; cleared once the pod is being deleted. */
let crashTimer: NodeJS.Timeout | null = null;
function disarmCrash(): void {
  if (crashTimer) clearTimeout(crashTimer);
  crashTimer = null;
}
// Installed before listening, so the platform's signal never meets Node's default (exit).
process.on(CRASH_DISARM_SIGNAL, disarmCrash);

process.on('SIGTERM', () => {
  disarmCrash();
  if (cfg.shutdown === 'abrupt') process.exit(0);
  shuttingDown = true;
  listener.close();
  if (onShutdown === 'close-idle') for (const socket of sockets) if (!busy.has(socket)) socket.end();
  maybeExit();
});

// Never outlive the harness: a parent killed with SIGKILL cannot clean up after itself.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();

setTimeout(() => {
  listener.listen(0, '127.0.0.1', () => {
    startedAt = performance.now();
    const addr = listener.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    process.stdout.write(`${READY_PREFIX}${port}\n`);
    // The crash: the process ends here and now, and the kernel closes its sockets under
    // the requests in flight (callers see them reset) and refuses new connections.
    if (cfg.crashAfterMs != null) crashTimer = setTimeout(() => process.exit(CRASH_EXIT_CODE), Math.max(0, cfg.crashAfterMs / cfg.speed));
  });
// The scenario's start-up runs from pod creation, i.e. from this process's spawn (where
// performance.now() starts): Node and tsx take ~0.7-1.2 s of it already, so only the rest
// is waited. A start-up shorter than the spawn cannot be replayed; it takes the spawn time.
}, Math.max(0, cfg.startupMs / cfg.speed - performance.now()));
