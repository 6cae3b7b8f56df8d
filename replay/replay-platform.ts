/**
 * The strategy Platform on a wall clock: real backend processes, a real proxy, time
 * divided by `speed`. A strategy's `sleep(ms)` is `setTimeout(ms / speed)`; `scale`
 * spawns or terminates backends (preStop, SIGTERM, hard kill at the grace period, as the
 * scenario says) and keeps the proxy's server list in step; weights, routes, lanes and
 * `down` marks go to the proxy; `metrics` reads the load recorder.
 *
 * Registration is real: an instance joins the proxy once its ready line came and the
 * readiness probe's delay passed (+ registrationDelay); it leaves when termination starts
 * (or `deregistrationLead` before it, for lossless offline). Whatever time the proxy takes
 * to apply that (an nginx reload, an HAProxy API call) is the propagation delay.
 *
 * Failing versions, as the simulator runs them (sim/model/crash.ts): a `neverReady`
 * version listens but never joins the proxy; a `crashAfter` version's backend exits on its
 * own, and any exit of a backend that is not terminating is a crash: the pod stays (it
 * counts toward its version, and a scale-down may pick it), not ready; its endpoint leaves
 * the proxy the way a deregistration does; after the kubelet's back-off
 * (sim/rules/crash-loop.ts) a new process (a new port, a fresh start-up, cold) runs in the
 * same instance, and probes tick from that restart.
 */
import { exactRule } from './match-expansion.ts';
import type { ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nodeEntry } from './supervision/node-entry.ts';
import type { DistSpec, Scenario, ServiceSpec, VersionSpec } from '../scenarios/types.ts';
import type { VersionState } from '../strategies/protocol-types.ts';
import { makeSampler, type Sampler } from '../sim/kernel/distributions.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { minReadyMs, emptyVersionState, Stage, tally, waitReadySatisfied } from '../sim/rules/availability.ts';
import { readyTime } from '../sim/rules/readiness.ts';
import { nextRestart, restartDelay } from '../sim/rules/crash-loop.ts';
import { pickVictims } from '../sim/rules/scale-down.ts';
import { goesAtOnce, terminationSchedule } from '../sim/rules/termination.ts';
import { StepLog } from '../sim/result/step-log.ts';
import type { Action, Platform } from '../strategies/protocol.ts';
import { CRASH_DISARM_SIGNAL, READY_PREFIX, type BackendConfig } from './backend-config.ts';
import { isRunning, signalGroup, spawnTracked, waitExit } from './supervision/cleanup.ts';
import type { Endpoint, ProxyAdapter, RoutingState } from './proxy.ts';
import type { LoadRecorder } from './recorder.ts';
import { waitForLine } from './tools.ts';
import { Propagation, registryFor } from '../sim/model/registry.ts';
import { dict } from '../scenarios/dict.ts';

/** How long (real ms) before the platform dates a crash the process may have died. */
const CRASH_SEEN_LATE_MS = 50;

/** One run of a backend process, just spawned. */
interface Spawned { child: ChildProcess; startup: number; crashAfter: number | null }

/** readyAt of the initial instances: as long ago as the simulator's (−10¹² ms). */
const INITIAL_READY_AT = -1e12;

/** Timers of the platform never keep the process alive: the driver's own loop does while
 * the run lasts, and a plan still sleeping (a long pause) must not hold the CLI open. */
function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const BACKEND = nodeEntry('./backend.ts', import.meta.url);

export interface ReplayInstance {
  id: string;
  service: string;
  version: string;
  child: ChildProcess;
  port: number;
  phase: 'starting' | 'ready' | 'terminating' | 'gone';
  /** Creation order (the scale-down tie-break). */
  seq: number;
  /** Real ms (recorder clock); upAt is −1 until the app listens (again, after a crash). */
  createdAt: number;
  /** Real ms the container last started: createdAt, then each restart (readiness probes tick from it). */
  startedAt: number;
  upAt: number;
  readyAt: number;
  endedAt: number;
  down: boolean;
  /** Deleted by a scale-down (its exit is expected). */
  deleted?: boolean;
  /** Runs of the process so far − 1 (0 until the first crash): work of an earlier run is stale. */
  run: number;
  /** Restart number in the current back-off sequence (sim/rules/crash-loop.ts). */
  backoffStep: number;
  /** This run's endpoint was published to the registry (ready, registration delay passed). */
  registered: boolean;
  /** The port last handed to the proxy's addServer (−1: none); its removal follows it in the proxy's order. */
  listedPort: number;
  /** This run's `crashAfter` (scenario ms), null: it does not crash. */
  crashAfterMs: number | null;
}

