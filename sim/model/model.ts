/**
 * The cluster model: instances with their lifecycle, one registry with per-caller views,
 * routers and balancers, and the request flow through the call graph, with every failed
 * request counted once by cause and by the strategy step active when it failed.
 *
 *   const m = new Model(scenario, seed);
 *   m.scale('a', 'v2', 4);           // control API (cold): what a platform calls
 *   m.run();                          // until scenario.duration
 *   const r = m.result('rolling');    // RunResult
 *
 * Hot path (per request per hop): arrival → send (route, pick, accept or refuse) → serve
 * (K_DONE) → downstream calls → finish → deliver to the caller (retry or propagate). All
 * of it works on integer ids into typed arrays; nothing is allocated per request.
 */
import type { LaneSpec, Scenario } from '../../scenarios/types.ts';
import { Engine } from '../kernel/engine.ts';
import { RandomStreams, type Uniform } from '../kernel/random.ts';
import { Topology, CLASS_CONNECT, CLASS_RESET, CLASS_TIMEOUT, CLASS_5XX, CLASS_NONE } from './topology.ts';
import { InstanceStore, ST_STARTING, ST_UP, ST_READY, ST_TERMINATING, ST_DRAINING, ST_GONE, STATE_GROUPS, stateGroup } from './instances.ts';
import { CallPool, RequestPool, CALL_QUEUED, CALL_SERVING, CALL_WAITING, CALL_PENDING } from './calls.ts';
import { TimeoutQueue } from './timeouts.ts';
import { View } from './view.ts';
import { Propagation, GATEWAY_CALLER, type Channel } from './registry.ts';
import { Metrics, CAUSE_REFUSED, CAUSE_RESET, CAUSE_NO_ENDPOINT, CAUSE_QUEUE_FULL, CAUSE_TIMEOUT, CAUSE_ERROR, CAUSE_MISROUTE } from './metrics.ts';
import { Arrivals, Users, type CompiledMatch } from './traffic.ts';
import { hashString } from '../balancers/hash.ts';
import type { HeaderRoute, VersionState, WindowStats } from '../../strategies/protocol-types.ts';
import { buildResult } from '../result/build.ts';
import { dict } from '../../scenarios/dict.ts';
import type { RunResult } from '../result/run-result.ts';

const OK = -1;
/** What attempt() returns when the instance took the call (the outcome comes later). */
const SENT = -2;
const GATEWAY_VIEW = 0;
const ENTRY_EDGE = 0;
/** Hop count marking a request whose path is not recorded. */
const UNTRACKED = 255;

/** A routing config published to the callers of one service. */
interface RouteConfig {
  weights: Float64Array | null;
  routes: number;
}

interface CompiledRoute {
  match: CompiledMatch;
  version: number;
}

export interface LaneTable {
  specs: LaneSpec[];
  matches: CompiledMatch[];
  /** [lane][service] → local version, −1 where the lane has none. */
  version: Int32Array[];
  strict: boolean;
}

export class Model {
  readonly engine: Engine;
  readonly topo: Topology;
  readonly metrics: Metrics;
  readonly scenario: Scenario;
  readonly seed: number;

  // state
  readonly inst = new InstanceStore();
  readonly calls = new CallPool();
  readonly reqs = new RequestPool();
  readonly views: View[] = [];
  private readonly subscribers: View[][];
  private readonly fifo: TimeoutQueue[];
  private readonly propagation: Propagation;
  /** With push.serial: per caller (instance id, −1 the gateway), when its last change lands, over all its views. */
  private readonly serialBusyUntil = new Map<number, number>();
  /** Per view id: how its caller hears of changes to its target. */
  private readonly channels: Channel[] = [];
  /** Per service: instances created so far (an instance's stable name is `<service>#<n>`). */
  private readonly createdOf: Int32Array;
  private readonly arrivals: Arrivals;
  readonly users: Users;
  private readonly uUser: Uniform;
  private readonly uIdem: Uniform;
  private readonly streams: RandomStreams;
  /** Per service, per local version: 1 when the version is lane-only (not in the base pool). */
  readonly laneOnly: Uint8Array[];
  lanes: LaneTable = { specs: [], matches: [], version: [], strict: false };
  private readonly routeTable: CompiledRoute[][] = [];
  private readonly routeConfigs: RouteConfig[] = [];
  /** The latest routing config per service (what a newly created caller starts with). */
  private readonly currentRoute: number[];
  /** Desired replicas per service per local version (from scale calls). */
  readonly desired: Int32Array[];
  /** Ready this long before "available": the instance setting, or a rolling release's minReadySeconds. */
  private readonly minReadyMs: number[];
  readonly laneUsage: Map<number, number>[] = [];
  readonly laneRequests: number[] = [];

  // accounting
  private existing = 0;
  peakInstances = 0;
  private instanceMs = 0;
  private lastCostAt = 0;
  maxStaleSendMs = 0;
  /** no-endpoint failures while the registry already listed a usable instance (propagation lag). */
  noEndpointStale = 0;
  /** The version the router chose for the current pick (−1: the base pool). */
  private routedVersion = -1;
  /** Retry class (CLASS_*) of the failure attempt() last returned. */
  private failClass = CLASS_NONE;
  /** Σ time calls waited in an instance queue, and how many started service (analytic checks). */
  queueWaitSum = 0;
  serviceStarts = 0;
  /** ∫ requests in the system dt (Little's law: L = λW). */
  private inSystemArea = 0;
  private inSystemAt = 0;
  rolloutStart = -1;
  rolloutEnd = -1;
  outcome: 'promoted' | 'rolled-back' | 'none' = 'none';
  readonly steps: { name: string; startMs: number; endMs: number }[] = [];
  readonly log: { t: number; message: string }[] = [];
  private pathsOn = false;
  private booting = true;
  /** Lane names by index (0 = base); kept after teardown so late requests still count. */
  laneNames: string[] = ['base'];

