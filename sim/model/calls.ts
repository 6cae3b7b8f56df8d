/**
 * Pooled call records (one attempt from a caller to a callee), structure-of-arrays.
 * A record is reused through a free list; `gen` changes every time a record's attempt
 * ends, so events and timeout entries that point at an old attempt are recognised.
 */
import { grown } from '../kernel/typed-arrays.ts';

export const CALL_FREE = 0, CALL_QUEUED = 1, CALL_SERVING = 2, CALL_WAITING = 3, CALL_PENDING = 4;
/** Orphan kinds from ORPHAN_MIRROR up are calls no user sent (copies, load tests): no timeout, no retry. */
export const ORPHAN_ABANDONED = 1, ORPHAN_MIRROR = 2, ORPHAN_LOAD_TEST = 3;

/** Requests no user waits for (mirrored copies, load tests): counted apart, by outcome. */
export interface OrphanCounts { sent: number; ok: number; failed: number }
/** RequestPool.owed bits: one of its attempts met a crashed process / an incompatible callee. */
export const OWED_CRASH = 1, OWED_INCOMPATIBLE = 2;

export class CallPool {
  capacity: number;
  /** Records ever handed out (scan bound for the rare "every call at this instance"). */
  highWater = 0;
  req: Int32Array;
  parent: Int32Array;
  view: Int32Array;
  edge: Int32Array;
  inst: Int32Array;
  attempt: Int32Array;
  state: Uint8Array;
  /** 0: a caller waits for it; ORPHAN_ABANDONED: it gave up (timeout) or died; ORPHAN_MIRROR: a mirrored copy nobody waits for; ORPHAN_LOAD_TEST: a load tester's request. */
  orphan: Uint8Array;
  child: Int32Array;
  next: Int32Array;
  tag: Int32Array;
  gen: Int32Array;
  /** When the callee accepted the attempt, ms. */
  sent: Float64Array;
  /** The instance the last attempt went to (a retry avoids it), −1 none. */
  tried: Int32Array;
  /** The keep-alive connection the attempt went out on (connections.ts), −1 none. */
  conn: Int32Array;
  private free: Int32Array;
  private freeN = 0;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.req = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.view = new Int32Array(capacity);
    this.edge = new Int32Array(capacity);
    this.inst = new Int32Array(capacity);
    this.attempt = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.orphan = new Uint8Array(capacity);
    this.child = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.tag = new Int32Array(capacity);
    this.gen = new Int32Array(capacity);
    this.sent = new Float64Array(capacity);
    this.tried = new Int32Array(capacity);
    this.conn = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
  }

  alloc(req: number, parent: number, view: number, edge: number, tag: number): number {
    let c: number;
    if (this.freeN > 0) c = this.free[--this.freeN];
    else {
      if (this.highWater === this.capacity) this.grow();
      c = this.highWater++;
    }
    this.req[c] = req;
    this.parent[c] = parent;
    this.view[c] = view;
    this.edge[c] = edge;
    this.inst[c] = -1;
    this.attempt[c] = 0;
    this.state[c] = CALL_PENDING;
    this.orphan[c] = 0;
    this.child[c] = -1;
    this.next[c] = 0;
    this.tag[c] = tag;
    this.tried[c] = -1;
    this.conn[c] = -1;
    return c;
  }

  release(c: number): void {
    this.state[c] = CALL_FREE;
    this.gen[c]++;
    this.free[this.freeN++] = c;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.req = grown(this.req, cap); this.parent = grown(this.parent, cap); this.view = grown(this.view, cap);
    this.edge = grown(this.edge, cap); this.inst = grown(this.inst, cap); this.attempt = grown(this.attempt, cap);
    this.state = grown(this.state, cap); this.orphan = grown(this.orphan, cap); this.child = grown(this.child, cap);
    this.next = grown(this.next, cap); this.tag = grown(this.tag, cap); this.gen = grown(this.gen, cap);
    this.sent = grown(this.sent, cap); this.tried = grown(this.tried, cap); this.conn = grown(this.conn, cap); this.free = grown(this.free, cap);
    this.capacity = cap;
  }
}

/** Pooled root requests (what the entry offered), structure-of-arrays. */
export class RequestPool {
  capacity: number;
  start: Float64Array;
  user: Int32Array;
  /** Lane index + 1 assigned at the entry, 0 for none. */
  lane: Int32Array;
  /** Path key: base-64 digits of (global version id + 1) per accepted hop. */
  path: Float64Array;
  hops: Uint8Array;
  misrouted: Uint8Array;
  /** What a failure of the request was owed to (OWED_* bits), for meta.crashes / meta.incompatible. */
  owed: Uint8Array;
  nonIdempotent: Uint8Array;
  /** Call records still pointing at the request (orphans outlive the request's outcome). */
  refs: Int32Array;
  done: Uint8Array;
  private free: Int32Array;
  private freeN = 0;
  private used = 0;
  live = 0;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.start = new Float64Array(capacity);
    this.user = new Int32Array(capacity);
    this.lane = new Int32Array(capacity);
    this.path = new Float64Array(capacity);
    this.hops = new Uint8Array(capacity);
    this.misrouted = new Uint8Array(capacity);
    this.owed = new Uint8Array(capacity);
    this.nonIdempotent = new Uint8Array(capacity);
    this.refs = new Int32Array(capacity);
    this.done = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
  }

  /** A new request's fields (one place, so a field added to the pool is set for every kind of request). */
  begin(r: number, start: number, user: number, lane: number, hops: number, nonIdempotent: number): void {
    this.start[r] = start;
    this.user[r] = user;
    this.lane[r] = lane;
    this.path[r] = 0;
    this.hops[r] = hops;
    this.misrouted[r] = 0;
    this.owed[r] = 0;
    this.nonIdempotent[r] = nonIdempotent;
  }

  alloc(): number {
    this.live++;
    let r: number;
    if (this.freeN > 0) r = this.free[--this.freeN];
    else {
      if (this.used === this.capacity) this.grow();
      r = this.used++;
    }
    this.refs[r] = 0;
    this.done[r] = 0;
    return r;
  }

  /** The request has its outcome; its record is reused once no call refers to it. */
  release(r: number): void {
    this.live--;
    this.done[r] = 1;
    if (this.refs[r] === 0) this.free[this.freeN++] = r;
  }

  unref(r: number): void {
    if (--this.refs[r] === 0 && this.done[r] === 1) this.free[this.freeN++] = r;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.start = grown(this.start, cap); this.user = grown(this.user, cap); this.lane = grown(this.lane, cap);
    this.path = grown(this.path, cap); this.hops = grown(this.hops, cap); this.misrouted = grown(this.misrouted, cap); this.owed = grown(this.owed, cap);
    this.nonIdempotent = grown(this.nonIdempotent, cap); this.refs = grown(this.refs, cap); this.done = grown(this.done, cap);
    this.free = grown(this.free, cap);
    this.capacity = cap;
  }
}
