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
 * This file owns the state every concept shares, so it lives in one place with one shape:
 * the fields, the event kinds and their dispatch, and the set-up (boot, new callers, new
 * instances). Each concept is its own file of plain functions taking the model first:
 * request-path.ts (the hot path), caller-timeouts.ts, lanes.ts, lifecycle.ts,
 * propagation.ts, accounting.ts and control.ts (what the public methods below forward to).
 * Hot path (per request per hop): arrival → send (route, pick, accept or refuse) → serve
 * (K_DONE) → downstream calls → finish → deliver to the caller (retry or propagate). All
 * of it works on integer ids into typed arrays; nothing is allocated per request.
 */
import type { LaneSpec, Scenario } from '../../scenarios/types.ts';
import { Engine } from '../kernel/engine.ts';
import { RandomStreams, type Uniform } from '../kernel/random.ts';
import { Topology, CLASS_NONE } from './topology.ts';
import { InstanceStore, ST_READY, ST_DRAINING, ST_GONE, STATE_GROUPS } from './instances.ts';
import { CallPool, ORPHAN_LOAD_TEST, ORPHAN_MIRROR, RequestPool, type OrphanCounts } from './calls.ts';
import { CallerPool, ConnectionStore } from './connections.ts';
import { TimeoutQueue } from './timeouts.ts';
import { View } from './view.ts';
import { Propagation, GATEWAY_CALLER, registryFor, type Channel } from './registry.ts';
import { Metrics } from './metrics.ts';
import { Arrivals, Users, type CompiledMatch } from './traffic.ts';
import { hashString } from '../balancers/hash.ts';
import type { HeaderRoute, LoadTest, MirrorRoute, VersionState, WindowStats } from '../../strategies/protocol-types.ts';
import type { RunResult } from '../result/run-result.ts';
import { onArrival, onDone } from './request-path.ts';
import { onTimeout } from './caller-timeouts.ts';
import { onAppUp, onReady, onRegister, onTermStart, onSigterm, onKill, drained, gone } from './lifecycle.ts';
import { onCrash } from './crash.ts';
import { affinityOf, type Affinity } from './affinity.ts';
import { setMirror, type Mirror } from './mirror.ts';
import { onLoadTestTick, setLoadTest, type LoadTester } from './load-test.ts';
import { onViewUpdate, onRouteUpdate, onLanesUpdate } from './propagation.ts';
import { ServiceStats } from './service-stats.ts';
import { onSample, costTick, instanceSeconds, meanInSystem } from './accounting.ts';
import { pathName } from './lanes.ts';
import * as control from './control.ts';
import { minReadyMs } from '../rules/availability.ts';
import { StepLog } from '../result/step-log.ts';

/** A routing config published to the callers of one service. */
export interface RouteConfig {
  weights: Float64Array | null;
  routes: number;
}

export interface CompiledRoute {
  match: CompiledMatch;
  version: number;
}

export interface LaneTable {
  specs: LaneSpec[];
  matches: CompiledMatch[];
  /** [lane][service] → local version, −1 where the lane has none. */
  version: Int32Array[];
  strict: boolean;
  /** [service][local version] → 1 for a lane-only version (out of the base pool) under this table. */
  laneOnly: Uint8Array[];
}

/*
 * Members marked @internal are package-internal to sim/model/: the concept files read and
 * write them directly (no accessors on the hot path). Code outside sim/model/ uses the
 * public methods and the unmarked fields (result/build.ts reads those).
 */
export class Model {
  readonly engine: Engine;
  readonly topo: Topology;
  readonly metrics: Metrics;
  /** Per service: slot and queue occupancy over time, queue waits (Little's law figures). */
  readonly serviceStats: ServiceStats;
  readonly scenario: Scenario;
  readonly seed: number;

