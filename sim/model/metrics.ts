/**
 * Streaming metrics: counters in fixed time buckets, latency histograms (no per-request
 * storage), per-version counters and a bounded ring of recent latencies for analysis.
 * Memory is fixed per bucket and per version, so it grows only with the number of
 * buckets in the timeline, not with the number of requests.
 */
import { DROP_CAUSES, type DropCause } from '../result/run-result.ts';
import { Histogram } from '../kernel/histogram.ts';
import type { WindowStats } from '../../strategies/protocol-types.ts';

export const CAUSE_REFUSED = 0, CAUSE_RESET = 1, CAUSE_NO_ENDPOINT = 2, CAUSE_QUEUE_FULL = 3,
  CAUSE_TIMEOUT = 4, CAUSE_ERROR = 5, CAUSE_MISROUTE = 6;
export const CAUSE_COUNT = DROP_CAUSES.length;

const RING = 4096;

/** Per (service, version) traffic counters and a latency ring. */
class VersionMetrics {
  readonly served: Float64Array;
  readonly ok: Float64Array;
  readonly errors: Float64Array;
  readonly ringT = new Float64Array(RING);
  readonly ringL = new Float64Array(RING);
  ringN = 0;
  constructor(buckets: number, readonly service: string, readonly version: string) {
    this.served = new Float64Array(buckets);
    this.ok = new Float64Array(buckets);
    this.errors = new Float64Array(buckets);
  }
}

export class Metrics {
  readonly buckets: number;
  offered = 0;
  ok = 0;
  dropped = 0;
  readonly byCause = new Float64Array(CAUSE_COUNT);
  readonly overall = new Histogram();
  /** Per strategy step: drops by cause (rows appended as steps begin). */
  readonly stepDrops: Float64Array[] = [];
  /** Index of the active step, −1 outside the rollout. */
  step = -1;

  private readonly tOffered: Float64Array;
  private readonly tOk: Float64Array;
  private readonly tDropped: Float64Array;
  private readonly tCause: Float64Array[];
  private readonly tP50: Float64Array;
  private readonly tP99: Float64Array;
  private readonly bucketHist = new Histogram();
  private closed = 0;
  readonly versions: VersionMetrics[];
  /** Sampled at each bucket close: instances per (gv, state). */
  private readonly tInstances: Float64Array[][];

  constructor(readonly bucketMs: number, duration: number,
    versionNames: { service: string; version: string }[], readonly stateNames: readonly string[]) {
    this.buckets = Math.max(1, Math.ceil(duration / bucketMs));
    const nb = this.buckets;
    this.tOffered = new Float64Array(nb);
    this.tOk = new Float64Array(nb);
    this.tDropped = new Float64Array(nb);
    this.tCause = DROP_CAUSES.map(() => new Float64Array(nb));
    this.tP50 = new Float64Array(nb);
    this.tP99 = new Float64Array(nb);
    this.versions = versionNames.map((v) => new VersionMetrics(nb, v.service, v.version));
    this.tInstances = versionNames.map(() => stateNames.map(() => new Float64Array(nb)));
  }

  private bucket(now: number): number {
    const b = (now / this.bucketMs) | 0;
    return b < this.buckets ? b : this.buckets - 1;
  }

  offer(now: number): void {
    this.offered++;
    this.tOffered[this.bucket(now)]++;
  }

  succeed(now: number, latency: number): void {
    this.ok++;
    this.tOk[this.bucket(now)]++;
    this.overall.record(latency);
    this.bucketHist.record(latency);
  }

  drop(now: number, cause: number): void {
    this.dropped++;
    this.byCause[cause]++;
    const b = this.bucket(now);
    this.tDropped[b]++;
    this.tCause[cause][b]++;
    if (this.step >= 0) this.stepDrops[this.step][cause]++;
  }

  /** A call finished at a version (hop-level, any outcome); latency of ok calls is sampled. */
  served(now: number, gv: number, ok: boolean, latency: number): void {
    const vm = this.versions[gv];
    const b = this.bucket(now);
    vm.served[b]++;
    if (ok) {
      vm.ok[b]++;
      const k = vm.ringN++ & (RING - 1);
      vm.ringT[k] = now;
      vm.ringL[k] = latency;
    } else vm.errors[b]++;
  }

  beginStep(): number {
    this.stepDrops.push(new Float64Array(CAUSE_COUNT));
    this.step = this.stepDrops.length - 1;
    return this.step;
  }

  /** Closes every bucket that ended by `now` (called on a periodic event). */
  closeBucketsUntil(now: number, sampleInstances: (counts: Float64Array[][], bucket: number) => void): void {
    while (this.closed < this.buckets && (this.closed + 1) * this.bucketMs <= now + 1e-9) {
      const b = this.closed++;
      this.tP50[b] = this.bucketHist.quantile(0.5);
      this.tP99[b] = this.bucketHist.quantile(0.99);
      this.bucketHist.reset();
      sampleInstances(this.tInstances, b);
    }
  }

  /** Stats for one version over the last `windowMs` (bucket-granular counts). */
  window(gv: number, now: number, windowMs: number): WindowStats {
    const vm = this.versions[gv];
    const from = Math.max(0, this.bucket(Math.max(0, now - windowMs + 1e-9)));
    const to = this.bucket(now);
    let served = 0, ok = 0, errors = 0;
    for (let b = from; b <= to; b++) { served += vm.served[b]; ok += vm.ok[b]; errors += vm.errors[b]; }
    const lat: number[] = [];
    const n = Math.min(vm.ringN, RING);
    for (let k = 0; k < n; k++) {
      const idx = (vm.ringN - 1 - k) & (RING - 1);
      if (vm.ringT[idx] < now - windowMs) break;
      lat.push(vm.ringL[idx]);
    }
    lat.reverse();
    const sorted = [...lat].sort((a, b) => a - b);
    const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] : 0);
    return { requests: served, ok, errors, successRate: served > 0 ? ok / served : NaN, p50: q(0.5), p90: q(0.9), p99: q(0.99), latencies: lat };
  }

  /** The timeline series of the RunResult (only causes that occurred get a series). */
  series(): Record<string, number[]> {
    const s: Record<string, number[]> = {};
    const arr = (a: Float64Array) => Array.from(a, round3);
    s.offered = arr(this.tOffered);
    s.ok = arr(this.tOk);
    s.dropped = arr(this.tDropped);
    DROP_CAUSES.forEach((c: DropCause, i) => { if (this.byCause[i] > 0) s[`dropped.${c}`] = arr(this.tCause[i]); });
    s.p50Ms = arr(this.tP50);
    s.p99Ms = arr(this.tP99);
    // share of each service's served calls per version
    const byService = new Map<string, number[]>();
    this.versions.forEach((v, gv) => {
      const list = byService.get(v.service) ?? [];
      list.push(gv);
      byService.set(v.service, list);
    });
    for (const [svc, gvs] of byService) {
      for (const gv of gvs) {
        const vm = this.versions[gv];
        const share = new Array<number>(this.buckets);
        for (let b = 0; b < this.buckets; b++) {
          let tot = 0;
          for (const g of gvs) tot += this.versions[g].served[b];
          share[b] = tot > 0 ? round3(vm.served[b] / tot) : 0;
        }
        s[`share.${svc}.${vm.version}`] = share;
      }
    }
    this.versions.forEach((vm, gv) => {
      this.stateNames.forEach((st, k) => {
        const a = this.tInstances[gv][k];
        if (a.some((x) => x > 0)) s[`instances.${vm.service}.${vm.version}.${st}`] = arr(a);
      });
    });
    return s;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
