/**
 * The load generator on its own thread. In the harness's thread, spawning a backend (a
 * synchronous fork and exec) and reloading the proxy stall the event loop for tens of
 * milliseconds, exactly when an instance is replaced: a load generator sharing that loop
 * sent nothing then, and at speed 8 an abrupt kill's refusal window (50–90 ms real) was
 * half empty (nginx-kill-compare on HAProxy: 56 refused against the simulator's 111). On
 * its own thread it keeps the schedule; each event carries its own time stamp, so the
 * recorder places it where it happened even when it reads it late.
 *
 *   const load = await openLoadThread(opts, rec);  // the thread is up (tsx alone takes ~0.5 s)
 *   rec.restart(); load.start();                    // time zero, then the first request
 *   …  if (load.failure) throw load.failure;
 *   await load.stop();                              // every event posted before is recorded
 */
import { Worker } from 'node:worker_threads';
import { compiledModule } from './supervision/node-entry.ts';
import type { DropCause } from '../sim/result/run-result.ts';
import type { LoadOptions, LoadSink, RunningLoad } from './load.ts';
import type { LoadRecorder, SentRequest } from './recorder.ts';

export interface LoadThread extends RunningLoad {
  /** Starts sending, on the recorder's clock as it is now. */
  start(): void;
  /** Set when the load thread failed; the replay stops with it. */
  readonly failure: Error | null;
}

/** What the load thread is given; it answers 'ready', then waits for `{ start: origin }`. */
export interface LoadThreadInput { opts: LoadOptions }

/** Events, in the order they happened; times are real ms since the recorder's start. */
export type LoadEvent =
  | { e: 'sent'; id: number; at: number; user: number; headers: Record<string, string>; method: 'GET' | 'POST'; path: string }
  | { e: 'response'; id: number; at: number; status: number; headers: Record<string, string> }
  | { e: 'drop'; id: number; cause: DropCause };

export type LoadMessage =
  | { events: LoadEvent[] }
  | { ready: true }
  | { stopped: true; lostOnServerClose: number; resentAfterClose: number; outOfOrderResponses: number }
  | { error: string };

/** How long stop() waits for the thread's last events before it gives up on them. */
const STOP_TIMEOUT_MS = 3_000;

/** Starts the load thread and resolves once it is ready to send (or rejects if it could not start). */
export function openLoadThread(opts: LoadOptions, rec: LoadRecorder): Promise<LoadThread> {
  // The compiled entry when there is a current build (it starts in a tenth of the time);
  // from source, the .mjs registers tsx first.
  const url = compiledModule('./load-worker.ts', import.meta.url) ?? new URL('./load-worker.mjs', import.meta.url);
  const input: LoadThreadInput = { opts };
  const worker = new Worker(url, { workerData: input });
  const requests = new Map<number, SentRequest>();
  let failure: Error | null = null;
  let stopped: (() => void) | null = null;
  let exited = false;

  const thread: LoadThread = {
    get failure() { return failure; },
    start: () => worker.postMessage({ start: rec.origin }),
    stop: async () => {
      if (exited) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        stopped = () => { clearTimeout(timer); resolve(); };
        worker.postMessage('stop');
      });
      stopped = null;
      await worker.terminate();
    },
  };
  return new Promise((resolve, reject) => {
    worker.on('message', (m: LoadMessage) => {
      if ('events' in m) {
        for (const ev of m.events) apply(rec, requests, ev);
      } else if ('ready' in m) {
        resolve(thread);
      } else if ('stopped' in m) {
        rec.lostOnServerClose += m.lostOnServerClose;
        rec.resentAfterClose += m.resentAfterClose;
        rec.outOfOrderResponses += m.outOfOrderResponses;
        stopped?.();
      } else {
        failure ??= new Error(`load generator: ${m.error}`);
        reject(failure);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => { failure ??= e; reject(e); stopped?.(); });
    worker.on('exit', () => { exited = true; reject(failure ?? new Error('load generator: its thread exited before it was ready')); stopped?.(); });
  });
}

function apply(rec: LoadRecorder, requests: Map<number, SentRequest>, ev: LoadEvent): void {
  if (ev.e === 'sent') {
    requests.set(ev.id, rec.sent(ev.user, ev.headers, ev.method, ev.path, ev.at));
    return;
  }
  const r = requests.get(ev.id);
  if (!r) return;
  if (ev.e === 'response') rec.response(r, ev.status, ev.headers, ev.at);
  else rec.drop(r, ev.cause);
  if (r.done) requests.delete(ev.id);
}

/**
 * The load thread's sink: keeps its own request records (the generator reads their
 * `resent` and `method`) and posts every event, stamped, in batches of one turn of its loop.
 */
export class PostingSink implements LoadSink {
  lostOnServerClose = 0;
  resentAfterClose = 0;
  outOfOrderResponses = 0;
  private nextId = 0;
  private batch: LoadEvent[] = [];

  private origin = performance.timeOrigin + performance.now();

  constructor(private readonly post: (m: LoadMessage) => void) {}

  /** Time zero: the recorder's, as `origin` (LoadRecorder.origin). */
  setOrigin(origin: number): void {
    this.origin = origin;
  }

  now(): number {
    return performance.timeOrigin + performance.now() - this.origin;
  }

  sent(user: number, headers: Record<string, string>, method: 'GET' | 'POST', path: string): SentRequest {
    const r: SentRequest = { sentAt: this.now(), user, headers, path, method, done: false, resent: 0, id: this.nextId++ };
    this.push({ e: 'sent', id: r.id, at: r.sentAt, user, headers, method, path });
    return r;
  }

  response(r: SentRequest, status: number, headers: Record<string, string>): void {
    if (r.done) return;
    r.done = true;
    this.push({ e: 'response', id: r.id, at: this.now(), status, headers });
  }

  drop(r: SentRequest, cause: DropCause): void {
    if (r.done) return;
    r.done = true;
    this.push({ e: 'drop', id: r.id, cause });
  }

  /** Posts what is batched now (before the 'stopped' message). */
  flush(): void {
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.post({ events });
  }

  private push(ev: LoadEvent): void {
    if (this.batch.length === 0) setImmediate(() => this.flush());
    this.batch.push(ev);
  }
}
