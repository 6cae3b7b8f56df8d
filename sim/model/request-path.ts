/**
 * The request hot path, per request per hop: arrival → send (route, pick, accept or
 * refuse) → serve (K_DONE) → downstream calls → finish → deliver to the caller (retry or
 * propagate) → complete. It is kept apart from everything else because it is what the
 * simulator's speed is: it works on integer ids into the model's typed arrays, allocates
 * nothing per request, and calls other concepts only through plain functions (timeouts,
 * lane colouring and paths, an instance leaving once drained, the in-system integral).
 */
import type { Model } from './model.ts';
import type { View } from './view.ts';
import type { Uniform } from '../kernel/random.ts';
import { CLASS_CONNECT, CLASS_RESET, CLASS_5XX, CLASS_NONE } from './topology.ts';
import { ST_STARTING, ST_TERMINATING, ST_DRAINING, ST_GONE } from './instances.ts';
import { CALL_QUEUED, CALL_SERVING, CALL_WAITING, CALL_PENDING } from './calls.ts';
import { CAUSE_REFUSED, CAUSE_NO_ENDPOINT, CAUSE_QUEUE_FULL, CAUSE_ERROR, CAUSE_MISROUTE, CAUSE_RESET } from './metrics.ts';
import { CONN_RESET, pickPinned, releaseConnection, takeConnection } from './connections.ts';
import { coldFactor } from '../rules/cold-start.ts';
import { armTimeout } from './caller-timeouts.ts';
import { laneOf, notePath, countPath, UNTRACKED, MISROUTE_TAG_LOST, MISROUTE_LANE_UNSEEN, MISROUTE_LANE_DOWN, MISROUTE_BASE_TO_LANE } from './lanes.ts';
import { drained, gone } from './lifecycle.ts';
import { inSystemTick } from './accounting.ts';
import { hasCookie, setCookie } from './affinity.ts';
import { mirrors } from './mirror.ts';
import { ORPHAN_ABANDONED, ORPHAN_MIRROR, ORPHAN_LOAD_TEST, OWED_CRASH, OWED_INCOMPATIBLE } from './calls.ts';

/** The outcome of a call that succeeded (failures carry a CAUSE_*). */
const OK = -1;
/** What attempt() returns when the instance took the call (the outcome comes later). */
const SENT = -2;
/** The gateway's view of the entry service (the model creates it first). */
const GATEWAY_VIEW = 0;
const ENTRY_EDGE = 0;

export function onArrival(m: Model): void {
  const now = m.engine.now;
  const next = m.arrivals.next(now);
  if (next < m.scenario.duration) m.engine.scheduleAt(next, m.K_ARRIVAL);
  const R = m.reqs;
  const r = R.alloc();
  const tr = m.scenario.traffic;
  const user = 1 + ((m.uUser() * tr.users) | 0);
  const entryLanes = m.laneTables[m.views[GATEWAY_VIEW].lanes];
  const lane = entryLanes.specs.length > 0 ? laneOf(m, entryLanes, user) : 0;
  // paths are counted from the moment lanes exist
  R.begin(r, now, user, lane, m.pathsOn ? 0 : UNTRACKED, tr.nonIdempotent > 0 && m.uIdem() < tr.nonIdempotent ? 1 : 0);
  m.metrics.offer(now);
  inSystemTick(m, now, -1);
  const c = m.calls.alloc(r, -1, GATEWAY_VIEW, ENTRY_EDGE, R.lane[r]);
  R.refs[r]++;
  send(m, c);
}

/**
 * A load tester's request (load-test.ts) on its view: straight to the load test's version,
 * answered to nobody. Its request record is never offered nor completed, so it is in no
 * user count; it lives while its calls do.
 */
export function onLoadTestArrival(m: Model, view: number): void {
  const R = m.reqs;
  const r = R.alloc();
  R.begin(r, m.engine.now, 0, 0, UNTRACKED, 0);
  const c = m.calls.alloc(r, -1, view, ENTRY_EDGE, 0);
  m.calls.orphan[c] = ORPHAN_LOAD_TEST;
  R.refs[r]++;
  R.release(r); // no one waits for an outcome: not in flight, not offered
  m.loadTestCounts.sent++;
  const cause = attempt(m, c);
  if (cause !== SENT) deliver(m, c, cause, m.failClass);
}

