/**
 * Instances (pods), structure-of-arrays. Ids are never reused, so a stale reference in a
 * caller's view always points at the instance it meant (which may be gone).
 *
 * Lifecycle: STARTING (image pull + init) → UP (listening, readiness not yet passed) →
 * READY (probe passed; registered after the registration delay) → TERMINATING (preStop,
 * still serving) → DRAINING (SIGTERM, graceful: listener closed, finishing in-flight) → GONE.
 */
import { grown } from '../kernel/typed-arrays.ts';

export const ST_STARTING = 0, ST_UP = 1, ST_READY = 2, ST_TERMINATING = 3, ST_DRAINING = 4, ST_GONE = 5;
/** Timeline groups of states, in RunResult series names. */
export const STATE_GROUPS = ['starting', 'ready', 'terminating'] as const;
export function stateGroup(st: number): number {
  return st <= ST_UP ? 0 : st === ST_READY ? 1 : st <= ST_DRAINING ? 2 : -1;
}

export class InstanceStore {
  n = 0;
  capacity: number;
  svc: Int32Array;
  ver: Int32Array;
  gv: Int32Array;
  state: Uint8Array;
  accepting: Uint8Array;
  registered: Uint8Array;
  down: Uint8Array;
  /** When the pod was created, then when its container last (re)started: readiness probes tick from it. */
  created: Float64Array;
  /** When the app came up (uptime clock for cold start and warmup). */
  upAt: Float64Array;
  /** Requests that started service on the instance (warm-up by requests served). */
  started: Float64Array;
  readyAt: Float64Array;
  /** When it left the registry (or was marked down); Infinity while listed. */
  deregAt: Float64Array;
  /** When it closed its idle keep-alive connections (SIGTERM with keepAlive.onShutdown close-idle); Infinity before. */
  idleClosedAt: Float64Array;
  /** When its responses began closing their connections (SIGTERM unless onShutdown none; HTTP/2: GOAWAY); Infinity before. */
  goawayAt: Float64Array;
  /** When the process exited (every connection to it died); Infinity while it runs. */
  exitAt: Float64Array;
  /** When the process last crashed (connections opened before it died then); Infinity if never. */
  crashAt: Float64Array;
  /** Container restarts after crashes (the kubelet's restartCount); also each run's generation. */
  restarts: Int32Array;
  /** Restarts in the current back-off sequence (rules/crash-loop.ts). */
  backoffStep: Int32Array;
  busy: Int32Array;
  /** busy + queued: what least-request balancers compare. */
  load: Int32Array;
  qHead: Int32Array;
  qLen: Int32Array;
  queues: Int32Array[] = [];
  /** First view id of this instance's outgoing calls (one view per downstream). */
  viewBase: Int32Array;
  /**
   * A hash of the instance's stable name (`<service>#<n>`), for consistent hashing: unlike
   * the id, it does not depend on how many instances other services created first.
   */
  stableId: Int32Array;

  constructor(capacity = 64) {
    this.capacity = capacity;
    this.svc = new Int32Array(capacity);
    this.ver = new Int32Array(capacity);
    this.gv = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.accepting = new Uint8Array(capacity);
    this.registered = new Uint8Array(capacity);
    this.down = new Uint8Array(capacity);
    this.created = new Float64Array(capacity);
    this.upAt = new Float64Array(capacity);
    this.started = new Float64Array(capacity);
    this.readyAt = new Float64Array(capacity);
    this.deregAt = new Float64Array(capacity);
    this.idleClosedAt = new Float64Array(capacity);
    this.goawayAt = new Float64Array(capacity);
    this.exitAt = new Float64Array(capacity);
    this.crashAt = new Float64Array(capacity);
    this.restarts = new Int32Array(capacity);
    this.backoffStep = new Int32Array(capacity);
    this.busy = new Int32Array(capacity);
    this.load = new Int32Array(capacity);
    this.qHead = new Int32Array(capacity);
    this.qLen = new Int32Array(capacity);
    this.viewBase = new Int32Array(capacity);
    this.stableId = new Int32Array(capacity);
  }

  /** Appends an instance and returns its id. Arrays may be reallocated: re-read fields after. */
  add(svc: number, ver: number, gv: number, queueCap: number): number {
    if (this.n === this.capacity) this.grow();
    const i = this.n++;
    this.svc[i] = svc; this.ver[i] = ver; this.gv[i] = gv;
    this.state[i] = ST_STARTING; this.accepting[i] = 0; this.registered[i] = 0; this.down[i] = 0;
    this.deregAt[i] = Infinity; this.idleClosedAt[i] = Infinity; this.goawayAt[i] = Infinity; this.exitAt[i] = Infinity; this.crashAt[i] = Infinity; this.restarts[i] = 0; this.backoffStep[i] = 0; this.started[i] = 0; this.busy[i] = 0; this.load[i] = 0; this.qHead[i] = 0; this.qLen[i] = 0;
    this.queues[i] = new Int32Array(Math.max(1, queueCap));
    return i;
  }

  enqueue(i: number, call: number): void {
    const q = this.queues[i];
    q[(this.qHead[i] + this.qLen[i]++) % q.length] = call;
  }

  dequeue(i: number): number {
    const q = this.queues[i];
    const c = q[this.qHead[i]];
    this.qHead[i] = (this.qHead[i] + 1) % q.length;
    this.qLen[i]--;
    return c;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.svc = grown(this.svc, cap); this.ver = grown(this.ver, cap); this.gv = grown(this.gv, cap);
    this.state = grown(this.state, cap); this.accepting = grown(this.accepting, cap); this.registered = grown(this.registered, cap);
    this.down = grown(this.down, cap); this.created = grown(this.created, cap); this.upAt = grown(this.upAt, cap); this.started = grown(this.started, cap);
    this.readyAt = grown(this.readyAt, cap); this.deregAt = grown(this.deregAt, cap); this.busy = grown(this.busy, cap);
    this.idleClosedAt = grown(this.idleClosedAt, cap); this.goawayAt = grown(this.goawayAt, cap); this.exitAt = grown(this.exitAt, cap);
    this.crashAt = grown(this.crashAt, cap); this.restarts = grown(this.restarts, cap); this.backoffStep = grown(this.backoffStep, cap);
    this.load = grown(this.load, cap); this.qHead = grown(this.qHead, cap); this.qLen = grown(this.qLen, cap);
    this.viewBase = grown(this.viewBase, cap); this.stableId = grown(this.stableId, cap);
    this.capacity = cap;
  }

}