  // event kinds
  private readonly K_ARRIVAL: number;
  private readonly K_DONE: number;
  private readonly K_TIMEOUT: number;
  private readonly K_APP_UP: number;
  private readonly K_READY: number;
  private readonly K_REGISTER: number;
  private readonly K_TERM_START: number;
  private readonly K_SIGTERM: number;
  private readonly K_KILL: number;
  private readonly K_VIEW: number;
  private readonly K_ROUTE: number;
  private readonly K_SAMPLE: number;
  private readonly K_NOTIFY: number;

  constructor(scenario: Scenario, seed = scenario.seed) {
    this.scenario = scenario;
    this.seed = seed;
    this.streams = new RandomStreams(seed);
    const st = this.streams;
    this.engine = new Engine({ maxEvents: scenario.limits.maxEvents, capacity: 1 << 14 });
    this.topo = new Topology(scenario, st);
    const S = this.topo.services.length;
    this.metrics = new Metrics(scenario.bucketMs, scenario.duration, this.topo.gvNames, STATE_GROUPS);
    this.subscribers = Array.from({ length: S }, () => []);
    this.fifo = this.topo.edgeClient.map(() => new TimeoutQueue());
    this.propagation = new Propagation(scenario.registry, st);
    this.arrivals = new Arrivals(scenario.traffic, st.stream('arrivals'));
    this.users = new Users(scenario.traffic);
    this.uUser = st.stream('users');
    this.uIdem = st.stream('idempotency');
    this.createdOf = new Int32Array(S);
    this.laneOnly = this.topo.services.map((s) => new Uint8Array(s.versions.length));
    this.desired = this.topo.services.map((s) => new Int32Array(s.versions.length));
    this.routeConfigs.push({ weights: null, routes: -1 });
    this.currentRoute = new Array(S).fill(0);
    this.minReadyMs = this.topo.services.map((svc) => {
      const rel = scenario.release;
      const own = rel && rel.strategy.name === 'rolling' && rel.services.includes(svc.name) ? rel.strategy.minReadySeconds : 0;
      return Math.max(svc.instance.minReadySeconds, own);
    });

    const e = this.engine;
    this.K_ARRIVAL = e.register(() => this.onArrival());
    this.K_DONE = e.register((c, gen) => this.onDone(c, gen));
    this.K_TIMEOUT = e.register((edge) => this.onTimeout(edge));
    this.K_APP_UP = e.register((i) => this.onAppUp(i));
    this.K_READY = e.register((i) => this.onReady(i));
    this.K_REGISTER = e.register((i) => this.onRegister(i));
    this.K_TERM_START = e.register((i) => this.onTermStart(i));
    this.K_SIGTERM = e.register((i) => this.onSigterm(i));
    this.K_KILL = e.register((i) => this.onKill(i));
    this.K_VIEW = e.register((v, p) => this.onViewUpdate(v, p));
    this.K_ROUTE = e.register((v, cfg) => this.onRouteUpdate(v, cfg));
    this.K_SAMPLE = e.register(() => this.onSample());
    this.K_NOTIFY = e.register(() => this.engine.notify());

    this.boot();
  }

  // ---- set-up ---------------------------------------------------------------------------

  /** Initial instances: warm, ready and registered at t = 0, known to every caller. */
  private boot(): void {
    const t = this.topo;
    // The gateway's view of the entry service is view 0 (GATEWAY_VIEW).
    this.newView(t.entryService, -1, GATEWAY_CALLER, t.edgeClient[0]);
    t.services.forEach((s, si) => {
      const v = t.versionIndex(si, s.initialVersion);
      this.desired[si][v] = s.replicas;
      for (let k = 0; k < s.replicas; k++) {
        const i = this.createInstance(si, v);
        const I = this.inst;
        I.state[i] = ST_READY;
        I.accepting[i] = 1;
        I.registered[i] = 1;
        I.upAt[i] = -1e12; // long warm: no cold start, no warmup
        I.readyAt[i] = -1e12;
      }
    });
    for (const v of this.views) this.fillView(v);
    this.booting = false;
    const first = this.arrivals.next(0);
    if (first < this.scenario.duration) this.engine.scheduleAt(first, this.K_ARRIVAL);
    this.engine.scheduleAt(this.scenario.bucketMs, this.K_SAMPLE);
  }

  /**
   * `callerName` names the streams the view draws from (random.ts): the gateway, or the
   * calling instance's stable name; `repeat` tells apart a second call to the same service.
   */
  private newView(target: number, caller: number, callerName: string, client: View['client'], repeat = ''): View {
    const tn = this.topo.services[target].name + repeat;
    const st = this.streams;
    const v = new View(this.views.length, target, caller, client, this.laneOnly[target], this.inst,
      st.stream(`lb/${callerName}/${tn}`), st.stream(`router/${callerName}/${tn}`));
    this.views.push(v);
    this.channels.push(this.propagation.channel(callerName, caller < 0 ? null : tn));
    this.subscribers[target].push(v);
    const cfg = this.routeConfigs[this.currentRoute[target]];
    v.weights = cfg.weights;
    v.routes = cfg.routes;
    return v;
  }

