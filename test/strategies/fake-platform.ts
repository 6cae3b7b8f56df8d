/**
 * A tiny deterministic platform for strategy tests: instances come up a fixed time after
 * they are created, become ready and available by the shared platform rules (sim/rules/:
 * probe ticks, minReady, scale-down order), terminate for a fixed time, and every action
 * is recorded with its virtual time. Given a scenario, it takes the probe, start-up,
 * minReadySeconds and termination schedule from it (the platform conformance test runs
 * it beside the simulator and the replay). After every change it snapshots
 * each version's counts and the service's weights, so tests can check invariants over
 * the whole timeline, not just at the end.
 */
import { Engine } from '../../sim/kernel/engine.ts';
import { drive, type Action, type HeaderRoute, type Plan, type Platform, type VersionState, type WindowStats } from '../../strategies/protocol.ts';
import type { LaneSpec, ProbeSpec, Scenario } from '../../scenarios/types.ts';
import { emptyVersionState, minReadyMs, Stage, tally, waitReadySatisfied } from '../../sim/rules/availability.ts';
import { readyTime } from '../../sim/rules/readiness.ts';
import { pickVictims } from '../../sim/rules/scale-down.ts';
import { goesAtOnce, terminationSchedule } from '../../sim/rules/termination.ts';
import { StepLog } from '../../sim/result/step-log.ts';

export interface FakeOptions {
  readyDelayMs?: number;
  minReadyMs?: number;
  terminationMs?: number;
  /** Window metrics answer (default: a healthy version with 100 requests). */
  metrics?: (service: string, version: string, windowMs: number, now: number) => WindowStats;
  /** Versions whose instances never become ready. */
  neverReady?: string[];
  /** Take start-up (a constant), probe, minReady and termination from this scenario. */
  scenario?: Scenario;
}

/** A probe that passes the moment the app is up (ticks every ms). */
const INSTANT_PROBE: ProbeSpec = { initialDelaySeconds: 0, periodSeconds: 0.001, successThreshold: 1, failureThreshold: 3 };

interface Instance {
  version: string;
  seq: number;
  createdAt: number;
  readyAt: number;
  goneAt: number | null;
  down: boolean;
}

export interface Snapshot {
  t: number;
  service: string;
  versions: Record<string, VersionState>;
  weights: Record<string, number> | null;
}

export interface Recorded { t: number; action: Action }

export function healthyWindow(requests = 100, latency = 10): WindowStats {
  return { requests, ok: requests, errors: 0, successRate: 1, p50: latency, p90: latency, p99: latency, latencies: Array.from({ length: Math.min(requests, 50) }, (_, i) => latency + (i % 5)) };
}

export class FakePlatform implements Platform {
  readonly env = new Engine();
  readonly actions: Recorded[] = [];
  readonly snapshots: Snapshot[] = [];
  readonly weights = new Map<string, Record<string, number> | null>();
  readonly routes = new Map<string, HeaderRoute[]>();
  lanes: { lanes: LaneSpec[]; mode: string } = { lanes: [], mode: 'permissive' };
  finished = false;
  readonly stepLog = new StepLog();

  private readonly instances = new Map<string, Instance[]>();
  private readonly pending = new Map<number, (answer: unknown) => void>();
  private readonly waiters: { id: number; service: string; version: string; replicas: number; timer: number }[] = [];
  private nextId = 0;
  private nextSeq = 0;
  private readonly K_RESUME: number;
  private readonly K_TICK: number;
  private readonly K_TIMEOUT: number;
  private readonly o: Required<Omit<FakeOptions, 'metrics' | 'neverReady' | 'scenario'>> & FakeOptions;

  constructor(initial: Record<string, Record<string, number>>, opts: FakeOptions = {}) {
    this.o = { readyDelayMs: 10_000, minReadyMs: 0, terminationMs: 5_000, ...opts };
    this.K_RESUME = this.env.register((id) => this.answer(id, undefined));
    this.K_TICK = this.env.register(() => this.tick());
    this.K_TIMEOUT = this.env.register((id) => this.timeout(id));
    for (const [service, versions] of Object.entries(initial)) {
      const list: Instance[] = [];
      for (const [version, n] of Object.entries(versions)) {
        for (let i = 0; i < n; i++) list.push({ version, seq: this.nextSeq++, createdAt: -1e9, readyAt: -1e9, goneAt: null, down: false });
      }
      this.instances.set(service, list);
      this.weights.set(service, null);
    }
  }

  /** Runs the plan until it finishes or `untilMs` of virtual time pass. */
  run(plan: Plan<unknown>, untilMs = 3_600_000): this {
    drive(plan, this, () => { this.finished = true; this.stepLog.planFinished(this.env.now); });
    this.env.run({ until: untilMs });
    return this;
  }