/** One attempt: route, pick, and hand the call to the instance (or fail at once). */
function send(m: Model, c: number): void {
  const cause = attempt(m, c);
  if (m.mirrorsOn) {
    const cls = m.failClass; // the copy's attempt overwrites the scratch fields
    mirrorCall(m, c);
    if (cause !== SENT) deliver(m, c, cause, cls);
    return;
  }
  if (cause !== SENT) deliver(m, c, cause, m.failClass);
}

/** Copies call c to its service's mirror version when the mirror takes it (mirror.ts). */
function mirrorCall(m: Model, c: number): void {
  const C = m.calls;
  const mr = m.mirrors[m.views[C.view[c]].target];
  const r = C.req[c];
  if (mr === null || C.orphan[c] !== 0 || !mirrors(mr, m.routedVersion, m.reqs.user[r], m.uMirror, m)) return;
  const copy = C.alloc(r, C.parent[c], C.view[c], C.edge[c], C.tag[c]);
  C.orphan[copy] = ORPHAN_MIRROR;
  m.reqs.refs[r]++;
  m.mirrorCounts.sent++;
  const cause = attempt(m, copy);
  if (cause !== SENT) deliver(m, copy, cause, m.failClass);
}

/**
 * Routes, picks and hands call c to an instance: SENT, or the cause of a failure met at
 * once (no endpoint, refused, queue full), its retry class left in `failClass`. It never
 * delivers that failure itself, so deliver() retries in a loop: thousands of attempts
 * failing at once would otherwise nest thousands of send → deliver frames.
 */
function attempt(m: Model, c: number): number {
  const C = m.calls, I = m.inst, now = m.engine.now;
  const view = m.views[C.view[c]];
  const r = C.req[c];
  const i = route(m, view, c, r);
  if (i < 0) {
    if (C.orphan[c] === 0 && registryKnows(m, view.target, m.routedVersion)) m.noEndpointStale++;
    m.failClass = CLASS_NONE;
    return CAUSE_NO_ENDPOINT;
  }
  C.tried[c] = i;
  const dereg = I.deregAt[i];
  // (A crash's removal is no deregistration race: no preStop could cover it.)
  if (dereg <= now && now - dereg > m.maxStaleSendMs && dereg !== I.crashAt[i]) m.maxStaleSendMs = now - dereg;
  // With a keep-alive pool the attempt needs a connection: a pooled one works even where
  // the listener is closed (a draining server), a new one only where it is open.
  let conn = -1;
  if (view.pool !== null) {
    conn = takeConnection(m, view, i, now, view.pinned ? m.pinnedConn : -1);
    if (conn === CONN_RESET) {
      view.failed(i, now);
      m.failClass = CLASS_RESET;
      return CAUSE_RESET;
    }
  }
  // No connection (none pooled, or no pool at all) needs an open listener.
  if (conn < 0 && I.accepting[i] === 0) {
    view.failed(i, now);
    m.failClass = CLASS_CONNECT;
    return CAUSE_REFUSED;
  }
  const s = I.svc[i];
  if (I.busy[i] >= m.topo.concurrency[s] && I.qLen[i] >= m.topo.queueCap[s]) {
    view.failed(i, now);
    if (conn >= 0) releaseConnection(m, view, conn, i, now, true); // a 503 keeps the connection
    m.failClass = CLASS_5XX;
    return CAUSE_QUEUE_FULL;
  }
  C.conn[c] = conn;
  C.inst[c] = i;
  C.sent[c] = now;
  view.began(i);
  if (m.pathsOn) notePath(m, r, I.gv[i]);
  const edge = C.edge[c];
  const timeout = m.topo.edgeTimeout[edge];
  if (timeout > 0 && C.orphan[c] < ORPHAN_MIRROR) armTimeout(m, edge, now + timeout, c); // nobody waits for a copy or a load test
  I.load[i]++;
  if (I.busy[i] < m.topo.concurrency[s]) {
    I.busy[i]++;
    m.serviceStats.busy(s, m.engine.now, 1);
    startService(m, c, i);
  } else {
    C.state[c] = CALL_QUEUED;
    I.enqueue(i, c);
    m.serviceStats.queue(s, m.engine.now, 1);
  }
  return SENT;
}