  /**
   * A new caller starts from the registry's current truth (it fetches on start). Endpoints
   * known when the caller starts are not slow-started (Envoy does not ramp the hosts of
   * its initial cluster load), so they join "long ago".
   */
  private fillView(v: View): void {
    const I = this.inst;
    for (let i = 0; i < I.n; i++) {
      if (I.svc[i] === v.target && I.registered[i] && !I.down[i] && I.state[i] !== ST_GONE) v.add(i, I.ver[i], -1e12);
    }
  }

  private createInstance(s: number, v: number): number {
    const t = this.topo;
    const i = this.inst.add(s, v, t.gvBase[s] + v, t.queueCap[s]);
    const I = this.inst;
    I.created[i] = this.engine.now;
    I.viewBase[i] = this.views.length;
    const svc = t.services[s];
    const name = `${svc.name}#${this.createdOf[s]++}`;
    I.stableId[i] = hashString(name);
    for (let k = 0; k < svc.calls.length; k++) {
      // A service called twice gets two views; the second one's streams are named `<svc>@<k>`.
      const repeat = svc.calls.findIndex((c) => c.service === svc.calls[k].service) < k ? `@${k}` : '';
      const v = this.newView(t.calls[s][k], i, name, t.edgeClient[t.edgeBase[s] + k], repeat);
      if (!this.booting) this.fillView(v);
    }
    this.costTick();
    this.existing++;
    if (this.existing > this.peakInstances) this.peakInstances = this.existing;
    return i;
  }

  // ---- the request hot path -------------------------------------------------------------

  private onArrival(): void {
    const now = this.engine.now;
    const next = this.arrivals.next(now);
    if (next < this.scenario.duration) this.engine.scheduleAt(next, this.K_ARRIVAL);
    const R = this.reqs;
    const r = R.alloc();
    const tr = this.scenario.traffic;
    const user = 1 + ((this.uUser() * tr.users) | 0);
    R.start[r] = now;
    R.user[r] = user;
    R.lane[r] = this.lanes.specs.length > 0 ? this.laneOf(user) : 0;
    R.path[r] = 0;
    R.hops[r] = this.pathsOn ? 0 : UNTRACKED; // paths are counted from the moment lanes exist
    R.misrouted[r] = 0;
    R.nonIdempotent[r] = tr.nonIdempotent > 0 && this.uIdem() < tr.nonIdempotent ? 1 : 0;
    this.metrics.offer(now);
    this.inSystemTick(now, -1);
    const c = this.calls.alloc(r, -1, GATEWAY_VIEW, ENTRY_EDGE, R.lane[r]);
    R.refs[r]++;
    this.send(c);
  }

  /** One attempt: route, pick, and hand the call to the instance (or fail at once). */
  private send(c: number): void {
    const cause = this.attempt(c);
    if (cause !== SENT) this.deliver(c, cause, this.failClass);
  }

  /**
   * Routes, picks and hands call c to an instance: SENT, or the cause of a failure met at
   * once (no endpoint, refused, queue full), its retry class left in `failClass`. It never
   * delivers that failure itself, so deliver() retries in a loop: thousands of attempts
   * failing at once would otherwise nest thousands of send → deliver frames.
   */
  private attempt(c: number): number {
    const C = this.calls, I = this.inst, now = this.engine.now;
    const view = this.views[C.view[c]];
    const r = C.req[c];
    const i = this.route(view, c, r);
    if (i < 0) {
      if (C.orphan[c] === 0 && this.registryKnows(view.target, this.routedVersion)) this.noEndpointStale++;
      this.failClass = CLASS_NONE;
      return CAUSE_NO_ENDPOINT;
    }
    C.tried[c] = i;
    const dereg = I.deregAt[i];
    if (dereg <= now && now - dereg > this.maxStaleSendMs) this.maxStaleSendMs = now - dereg;
    if (I.accepting[i] === 0) {
      view.failed(i, now);
      this.failClass = CLASS_CONNECT;
      return CAUSE_REFUSED;
    }
    const s = I.svc[i];
    if (I.busy[i] >= this.topo.concurrency[s] && I.qLen[i] >= this.topo.queueCap[s]) {
      view.failed(i, now);
      this.failClass = CLASS_5XX;
      return CAUSE_QUEUE_FULL;
    }
    C.inst[c] = i;
    C.sent[c] = now;
    view.began(i);
    if (this.pathsOn) this.notePath(r, I.gv[i]);
    const edge = C.edge[c];
    const timeout = this.topo.edgeTimeout[edge];
    if (timeout > 0) this.armTimeout(edge, now + timeout, c);
    I.load[i]++;
    if (I.busy[i] < this.topo.concurrency[s]) {
      I.busy[i]++;
      this.startService(c, i);
    } else {
      C.state[c] = CALL_QUEUED;
      I.enqueue(i, c);
    }
    return SENT;
  }