/** One crash of a backend (`meta.replay.crashLog`), scenario ms. */
export interface ReplayCrash {
  instance: string;
  service: string;
  version: string;
  /** When the process exited: crashAfter after it listened (a crash on schedule), else when its exit was seen. */
  atMs: number;
  /** How long that run had listened. */
  ranMs: number;
  /** The kubelet's back-off before the restart (restartDelay). */
  restartInMs: number;
  /** False: the version has no `crashAfter` and its backend exited anyway (restarted all the same). */
  expected: boolean;
}

export class ReplayPlatform implements Platform {
  readonly instances: ReplayInstance[] = [];
  /** Steps, rollout start/end and outcome, kept by the same rules as the simulator's. */
  readonly stepLog = new StepLog();
  peakInstances = 0;
  readonly log: string[] = [];
  /** Errors from background work (spawns, proxy changes); the run fails on the first. */
  readonly errors: Error[] = [];
  /**
   * Per change, in the order they were published: endpoint changes (registration,
   * deregistration, down marks; real ms from publishing it — ready + registrationDelay;
   * termination start, or deletion with lossless offline — until the proxy serves by it:
   * the scenario's registry delay with `registryDelay`, the wait behind earlier proxy
   * changes, the change itself, an nginx reload or an HAProxy API call) and routing changes
   * (weights, routes, lanes: from the plan writing it until the proxy serves by it). NaN
   * while a change is on its way.
   */
  readonly propagationMs: number[] = [];
  /** Per service, in creation order, real ms from spawning a new instance until it listened (the scenario's start-up, or the process spawn when longer; the drawn start-up for one deleted before it listened). A crashed instance's restart is a spawn too, listed when it happens. */
  readonly startupMs = new Map<string, number[]>();
  /** Every crash, in order. */
  readonly crashes: ReplayCrash[] = [];

  private readonly desired = new Map<string, number>();
  private readonly streams: RandomStreams;
  private readonly samplers = new Map<string, Sampler>();
  private seq = 0;
  private stopping = false;
  private readonly propagation: Propagation | null;
  private lastDelivery = 0;
  /** The last endpoint change's turn to reach the proxy (they reach it in order). */
  private previousTurn: Promise<void> = Promise.resolve();

  constructor(
    private readonly scenario: Scenario,
    private readonly state: RoutingState,
    private readonly proxy: () => ProxyAdapter,
    private readonly rec: LoadRecorder,
    private readonly speed: number,
    private readonly runDir: string,
    private readonly onProgress: (msg: string) => void = () => undefined,
    /** Add the scenario's registry delay before the proxy hears of an endpoint change. */
    registryDelay = false,
  ) {
    this.streams = new RandomStreams(scenario.seed);
    // The proxy is the entry: it reads the entry's registry, drawing what the simulator's gateway draws.
    const entry = registryFor(scenario, scenario.entry.registry);
    this.propagation = registryDelay ? new Propagation(entry.spec, this.streams, entry.name) : null;
  }

