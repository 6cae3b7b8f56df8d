/**
 * Instance lifecycle, as Kubernetes and the apps drive it: starting → up (readiness probe
 * ticks) → ready → registered, and on delete terminating (deregistration, preStop,
 * SIGTERM, drain) → gone, or SIGKILL resetting what is in flight. These are the timing
 * rules a release strategy lives or dies by, so they are kept together in one place, apart
 * from the request path they feed into.
 */
import type { Model } from './model.ts';
import { CLASS_RESET } from './topology.ts';
import { ST_STARTING, ST_UP, ST_READY, ST_TERMINATING, ST_DRAINING, ST_GONE } from './instances.ts';
import { CALL_QUEUED, CALL_WAITING, CALL_PENDING, ORPHAN_ABANDONED } from './calls.ts';
import { CAUSE_RESET } from './metrics.ts';
import { deliver } from './request-path.ts';
import { publish } from './propagation.ts';
import { costTick } from './accounting.ts';
import { readyTime } from '../rules/readiness.ts';
import { goesAtOnce, terminationSchedule } from '../rules/termination.ts';
import { stageOf } from './control.ts';
import { closeAll, releaseConnection, SHUTDOWN_CLOSE_IDLE, SHUTDOWN_NONE } from './connections.ts';

export function onAppUp(m: Model, i: number): void {
  const I = m.inst;
  if (I.state[i] !== ST_STARTING) return;
  const now = m.engine.now;
  I.state[i] = ST_UP;
  I.upAt[i] = now;
  I.accepting[i] = 1;
  const gv = I.gv[i], run = I.restarts[i];
  // Events of one run of the process carry its number: a crash makes the rest stale.
  if (m.topo.neverReady[gv] === 0) {
    m.engine.scheduleAt(readyTime(I.created[i], now, m.topo.services[I.svc[i]].instance.readinessProbe), m.K_READY, i, run);
  }
  const crash = m.topo.crashAfter[gv];
  if (crash !== null) m.engine.schedule(Math.max(0, crash.sample()), m.K_CRASH, i, run);
}

/** The readiness probe passed; with readyAfterRegistration the instance is ready only at registration. */
export function onReady(m: Model, i: number, run: number): void {
  const I = m.inst;
  if (I.state[i] !== ST_UP || I.restarts[i] !== run) return;
  const spec = m.topo.services[I.svc[i]].instance;
  if (!spec.readyAfterRegistration) becomeReady(m, i);
  // Registration is scheduled before the plan hears of the ready pod: the endpoint is added
  // before a rollout reacts by removing an old one, as in Kubernetes.
  m.engine.schedule(spec.registrationDelay, m.K_REGISTER, i, run);
  if (!spec.readyAfterRegistration) m.engine.notify();
}

function becomeReady(m: Model, i: number): void {
  const I = m.inst;
  I.state[i] = ST_READY;
  I.readyAt[i] = m.engine.now;
  const minReady = m.minReadyMs[I.svc[i]];
  if (minReady > 0) m.engine.schedule(minReady, m.K_NOTIFY);
}

export function onRegister(m: Model, i: number, run: number): void {
  const I = m.inst;
  if (I.restarts[i] !== run) return;
  if (I.state[i] === ST_UP && m.topo.services[I.svc[i]].instance.readyAfterRegistration) becomeReady(m, i);
  if (I.state[i] !== ST_READY || I.registered[i]) return;
  I.registered[i] = 1;
  I.deregAt[i] = Infinity;
  if (!I.down[i]) publish(m, i, true);
  m.engine.notify();
}

/** Starts termination of instance i (the pod was deleted). */
export function terminate(m: Model, i: number): void {
  const I = m.inst;
  const st = I.state[i];
  if (st >= ST_TERMINATING) return;
  if (goesAtOnce(stageOf(st))) {
    gone(m, i);
    return;
  }
  const plan = terminationSchedule(m.topo.services[I.svc[i]].instance);
  I.state[i] = ST_TERMINATING; // counted as terminating from the delete on
  if (plan.deregisterAtDeletion) {
    deregister(m, i);
    m.engine.schedule(plan.startAfterMs, m.K_TERM_START, i);
  } else onTermStart(m, i);
  m.engine.notify();
}