  /** Router (subset) then balancer (instance) for one hop; −1 when nothing can take it. */
  private route(view: View, c: number, r: number): number {
    const now = this.engine.now;
    const t = view.target;
    const user = this.reqs.user[r];
    const avoid = this.calls.tried[c];
    this.routedVersion = -1;
    // The common case: no lane was ever set up and this caller has a plain pool.
    if (!this.pathsOn && view.routes < 0 && view.weights === null) return view.pick(-1, now, user, avoid);
    const laneRows = this.lanes.version;
    // A call or request whose lane was torn down while it was in flight counts as untagged.
    const tag = this.calls.tag[c] <= laneRows.length ? this.calls.tag[c] : 0;
    const lane = this.reqs.lane[r] <= laneRows.length ? this.reqs.lane[r] : 0;
    let want = -1;
    if (tag > 0) {
      const lv = laneRows[tag - 1][t];
      if (lv >= 0) {
        const i = view.pick(lv, now, user, avoid);
        if (i >= 0) return i;
        this.routedVersion = lv;
        if (this.lanes.strict) return -1;
        this.reqs.misrouted[r] = 1; // permissive fallback where the lane has a version
      } else if (this.lanes.strict) return -1;
    }
    if (view.routes >= 0) want = this.matchRoute(view.routes, user);
    if (want < 0 && view.weights !== null) want = pickVersion(view.weights, view.uRoute);
    this.routedVersion = want;
    const i = view.pick(want, now, user, avoid);
    // Untagged at this hop: base traffic must not reach a lane version, and a request that
    // lost its tag must not be served by base where its lane has a version.
    if (i >= 0 && tag === 0 && (lane === 0 ? this.laneOnly[t][this.inst.ver[i]] === 1 : laneRows[lane - 1][t] >= 0)) {
      this.reqs.misrouted[r] = 1;
    }
    return i;
  }

  /**
   * Whether the registry lists an instance of `version` (−1: any base version) of service s
   * that this caller could have used: then a no-endpoint was the caller's stale view, not
   * a real absence. Only runs on the failure path.
   */
  private registryKnows(s: number, version: number): boolean {
    const I = this.inst;
    for (let i = 0; i < I.n; i++) {
      if (I.svc[i] !== s || !I.registered[i] || I.down[i] || I.accepting[i] === 0) continue;
      if (version >= 0 ? I.ver[i] === version : this.laneOnly[s][I.ver[i]] === 0) return true;
    }
    return false;
  }

  private matchRoute(table: number, user: number): number {
    const rules = this.routeTable[table];
    for (let k = 0; k < rules.length; k++) if (this.users.test(user, rules[k].match)) return rules[k].version;
    return -1;
  }

  private startService(c: number, i: number): void {
    const I = this.inst, t = this.topo;
    const gv = I.gv[i];
    const now = this.engine.now;
    this.queueWaitSum += now - this.calls.sent[c];
    this.serviceStarts++;
    let ms = t.serviceTime[gv].sample() * t.latencyFactor[gv];
    const f = t.coldFactor[gv];
    if (f !== 1) ms *= 1 + (f - 1) * Math.exp(-(now - I.upAt[i]) / t.coldDecay[gv]);
    this.calls.state[c] = CALL_SERVING;
    this.engine.schedule(ms, this.K_DONE, c, this.calls.gen[c]);
  }

  /** Local work done: fail (bad release), call downstream, or respond. */
  private onDone(c: number, gen: number): void {
    const C = this.calls;
    if (C.gen[c] !== gen || C.state[c] !== CALL_SERVING) return;
    const i = C.inst[c];
    const gv = this.inst.gv[i];
    const er = this.topo.errorRate[gv];
    if (er > 0 && this.topo.errorDraw[gv]() < er) {
      this.finish(c, CAUSE_ERROR);
      return;
    }
    const s = this.inst.svc[i];
    if (this.topo.calls[s].length > 0) {
      C.state[c] = CALL_WAITING;
      this.callDownstream(c, 0);
    } else this.finish(c, OK);
  }

  private callDownstream(p: number, k: number): void {
    const C = this.calls, I = this.inst;
    const i = C.inst[p];
    const s = I.svc[i];
    C.next[p] = k;
    const tag = this.topo.services[s].propagatesLane ? C.tag[p] : 0;
    const child = C.alloc(C.req[p], p, I.viewBase[i] + k, this.topo.edgeBase[s] + k, tag);
    this.reqs.refs[C.req[p]]++;
    C.child[p] = child;
    this.send(child);
  }

  /** The instance answers call c (success or failure) and frees its slot. */
  private finish(c: number, cause: number): void {
    const C = this.calls, I = this.inst, now = this.engine.now;
    const i = C.inst[c];
    this.metrics.served(now, I.gv[i], cause === OK, now - C.sent[c]);
    if (C.orphan[c] === 0) this.views[C.view[c]].ended(i);
    if (I.state[i] >= ST_TERMINATING && this.topo.services[I.svc[i]].proactiveNotification) {
      this.views[C.view[c]].remove(i); // the caller saw the shutdown mark on the response
    }
    C.gen[c]++;
    this.releaseSlot(i);
    this.deliver(c, cause, cause === OK ? CLASS_NONE : CLASS_5XX);
  }

  private releaseSlot(i: number): void {
    const I = this.inst;
    I.load[i]--;
    if (I.qLen[i] > 0 && I.state[i] !== ST_GONE) {
      this.startService(I.dequeue(i), i);
    } else {
      I.busy[i]--;
      if (I.state[i] === ST_DRAINING && I.load[i] === 0) this.gone(i);
    }
  }

