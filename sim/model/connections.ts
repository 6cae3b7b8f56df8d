/**
 * Keep-alive connections between a caller and the instances it calls (`client.pool`), and
 * what servers do with them (`services.<s>.keepAlive`). Off unless a client sets `pool`:
 * then a view has a CallerPool and every attempt goes out on a connection.
 *
 *   HTTP/1.1: per caller and instance, a stack of idle connections, most recently used on
 *   top (nginx's upstream keepalive cache). An attempt pops the top one; one the caller
 *   closed (idle timeout, max age) is dropped; one the server closed (its keepAliveTimeout,
 *   its shutdown, its exit) is dropped too once the caller could have noticed, but if the
 *   close is younger than `closeNotice` the request was already written to a dead socket
 *   and is `reset`. With no idle connection a new one is opened: refused if the instance no
 *   longer accepts connections. A pooled connection still works on a draining instance
 *   (its listener is closed, its connections are not), unless the server closed it.
 *   After the response the connection goes back on the stack, or is closed: max requests
 *   reached, the server shutting down (`close-idle`, `connection-close`), the caller gave up
 *   on it (timeout), or the instance left the caller's view.
 *
 *   HTTP/2 (`http2`): one multiplexed connection per caller and instance; a server's
 *   shutdown sends GOAWAY (the caller opens a new connection, nothing is lost), its idle
 *   timeout counts while no stream is open, its exit kills it (reset within closeNotice).
 *
 *   Connection-level balancing (`connections: N`, HTTP/2 only): the caller keeps N
 *   connections, each bound to the instance its balancer picked when it opened, and sends
 *   requests over them in turn; an instance gets traffic only once a connection opens to
 *   it (a connection reaching maxAge, or its instance closing it). See pickPinned.
 *
 * Connection records live in one pooled structure-of-arrays; nothing is allocated per
 * request (the stacks are linked through `next`).
 */
import type { Model } from './model.ts';
import type { View } from './view.ts';
import type { PoolSpec } from '../../scenarios/types.ts';
import { grown } from '../kernel/typed-arrays.ts';

/** takeConnection(): the instance takes no new connection (the attempt is refused). */
export const CONN_REFUSED = -1;
/** takeConnection(): the pooled connection was closed by the server moments ago: the request is reset. */
export const CONN_RESET = -2;

/** What a server does with its keep-alive connections at SIGTERM (topology `onShutdown`). */
export const SHUTDOWN_NONE = 0, SHUTDOWN_CLOSE_IDLE = 1, SHUTDOWN_CONNECTION_CLOSE = 2;

/** Counters for RunResult meta.connections. */
export interface ConnectionCounts {
  opened: number;
  reused: number;
  /** Requests written to a connection the server had just closed. */
  staleResets: number;
}

export class ConnectionStore {
  capacity = 0;
  inst = new Int32Array(0);
  createdAt = new Float64Array(0);
  idleSince = new Float64Array(0);
  requests = new Int32Array(0);
  /** HTTP/2: streams open on the connection. */
  streams = new Int32Array(0);
  /** HTTP/2: no new stream goes on it (GOAWAY, max age); freed once its streams end. */
  detached = new Uint8Array(0);
  /** Link to the next idle connection below on its stack, −1 at the bottom. */
  next = new Int32Array(0);
  private free = new Int32Array(0);
  private freeN = 0;
  private used = 0;
  /** Per instance id: connections open to it (a server that waits for them before exiting). */
  private openTo = new Int32Array(16);
  readonly counts: ConnectionCounts = { opened: 0, reused: 0, staleResets: 0 };
  /** Called when the last connection to an instance closes (the model: a draining server may exit now). */
  onLastClosed: (instance: number) => void = () => {};

  openCount(instance: number): number {
    return instance < this.openTo.length ? this.openTo[instance] : 0;
  }

  open(instance: number, now: number): number {
    let k: number;
    if (this.freeN > 0) k = this.free[--this.freeN];
    else {
      if (this.used === this.capacity) this.grow();
      k = this.used++;
    }
    this.inst[k] = instance;
    this.createdAt[k] = now;
    this.idleSince[k] = now;
    this.requests[k] = 0;
    this.streams[k] = 0;
    this.detached[k] = 0;
    this.next[k] = -1;
    this.counts.opened++;
    if (instance >= this.openTo.length) this.openTo = grown(this.openTo, Math.max(instance + 1, this.openTo.length * 2));
    this.openTo[instance]++;
    return k;
  }

  close(k: number): void {
    const i = this.inst[k];
    this.inst[k] = -1;
    this.free[this.freeN++] = k;
    if (--this.openTo[i] === 0) this.onLastClosed(i);
  }

  private grow(): void {
    const cap = Math.max(64, this.capacity * 2);
    this.inst = grown(this.inst, cap); this.createdAt = grown(this.createdAt, cap); this.idleSince = grown(this.idleSince, cap);
    this.requests = grown(this.requests, cap); this.streams = grown(this.streams, cap); this.detached = grown(this.detached, cap);
    this.next = grown(this.next, cap); this.free = grown(this.free, cap);
    this.capacity = cap;
  }
}

