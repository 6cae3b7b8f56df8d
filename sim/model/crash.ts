/**
 * A failing version's process exits on its own (`versions.<v>.crashAfter`), and the
 * kubelet restarts the container in the same pod after its back-off (rules/crash-loop.ts).
 *
 * The pod stays: it still counts toward its ReplicaSet, and a scale-down may pick it. What
 * dies is the process: requests in flight are reset, callers' connections to it die, its
 * own outgoing connections close, and the endpoint leaves the registry (the kubelet marks
 * the pod not ready). The restarted container starts cold and probes anew.
 */
import type { Model } from './model.ts';
import { ST_STARTING, ST_UP, ST_READY } from './instances.ts';
import { deregister, resetInFlight } from './lifecycle.ts';
import { closeAll } from './connections.ts';
import { nextRestart, restartDelay } from '../rules/crash-loop.ts';

export function onCrash(m: Model, i: number, run: number): void {
  const I = m.inst;
  const st = I.state[i];
  // Terminating pods are on their way out; a crash then changes nothing relsim counts.
  if (I.restarts[i] !== run || (st !== ST_UP && st !== ST_READY)) return;
  const now = m.engine.now;
  m.crashes++;
  I.state[i] = ST_STARTING;
  I.accepting[i] = 0;
  I.crashAt[i] = now;
  I.readyAt[i] = Infinity;
  // A new run number first: the dying run's pending events go stale, and the failures
  // below are owed to a crash (request-path.ts crashedNow).
  I.backoffStep[i] = nextRestart(I.backoffStep[i], now - I.upAt[i]);
  I.restarts[i]++;
  if (I.registered[i]) deregister(m, i);
  resetInFlight(m, i);
  const n = m.topo.services[I.svc[i]].calls.length;
  for (let k = 0; k < n; k++) {
    const v = m.views[I.viewBase[i] + k];
    if (v.pool !== null) closeAll(v.pool);
  }
  const restartAt = now + restartDelay(I.backoffStep[i]);
  I.created[i] = restartAt; // probes tick from the container's start
  I.started[i] = 0; // warm-up by requests served starts over
  m.engine.scheduleAt(restartAt + Math.max(0, m.topo.startup[I.gv[i]].sample()), m.K_APP_UP, i);
  m.engine.notify();
}
