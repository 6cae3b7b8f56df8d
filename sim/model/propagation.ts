/**
 * How registry and routing changes reach the callers: each subscribed view hears of a
 * change after its own channel's delay (registry.ts), in order, as one event per change
 * per caller. A caller acts on what it has heard, not on the truth; that lag is what
 * makes releases drop requests, so it is modelled per caller rather than globally.
 */
import type { Model, RouteConfig } from './model.ts';
import type { View } from './view.ts';
import { ST_GONE } from './instances.ts';
import { applyUpdate } from './connections.ts';

/**
 * Tells every caller of the instance's service, each after its own propagation delay.
 * Returns when the last of them hears of it (now when nobody calls the service); the
 * publish* functions all do, for a plan that waits until a change is applied.
 */
export function publish(m: Model, i: number, add: boolean): number {
  const now = m.engine.now;
  m.changes++;
  const subs = m.subscribers[m.inst.svc[i]];
  let last = now;
  for (const v of subs) {
    const t = deliverAt(m, v, now);
    m.engine.scheduleAt(t, m.K_VIEW, v.id, (i << 1) | (add ? 1 : 0));
    if (t > last) last = t;
  }
  return last;
}

function deliverAt(m: Model, v: View, now: number): number {
  // In order per view; serial is per caller, over all its views (never earlier than any
  // of them). Control path (once per change per subscriber), so a Map is fine here.
  const prop = m.viewPropagation[v.id];
  const serial = prop.serial;
  const previous = serial ? m.serialBusyUntil.get(v.caller) ?? 0 : v.lastDelivery;
  const t = prop.landingOf(m.changes, m.channels[v.id], now, previous);
  v.lastDelivery = t;
  if (serial) m.serialBusyUntil.set(v.caller, t);
  return t;
}

export function onViewUpdate(m: Model, vid: number, payload: number): void {
  const v = m.views[vid];
  if (!v.alive) return;
  const i = payload >> 1;
  if (payload & 1) {
    if (m.inst.state[i] !== ST_GONE) v.add(i, m.inst.ver[i], m.engine.now);
  } else v.remove(i);
  if (v.pool !== null) applyUpdate(v.pool, m.engine.now);
}

export function onRouteUpdate(m: Model, vid: number, cfg: number): void {
  const v = m.views[vid];
  if (!v.alive) return;
  v.weights = m.routeConfigs[cfg].weights;
  v.routes = m.routeConfigs[cfg].routes;
  if (v.pool !== null) applyUpdate(v.pool, m.engine.now);
}

export function onLanesUpdate(m: Model, vid: number, table: number): void {
  const v = m.views[vid];
  if (!v.alive) return;
  v.lanes = table;
  v.laneOnly = m.laneTables[table].laneOnly[v.target];
  if (v.pool !== null) applyUpdate(v.pool, m.engine.now);
}

/**
 * New lanes reach every caller as routing changes do: at once, or with `routingDelay` after
 * the caller's propagation delay, in order with its endpoint changes (a proxy applies a
 * lane rule after the endpoint changes queued before it).
 */
export function publishLanes(m: Model, table: number): number {
  const now = m.engine.now;
  m.changes++;
  let last = now;
  for (const v of m.views) {
    if (!v.alive) continue;
    if (m.viewPropagation[v.id].spec.routingDelay) {
      const t = deliverAt(m, v, now);
      m.engine.scheduleAt(t, m.K_LANES, v.id, table);
      if (t > last) last = t;
    } else onLanesUpdate(m, v.id, table);
  }
  return last;
}

export function publishRoute(m: Model, s: number, cfg: RouteConfig): number {
  const id = m.routeConfigs.length;
  m.routeConfigs.push(cfg);
  m.currentRoute[s] = id;
  const now = m.engine.now;
  m.changes++;
  let last = now;
  for (const v of m.subscribers[s]) {
    if (m.viewPropagation[v.id].spec.routingDelay) {
      const t = deliverAt(m, v, now);
      m.engine.scheduleAt(t, m.K_ROUTE, v.id, id);
      if (t > last) last = t;
    } else {
      v.weights = cfg.weights; v.routes = cfg.routes;
      if (v.pool !== null) applyUpdate(v.pool, now);
    }
  }
  return last;
}