  /**
   * The caller learns the outcome of attempt c: retry it, or pass the outcome up (to the
   * parent call, or to the end of the request).
   */
  private deliver(c: number, cause: number, cls: number): void {
    const C = this.calls;
    // One turn per attempt: a retry that fails at once comes back here as the next turn
    // (retry.attempts may be in the millions), one that was sent returns to the event loop.
    for (;;) {
      if (C.orphan[c] === 1) {
        this.releaseCall(c);
        return;
      }
      if (cause === OK) {
        if (C.inst[c] >= 0) {
          const v = this.views[C.view[c]];
          if (v.passiveHealth) v.succeeded(C.inst[c]);
        }
        break;
      }
      const edge = C.edge[c];
      const t = this.topo;
      if (C.attempt[c] >= t.edgeAttempts[edge] || (t.edgeRetryMask[edge] & cls) === 0 ||
        (cls !== CLASS_CONNECT && this.reqs.nonIdempotent[C.req[c]] !== 0)) break;
      C.attempt[c]++;
      C.gen[c]++;
      C.inst[c] = -1;
      C.state[c] = CALL_PENDING;
      cause = this.attempt(c);
      if (cause === SENT) return;
      cls = this.failClass;
    }
    const parent = C.parent[c];
    const r = C.req[c];
    this.releaseCall(c);
    if (parent < 0) this.complete(r, cause);
    else this.childReturned(parent, cause);
  }

  /** Frees a call record and its hold on the request (freed once completed and unreferenced). */
  private releaseCall(c: number): void {
    const r = this.calls.req[c];
    this.calls.release(c);
    this.reqs.unref(r);
  }

  private childReturned(p: number, cause: number): void {
    const C = this.calls;
    C.child[p] = -1;
    if (cause !== OK) {
      this.finish(p, cause); // the upstream answers 5xx; the root cause travels with it
      return;
    }
    const k = C.next[p] + 1;
    const s = this.inst.svc[C.inst[p]];
    if (k < this.topo.calls[s].length) this.callDownstream(p, k);
    else this.finish(p, OK);
  }

  private complete(r: number, cause: number): void {
    const R = this.reqs, now = this.engine.now;
    if (cause === OK) {
      if (R.misrouted[r] === 1) this.metrics.drop(now, CAUSE_MISROUTE);
      else this.metrics.succeed(now, now - R.start[r]);
    } else this.metrics.drop(now, cause);
    if (this.pathsOn) this.countPath(r);
    this.inSystemTick(now, 0);
    R.release(r);
  }

  /** Accumulates the in-system area; `bias` −1 when called after alloc (count includes the new one). */
  private inSystemTick(now: number, bias: number): void {
    this.inSystemArea += (this.reqs.live + bias) * (now - this.inSystemAt);
    this.inSystemAt = now;
  }

  /** Time-average number of requests in the system so far. */
  meanInSystem(): number {
    this.inSystemTick(this.engine.now, 0);
    return this.engine.now > 0 ? this.inSystemArea / this.engine.now : 0;
  }

  // ---- timeouts -------------------------------------------------------------------------

  private armTimeout(edge: number, deadline: number, c: number): void {
    const q = this.fifo[edge];
    q.push(deadline, c, this.calls.gen[c]);
    if (!q.armed) {
      q.armed = true;
      this.engine.scheduleAt(deadline, this.K_TIMEOUT, edge);
    }
  }

  private onTimeout(edge: number): void {
    const q = this.fifo[edge], C = this.calls, now = this.engine.now;
    // q.armed stays true while we run: a retry sent from timeOut() pushes onto this FIFO
    // and must not start a second timer chain (chains never merge).
    while (q.length > 0) {
      const c = q.peekId(), gen = q.peekGen();
      const live = C.gen[c] === gen && C.orphan[c] === 0 && C.state[c] >= CALL_QUEUED && C.state[c] <= CALL_WAITING;
      if (live && q.peekDeadline() > now) break;
      q.shift();
      if (live) this.timeOut(c);
    }
    q.armed = q.length > 0;
    if (q.armed) this.engine.scheduleAt(q.peekDeadline(), this.K_TIMEOUT, edge);
  }

  /** The caller gives up on attempt c; the callee keeps working on it, unobserved. */
  private timeOut(c: number): void {
    const C = this.calls;
    C.orphan[c] = 1;
    this.views[C.view[c]].ended(C.inst[c]); // Envoy stops counting it as active on timeout
    const c2 = C.alloc(C.req[c], C.parent[c], C.view[c], C.edge[c], C.tag[c]);
    this.reqs.refs[C.req[c]]++;
    C.attempt[c2] = C.attempt[c];
    C.tried[c2] = C.inst[c];
    if (C.parent[c] >= 0) C.child[C.parent[c]] = c2;
    this.deliver(c2, CAUSE_TIMEOUT, CLASS_TIMEOUT);
  }

  // ---- lanes and paths ------------------------------------------------------------------

  private laneOf(user: number): number {
    const L = this.lanes;
    for (let k = 0; k < L.matches.length; k++) if (this.users.test(user, L.matches[k])) return k + 1;
    return 0;
  }

  private notePath(r: number, gv: number): void {
    const R = this.reqs;
    if (R.hops[r] < 8) {
      R.path[r] = R.path[r] * 64 + gv + 1;
      R.hops[r]++;
    }
  }