/** Router (subset) then balancer (instance) for one hop; −1 when nothing can take it. */
function route(m: Model, view: View, c: number, r: number): number {
  const now = m.engine.now;
  const t = view.target;
  const user = m.reqs.user[r];
  const avoid = m.calls.tried[c];
  m.routedVersion = -1;
  // A mirrored copy goes to the mirror version, whatever the routes and weights say.
  if (m.calls.orphan[c] === ORPHAN_MIRROR) return choose(m, view, m.mirrors[view.target]!.version, now, user, avoid);
  if (m.calls.orphan[c] === ORPHAN_LOAD_TEST) return choose(m, view, m.loadTests[view.target]!.version, now, user, avoid);
  // The common case: no lane was ever set up and this caller has a plain pool.
  if (!m.pathsOn && view.routes < 0 && view.weights === null) return choose(m, view, -1, now, user, avoid);
  // This caller routes by the lanes it has heard of; misroutes are judged by the lanes as set.
  const heard = m.laneTables[view.lanes];
  const laneRows = heard.version, truth = m.lanes.version;
  // A call or request whose lane was torn down while it was in flight counts as untagged.
  const tag = m.calls.tag[c] <= laneRows.length ? m.calls.tag[c] : 0;
  const lane = m.reqs.lane[r] <= truth.length ? m.reqs.lane[r] : 0;
  let want = -1;
  if (tag > 0) {
    const lv = laneRows[tag - 1][t];
    if (lv >= 0) {
      const i = choose(m, view, lv, now, user, avoid);
      if (i >= 0) return i;
      m.routedVersion = lv;
      if (heard.strict) return -1;
      // Permissive fallback where the lane has a version: the caller had not heard of a
      // ready lane instance yet, or there was none. The first misroute of a request names it.
      if (m.reqs.misrouted[r] === 0) m.reqs.misrouted[r] = registryKnows(m, t, lv) ? MISROUTE_LANE_UNSEEN : MISROUTE_LANE_DOWN;
    } else if (heard.strict) return -1;
  }
  if (view.routes >= 0) want = matchRoute(m, view.routes, user);
  if (want < 0 && view.weights !== null) {
    const sticky = m.affinity[t];
    const w = view.weights;
    if (sticky !== null && hasCookie(sticky, w, user, now)) want = sticky.canary;
    else {
      want = pickVersion(w, view.uRoute);
      if (sticky !== null && want === sticky.canary) setCookie(sticky, user, now);
    }
  }
  m.routedVersion = want;
  const i = choose(m, view, want, now, user, avoid);
  // Untagged at this hop: base traffic must not reach a lane version, and a request that
  // lost its tag must not be served by base where its lane has a version.
  if (i >= 0 && tag === 0 && (lane === 0 ? m.lanes.laneOnly[t][m.inst.ver[i]] === 1 : truth[lane - 1][t] >= 0)) {
    // Tagged but untagged here because this caller had not heard of the lanes yet: unseen, not lost.
    const unheard = m.calls.tag[c] > laneRows.length;
    if (m.reqs.misrouted[r] === 0) m.reqs.misrouted[r] = lane === 0 ? MISROUTE_BASE_TO_LANE : unheard ? MISROUTE_LANE_UNSEEN : MISROUTE_TAG_LOST;
  }
  return i;
}

/** The balancer's pick, or with connection-level balancing the instance of a connection (connections.ts). */
function choose(m: Model, view: View, version: number, now: number, user: number, avoid: number): number {
  return view.pinned ? pickPinned(m, view, version, now, user, avoid) : view.pick(version, now, user, avoid);
}

/**
 * Whether the registry lists an instance of `version` (−1: any base version) of service s
 * that this caller could have used: then a no-endpoint was the caller's stale view, not
 * a real absence. Only runs on the failure path.
 */
function registryKnows(m: Model, s: number, version: number): boolean {
  const I = m.inst;
  for (let i = 0; i < I.n; i++) {
    if (I.svc[i] !== s || !I.registered[i] || I.down[i] || I.accepting[i] === 0) continue;
    if (version >= 0 ? I.ver[i] === version : m.lanes.laneOnly[s][I.ver[i]] === 0) return true;
  }
  return false;
}