  execute(action: Action, resume: (answer: unknown) => void): void {
    const now = this.env.now;
    this.actions.push({ t: now, action });
    switch (action.do) {
      case 'scale': this.scale(action.service, action.version, action.replicas); return resume(undefined);
      case 'setWeights': this.weights.set(action.service, action.weights); this.snapshot(action.service); return resume(undefined);
      case 'setRoutes': this.routes.set(action.service, action.routes); return resume(undefined);
      case 'setLanes': this.lanes = { lanes: action.lanes, mode: action.mode }; return resume(undefined);
      case 'markDown': {
        const live = this.live(action.service).filter((i) => i.version === action.version && i.down !== action.down);
        for (const i of live.slice(0, action.count)) i.down = action.down;
        return resume(undefined);
      }
      case 'sleep': {
        const id = this.park(resume);
        this.env.schedule(Math.max(0, action.ms), this.K_RESUME, id);
        return;
      }
      case 'now': return resume(now);
      case 'setMirror': return resume(undefined);
      case 'setLoadTest': return resume(undefined);
      // A plan's draws: a fixed value (tests that need seeded draws run in the simulator).
      case 'draw': return resume(0.5);
      case 'sleepUntil': {
        const id = this.park(resume);
        this.env.schedule(Math.max(0, action.atMs - now), this.K_RESUME, id);
        return;
      }
      case 'step': this.stepLog.begin(action.name, now); return resume(undefined);
      case 'outcome': this.stepLog.outcome = action.outcome; return resume(undefined);
      case 'waitReady': {
        if (waitReadySatisfied(this.versionState(action.service, action.version), action.replicas)) return resume(true);
        const id = this.park(resume);
        const timer = this.env.schedule(action.timeoutMs, this.K_TIMEOUT, id);
        this.waiters.push({ id, service: action.service, version: action.version, replicas: action.replicas, timer });
        return;
      }
      case 'state': return resume(this.state(action.service));
      case 'metrics': return resume(this.o.metrics ? this.o.metrics(action.service, action.version, action.windowMs, now) : healthyWindow());
      default: return resume(undefined);
    }
  }

  state(service: string): Record<string, VersionState> {
    const out: Record<string, VersionState> = {};
    for (const i of this.instances.get(service) ?? []) out[i.version] ??= this.versionState(service, i.version);
    return out;
  }

  versionState(service: string, version: string): VersionState {
    const now = this.env.now;
    const all = (this.instances.get(service) ?? []).filter((i) => i.version === version);
    const st = emptyVersionState(all.filter((i) => i.goneAt === null).length);
    const minReady = this.minReady(service);
    for (const i of all) tally(st, this.stage(i), i.readyAt, now, minReady);
    return st;
  }

  private stage(i: Instance): Stage {
    const now = this.env.now;
    if (i.goneAt !== null) return i.goneAt > now ? Stage.Terminating : Stage.Gone;
    return i.readyAt <= now ? Stage.Ready : Stage.Starting;
  }

  private minReady(service: string): number {
    return this.o.scenario ? minReadyMs(this.o.scenario, service) : this.o.minReadyMs;
  }

  /** When an instance created now becomes ready. */
  private readyAt(service: string, now: number): number {
    const svc = this.o.scenario?.services.find((x) => x.name === service);
    if (!svc) return readyTime(now, now + this.o.readyDelayMs, INSTANT_PROBE);
    const up = svc.instance.startup.type === 'constant' ? svc.instance.startup.value : NaN;
    if (!Number.isFinite(up)) throw new Error(`FakePlatform: service ${service} needs a constant startup`);
    return readyTime(now, now + up, svc.instance.readinessProbe);
  }

  /** How long termination takes: the fake serves no traffic, so nothing is left to drain at SIGTERM. */
  private terminationMs(service: string): number {
    const svc = this.o.scenario?.services.find((x) => x.name === service);
    if (!svc) return this.o.terminationMs;
    const t = terminationSchedule(svc.instance);
    return t.startAfterMs + t.sigtermAfterMs;
  }

  /** Actions of one kind, with their times. */
  of<K extends Action['do']>(kind: K): { t: number; action: Extract<Action, { do: K }> }[] {
    return this.actions.filter((r) => r.action.do === kind) as { t: number; action: Extract<Action, { do: K }> }[];
  }

  stepNames(): string[] {
    return this.of('step').map((r) => r.action.name);
  }

  private scale(service: string, version: string, replicas: number): void {
    const now = this.env.now;
    const list = this.instances.get(service) ?? [];
    this.instances.set(service, list);
    const live = list.filter((i) => i.version === version && i.goneAt === null);
    if (replicas > live.length) {
      const never = this.o.neverReady?.includes(version);
      for (let n = live.length; n < replicas; n++) {
        const readyAt = never ? Infinity : this.readyAt(service, now);
        list.push({ version, seq: this.nextSeq++, createdAt: now, readyAt, goneAt: null, down: false });
        if (!never) {
          this.env.scheduleAt(readyAt, this.K_TICK);
          this.env.scheduleAt(readyAt + this.minReady(service), this.K_TICK);
        }
      }
    } else {
      const candidates = live.map((i) => ({ i, down: i.down, stage: this.stage(i), readyAtMs: i.readyAt, created: i.seq }));
      for (const { i, stage } of pickVictims(candidates, live.length - replicas)) {
        const ms = goesAtOnce(stage) ? 0 : this.terminationMs(service);
        i.goneAt = now + ms;
        this.env.schedule(ms, this.K_TICK);
      }
    }
    this.snapshot(service);
  }

  private live(service: string): Instance[] {
    return (this.instances.get(service) ?? []).filter((i) => i.goneAt === null);
  }

  private snapshot(service: string): void {
    this.snapshots.push({ t: this.env.now, service, versions: this.state(service), weights: this.weights.get(service) ?? null });
  }

  private tick(): void {
    for (const service of this.instances.keys()) this.snapshot(service);
    for (const w of [...this.waiters]) {
      if (waitReadySatisfied(this.versionState(w.service, w.version), w.replicas)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        this.env.cancel(w.timer);
        this.answer(w.id, true);
      }
    }
  }

  private timeout(id: number): void {
    const w = this.waiters.find((x) => x.id === id);
    if (!w) return;
    this.waiters.splice(this.waiters.indexOf(w), 1);
    this.answer(id, false);
  }

  private park(resume: (answer: unknown) => void): number {
    const id = this.nextId++;
    this.pending.set(id, resume);
    return id;
  }

  private answer(id: number, value: unknown): void {
    const r = this.pending.get(id);
    if (!r) return;
    this.pending.delete(id);
    r(value);
  }
}
