/**
 * The control API (cold path): what a platform's Actions become, and what a strategy may
 * read back (version state, windowed metrics). It is the one boundary a release plan
 * touches, so the Kubernetes-facing rules it applies (scale-down order, availability) sit
 * here; Model's public methods forward to these functions.
 */
import type { LaneSpec } from '../../scenarios/types.ts';
import type { HeaderRoute, VersionState, WindowStats } from '../../strategies/protocol-types.ts';
import type { RunResult } from '../result/run-result.ts';
import type { Model } from './model.ts';
import { ST_STARTING, ST_UP, ST_READY, ST_TERMINATING, ST_DRAINING } from './instances.ts';
import { hashString } from '../balancers/hash.ts';
import { dict } from '../../scenarios/dict.ts';
import { buildResult } from '../result/build.ts';
import { terminate } from './lifecycle.ts';
import { publish, publishLanes, publishRoute } from './propagation.ts';
import { emptyVersionState, Stage, tally } from '../rules/availability.ts';
import { pickVictims } from '../rules/scale-down.ts';

/** Sets the replica count of one version: creates instances, or terminates the ones Kubernetes would. */
export function scale(m: Model, service: string, version: string, replicas: number): void {
  const s = m.topo.index(service);
  const v = m.topo.versionIndex(s, version);
  m.desired[s][v] = replicas;
  const I = m.inst;
  const live: number[] = [];
  for (let i = 0; i < I.n; i++) if (I.svc[i] === s && I.ver[i] === v && I.state[i] <= ST_READY) live.push(i);
  if (replicas > live.length) {
    for (let k = live.length; k < replicas; k++) {
      const i = m.createInstance(s, v);
      m.engine.schedule(Math.max(0, m.topo.startup[m.topo.gvBase[s] + v].sample()), m.K_APP_UP, i);
    }
  } else if (replicas < live.length) {
    // Instance ids grow with creation, so the id is the creation order.
    const candidates = live.map((i) => ({ i, down: I.down[i] === 1, stage: stageOf(I.state[i]), readyAtMs: I.readyAt[i], created: i }));
    for (const victim of pickVictims(candidates, live.length - replicas)) terminate(m, victim.i);
  }
  m.engine.notify();
}

/*
 * The routing changes below return when the last caller routes by them (engine ms), for a
 * plan that waits until a change is applied (release.routing.waitApplied).
 */

/** Version weights on the router of every caller of `service` (null: pool by replicas). */
export function setWeights(m: Model, service: string, weights: Record<string, number> | null): number {
  const s = m.topo.index(service);
  let w: Float64Array | null = null;
  if (weights) {
    w = new Float64Array(m.topo.services[s].versions.length);
    for (const [name, x] of Object.entries(weights)) w[m.topo.versionIndex(s, name)] = x;
  }
  const cur = m.routeConfigs[m.currentRoute[s]];
  return publishRoute(m, s, { weights: w, routes: cur.routes });
}

export function setRoutes(m: Model, service: string, routes: HeaderRoute[]): number {
  const s = m.topo.index(service);
  let idx = -1;
  if (routes.length > 0) {
    idx = m.routeTable.length;
    m.routeTable.push(routes.map((r, k) => ({ match: m.users.compile(r.match, hashString(`route/${service}/${k}`)), version: m.topo.versionIndex(s, r.version) })));
  }
  const cur = m.routeConfigs[m.currentRoute[s]];
  return publishRoute(m, s, { weights: cur.weights, routes: idx });
}

