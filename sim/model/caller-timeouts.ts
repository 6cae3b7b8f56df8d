/**
 * Caller-side timeouts. Every edge has one fixed timeout, so its deadlines arrive in the
 * order they were set: one FIFO (timeouts.ts) and at most one pending engine event per
 * edge, instead of an event per call that mostly would have to be cancelled. A timed-out
 * attempt is orphaned, not torn down: the callee keeps working on it, unobserved.
 */
import type { Model } from './model.ts';
import { CLASS_TIMEOUT } from './topology.ts';
import { CALL_QUEUED, CALL_WAITING, ORPHAN_ABANDONED } from './calls.ts';
import { CAUSE_TIMEOUT } from './metrics.ts';
import { deliver } from './request-path.ts';

export function armTimeout(m: Model, edge: number, deadline: number, c: number): void {
  const q = m.fifo[edge];
  q.push(deadline, c, m.calls.gen[c]);
  if (!q.armed) {
    q.armed = true;
    m.engine.scheduleAt(deadline, m.K_TIMEOUT, edge);
  }
}

export function onTimeout(m: Model, edge: number): void {
  const q = m.fifo[edge], C = m.calls, now = m.engine.now;
  // q.armed stays true while we run: a retry sent from timeOut() pushes onto this FIFO
  // and must not start a second timer chain (chains never merge).
  while (q.length > 0) {
    const c = q.peekId(), gen = q.peekGen();
    const live = C.gen[c] === gen && C.orphan[c] === 0 && C.state[c] >= CALL_QUEUED && C.state[c] <= CALL_WAITING;
    if (live && q.peekDeadline() > now) break;
    q.shift();
    if (live) timeOut(m, c);
  }
  q.armed = q.length > 0;
  if (q.armed) m.engine.scheduleAt(q.peekDeadline(), m.K_TIMEOUT, edge);
}

/** The caller gives up on attempt c; the callee keeps working on it, unobserved. */
function timeOut(m: Model, c: number): void {
  const C = m.calls;
  C.orphan[c] = ORPHAN_ABANDONED;
  m.views[C.view[c]].ended(C.inst[c]); // Envoy stops counting it as active on timeout
  const c2 = C.alloc(C.req[c], C.parent[c], C.view[c], C.edge[c], C.tag[c]);
  m.reqs.refs[C.req[c]]++;
  C.attempt[c2] = C.attempt[c];
  C.tried[c2] = C.inst[c];
  if (C.parent[c] >= 0) C.child[C.parent[c]] = c2;
  deliver(m, c2, CAUSE_TIMEOUT, CLASS_TIMEOUT);
}