  // state
  readonly inst = new InstanceStore();
  readonly calls = new CallPool();
  readonly reqs = new RequestPool();
  /** Keep-alive connections of every caller that pools (connections.ts). */
  readonly conns = new ConnectionStore();
  /** @internal pickPinned's answer: the connection the picked instance is reached on (−1: open one). */
  pinnedConn = -1;
  readonly views: View[] = [];
  /** @internal Per service: the live views that call it (who hears of its changes). */
  readonly subscribers: View[][];
  /** @internal Per edge: pending caller deadlines, in order. */
  readonly fifo: TimeoutQueue[];
  /** @internal The top-level registry's propagation; `viewPropagation` has each view's. */
  readonly propagation: Propagation;
  /** @internal Per view id: the registry its caller reads. */
  readonly viewPropagation: Propagation[] = [];
  private readonly namedPropagation = new Map<string, Propagation>();
  /** @internal With push.serial: per caller (instance id, −1 the gateway), when its last change lands, over all its views. */
  readonly serialBusyUntil = new Map<number, number>();
  /** Changes published so far (endpoint, route, lane): names a change for push.shared. */
  changes = 0;
  /** @internal Per view id: how its caller hears of changes to its target. */
  readonly channels: Channel[] = [];
  /** @internal Per service: instances created so far (an instance's stable name is `<service>#<n>`). */
  readonly createdOf: Int32Array;
  /** @internal */
  readonly arrivals: Arrivals;
  readonly users: Users;
  /** @internal */
  readonly uUser: Uniform;
  /** @internal */
  readonly uIdem: Uniform;
  /** @internal */
  readonly streams: RandomStreams;
  /** The lanes as last set (the truth misroutes are judged by); each caller routes by the table it has heard of. */
  lanes: LaneTable;
  /** @internal Every lane table set so far; a view's `lanes` indexes it (0: none). */
  readonly laneTables: LaneTable[] = [];
  /** @internal */
  readonly routeTable: CompiledRoute[][] = [];
  /** @internal */
  readonly routeConfigs: RouteConfig[] = [];
  /** @internal The latest routing config per service (what a newly created caller starts with). */
  readonly currentRoute: number[];
  /** Desired replicas per service per local version (from scale calls). */
  readonly desired: Int32Array[];
  /** @internal Ready this long before "available": the instance setting, or a rolling release's minReadySeconds. */
  readonly minReadyMs: number[];
  /** Per service: its mirror route (mirror.ts), or null. */
  readonly mirrors: (Mirror | null)[];
  /** @internal Any mirror is set (the request path skips the check otherwise). */
  mirrorsOn = false;
  /** Mirrored copies, counted apart from users' requests. */
  readonly mirrorCounts: OrphanCounts = { sent: 0, ok: 0, failed: 0 };
  /** @internal Draws which requests are copied. */
  readonly uMirror: Uniform;
  /** Per service: its load test (load-test.ts), or null. */
  readonly loadTests: (LoadTester | null)[];
  /** @internal Load tests started or stopped so far (a tester's arrival events carry it). */
  loadTestGen = 0;
  readonly loadTestCounts: OrphanCounts = { sent: 0, ok: 0, failed: 0 };
  /** The counts an orphan call's outcome goes to, by its ORPHAN_* kind (null: not counted). */
  readonly orphanCounts: (OrphanCounts | null)[] = [];
  /** @internal Per service: the load tester's view id, −1 until a load test first needs it. */
  private readonly testerViews: number[];
  /** Per service: the canary's sticky users (session affinity), or null where it is off. */
  readonly affinity: (Affinity | null)[];
  readonly laneUsage: Map<number, number>[] = [];
  readonly laneRequests: number[] = [];

  // accounting
  /** @internal */
  existing = 0;
  peakInstances = 0;
  /** @internal */
  instanceMs = 0;
  /** @internal */
  lastCostAt = 0;
  maxStaleSendMs = 0;
  /** no-endpoint failures while the registry already listed a usable instance (propagation lag). */
  noEndpointStale = 0;
  /** Process crashes so far (failing versions, crash.ts). */
  crashes = 0;
  /** Drops whose failure met a crashed process, by cause code (refused, reset). */
  readonly crashDropped = new Float64Array(16);
  /** Calls answered with an error because the caller's version requires another version of the callee. */
  incompatibleCalls = 0;
  /** `error` drops with an incompatible call in their request. */
  incompatibleDropped = 0;
  /** Misroute drops by kind, indexed by the MISROUTE_* code (lanes.ts; index 0 unused). */
  readonly misrouteBy = new Float64Array(5);
  /** @internal The version the router chose for the current pick (−1: the base pool). */
  routedVersion = -1;
  /** @internal Retry class (CLASS_*) of the failure attempt() last returned. */
  failClass = CLASS_NONE;
  /** @internal ∫ requests in the system dt (Little's law: L = λW). */
  inSystemArea = 0;
  /** @internal */
  inSystemAt = 0;
  /** Steps, the rollout's start and end, the outcome: kept as the replay keeps them. */
  readonly stepLog = new StepLog();
  readonly log: { t: number; message: string }[] = [];
  /** @internal */
  pathsOn = false;
  /** @internal */
  booting = true;
  /** Lane names by index (0 = base); kept after teardown so late requests still count. */
  laneNames: string[] = ['base'];