/** Installs the lanes (entry colouring + per-hop preference); [] tears them down. */
export function setLanes(m: Model, lanes: LaneSpec[], mode: 'permissive' | 'strict'): number {
  const t = m.topo;
  const laneOnly = t.services.map((svc) => new Uint8Array(svc.versions.length));
  const version = lanes.map((l) => {
    const row = new Int32Array(t.services.length).fill(-1);
    for (const [svc, ver] of Object.entries(l.services)) {
      const s = t.index(svc);
      const v = t.versionIndex(s, ver);
      row[s] = v;
      laneOnly[s][v] = 1;
    }
    return row;
  });
  const matches = lanes.map((l) => m.users.compile(l.match, hashString(`lane/${l.name}`)));
  m.lanes = { specs: lanes, matches, version, strict: mode === 'strict', laneOnly };
  m.laneTables.push(m.lanes);
  const applied = publishLanes(m, m.laneTables.length - 1);
  if (lanes.length === 0) return applied; // teardown: keep counting what is still in flight
  m.pathsOn = true;
  while (m.laneUsage.length <= lanes.length) { m.laneUsage.push(new Map()); m.laneRequests.push(0); }
  m.laneNames = ['base', ...lanes.map((l) => l.name)];
  return applied;
}

/** Takes `count` ready instances of a version out of (or back into) every caller's list. */
export function markDown(m: Model, service: string, version: string, count: number, down: boolean): number {
  const s = m.topo.index(service);
  const v = m.topo.versionIndex(s, version);
  const I = m.inst;
  let n = 0;
  let applied = m.engine.now;
  for (let i = 0; i < I.n && n < count; i++) {
    if (I.svc[i] !== s || I.ver[i] !== v || I.state[i] !== ST_READY) continue;
    if (down && !I.down[i]) {
      I.down[i] = 1;
      I.deregAt[i] = m.engine.now;
      if (I.registered[i]) applied = Math.max(applied, publish(m, i, false));
      n++;
    } else if (!down && I.down[i]) {
      I.down[i] = 0;
      I.deregAt[i] = Infinity;
      if (I.registered[i]) applied = Math.max(applied, publish(m, i, true));
      n++;
    }
  }
  return applied;
}

export function versionState(m: Model, service: string): Record<string, VersionState> {
  const s = m.topo.index(service);
  const svc = m.topo.services[s];
  const out = dict<VersionState>(); // keyed by version names, which may be `__proto__`
  const minReady = m.minReadyMs[s];
  const now = m.engine.now;
  svc.versions.forEach((ver, v) => {
    const st = emptyVersionState(m.desired[s][v]);
    const I = m.inst;
    for (let i = 0; i < I.n; i++) {
      if (I.svc[i] === s && I.ver[i] === v) tally(st, stageOf(I.state[i]), I.readyAt[i], now, minReady);
    }
    out[ver.name] = st;
  });
  return out;
}

export function windowStats(m: Model, service: string, version: string, windowMs: number): WindowStats {
  const s = m.topo.index(service);
  const v = m.topo.versionIndex(s, version);
  return m.metrics.window(m.topo.gvBase[s] + v, m.engine.now, windowMs);
}

/** Wakes `until` waiters at a future time (for timeouts of waits). */
export function notifyAt(m: Model, time: number): void {
  m.engine.scheduleAt(time, m.K_NOTIFY);
}

/** Drops are counted per step index, so the metrics' row follows the step log's index. */
export function beginStep(m: Model, name: string): void {
  m.stepLog.begin(name, m.engine.now);
  m.metrics.beginStep();
}

/** The plan finished: what it still causes goes to the `after rollout` step. */
export function endRollout(m: Model): void {
  if (m.stepLog.planFinished(m.engine.now) >= 0) m.metrics.beginStep();
}

export function run(m: Model, onProgress?: (fraction: number) => void): void {
  const d = m.scenario.duration;
  m.engine.run({ until: d, onProgress: onProgress ? (t) => onProgress(t / d) : undefined, progressEvery: 500_000 });
}

export function result(m: Model, strategy: string): RunResult {
  return buildResult(m, strategy);
}

/** The shared rules' lifecycle stage of a model instance state. */
export function stageOf(state: number): Stage {
  switch (state) {
    case ST_STARTING: return Stage.Starting;
    case ST_UP: return Stage.Up;
    case ST_READY: return Stage.Ready;
    case ST_TERMINATING: case ST_DRAINING: return Stage.Terminating;
    default: return Stage.Gone;
  }
}