  private countPath(r: number): void {
    if (this.reqs.hops[r] === UNTRACKED) return;
    const lane = this.reqs.lane[r];
    const m = this.laneUsage[lane];
    const key = this.reqs.path[r];
    m.set(key, (m.get(key) ?? 0) + 1);
    this.laneRequests[lane]++;
  }

  /** Decodes a path key into `a:v2>b:v1>c:v2` (`-` when no instance accepted it). */
  pathName(key: number): string {
    if (key === 0) return '-';
    const parts: string[] = [];
    let k = key;
    while (k > 0) {
      const gv = (k % 64) - 1;
      parts.unshift(`${this.topo.gvNames[gv].service}:${this.topo.gvNames[gv].version}`);
      k = Math.floor(k / 64);
    }
    return parts.join('>');
  }

  // ---- lifecycle --------------------------------------------------------------------------

  private onAppUp(i: number): void {
    const I = this.inst;
    if (I.state[i] !== ST_STARTING) return;
    const now = this.engine.now;
    I.state[i] = ST_UP;
    I.upAt[i] = now;
    I.accepting[i] = 1;
    // Probes tick at created + initialDelay + m·period; the first tick after the app is up
    // passes, and successThreshold consecutive passes make it ready.
    const p = this.topo.services[I.svc[i]].instance.readinessProbe;
    const first = I.created[i] + p.initialDelaySeconds * 1000;
    const period = p.periodSeconds * 1000;
    const m = Math.max(0, Math.ceil((now - first) / period));
    const readyAt = first + m * period + (p.successThreshold - 1) * period;
    this.engine.scheduleAt(readyAt, this.K_READY, i);
  }

  private onReady(i: number): void {
    const I = this.inst;
    if (I.state[i] !== ST_UP) return;
    const now = this.engine.now;
    I.state[i] = ST_READY;
    I.readyAt[i] = now;
    const spec = this.topo.services[I.svc[i]].instance;
    const minReady = this.minReadyMs[I.svc[i]];
    if (minReady > 0) this.engine.schedule(minReady, this.K_NOTIFY);
    this.engine.schedule(spec.registrationDelay, this.K_REGISTER, i);
    this.engine.notify();
  }

  private onRegister(i: number): void {
    const I = this.inst;
    if (I.state[i] !== ST_READY || I.registered[i]) return;
    I.registered[i] = 1;
    I.deregAt[i] = Infinity;
    if (!I.down[i]) this.publish(i, true);
    this.engine.notify();
  }

  /** Starts termination of instance i (the pod was deleted). */
  terminate(i: number): void {
    const I = this.inst;
    const st = I.state[i];
    if (st >= ST_TERMINATING) return;
    if (st !== ST_READY) {
      // never became ready: nobody routes to it; it just goes
      this.gone(i);
      return;
    }
    const spec = this.topo.services[I.svc[i]].instance;
    I.state[i] = ST_TERMINATING; // counted as terminating from the delete on
    if (spec.deregistration === 'before-termination') {
      this.deregister(i);
      this.engine.schedule(spec.deregistrationLead, this.K_TERM_START, i);
    } else this.onTermStart(i);
    this.engine.notify();
  }

  private onTermStart(i: number): void {
    const I = this.inst;
    if (I.state[i] === ST_GONE) return;
    const spec = this.topo.services[I.svc[i]].instance;
    if (I.registered[i]) this.deregister(i);
    // kubelet killContainer: the preStop hook runs for at most the grace period, then
    // SIGTERM; the rest of the grace period (minus the hook's whole seconds) follows, but
    // never less than 2 s, then SIGKILL.
    const grace = spec.terminationGracePeriod;
    const sigterm = Math.min(spec.preStop, grace);
    this.engine.schedule(sigterm, this.K_SIGTERM, i);
    this.engine.schedule(sigterm + Math.max(grace - Math.floor(sigterm / 1000) * 1000, 2000), this.K_KILL, i);
  }

  private onSigterm(i: number): void {
    const I = this.inst;
    if (I.state[i] === ST_GONE || I.state[i] === ST_DRAINING) return;
    if (this.topo.services[I.svc[i]].instance.shutdown === 'abrupt') {
      this.hardStop(i);
      return;
    }
    I.state[i] = ST_DRAINING;
    I.accepting[i] = 0;
    if (I.load[i] === 0) this.gone(i);
  }

  private onKill(i: number): void {
    if (this.inst.state[i] !== ST_GONE) this.hardStop(i);
  }

  /** SIGKILL (or an abrupt exit): everything in flight at this instance is reset. */
  private hardStop(i: number): void {
    const I = this.inst, C = this.calls;
    I.state[i] = ST_GONE;
    I.accepting[i] = 0;
    const now = this.engine.now;
    const victims: number[] = [];
    for (let c = 0; c < C.highWater; c++) {
      const st = C.state[c];
      if (C.inst[c] === i && st >= CALL_QUEUED && st <= CALL_WAITING) victims.push(c);
    }
    I.qLen[i] = 0;
    I.busy[i] = 0;
    I.load[i] = 0;
    for (const c of victims) {
      if (C.state[c] === CALL_WAITING && C.child[c] >= 0) C.orphan[C.child[c]] = 1;
      this.metrics.served(now, I.gv[i], false, now - C.sent[c]);
      if (C.orphan[c] === 0) this.views[C.view[c]].ended(i);
      C.gen[c]++;
      C.state[c] = CALL_PENDING;
      this.deliver(c, CAUSE_RESET, CLASS_RESET);
    }
    this.gone(i);
  }