  // event kinds (@internal)
  readonly K_ARRIVAL: number;
  readonly K_DONE: number;
  readonly K_TIMEOUT: number;
  readonly K_APP_UP: number;
  readonly K_READY: number;
  readonly K_REGISTER: number;
  readonly K_TERM_START: number;
  readonly K_SIGTERM: number;
  readonly K_KILL: number;
  readonly K_CRASH: number;
  readonly K_VIEW: number;
  readonly K_ROUTE: number;
  readonly K_LANES: number;
  readonly K_SAMPLE: number;
  readonly K_NOTIFY: number;
  readonly K_LOAD_TEST: number;

  constructor(scenario: Scenario, seed = scenario.seed) {
    this.scenario = scenario;
    this.seed = seed;
    this.streams = new RandomStreams(seed);
    const st = this.streams;
    this.engine = new Engine({ maxEvents: scenario.limits.maxEvents, capacity: 1 << 14 });
    this.topo = new Topology(scenario, st);
    this.orphanCounts[ORPHAN_MIRROR] = this.mirrorCounts;
    this.orphanCounts[ORPHAN_LOAD_TEST] = this.loadTestCounts;
    for (let k = 0; k < this.orphanCounts.length; k++) this.orphanCounts[k] ??= null; // ORPHAN_ABANDONED: not counted
    // A draining server that waits for its callers' connections exits with the last one.
    this.conns.onLastClosed = (i) => { if (this.inst.state[i] === ST_DRAINING && drained(this, i)) gone(this, i); };
    const S = this.topo.services.length;
    this.metrics = new Metrics(scenario.bucketMs, scenario.duration, this.topo.gvNames, STATE_GROUPS);
    this.serviceStats = new ServiceStats(scenario.services.length, this.metrics.buckets);
    this.subscribers = Array.from({ length: S }, () => []);
    this.fifo = this.topo.edgeClient.map(() => new TimeoutQueue());
    this.propagation = new Propagation(scenario.registry, st);
    this.arrivals = new Arrivals(scenario.traffic, st.stream('arrivals'));
    this.users = new Users(scenario.traffic);
    this.uUser = st.stream('users');
    this.uIdem = st.stream('idempotency');
    this.createdOf = new Int32Array(S);
    this.lanes = { specs: [], matches: [], version: [], strict: false, laneOnly: this.topo.services.map((s) => new Uint8Array(s.versions.length)) };
    this.laneTables.push(this.lanes);
    this.desired = this.topo.services.map((s) => new Int32Array(s.versions.length));
    this.routeConfigs.push({ weights: null, routes: -1 });
    this.currentRoute = new Array(S).fill(0);
    this.minReadyMs = this.topo.services.map((svc) => minReadyMs(scenario, svc.name));
    this.affinity = affinityOf(scenario, this.topo);
    this.mirrors = this.topo.services.map(() => null);
    this.uMirror = st.stream('mirror');
    this.loadTests = this.topo.services.map(() => null);
    this.testerViews = this.topo.services.map(() => -1);

    const e = this.engine;
    this.K_ARRIVAL = e.register(() => onArrival(this));
    this.K_DONE = e.register((c, gen) => onDone(this, c, gen));
    this.K_TIMEOUT = e.register((edge) => onTimeout(this, edge));
    this.K_APP_UP = e.register((i) => onAppUp(this, i));
    this.K_READY = e.register((i, run) => onReady(this, i, run));
    this.K_REGISTER = e.register((i, run) => onRegister(this, i, run));
    this.K_CRASH = e.register((i, run) => onCrash(this, i, run));
    this.K_TERM_START = e.register((i) => onTermStart(this, i));
    this.K_SIGTERM = e.register((i) => onSigterm(this, i));
    this.K_KILL = e.register((i) => onKill(this, i));
    this.K_VIEW = e.register((v, p) => onViewUpdate(this, v, p));
    this.K_ROUTE = e.register((v, cfg) => onRouteUpdate(this, v, cfg));
    this.K_LANES = e.register((v, table) => onLanesUpdate(this, v, table));
    this.K_SAMPLE = e.register(() => onSample(this));
    this.K_NOTIFY = e.register(() => this.engine.notify());
    this.K_LOAD_TEST = e.register((s, gen) => onLoadTestTick(this, s, gen));

    this.boot();
  }

  // ---- set-up ---------------------------------------------------------------------------