/** One caller's connections towards one upstream service (one per view). */
export class CallerPool {
  /** Per instance id: the top of its idle stack (HTTP/1.1) or its one connection (HTTP/2), −1 none. */
  top = new Int32Array(16).fill(-1);
  /** Connection-level balancing: the connections this caller balances over, and a turn pointer. */
  readonly slots: Int32Array;
  slotN = 0;
  private turn = 0;
  /** Connections opened before this time are not reused (the caller applied an update with `survivesUpdates: false`). */
  resetAt = -Infinity;

  constructor(readonly spec: PoolSpec, readonly store: ConnectionStore) {
    this.slots = new Int32Array(Math.max(1, spec.connections));
  }

  isBound(k: number): boolean {
    for (let s = 0; s < this.slotN; s++) if (this.slots[s] === k) return true;
    return false;
  }

  topOf(instance: number): number {
    return instance < this.top.length ? this.top[instance] : -1;
  }

  setTop(instance: number, k: number): void {
    if (instance >= this.top.length) {
      const old = this.top.length;
      this.top = grown(this.top, Math.max(instance + 1, old * 2));
      this.top.fill(-1, old);
    }
    this.top[instance] = k;
  }

  nextTurn(): number {
    const t = this.turn < this.slotN ? this.turn : 0;
    this.turn = t + 1;
    return t;
  }
}

/**
 * When the server side of connection k stopped working (Infinity while it works): its idle
 * timeout (counted while idle), the idle connections it closed at SIGTERM, its exit.
 */
function serverClosedAt(m: Model, k: number, i: number, h2: boolean): number {
  const K = m.conns, I = m.inst;
  let at = I.exitAt[i];
  // A connection opened before the process last crashed died with it (one opened to an
  // earlier run is taken to have died at the last crash: it was unused since, so only a
  // reset-or-noticed distinction within closeNotice could differ).
  if (K.createdAt[k] < I.crashAt[i] && I.crashAt[i] < at) at = I.crashAt[i];
  const idle = K.streams[k] === 0;
  // HTTP/2 servers say GOAWAY instead of closing (takeStream, pickPinned).
  if (!h2 && I.idleClosedAt[i] >= K.idleSince[k] && I.idleClosedAt[i] < at) at = I.idleClosedAt[i];
  const t = m.topo.keepAliveTimeout[I.svc[i]];
  if (idle && t > 0 && K.idleSince[k] + t < at) at = K.idleSince[k] + t;
  return at;
}

/** When the caller itself stops using connection k (idle timeout, max age), Infinity if never. */
function callerClosesAt(spec: PoolSpec, m: Model, k: number, P: CallerPool): number {
  const K = m.conns;
  let at = K.createdAt[k] < P.resetAt ? P.resetAt : Infinity;
  if (spec.idleTimeout > 0 && K.streams[k] === 0) at = K.idleSince[k] + spec.idleTimeout;
  if (spec.maxAge > 0 && K.createdAt[k] + spec.maxAge < at) at = K.createdAt[k] + spec.maxAge;
  return at;
}

/**
 * The connection attempt c goes out on to instance i: a connection id, CONN_REFUSED or
 * CONN_RESET. `pinned` is the connection pickPinned chose (−1: open one and bind it).
 */
export function takeConnection(m: Model, view: View, i: number, now: number, pinned: number): number {
  const P = view.pool!, K = m.conns;
  if (P.spec.http2) return takeStream(m, P, i, now, pinned);
  for (let k = P.topOf(i); k >= 0; k = P.topOf(i)) {
    P.setTop(i, K.next[k]);
    const server = serverClosedAt(m, k, i, false), caller = callerClosesAt(P.spec, m, k, P);
    if (server > now && caller > now) {
      K.requests[k]++;
      K.counts.reused++;
      return k;
    }
    K.close(k);
    if (server <= now && server < caller && now - server < P.spec.closeNotice) {
      K.counts.staleResets++;
      return CONN_RESET;
    }
  }
  if (m.inst.accepting[i] === 0) return CONN_REFUSED;
  const k = K.open(i, now);
  K.requests[k] = 1;
  return k;
}

