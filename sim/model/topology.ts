/**
 * The scenario compiled into integer indices for the hot path: services, global version
 * ids ("gv"), call edges and their client policies, per-version samplers and factors.
 * Everything here is fixed for the run; the model holds the changing state.
 */
import type { ClientSpec, ColdStartSpec, RetryOn, Scenario, ServiceSpec } from '../../scenarios/types.ts';
import { makeSampler, type Sampler } from '../kernel/distributions.ts';
import type { RandomStreams, Uniform } from '../kernel/random.ts';
import { SHUTDOWN_CLOSE_IDLE, SHUTDOWN_CONNECTION_CLOSE, SHUTDOWN_NONE } from './connections.ts';

/** Retry classes: what kind of failure the caller saw. */
export const CLASS_CONNECT = 1, CLASS_RESET = 2, CLASS_TIMEOUT = 4, CLASS_5XX = 8, CLASS_NONE = 0;
const SHUTDOWN_MODES = { none: SHUTDOWN_NONE, 'close-idle': SHUTDOWN_CLOSE_IDLE, 'connection-close': SHUTDOWN_CONNECTION_CLOSE } as const;
const RETRY_BITS: Record<RetryOn, number> = { 'connect-failure': CLASS_CONNECT, reset: CLASS_RESET, timeout: CLASS_TIMEOUT, '5xx': CLASS_5XX };

export class Topology {
  readonly services: ServiceSpec[];
  readonly serviceIndex = new Map<string, number>();
  /** First global version id of each service; its versions follow in file order. */
  readonly gvBase: Int32Array;
  readonly gvCount: number;
  readonly gvService: Int32Array;
  readonly gvLocal: Int32Array;
  readonly gvNames: { service: string; version: string }[] = [];
  readonly serviceTime: Sampler[] = [];
  readonly coldFactor: Float64Array;
  /** Per gv: the cold-start spec, for sim/rules/cold-start.ts (read only while cold: factor ≠ 1). */
  readonly coldSpec: ColdStartSpec[] = [];
  readonly errorRate: Float64Array;
  /** Per gv: the uniform stream deciding which of its calls fail (drawn only when errorRate > 0). */
  readonly errorDraw: Uniform[] = [];
  readonly latencyFactor: Float64Array;
  /** Per service, per local version: each instance's balancer weight. */
  readonly endpointWeight: Float64Array[];
  /** Per service: downstream service indices, in call order. */
  readonly calls: Int32Array[];
  /** Per service: edge id of its first call (edges of one service are consecutive). */
  readonly edgeBase: Int32Array;
  /** Edge 0 is gateway → entry service. */
  readonly edgeClient: ClientSpec[] = [];
  readonly edgeTimeout: Float64Array;
  readonly edgeRetryMask: Int32Array;
  readonly edgeAttempts: Int32Array;
  readonly entryService: number;
  readonly concurrency: Int32Array;
  readonly queueCap: Int32Array;
  /** Per service: the server's keep-alive idle timeout, ms (0 = none). */
  readonly keepAliveTimeout: Float64Array;
  /** Per service: SHUTDOWN_* (connections.ts), what SIGTERM does to its connections. */
  readonly shutdownMode: Uint8Array;
  /** Per gv: pod creation → app listening. */
  readonly startup: Sampler[] = [];
  /** Per version: how long each run of the process lasts before it crashes (null: never). */
  readonly crashAfter: (Sampler | null)[] = [];
  /** Per version: 1 when its readiness probe never passes. */
  neverReady!: Uint8Array;
  /**
   * Caller gv × callee gv (row-major, gvCount wide): 1 where the caller's version `requires`
   * other versions of the callee's service; null when no version requires anything.
   */
  incompatible: Uint8Array | null = null;