function matchRoute(m: Model, table: number, user: number): number {
  const rules = m.routeTable[table];
  for (let k = 0; k < rules.length; k++) if (m.users.test(user, rules[k].match)) return rules[k].version;
  return -1;
}

function startService(m: Model, c: number, i: number): void {
  const I = m.inst, t = m.topo;
  const gv = I.gv[i];
  const now = m.engine.now;
  m.serviceStats.started(I.svc[i], now - m.calls.sent[c]);
  let ms = t.serviceTime[gv].sample() * t.latencyFactor[gv];
  if (t.coldFactor[gv] !== 1) ms *= coldFactor(t.coldSpec[gv], now - I.upAt[i], I.started[i]);
  I.started[i]++;
  m.calls.state[c] = CALL_SERVING;
  m.engine.schedule(ms, m.K_DONE, c, m.calls.gen[c]);
}

/** Local work done: fail (bad release), call downstream, or respond. */
export function onDone(m: Model, c: number, gen: number): void {
  const C = m.calls;
  if (C.gen[c] !== gen || C.state[c] !== CALL_SERVING) return;
  const i = C.inst[c];
  const gv = m.inst.gv[i];
  const bad = m.topo.incompatible;
  if (bad !== null && C.parent[c] >= 0 && bad[m.inst.gv[C.inst[C.parent[c]]] * m.topo.gvCount + gv] === 1) {
    // The caller's version needs an API this version does not have (versions.<v>.requires).
    m.incompatibleCalls++;
    m.reqs.owed[C.req[c]] |= OWED_INCOMPATIBLE;
    finish(m, c, CAUSE_ERROR);
    return;
  }
  const er = m.topo.errorRate[gv];
  if (er > 0 && m.topo.errorDraw[gv]() < er) {
    finish(m, c, CAUSE_ERROR);
    return;
  }
  const s = m.inst.svc[i];
  if (m.topo.calls[s].length > 0) {
    C.state[c] = CALL_WAITING;
    callDownstream(m, c, 0);
  } else finish(m, c, OK);
}

function callDownstream(m: Model, p: number, k: number): void {
  const C = m.calls, I = m.inst;
  const i = C.inst[p];
  const s = I.svc[i];
  C.next[p] = k;
  const tag = m.topo.services[s].propagatesLane ? C.tag[p] : 0;
  const child = C.alloc(C.req[p], p, I.viewBase[i] + k, m.topo.edgeBase[s] + k, tag);
  m.reqs.refs[C.req[p]]++;
  C.child[p] = child;
  send(m, child);
}

/** The instance answers call c (success or failure) and frees its slot. */
function finish(m: Model, c: number, cause: number): void {
  const C = m.calls, I = m.inst, now = m.engine.now;
  const i = C.inst[c];
  m.metrics.served(now, I.gv[i], cause === OK, now - C.sent[c]);
  if (C.orphan[c] !== ORPHAN_ABANDONED) m.views[C.view[c]].ended(i);
  const k = C.conn[c];
  if (k >= 0) {
    // An abandoned call's caller gave up on it (timeout) or died: its connection is not reused.
    releaseConnection(m, m.views[C.view[c]], k, i, now, C.orphan[c] !== ORPHAN_ABANDONED);
    C.conn[c] = -1;
  }
  if (I.state[i] >= ST_TERMINATING && m.topo.services[I.svc[i]].proactiveNotification) {
    m.views[C.view[c]].remove(i); // the caller saw the shutdown mark on the response
  }
  C.gen[c]++;
  releaseSlot(m, i);
  deliver(m, c, cause, cause === OK ? CLASS_NONE : CLASS_5XX);
}

function releaseSlot(m: Model, i: number): void {
  const I = m.inst;
  I.load[i]--;
  if (I.qLen[i] > 0 && I.state[i] !== ST_GONE) {
    m.serviceStats.queue(I.svc[i], m.engine.now, -1);
    startService(m, I.dequeue(i), i);
  } else {
    I.busy[i]--;
    m.serviceStats.busy(I.svc[i], m.engine.now, -1);
    if (I.state[i] === ST_DRAINING && drained(m, i)) gone(m, i);
  }
}