  private gone(i: number): void {
    const I = this.inst;
    I.state[i] = ST_GONE;
    I.accepting[i] = 0;
    if (I.registered[i]) this.deregister(i);
    const s = I.svc[i];
    const n = this.topo.services[s].calls.length;
    for (let k = 0; k < n; k++) {
      const v = this.views[I.viewBase[i] + k];
      v.alive = false;
      const subs = this.subscribers[v.target];
      subs.splice(subs.indexOf(v), 1);
    }
    this.costTick();
    this.existing--;
    this.engine.notify();
  }

  private deregister(i: number): void {
    const I = this.inst;
    I.registered[i] = 0;
    if (I.deregAt[i] === Infinity) I.deregAt[i] = this.engine.now;
    if (!I.down[i]) this.publish(i, false);
  }

  // ---- registry propagation ---------------------------------------------------------------

  /** Tells every caller of the instance's service, each after its own propagation delay. */
  private publish(i: number, add: boolean): void {
    const now = this.engine.now;
    const subs = this.subscribers[this.inst.svc[i]];
    for (const v of subs) {
      const t = this.deliverAt(v, now);
      this.engine.scheduleAt(t, this.K_VIEW, v.id, (i << 1) | (add ? 1 : 0));
    }
  }

  private deliverAt(v: View, now: number): number {
    // In order per view; serial is per caller, over all its views (never earlier than any
    // of them). Control path (once per change per subscriber), so a Map is fine here.
    const serial = this.propagation.serial;
    const previous = serial ? this.serialBusyUntil.get(v.caller) ?? 0 : v.lastDelivery;
    const t = this.propagation.landing(this.channels[v.id], now, previous);
    v.lastDelivery = t;
    if (serial) this.serialBusyUntil.set(v.caller, t);
    return t;
  }

  private onViewUpdate(vid: number, payload: number): void {
    const v = this.views[vid];
    if (!v.alive) return;
    const i = payload >> 1;
    if (payload & 1) {
      if (this.inst.state[i] !== ST_GONE) v.add(i, this.inst.ver[i], this.engine.now);
    } else v.remove(i);
  }

  private onRouteUpdate(vid: number, cfg: number): void {
    const v = this.views[vid];
    if (!v.alive) return;
    v.weights = this.routeConfigs[cfg].weights;
    v.routes = this.routeConfigs[cfg].routes;
  }

  private publishRoute(s: number, cfg: RouteConfig): void {
    const id = this.routeConfigs.length;
    this.routeConfigs.push(cfg);
    this.currentRoute[s] = id;
    const delayed = this.scenario.registry.routingDelay;
    const now = this.engine.now;
    for (const v of this.subscribers[s]) {
      if (delayed) this.engine.scheduleAt(this.deliverAt(v, now), this.K_ROUTE, v.id, id);
      else { v.weights = cfg.weights; v.routes = cfg.routes; }
    }
  }

  // ---- periodic sampling and cost ----------------------------------------------------------

  private onSample(): void {
    const now = this.engine.now;
    this.metrics.closeBucketsUntil(now, (counts, b) => {
      const I = this.inst;
      for (let i = 0; i < I.n; i++) {
        const g = stateGroup(I.state[i]);
        if (g >= 0) counts[I.gv[i]][g][b]++;
      }
    });
    const next = now + this.scenario.bucketMs;
    if (next <= this.scenario.duration + 1e-9) this.engine.scheduleAt(next, this.K_SAMPLE);
  }

  private costTick(): void {
    const now = this.engine.now;
    this.instanceMs += this.existing * (now - this.lastCostAt);
    this.lastCostAt = now;
  }

  instanceSeconds(): number {
    this.costTick();
    return this.instanceMs / 1000;
  }

  // ---- control API (cold path): what platforms call --------------------------------------

  get now(): number {
    return this.engine.now;
  }

  /** Sets the replica count of one version: creates instances, or terminates the ones Kubernetes would. */
  scale(service: string, version: string, replicas: number): void {
    const s = this.topo.index(service);
    const v = this.topo.versionIndex(s, version);
    this.desired[s][v] = replicas;
    const I = this.inst;
    const live: number[] = [];
    for (let i = 0; i < I.n; i++) if (I.svc[i] === s && I.ver[i] === v && I.state[i] <= ST_READY) live.push(i);
    if (replicas > live.length) {
      for (let k = live.length; k < replicas; k++) {
        const i = this.createInstance(s, v);
        this.engine.schedule(Math.max(0, this.topo.startup[this.topo.gvBase[s] + v].sample()), this.K_APP_UP, i);
      }
    } else if (replicas < live.length) {
      // ReplicaSet scale-down order: marked down first, then not ready before ready, then
      // the most recently ready (newest) first.
      live.sort((a, b) => (I.down[b] - I.down[a]) || (rank(I.state[a]) - rank(I.state[b])) ||
        (I.readyAt[b] - I.readyAt[a]) || (b - a));
      for (let k = 0; k < live.length - replicas; k++) this.terminate(live[k]);
    }
    this.engine.notify();
  }

