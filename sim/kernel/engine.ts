/**
 * The simulation environment: a virtual clock in milliseconds (float) and one event heap.
 *
 *   const env = new Engine();
 *   const ARRIVE = env.register((a, b) => { ... });   // hot path: integer kinds, no closures per event
 *   env.schedule(5, ARRIVE, customerId, 0);
 *   env.process(function* () { yield sleep(1000); yield until(() => done); });  // control path
 *   env.run({ until: 60_000 });
 *
 * Handlers are registered once and receive two integer payloads, so scheduling a request
 * event allocates nothing. Generator processes are for cold control logic (strategies,
 * lifecycle scripts); they cost a generator resume per step and that is fine there.
 */
import { EventHeap } from './event-heap.ts';

export type Handler = (a: number, b: number) => void;

/** What a process may yield. Build them with `sleep`, `until`, `waitSignal`. */
export type Wait =
  | { readonly wait: 'sleep'; readonly ms: number }
  | { readonly wait: 'until'; readonly cond: () => boolean }
  | { readonly wait: 'signal'; readonly name: string };

export type Process = Generator<Wait, unknown, unknown>;

export const sleep = (ms: number): Wait => ({ wait: 'sleep', ms });
/** Resumes when `cond()` is true; re-checked whenever someone calls `env.notify()`. */
export const until = (cond: () => boolean): Wait => ({ wait: 'until', cond });
/** Resumes with the value passed to `env.signal(name, value)`. */
export const waitSignal = (name: string): Wait => ({ wait: 'signal', name });

export class EventCapError extends Error {
  constructor(readonly cap: number, readonly at: number) {
    super(`simulation exceeded its event cap of ${cap} events at t=${(at / 1000).toFixed(3)}s; ` +
      'raise limits.maxEvents or shorten the scenario');
    // Named, so a worker thread's error message can say which error it was.
    this.name = 'EventCapError';
  }
}

export interface RunOptions {
  /** Stop before the first event later than this time (ms); the clock is set to it. */
  until?: number;
  /** Called every `progressEvery` events with the current time (for progress bars). */
  onProgress?: (now: number) => void;
  progressEvery?: number;
}

const KIND_PROCESS = 0;
/** The kind a cancelled entry is given in place: skipped when popped, never dispatched. */
const KIND_CANCELLED = -1;

export class Engine {
  now = 0;
  /** Events dispatched so far. */
  dispatched = 0;
  /** Hard cap on dispatched events; exceeding it throws EventCapError. */
  maxEvents: number;
  /** Cancelled events still in the heap (each leaves when its time comes, undispatched). */
  cancelledPending = 0;

  private readonly heap: EventHeap;
  private seq = 0;
  private readonly handlers: Handler[] = [];
  private readonly procs: (Process | null)[] = [];
  private readonly freeProcs: number[] = [];
  private readonly waiting: { pid: number; cond: () => boolean }[] = [];
  private readonly signalWaiters = new Map<string, number[]>();
  private readonly procResult: unknown[] = [];
  private stopped = false;

  constructor(opts: { maxEvents?: number; capacity?: number } = {}) {
    this.maxEvents = opts.maxEvents ?? 2e9;
    this.heap = new EventHeap(opts.capacity ?? 4096);
    this.handlers[KIND_PROCESS] = (pid) => this.resume(pid);
  }

  /** Registers a handler and returns its integer kind. */
  register(handler: Handler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Schedules `kind(a, b)` after `delay` ms. Returns a handle usable with `cancel`. */
  schedule(delay: number, kind: number, a = 0, b = 0): number {
    const s = this.seq++;
    this.heap.push(this.now + delay, s, kind, a, b);
    return s;
  }

  /** Schedules at an absolute time (≥ now). */
  scheduleAt(time: number, kind: number, a = 0, b = 0): number {
    const s = this.seq++;
    this.heap.push(time < this.now ? this.now : time, s, kind, a, b);
    return s;
  }

  /**
   * Cancels a scheduled event (lazily: it stays in the heap and is skipped when popped).
   * Returns false, and remembers nothing, when the event already ran, was already
   * cancelled or never existed. Scans the heap: cold path only.
   */
  cancel(handle: number): boolean {
    const i = this.heap.indexOf(handle);
    if (i < 0 || this.heap.kindAt(i) === KIND_CANCELLED) return false;
    this.heap.setKindAt(i, KIND_CANCELLED);
    this.cancelledPending++;
    return true;
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Starts a generator process now (it runs on the next dispatch at the current time). */
  process(gen: Process): number {
    const pid = this.freeProcs.length > 0 ? this.freeProcs.pop()! : this.procs.length;
    this.procs[pid] = gen;
    this.schedule(0, KIND_PROCESS, pid, 0);
    return pid;
  }

  /** Re-checks every `until` condition. Call after a state change processes may wait on. */
  notify(): void {
    if (this.waiting.length === 0) return;
    const ready = this.waiting.filter((w) => w.cond());
    if (ready.length === 0) return;
    for (const w of ready) this.waiting.splice(this.waiting.indexOf(w), 1);
    for (const w of ready) this.schedule(0, KIND_PROCESS, w.pid, 0);
  }

  /** Wakes every process waiting on `name`, handing it `value`. */
  signal(name: string, value?: unknown): void {
    const pids = this.signalWaiters.get(name);
    if (!pids) return;
    this.signalWaiters.delete(name);
    for (const pid of pids) {
      this.procResult[pid] = value;
      this.schedule(0, KIND_PROCESS, pid, 1);
    }
  }

  /** Stops `run` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  run(opts: RunOptions = {}): void {
    const until = opts.until ?? Infinity;
    const heap = this.heap;
    const handlers = this.handlers;
    const every = opts.progressEvery ?? 1_000_000;
    let nextProgress = this.dispatched + every;
    this.stopped = false;
    while (heap.size > 0 && !this.stopped) {
      if (heap.peekTime() > until) break;
      heap.pop();
      if (heap.topKind === KIND_CANCELLED) {
        this.cancelledPending--;
        continue;
      }
      this.now = heap.topTime;
      if (++this.dispatched > this.maxEvents) throw new EventCapError(this.maxEvents, this.now);
      handlers[heap.topKind](heap.topA, heap.topB);
      if (this.dispatched >= nextProgress && opts.onProgress) {
        nextProgress += every;
        opts.onProgress(this.now);
      }
    }
    if (until !== Infinity && this.now < until && !this.stopped) this.now = until;
  }

  private resume(pid: number): void {
    const gen = this.procs[pid];
    if (!gen) return;
    const value = this.procResult[pid];
    this.procResult[pid] = undefined;
    const step = gen.next(value);
    if (step.done) {
      this.procs[pid] = null;
      this.freeProcs.push(pid);
      return;
    }
    const w = step.value;
    switch (w.wait) {
      case 'sleep':
        this.schedule(w.ms > 0 ? w.ms : 0, KIND_PROCESS, pid, 0);
        break;
      case 'until':
        if (w.cond()) this.schedule(0, KIND_PROCESS, pid, 0);
        else this.waiting.push({ pid, cond: w.cond });
        break;
      case 'signal': {
        const list = this.signalWaiters.get(w.name);
        if (list) list.push(pid);
        else this.signalWaiters.set(w.name, [pid]);
        break;
      }
    }
  }
}