  /**
   * With `registryDelay`: wait until the proxy — the one caller in a replay — would hear of
   * an endpoint change published now, by the scenario's registry (push delay or poll chain,
   * in order per caller, exactly as the simulator times it). Without it, the proxy's own
   * reload/API time is the only propagation.
   */
  private propagationDelay(publishedMs = this.nowMs()): Promise<void> {
    if (!this.propagation) return Promise.resolve();
    const now = this.nowMs();
    const at = this.propagation.landing(this.propagation.gatewayChannel(), Math.min(publishedMs, now), this.lastDelivery);
    this.lastDelivery = at;
    // Landings are in order, but two timers due at the same landing (a down mark published
    // while a registration is on its way lands with it) may fire in either order: libuv
    // starts a timer from its cached loop time. A down mark that overtook the registration
    // reloaded nginx with no live server (13-18 no-endpoint at speed 4, now and then). So
    // each change also waits for the one before it.
    const turn = Promise.all([sleepMs(Math.max(0, at - now) / this.speed), this.previousTurn]).then(() => undefined);
    this.previousTurn = turn;
    return turn;
  }

  /** Scenario ms now. */
  nowMs(): number {
    return this.rec.now() * this.speed;
  }

  execute(action: Action, resume: (answer: unknown) => void): void {
    if (this.stopping) return; // the run is over: leave the plan suspended
    switch (action.do) {
      case 'sleep': setTimeout(() => resume(undefined), action.ms / this.speed).unref(); return;
      case 'now': return resume(this.nowMs());
      case 'sleepUntil': setTimeout(() => resume(undefined), Math.max(0, action.atMs - this.nowMs()) / this.speed).unref(); return;
      case 'scale': this.scale(action.service, action.version, action.replicas); resume(undefined); return;
      case 'setWeights': this.routingChange(this.proxy().applyWeights(action.service, action.weights), resume); return;
      case 'setRoutes': {
        const routes = action.routes.map((r) => ({ ...r, match: exactRule(r.match, this.scenario.traffic) }));
        this.routingChange(this.proxy().applyRoutes(action.service, routes), resume);
        return;
      }
      case 'setMirror': {
        // Preflight refuses mirroring for proxies that cannot copy requests (HAProxy).
        const px = this.proxy();
        if (!px.applyMirror) { this.fail(new Error(`${px.kind} cannot mirror requests (preflight should have refused the scenario)`)); return; }
        const mirror = action.mirror && { ...action.mirror, match: action.mirror.match && exactRule(action.mirror.match, this.scenario.traffic) };
        this.routingChange(px.applyMirror(action.service, mirror), resume);
        return;
      }
      // Refused before the run (preflight.ts): the replay sends no load tester's requests.
      case 'setLoadTest': resume(undefined); return;
      // The simulator's stream of the same name and seed: a webhook answers alike on both.
      case 'draw': resume(this.streams.stream(`plan/${action.stream}`)()); return;
      case 'setLanes':
        this.routingChange(
          (async () => {
            this.rec.beginLaneChange(action.lanes);
            try {
              // The recorder judges by the rules as written; the proxy gets them with exact values.
              await this.proxy().applyLanes(action.lanes.map((l) => ({ ...l, match: exactRule(l.match, this.scenario.traffic) })), action.mode);
              await this.proxy().settled();
            } finally {
              this.rec.endLaneChange();
            }
          })(),
          resume,
        );
        return;
      case 'markDown': {
        const grace = this.scenario.release?.routing.grace ?? 0;
        const p = this.markDown(action.service, action.version, action.count, action.down);
        this.background(grace > 0 ? p.then(() => sleepMs(grace / this.speed)) : p, resume);
        return;
      }
      case 'waitReady': void this.waitReady(action.service, action.version, action.replicas, action.timeoutMs).then(resume); return;
      case 'state': resume(this.versionStates(action.service)); return;
      case 'metrics': this.takeCopies(); resume(this.rec.window(action.service, action.version, action.windowMs)); return;
      case 'step': this.startStep(action.name); resume(undefined); return;
      case 'outcome': this.stepLog.outcome = action.outcome; resume(undefined); return;
      case 'log': this.log.push(action.message); this.onProgress(action.message); resume(undefined); return;
    }
  }

  /** Hands the copies the proxy mirrored since the last call to the recorder (analysis sees them; `meta.mirrored` counts them). */
  takeCopies(): void {
    const copies = this.proxy().takeCopies?.();
    if (copies && copies.length > 0) this.rec.copiesFinished(copies);
  }