/**
 * The caller learns the outcome of attempt c: retry it, or pass the outcome up (to the
 * parent call, or to the end of the request).
 */
export function deliver(m: Model, c: number, cause: number, cls: number): void {
  const C = m.calls;
  // One turn per attempt: a retry that fails at once comes back here as the next turn
  // (retry.attempts may be in the millions), one that was sent returns to the event loop.
  for (;;) {
    if (C.orphan[c] !== 0) {
      const n = m.orphanCounts[C.orphan[c]];
      if (n !== null) {
        if (cause === OK) n.ok++;
        else n.failed++;
      }
      releaseCall(m, c);
      return;
    }
    if (cause === OK) {
      if (C.inst[c] >= 0) {
        const v = m.views[C.view[c]];
        if (v.passiveHealth) v.succeeded(C.inst[c]);
      }
      break;
    }
    const edge = C.edge[c];
    const t = m.topo;
    if (C.attempt[c] >= t.edgeAttempts[edge] || (t.edgeRetryMask[edge] & cls) === 0 ||
      (cls !== CLASS_CONNECT && m.reqs.nonIdempotent[C.req[c]] !== 0)) break;
    C.attempt[c]++;
    C.gen[c]++;
    C.inst[c] = -1;
    C.state[c] = CALL_PENDING;
    cause = attempt(m, c);
    if (cause === SENT) return;
    cls = m.failClass;
  }
  const parent = C.parent[c];
  const r = C.req[c];
  if (m.crashes > 0 && (cause === CAUSE_REFUSED || cause === CAUSE_RESET) && crashedNow(m, C.tried[c])) m.reqs.owed[r] |= OWED_CRASH;
  releaseCall(m, c);
  if (parent < 0) complete(m, r, cause);
  else childReturned(m, parent, cause);
}

/** Whether instance i is a crashed process not yet back up (crash.ts): what a failure there is owed to. */
function crashedNow(m: Model, i: number): boolean {
  return i >= 0 && m.inst.restarts[i] > 0 && m.inst.state[i] === ST_STARTING;
}

/** Frees a call record and its hold on the request (freed once completed and unreferenced). */
function releaseCall(m: Model, c: number): void {
  const r = m.calls.req[c];
  m.calls.release(c);
  m.reqs.unref(r);
}

function childReturned(m: Model, p: number, cause: number): void {
  const C = m.calls;
  C.child[p] = -1;
  if (cause !== OK) {
    finish(m, p, cause); // the upstream answers 5xx; the root cause travels with it
    return;
  }
  const k = C.next[p] + 1;
  const s = m.inst.svc[C.inst[p]];
  if (k < m.topo.calls[s].length) callDownstream(m, p, k);
  else finish(m, p, OK);
}

function complete(m: Model, r: number, cause: number): void {
  const R = m.reqs, now = m.engine.now;
  if (cause === OK) {
    if (R.misrouted[r] !== 0) {
      m.metrics.drop(now, CAUSE_MISROUTE);
      m.misrouteBy[R.misrouted[r]]++;
    } else m.metrics.succeed(now, now - R.start[r]);
  } else m.metrics.drop(now, cause);
  const owed = R.owed[r];
  if (owed !== 0 && cause !== OK) {
    if ((owed & OWED_CRASH) !== 0) m.crashDropped[cause]++;
    if ((owed & OWED_INCOMPATIBLE) !== 0 && cause === CAUSE_ERROR) m.incompatibleDropped++;
  }
  if (m.pathsOn) countPath(m, r);
  inSystemTick(m, now, 0);
  R.release(r);
}

/** A version drawn by routing weight (−1 when every weight is 0). */
function pickVersion(w: Float64Array, u: Uniform): number {
  let total = 0;
  for (let v = 0; v < w.length; v++) total += w[v];
  if (total <= 0) return -1;
  let x = u() * total;
  for (let v = 0; v < w.length; v++) {
    x -= w[v];
    if (x < 0 && w[v] > 0) return v;
  }
  for (let v = w.length - 1; v >= 0; v--) if (w[v] > 0) return v;
  return -1;
}