  /** Initial instances: warm, ready and registered at t = 0, known to every caller. */
  private boot(): void {
    const t = this.topo;
    // The gateway's view of the entry service is view 0 (GATEWAY_VIEW in request-path.ts).
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

  /** The propagation of a registry by name (null: the top-level one), made on first use. */
  private propagationFor(name: string | null): Propagation {
    if (name === null) return this.propagation;
    let p = this.namedPropagation.get(name);
    if (!p) {
      const { spec } = registryFor(this.scenario, name);
      p = new Propagation(spec, this.streams, name);
      this.namedPropagation.set(name, p);
    }
    return p;
  }

  /**
   * `callerName` names the streams the view draws from (random.ts): the gateway, or the
   * calling instance's stable name; `repeat` tells apart a second call to the same service.
   */
  private newView(target: number, caller: number, callerName: string, client: View['client'], repeat = ''): View {
    const tn = this.topo.services[target].name + repeat;
    const st = this.streams;
    const v = new View(this.views.length, target, caller, client, this.lanes.laneOnly[target], this.topo.endpointWeight[target], this.inst,
      st.stream(`lb/${callerName}/${tn}`), st.stream(`router/${callerName}/${tn}`),
      client.pool === null ? null : new CallerPool(client.pool, this.conns));
    this.views.push(v);
    const prop = this.propagationFor(caller < 0 ? this.scenario.entry.registry : this.topo.services[this.inst.svc[caller]].registry);
    this.viewPropagation.push(prop);
    this.channels.push(prop.channel(callerName, caller < 0 ? null : tn));
    this.subscribers[target].push(v);
    const cfg = this.routeConfigs[this.currentRoute[target]];
    v.weights = cfg.weights;
    v.routes = cfg.routes;
    v.lanes = this.laneTables.length - 1;
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

  /**
   * @internal The load tester's view of service s (a caller of its own, by the entry's
   * registry and client, without a connection pool), made when a load test first needs it.
   */
  loadTesterView(s: number): number {
    if (this.testerViews[s] < 0) {
      const v = this.newView(s, -1, `load-tester/${this.topo.services[s].name}`, { ...this.topo.edgeClient[0], pool: null });
      this.fillView(v);
      this.testerViews[s] = v.id;
    }
    return this.testerViews[s];
  }

  /** @internal A new instance of version v of service s, with a view per downstream call. */
  createInstance(s: number, v: number): number {
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
    costTick(this);
    this.existing++;
    if (this.existing > this.peakInstances) this.peakInstances = this.existing;
    return i;
  }

  // ---- public surface: control API (control.ts) and read-outs ----------------------------

  get now(): number {
    return this.engine.now;
  }

  /** Sets the replica count of one version: creates instances, or terminates the ones Kubernetes would. */
  scale(service: string, version: string, replicas: number): void { control.scale(this, service, version, replicas); }
  /** Version weights on the router of every caller of `service` (null: pool by replicas). The routing changes return when the last caller routes by them. */
  setWeights(service: string, weights: Record<string, number> | null): number { return control.setWeights(this, service, weights); }
  setRoutes(service: string, routes: HeaderRoute[]): number { return control.setRoutes(this, service, routes); }
  setMirror(service: string, mirror: MirrorRoute | null): void { setMirror(this, service, mirror); }
  /** Starts (null: stops) synthetic requests straight to a version of `service` (load-test.ts). */
  setLoadTest(service: string, load: LoadTest | null): void { setLoadTest(this, service, load); }
  /** Installs the lanes (entry colouring + per-hop preference); [] tears them down. */
  setLanes(lanes: LaneSpec[], mode: 'permissive' | 'strict'): number { return control.setLanes(this, lanes, mode); }
  /** Takes `count` ready instances of a version out of (or back into) every caller's list. */
  markDown(service: string, version: string, count: number, down: boolean): number { return control.markDown(this, service, version, count, down); }
  versionState(service: string): Record<string, VersionState> { return control.versionState(this, service); }
  windowStats(service: string, version: string, windowMs: number): WindowStats { return control.windowStats(this, service, version, windowMs); }
  /** Wakes `until` waiters at a future time (for timeouts of waits). */
  notifyAt(time: number): void { control.notifyAt(this, time); }
  beginStep(name: string): void { control.beginStep(this, name); }
  /** The plan finished; late drops go to an `after rollout` step (control.ts). */
  endRollout(): void { control.endRollout(this); }
  run(onProgress?: (fraction: number) => void): void { control.run(this, onProgress); }
  result(strategy: string): RunResult { return control.result(this, strategy); }

  /** Decodes a path key into `a:v2>b:v1>c:v2` (`-` when no instance accepted it). */
  pathName(key: number): string { return pathName(this, key); }
  /** Time-average number of requests in the system so far. */
  meanInSystem(): number { return meanInSystem(this); }
  instanceSeconds(): number { return instanceSeconds(this); }
}