  /** Starts `replicas` warm instances of each service's initial version (before load). */
  async startInitial(): Promise<void> {
    const starts: Promise<ReplayInstance>[] = [];
    for (const svc of this.scenario.services) {
      this.desired.set(`${svc.name}/${svc.initialVersion}`, svc.replicas);
      for (let i = 0; i < svc.replicas; i++) starts.push(this.spawnInstance(svc, svc.initialVersion, true));
    }
    const all = await Promise.all(starts);
    for (const inst of all) {
      inst.phase = 'ready';
      inst.upAt = this.rec.now();
      // Ready long before the run, as the simulator's initial instances (sim/model/model.ts):
      // available at once whatever minReadySeconds. Stamped with the recorder's clock, which
      // restarts when the load starts, they counted as unavailable for as long as the
      // backends and the proxy took to start (plus minReadySeconds), and a rollout that
      // waits on availability (maxSurge 0: ~2 s of scenario time at speed 10) started late.
      inst.readyAt = INITIAL_READY_AT;
      inst.registered = true;
      inst.listedPort = inst.port;
      this.state.endpoints.set(inst.id, this.endpointOf(inst));
    }
  }

  /** Stops taking actions; kills every backend (the run is over). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    this.stepLog.close(this.nowMs());
    await Promise.all(this.instances.filter((i) => isRunning(i.child)).map(async (i) => {
      signalGroup(i.child, 'SIGKILL');
      await waitExit(i.child, 1000);
      if (i.endedAt < 0) i.endedAt = this.rec.now();
      i.phase = 'gone';
    }));
  }

  /** Counts per version and lifecycle phase (for the `instances.*` timeline series). */
  phaseCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const i of this.instances) {
      if (i.phase === 'gone') continue;
      const k = `instances.${i.service}.${i.version}.${i.phase}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  }

  instanceSeconds(endReal: number): number {
    return this.instances.reduce((s, i) => s + ((i.endedAt >= 0 ? i.endedAt : endReal) - i.createdAt), 0) * this.speed / 1000;
  }

  // ---- actions --------------------------------------------------------------------------

  /** The plan returned: what follows is the `after rollout` step. */
  planFinished(): void {
    const k = this.stepLog.planFinished(this.nowMs());
    if (k >= 0) this.rec.step = k;
  }

  private scale(service: string, version: string, replicas: number): void {
    const svc = this.service(service);
    this.desired.set(`${service}/${version}`, replicas);
    const alive = this.alive(service, version);
    for (let n = alive.length; n < replicas; n++) {
      void this.spawnInstance(svc, version, false).then((inst) => this.becomeReady(svc, inst)).catch((e) => this.fail(e));
    }
    if (alive.length > replicas) {
      const candidates = alive.map((inst) => ({
        inst, down: inst.down, stage: stageOf(inst), readyAtMs: inst.readyAt * this.speed, created: inst.seq,
      }));
      for (const victim of pickVictims(candidates, alive.length - replicas)) void this.terminate(svc, victim.inst).catch((e) => this.fail(e));
    }
  }

  /**
   * A down mark is an endpoint change like a deregistration: it reaches the proxy after the
   * registry's delay, in order with the others (the simulator publishes it the same way);
   * applied at once it overtook a registration still on its way, leaving no live server.
   */
  private async markDown(service: string, version: string, count: number, down: boolean): Promise<void> {
    const candidates = this.alive(service, version).filter((i) => i.down !== down && i.phase === 'ready');
    for (const inst of candidates.slice(0, count)) {
      inst.down = down;
      const applied = this.publishChange();
      await this.propagationDelay();
      if (!this.state.endpoints.has(inst.id) || this.stopping) { applied(); continue; }
      await this.proxy().markDown(inst.id, down);
      applied();
    }
  }

  private async waitReady(service: string, version: string, replicas: number, timeoutMs: number): Promise<boolean> {
    const until = performance.now() + timeoutMs / this.speed;
    while (!this.stopping) {
      if (waitReadySatisfied(this.versionStates(service)[version], replicas)) return true;
      if (performance.now() > until) return false;
      await sleepMs(10);
    }
    return false;
  }

  private versionStates(service: string): Record<string, VersionState> {
    const out = dict<VersionState>();
    const minReady = minReadyMs(this.scenario, service);
    const now = this.nowMs();
    const versions = new Set<string>([...this.state.versionsOf(service)]);
    for (const [k] of this.desired) if (k.startsWith(`${service}/`)) versions.add(k.slice(service.length + 1));
    for (const v of versions) {
      const st = emptyVersionState(this.desired.get(`${service}/${v}`) ?? 0);
      for (const i of this.instances) {
        if (i.service === service && i.version === v) tally(st, stageOf(i), i.readyAt * this.speed, now, minReady);
      }
      out[v] = st;
    }
    return out;
  }

  private startStep(name: string): void {
    this.rec.step = this.stepLog.begin(name, this.nowMs());
    this.onProgress(`step: ${name}`);
  }

  // ---- instance lifecycle ---------------------------------------------------------------

  private async spawnInstance(svc: ServiceSpec, version: string, warm: boolean): Promise<ReplayInstance> {
    const id = `${svc.name}-${version}-${++this.seq}`;
    const spawned = this.spawnProcess(svc, id, version, warm);
    const now = this.rec.now();
    const inst: ReplayInstance = {
      id, service: svc.name, version, child: spawned.child, port: 0, phase: 'starting', seq: this.seq,
      createdAt: now, startedAt: now, upAt: -1, readyAt: -1, endedAt: -1, down: false, run: 0, backoffStep: 0, registered: false, listedPort: -1,
      crashAfterMs: spawned.crashAfter,
    };
    this.instances.push(inst);
    this.peakInstances = Math.max(this.peakInstances, this.instances.filter((i) => i.phase !== 'gone').length);
    await this.processUp(svc, inst, spawned, warm);
    return inst;
  }

  /**
   * Starts one run of an instance's process: draws its start-up (and, for a failing
   * version, how long it will run before it crashes) and spawns the backend.
   */
  private spawnProcess(svc: ServiceSpec, id: string, version: string, warm: boolean): Spawned {
    const ver = this.versionSpec(svc, version);
    const startup = warm ? 0 : Math.max(0, this.sampler(`startup/${svc.name}/${version}`, ver?.startup ?? svc.instance.startup, `replay/startup/${svc.name}`).sample());
    // Initial (warm) instances never crash, as in the simulator: they never pass through start-up.
    const crashAfter = warm || !ver?.crashAfter ? null : Math.max(0, this.sampler(`crash/${svc.name}/${version}`, ver.crashAfter, `replay/crash/${svc.name}/${version}`).sample());
    const cfg: BackendConfig = {
      service: svc.name, version, instanceId: id, seed: this.scenario.seed, speed: this.speed,
      serviceTime: ver?.serviceTime ?? svc.instance.serviceTime,
      latencyFactor: ver?.latencyFactor ?? 1,
      coldStart: warm ? { factor: 1, decay: 1, decayRequests: null } : (ver?.coldStart ?? svc.instance.coldStart),
      errorRate: ver?.errorRate ?? 0,
      concurrency: svc.instance.concurrency,
      queue: svc.instance.queue,
      startupMs: startup,
      crashAfterMs: crashAfter,
      shutdown: svc.instance.shutdown,
      keepAlive: this.state.front(svc.name).pool ? svc.instance.keepAlive : null,
      propagatesLane: svc.propagatesLane,
      calls: svc.calls.map((c) => ({ service: c.service, port: this.state.front(c.service).port, timeoutMs: c.client.timeout })),
      runDir: this.runDir,
    };
    const child = spawnTracked(process.execPath, [...BACKEND, JSON.stringify(cfg)], { cwd: REPO_ROOT });
    yieldToProxyAndLoad(child);
    return { child, startup, crashAfter };
  }

  /** Waits for a run of the process (just spawned, in this tick) to listen. */
  private async processUp(svc: ServiceSpec, inst: ReplayInstance, spawned: Spawned, warm: boolean): Promise<void> {
    const { child, startup } = spawned;
    // Slot in creation order (a simulator fed the trace draws start-ups in that order).
    const ups = warm ? null : this.startupMs.get(svc.name) ?? [];
    const slot = ups ? ups.push(startup / this.speed) - 1 : -1;
    if (ups) this.startupMs.set(svc.name, ups);
    child.once('exit', () => this.onExit(svc, inst, child));
    try {
      inst.port = Number(await waitForLine(child, READY_PREFIX, 20_000 + startup / this.speed));
    } catch (e) {
      if (inst.deleted) return; // scaled away while starting: gone by design, not a failure
      throw e;
    }
    inst.upAt = this.rec.now();
    this.rec.backendStarted(inst.port);
    if (ups) ups[slot] = inst.upAt - inst.startedAt;
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /**
   * A backend exited. Expected when its pod is terminating or deleted, or the run is over;
   * before it ever listened, a failed start (its ready line never comes: the spawn fails the
   * run). Otherwise it crashed.
   */
  private onExit(svc: ServiceSpec, inst: ReplayInstance, child: ChildProcess): void {
    if (child !== inst.child) return; // an earlier run's process
    if (this.stopping || inst.deleted || inst.upAt < 0 || (inst.phase !== 'starting' && inst.phase !== 'ready')) {
      if (inst.endedAt < 0) inst.endedAt = this.rec.now();
      inst.phase = 'gone';
      return;
    }
    void this.crash(svc, inst).catch((e) => this.fail(e));
  }

  /**
   * A crash, with the simulator's semantics (sim/model/crash.ts): the pod stays, starting
   * again (not ready, not available); its endpoint leaves the proxy as a deregistration
   * would (published at the crash, after the registry's delay); after the kubelet's back-off a new
   * process runs in it, its probes ticking from the restart, and it rejoins once ready.
   */
  private async crash(svc: ServiceSpec, inst: ReplayInstance): Promise<void> {
    // The exit is seen a little after it happened (its notice, a busy machine: 10–100 ms
    // real). A crash on schedule happened crashAfter after the process listened, and dates
    // what follows (the registry's delay, the back-off) from there, as in the simulator.
    const seen = this.rec.now();
    const now = inst.crashAfterMs === null ? seen : Math.min(seen, inst.upAt + inst.crashAfterMs / this.speed);
    const ranMs = (now - inst.upAt) * this.speed;
    const expected = this.versionSpec(svc, inst.version)?.crashAfter != null;
    const oldPort = inst.port;
    this.rec.backendStopped(oldPort);
    inst.phase = 'starting';
    inst.upAt = -1;
    inst.readyAt = -1;
    inst.run++;
    const run = inst.run;
    inst.backoffStep = nextRestart(inst.backoffStep, ranMs);
    const backoff = restartDelay(inst.backoffStep);
    this.crashes.push({ instance: inst.id, service: svc.name, version: inst.version, atMs: now * this.speed, ranMs, restartInMs: backoff, expected });
    if (!expected) this.onProgress(`${inst.id} exited on its own: restarting it as a crash`);
    // As the simulator: only a registered endpoint is deregistered (one whose registration
    // is still on its way lands first, and is dropped there as stale). Drops from a little
    // before the crash (the process listened before its ready line was read) are owed to
    // it, until the proxy lets it go.
    if (inst.registered) {
      inst.registered = false;
      const span = this.rec.crashBegan(now - CRASH_SEEN_LATE_MS);
      void this.deregisterCrashed(inst, oldPort, now).finally(() => this.rec.crashSettled(span)).catch((e) => this.fail(e));
    }
    await sleepMs(Math.max(0, now + backoff / this.speed - this.rec.now()));
    if (inst.run !== run || inst.deleted || this.stopping || inst.phase !== 'starting') return;
    inst.startedAt = this.rec.now();
    const spawned = this.spawnProcess(svc, inst.id, inst.version, false);
    inst.child = spawned.child;
    inst.crashAfterMs = spawned.crashAfter;
    await this.processUp(svc, inst, spawned, false);
    if (inst.run !== run) return;
    await this.becomeReady(svc, inst);
  }

  /**
   * The crashed process's endpoint leaves the proxy, through the registry as any
   * deregistration. Removed when it was handed to the proxy (an addServer still queued in
   * the proxy's order is applied first, so none outlives the removal).
   */
  private async deregisterCrashed(inst: ReplayInstance, port: number, crashedAt: number): Promise<void> {
    const applied = this.publishChange(crashedAt);
    await this.propagationDelay(crashedAt * this.speed);
    if (inst.listedPort !== port || this.stopping) { applied(); return; }
    inst.listedPort = -1;
    await this.proxy().removeServer(inst.id);
    applied();
  }

  private async becomeReady(svc: ServiceSpec, inst: ReplayInstance): Promise<void> {
    if (inst.phase !== 'starting' || inst.upAt < 0) return; // gone, or crashed before this was called
    // neverReady: the process listens, its readiness probe never passes.
    if (this.versionSpec(svc, inst.version)?.neverReady) return;
    // The probe's schedule, in scenario ms since the container started (the real clock ÷ speed).
    const run = inst.run;
    const upAt = (inst.upAt - inst.startedAt) * this.speed;
    const readyAt = readyTime(0, upAt, svc.instance.readinessProbe);
    await sleepMs(Math.max(0, readyAt - (this.rec.now() - inst.startedAt) * this.speed) / this.speed);
    if (inst.phase !== 'starting' || inst.run !== run) return;
    // readyAfterRegistration: the pod is ready (and counts toward progress) only once registered.
    const tied = svc.instance.readyAfterRegistration;
    if (tied && svc.instance.registrationDelay > 0) {
      await sleepMs(svc.instance.registrationDelay / this.speed);
      if (inst.phase !== 'starting' || inst.run !== run) return;
    }
    inst.phase = 'ready';
    inst.readyAt = this.rec.now();
    if (!tied && svc.instance.registrationDelay > 0) await sleepMs(svc.instance.registrationDelay / this.speed);
    if (inst.run !== run) return; // crashed before it registered: nothing to publish
    inst.registered = true;
    const applied = this.publishChange();
    await this.propagationDelay();
    if (inst.phase !== 'ready' || inst.run !== run || this.stopping) { applied(); return; }
    inst.listedPort = inst.port;
    await this.proxy().addServer(this.endpointOf(inst));
    applied();
  }

  /** The instance as the proxy lists it, with its version's balancer weight. */
  private endpointOf(inst: ReplayInstance): Endpoint {
    const weight = this.service(inst.service).versions.find((v) => v.name === inst.version)?.weight ?? 1;
    return { id: inst.id, service: inst.service, version: inst.version, port: inst.port, down: inst.down, weight };
  }

  private async terminate(svc: ServiceSpec, inst: ReplayInstance): Promise<void> {
    if (goesAtOnce(stageOf(inst))) {
      inst.phase = 'gone';
      inst.deleted = true;
      inst.endedAt = this.rec.now();
      signalGroup(inst.child, 'SIGKILL');
      return;
    }
    const plan = terminationSchedule(svc.instance);
    inst.phase = 'terminating';
    // A terminating pod's crash changes nothing the simulator counts (crash.ts): its
    // process is told not to crash now, and drains or is killed as any other.
    if (this.versionSpec(svc, inst.version)?.crashAfter && isRunning(inst.child)) signalGroup(inst.child, CRASH_DISARM_SIGNAL);
    const deregister = async (): Promise<void> => {
      const applied = this.publishChange();
      await this.propagationDelay();
      if (!this.state.endpoints.has(inst.id) || this.stopping) { applied(); return; }
      await this.proxy().removeServer(inst.id);
      applied();
    };
    if (plan.deregisterAtDeletion) {
      await deregister();
      await sleepMs(plan.startAfterMs / this.speed);
    } else {
      // Kubernetes: endpoint removal races the preStop hook and SIGTERM.
      void deregister().catch((e) => this.fail(e));
    }
    const termStart = this.rec.now();
    // Without a preStop hook SIGTERM goes now, in this tick, as in the model (at termination
    // start). A 0 ms timer fired only after the work this tick had queued (the replacement's
    // spawn, the proxy change's `nginx -t`): 30–50 ms late, 0.3–0.5 s of scenario time at
    // speed 10, during which the stopped instance still served.
    if (plan.sigtermAfterMs > 0) await sleepMs(plan.sigtermAfterMs / this.speed);
    if (!isRunning(inst.child)) return;
    this.rec.backendStopped(inst.port);
    signalGroup(inst.child, 'SIGTERM');
    const killAt = termStart + plan.killAfterMs / this.speed;
    if (!(await waitExit(inst.child, Math.max(0, killAt - this.rec.now())))) signalGroup(inst.child, 'SIGKILL');
  }

  // ---- helpers ----------------------------------------------------------------------------

  private alive(service: string, version: string): ReplayInstance[] {
    return this.instances.filter((i) => i.service === service && i.version === version && (i.phase === 'starting' || i.phase === 'ready'));
  }

  private versionSpec(svc: ServiceSpec, version: string): VersionSpec | undefined {
    return svc.versions.find((v) => v.name === version);
  }

  /** One sampler per distribution use, drawing from a seeded stream (deterministic per seed). */
  private sampler(key: string, spec: DistSpec, stream: string): Sampler {
    let s = this.samplers.get(key);
    if (!s) {
      s = makeSampler(spec, this.streams.stream(stream));
      this.samplers.set(key, s);
    }
    return s;
  }

  private service(name: string): ServiceSpec {
    const s = this.scenario.services.find((x) => x.name === name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s;
  }

  /**
   * A routing change resumes the plan once the proxy serves by it (the replay cannot do
   * otherwise: see replayCaveats), then after the release's routing grace.
   */
  private routingChange(p: Promise<void>, resume: (a: unknown) => void): void {
    const grace = this.scenario.release?.routing.grace ?? 0;
    // A down mark records its own propagation, per instance, as an endpoint change.
    const applied = this.publishChange();
    const inForce = p.then(applied);
    this.background(grace > 0 ? inForce.then(() => sleepMs(grace / this.speed)) : inForce, resume);
  }

  /**
   * A change (endpoint or routing) is published now (or at `published`, real ms: a crash is
   * dated before its exit was seen): returns the call that records, in publishing order, how
   * long it took until the proxy served by it (propagationMs), so a simulator fed the trace
   * meets each change at its own delay.
   */
  private publishChange(published = this.rec.now()): () => void {
    const k = this.propagationMs.push(NaN) - 1;
    return () => { this.propagationMs[k] = this.rec.now() - published; };
  }

  private background(p: Promise<void>, resume: (a: unknown) => void): void {
    p.then(() => resume(undefined), (e) => { this.fail(e); });
  }

  private fail(e: unknown): void {
    if (this.stopping) return;
    const err = e instanceof Error ? e : new Error(String(e));
    this.errors.push(err);
    this.onProgress(`error: ${err.message}`);
  }
}

/** The lifecycle stage the shared rules count by. */
function stageOf(i: ReplayInstance): Stage {
  switch (i.phase) {
    case 'starting': return i.upAt < 0 ? Stage.Starting : Stage.Up;
    case 'ready': return Stage.Ready;
    case 'terminating': return Stage.Terminating;
    case 'gone': return Stage.Gone;
  }
}

/**
 * Every backend runs at a lower CPU priority than the proxy and the load generator. A
 * starting backend (a Node process: ~0.3 s of CPU) otherwise starves them on a small
 * machine, exactly when an instance is replaced: HAProxy then read the requests queued
 * during a kill's refusal window only after it had applied the removal, and refused 9 where
 * the simulator, fed the same arrivals, refused 58. All backends get the same priority,
 * so a running one and a starting one share the CPU as before. Lowering a priority needs
 * no privilege; where the system refuses anyway, the replay runs as it did.
 */
function yieldToProxyAndLoad(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, BACKEND_NICENESS);
  } catch {
    // not allowed here: a replay without it is still a replay
  }
}
const BACKEND_NICENESS = 10;