  /** Version weights on the router of every caller of `service` (null: pool by replicas). */
  setWeights(service: string, weights: Record<string, number> | null): void {
    const s = this.topo.index(service);
    let w: Float64Array | null = null;
    if (weights) {
      w = new Float64Array(this.topo.services[s].versions.length);
      for (const [name, x] of Object.entries(weights)) w[this.topo.versionIndex(s, name)] = x;
    }
    const cur = this.routeConfigs[this.currentRoute[s]];
    this.publishRoute(s, { weights: w, routes: cur.routes });
  }

  setRoutes(service: string, routes: HeaderRoute[]): void {
    const s = this.topo.index(service);
    let idx = -1;
    if (routes.length > 0) {
      idx = this.routeTable.length;
      this.routeTable.push(routes.map((r, k) => ({ match: this.users.compile(r.match, hashString(`route/${service}/${k}`)), version: this.topo.versionIndex(s, r.version) })));
    }
    const cur = this.routeConfigs[this.currentRoute[s]];
    this.publishRoute(s, { weights: cur.weights, routes: idx });
  }

  /** Installs the lanes (entry colouring + per-hop preference); [] tears them down. */
  setLanes(lanes: LaneSpec[], mode: 'permissive' | 'strict'): void {
    const t = this.topo;
    for (const lo of this.laneOnly) lo.fill(0);
    const version = lanes.map((l) => {
      const row = new Int32Array(t.services.length).fill(-1);
      for (const [svc, ver] of Object.entries(l.services)) {
        const s = t.index(svc);
        const v = t.versionIndex(s, ver);
        row[s] = v;
        this.laneOnly[s][v] = 1;
      }
      return row;
    });
    const matches = lanes.map((l) => this.users.compile(l.match, hashString(`lane/${l.name}`)));
    this.lanes = { specs: lanes, matches, version, strict: mode === 'strict' };
    if (lanes.length === 0) return; // teardown: keep counting what is still in flight
    this.pathsOn = true;
    while (this.laneUsage.length <= lanes.length) { this.laneUsage.push(new Map()); this.laneRequests.push(0); }
    this.laneNames = ['base', ...lanes.map((l) => l.name)];
  }

  /** Takes `count` ready instances of a version out of (or back into) every caller's list. */
  markDown(service: string, version: string, count: number, down: boolean): void {
    const s = this.topo.index(service);
    const v = this.topo.versionIndex(s, version);
    const I = this.inst;
    let n = 0;
    for (let i = 0; i < I.n && n < count; i++) {
      if (I.svc[i] !== s || I.ver[i] !== v || I.state[i] !== ST_READY) continue;
      if (down && !I.down[i]) {
        I.down[i] = 1;
        I.deregAt[i] = this.engine.now;
        if (I.registered[i]) this.publish(i, false);
        n++;
      } else if (!down && I.down[i]) {
        I.down[i] = 0;
        I.deregAt[i] = Infinity;
        if (I.registered[i]) this.publish(i, true);
        n++;
      }
    }
  }

  versionState(service: string): Record<string, VersionState> {
    const s = this.topo.index(service);
    const svc = this.topo.services[s];
    const out = dict<VersionState>(); // keyed by version names, which may be `__proto__`
    const minReady = this.minReadyMs[s];
    const now = this.engine.now;
    svc.versions.forEach((ver, v) => {
      const st: VersionState = { desired: this.desired[s][v], current: 0, ready: 0, available: 0, terminating: 0 };
      const I = this.inst;
      for (let i = 0; i < I.n; i++) {
        if (I.svc[i] !== s || I.ver[i] !== v) continue;
        const x = I.state[i];
        if (x <= ST_READY) st.current++;
        if (x === ST_READY) {
          st.ready++;
          if (now - I.readyAt[i] >= minReady) st.available++;
        }
        if (x === ST_TERMINATING || x === ST_DRAINING) st.terminating++;
      }
      out[ver.name] = st;
    });
    return out;
  }

  windowStats(service: string, version: string, windowMs: number): WindowStats {
    const s = this.topo.index(service);
    const v = this.topo.versionIndex(s, version);
    return this.metrics.window(this.topo.gvBase[s] + v, this.engine.now, windowMs);
  }

  /** Wakes `until` waiters at a future time (for timeouts of waits). */
  notifyAt(time: number): void {
    this.engine.scheduleAt(time, this.K_NOTIFY);
  }

  beginStep(name: string): void {
    const now = this.engine.now;
    if (this.rolloutStart < 0) this.rolloutStart = now;
    const last = this.steps[this.steps.length - 1];
    if (last && last.endMs < 0) last.endMs = now;
    this.steps.push({ name, startMs: now, endMs: -1 });
    this.metrics.beginStep();
  }

  /**
   * The plan finished. Drops it still causes (callers that have not yet heard that the
   * last old instances left) are attributed to an `after rollout` step running to the end.
   */
  endRollout(): void {
    const now = this.engine.now;
    if (this.rolloutStart < 0) this.rolloutStart = now;
    this.rolloutEnd = now;
    if (this.steps.length > 0) this.beginStep('after rollout');
  }

  run(onProgress?: (fraction: number) => void): void {
    const d = this.scenario.duration;
    this.engine.run({ until: d, onProgress: onProgress ? (t) => onProgress(t / d) : undefined, progressEvery: 500_000 });
  }

  result(strategy: string): RunResult {
    return buildResult(this, strategy);
  }
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

function rank(state: number): number {
  return state === ST_STARTING ? 0 : state === ST_UP ? 1 : 2;
}