  constructor(readonly scenario: Scenario, streams: RandomStreams) {
    this.services = scenario.services;
    const S = this.services.length;
    this.services.forEach((s, i) => this.serviceIndex.set(s.name, i));
    this.gvBase = new Int32Array(S);
    let gv = 0;
    this.services.forEach((s, i) => { this.gvBase[i] = gv; gv += s.versions.length; });
    this.gvCount = gv;
    this.gvService = new Int32Array(gv);
    this.gvLocal = new Int32Array(gv);
    this.coldFactor = new Float64Array(gv);
    this.errorRate = new Float64Array(gv);
    this.latencyFactor = new Float64Array(gv);
    this.neverReady = new Uint8Array(gv);
    this.services.forEach((s, si) => {
      s.versions.forEach((v, vi) => {
        const g = this.gvBase[si] + vi;
        this.gvService[g] = si;
        this.gvLocal[g] = vi;
        this.gvNames.push({ service: s.name, version: v.name });
        this.serviceTime[g] = makeSampler(v.serviceTime ?? s.instance.serviceTime, streams.stream(`service/${s.name}/${v.name}`));
        this.startup[g] = makeSampler(v.startup ?? s.instance.startup, streams.stream(`startup/${s.name}/${v.name}`));
        this.crashAfter[g] = v.crashAfter ? makeSampler(v.crashAfter, streams.stream(`crash/${s.name}/${v.name}`)) : null;
        this.neverReady[g] = v.neverReady ? 1 : 0;
        this.errorDraw[g] = streams.stream(`errors/${s.name}/${v.name}`);
        const cold = v.coldStart ?? s.instance.coldStart;
        this.coldFactor[g] = cold.factor;
        this.coldSpec[g] = cold;
        this.errorRate[g] = v.errorRate;
        this.latencyFactor[g] = v.latencyFactor;
      });
    });
    this.incompatible = incompatibility(this);
    this.endpointWeight = this.services.map((s) => Float64Array.from(s.versions.map((v) => v.weight)));
    this.entryService = this.index(scenario.entry.service);
    this.calls = this.services.map((s) => Int32Array.from(s.calls.map((c) => this.index(c.service))));
    this.edgeBase = new Int32Array(S);
    this.edgeClient.push(scenario.entry.client);
    this.services.forEach((s, i) => {
      this.edgeBase[i] = this.edgeClient.length;
      for (const c of s.calls) this.edgeClient.push(c.client);
    });
    const E = this.edgeClient.length;
    this.edgeTimeout = Float64Array.from(this.edgeClient.map((c) => c.timeout));
    this.edgeAttempts = Int32Array.from(this.edgeClient.map((c) => c.retry.attempts));
    this.edgeRetryMask = new Int32Array(E);
    this.edgeClient.forEach((c, e) => { for (const on of c.retry.on) this.edgeRetryMask[e] |= RETRY_BITS[on]; });
    this.concurrency = Int32Array.from(this.services.map((s) => s.instance.concurrency));
    this.queueCap = Int32Array.from(this.services.map((s) => s.instance.queue));
    this.keepAliveTimeout = Float64Array.from(this.services.map((s) => s.instance.keepAlive.timeout));
    this.shutdownMode = Uint8Array.from(this.services.map((s) => SHUTDOWN_MODES[s.instance.keepAlive.onShutdown]));
  }

  index(service: string): number {
    const i = this.serviceIndex.get(service);
    if (i === undefined) throw new Error(`unknown service '${service}'`);
    return i;
  }

  versionIndex(service: number, version: string): number {
    const i = this.services[service].versions.findIndex((v) => v.name === version);
    if (i < 0) throw new Error(`service '${this.services[service].name}' has no version '${version}'`);
    return i;
  }
}

/** The incompatible caller/callee version pairs `versions.<v>.requires` declares (null: none). */
function incompatibility(t: Topology): Uint8Array | null {
  if (!t.services.some((s) => s.versions.some((v) => Object.keys(v.requires).length > 0))) return null;
  const G = t.gvCount;
  const out = new Uint8Array(G * G);
  t.services.forEach((s, si) => {
    s.versions.forEach((v, vi) => {
      for (const [callee, ok] of Object.entries(v.requires)) {
        const ci = t.index(callee);
        t.services[ci].versions.forEach((cv, cvi) => {
          if (!ok.includes(cv.name)) out[(t.gvBase[si] + vi) * G + t.gvBase[ci] + cvi] = 1;
        });
      }
    });
  });
  return out;
}