/** HTTP/2: a stream on the caller's connection to i (a new connection if it has none that works). */
function takeStream(m: Model, P: CallerPool, i: number, now: number, pinned: number): number {
  const K = m.conns;
  let k = pinned >= 0 ? pinned : P.topOf(i);
  if (k >= 0) {
    const server = serverClosedAt(m, k, i, true), caller = callerClosesAt(P.spec, m, k, P);
    const goaway = m.inst.goawayAt[i] <= now;
    if (server > now && caller > now && !goaway) {
      K.streams[k]++;
      K.requests[k]++;
      K.counts.reused++;
      if (P.spec.connections > 0 && !P.isBound(k)) bind(P, k);
      return k;
    }
    detach(P, k, i);
    // Only an exit (no GOAWAY) leaves a request written to a dead connection.
    if (server <= now && !goaway && server < caller && now - server < P.spec.closeNotice) {
      K.counts.staleResets++;
      return CONN_RESET;
    }
  }
  if (m.inst.accepting[i] === 0) return CONN_REFUSED;
  k = K.open(i, now);
  K.streams[k] = 1;
  K.requests[k] = 1;
  P.setTop(i, k);
  if (P.spec.connections > 0) bind(P, k);
  return k;
}

/** HTTP/2: no new stream goes on k; it is freed now if idle, else when its last stream ends. */
function detach(P: CallerPool, k: number, i: number): void {
  const K = P.store;
  if (P.topOf(i) === k) P.setTop(i, -1);
  unbind(P, k);
  K.detached[k] = 1;
  if (K.streams[k] === 0) K.close(k);
}

function bind(P: CallerPool, k: number): void {
  if (P.slotN < P.slots.length) P.slots[P.slotN++] = k;
}

function unbind(P: CallerPool, k: number): void {
  for (let s = 0; s < P.slotN; s++) {
    if (P.slots[s] !== k) continue;
    P.slots.copyWithin(s, s + 1, P.slotN);
    P.slotN--;
    return;
  }
}

/**
 * The attempt on connection k to instance i ended. `answered`: the server responded (the
 * caller may keep the connection); false when the caller gave up on it or it died.
 */
export function releaseConnection(m: Model, view: View, k: number, i: number, now: number, answered: boolean): void {
  const P = view.pool!, K = m.conns, I = m.inst;
  const closing = I.goawayAt[i] <= now;
  if (P.spec.http2) {
    K.streams[k]--;
    if (K.streams[k] === 0) K.idleSince[k] = now;
    if (K.detached[k] === 1) {
      if (K.streams[k] === 0) K.close(k);
    } else if (!view.alive || !view.has(i) || (!answered && (I.exitAt[i] <= now || (I.crashAt[i] <= now && K.createdAt[k] < I.crashAt[i])))) detach(P, k, i);
    return;
  }
  const max = P.spec.maxRequests;
  if (!answered || closing || !view.alive || !view.has(i) || (max > 0 && K.requests[k] >= max)) {
    K.close(k);
    return;
  }
  K.idleSince[k] = now;
  K.next[k] = P.topOf(i);
  P.setTop(i, k);
}

/**
 * The caller applied an endpoint or routing change: with `survivesUpdates: false` (an nginx
 * reload) it starts over with no pooled connection; those still carrying a request are
 * not reused after it.
 */
export function applyUpdate(P: CallerPool, now: number): void {
  if (P.spec.survivesUpdates) return;
  P.resetAt = now;
  closeAll(P);
}

/** The caller stopped listing instance i: its idle connections to i are closed. */
export function forgetInstance(P: CallerPool, i: number): void {
  const K = P.store;
  if (P.spec.http2) {
    const k = P.topOf(i);
    if (k >= 0) detach(P, k, i);
    return;
  }
  for (let k = P.topOf(i); k >= 0; k = P.topOf(i)) {
    P.setTop(i, K.next[k]);
    K.close(k);
  }
}

/** The caller is gone: every connection it kept is closed. */
export function closeAll(P: CallerPool): void {
  for (let i = 0; i < P.top.length; i++) if (P.top[i] >= 0) forgetInstance(P, i);
}

/**
 * Connection-level balancing: the instance this caller's next request goes to over one of
 * its long-lived connections, or −1; `m.pinnedConn` is the connection (−1: a new one to
 * open to the returned instance). Fewer connections than `connections`, or none to an
 * instance the pick wants: the balancer picks an instance to open one to. Otherwise the
 * connections take turns. A connection stops carrying requests when its instance leaves
 * the caller's view, sends GOAWAY (shutdown) or exits, or it reaches maxAge; the caller
 * notices each at its next request.
 */
export function pickPinned(m: Model, view: View, version: number, now: number, key: number, avoid: number): number {
  const P = view.pool!, K = m.conns, I = m.inst;
  for (let s = P.slotN - 1; s >= 0; s--) {
    const k = P.slots[s], i = K.inst[k];
    if (!view.has(i) || I.goawayAt[i] <= now || serverClosedAt(m, k, i, true) <= now || callerClosesAt(P.spec, m, k, P) <= now) detach(P, k, i);
  }
  m.pinnedConn = -1;
  if (P.slotN < P.spec.connections) return view.pick(version, now, key, avoid);
  for (let n = 0; n < P.slotN; n++) {
    const k = P.slots[P.nextTurn()], i = K.inst[k];
    if (i !== avoid && view.accepts(i, version)) {
      m.pinnedConn = k;
      return i;
    }
  }
  return view.pick(version, now, key, avoid);
}