export function onTermStart(m: Model, i: number): void {
  const I = m.inst;
  if (I.state[i] === ST_GONE) return;
  if (I.registered[i]) deregister(m, i);
  const plan = terminationSchedule(m.topo.services[I.svc[i]].instance);
  m.engine.schedule(plan.sigtermAfterMs, m.K_SIGTERM, i);
  m.engine.schedule(plan.killAfterMs, m.K_KILL, i);
}

export function onSigterm(m: Model, i: number): void {
  const I = m.inst;
  if (I.state[i] === ST_GONE || I.state[i] === ST_DRAINING) return;
  if (m.topo.services[I.svc[i]].instance.shutdown === 'abrupt') {
    hardStop(m, i);
    return;
  }
  I.state[i] = ST_DRAINING;
  I.accepting[i] = 0;
  const mode = m.topo.shutdownMode[I.svc[i]];
  if (mode === SHUTDOWN_CLOSE_IDLE) I.idleClosedAt[i] = m.engine.now;
  if (mode !== SHUTDOWN_NONE) I.goawayAt[i] = m.engine.now;
  if (drained(m, i)) gone(m, i);
}

/**
 * A draining server exits once nothing is in flight and, unless it closed its idle
 * connections at SIGTERM, once callers have closed theirs (Node's server.close() waits for
 * every connection): until then pooled callers keep reaching it.
 */
export function drained(m: Model, i: number): boolean {
  return m.inst.load[i] === 0 && (m.topo.shutdownMode[m.inst.svc[i]] === SHUTDOWN_CLOSE_IDLE || m.conns.openCount(i) === 0);
}

export function onKill(m: Model, i: number): void {
  if (m.inst.state[i] !== ST_GONE) hardStop(m, i);
}

/** SIGKILL (or an abrupt exit): everything in flight at this instance is reset. */
function hardStop(m: Model, i: number): void {
  const I = m.inst;
  I.state[i] = ST_GONE;
  I.accepting[i] = 0;
  I.exitAt[i] = m.engine.now;
  resetInFlight(m, i);
  gone(m, i);
}

/** The process died: what it was serving or queueing is reset, and its queue is empty. */
export function resetInFlight(m: Model, i: number): void {
  const I = m.inst, C = m.calls;
  const now = m.engine.now;
  const victims: number[] = [];
  for (let c = 0; c < C.highWater; c++) {
    const st = C.state[c];
    if (C.inst[c] === i && st >= CALL_QUEUED && st <= CALL_WAITING) victims.push(c);
  }
  m.serviceStats.queue(I.svc[i], now, -I.qLen[i]);
  m.serviceStats.busy(I.svc[i], now, -I.busy[i]);
  I.qLen[i] = 0;
  I.busy[i] = 0;
  I.load[i] = 0;
  for (const c of victims) {
    if (C.state[c] === CALL_WAITING && C.child[c] >= 0) C.orphan[C.child[c]] = ORPHAN_ABANDONED;
    m.metrics.served(now, I.gv[i], false, now - C.sent[c]);
    if (C.orphan[c] !== ORPHAN_ABANDONED) m.views[C.view[c]].ended(i);
    if (C.conn[c] >= 0) {
      releaseConnection(m, m.views[C.view[c]], C.conn[c], i, now, false);
      C.conn[c] = -1;
    }
    C.gen[c]++;
    C.state[c] = CALL_PENDING;
    deliver(m, c, CAUSE_RESET, CLASS_RESET);
  }
}

export function gone(m: Model, i: number): void {
  const I = m.inst;
  I.state[i] = ST_GONE;
  I.accepting[i] = 0;
  if (I.exitAt[i] === Infinity) I.exitAt[i] = m.engine.now;
  if (I.registered[i]) deregister(m, i);
  const s = I.svc[i];
  const n = m.topo.services[s].calls.length;
  for (let k = 0; k < n; k++) {
    const v = m.views[I.viewBase[i] + k];
    v.alive = false;
    if (v.pool !== null) closeAll(v.pool);
    const subs = m.subscribers[v.target];
    subs.splice(subs.indexOf(v), 1);
  }
  costTick(m);
  m.existing--;
  m.engine.notify();
}

export function deregister(m: Model, i: number): void {
  const I = m.inst;
  I.registered[i] = 0;
  if (I.deregAt[i] === Infinity) I.deregAt[i] = m.engine.now;
  if (!I.down[i]) publish(m, i, false);
}
