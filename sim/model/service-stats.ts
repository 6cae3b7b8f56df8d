/**
 * Per-service figures that make Little's law checkable from a RunResult: occupied slots
 * (requests being served, or holding their slot while they wait on a downstream call) and
 * queued requests, each integrated over time, plus the queue waits of the requests that
 * started service. L_q = λ·W_q then holds per service: mean queue length = starts per
 * second × mean queue wait. Integrals advance when their integrand changes (no events of
 * their own); per-bucket means come from the integrals' increments at each bucket close.
 */
export class ServiceStats {
  readonly waitSum: Float64Array;
  readonly starts: Float64Array;
  private readonly busyNow: Float64Array;
  private readonly busyArea: Float64Array;
  private readonly busyAt: Float64Array;
  private readonly queueNow: Float64Array;
  private readonly queueArea: Float64Array;
  private readonly queueAt: Float64Array;
  /** Per service, per bucket: mean occupied slots and mean queued requests in that bucket. */
  readonly tBusy: Float64Array[];
  readonly tQueue: Float64Array[];
  private readonly lastBusyArea: Float64Array;
  private readonly lastQueueArea: Float64Array;

  constructor(services: number, buckets: number) {
    const f = () => new Float64Array(services);
    this.waitSum = f(); this.starts = f();
    this.busyNow = f(); this.busyArea = f(); this.busyAt = f();
    this.queueNow = f(); this.queueArea = f(); this.queueAt = f();
    this.lastBusyArea = f(); this.lastQueueArea = f();
    this.tBusy = Array.from({ length: services }, () => new Float64Array(buckets));
    this.tQueue = Array.from({ length: services }, () => new Float64Array(buckets));
  }

  busy(s: number, now: number, delta: number): void {
    this.busyArea[s] += this.busyNow[s] * (now - this.busyAt[s]);
    this.busyAt[s] = now;
    this.busyNow[s] += delta;
  }

  queue(s: number, now: number, delta: number): void {
    this.queueArea[s] += this.queueNow[s] * (now - this.queueAt[s]);
    this.queueAt[s] = now;
    this.queueNow[s] += delta;
  }

  started(s: number, waitedMs: number): void {
    this.waitSum[s] += waitedMs;
    this.starts[s]++;
  }

  /** Closes bucket b ending at `now` (width ms): its mean occupied slots and queue length. */
  closeBucket(b: number, now: number, width: number): void {
    for (let s = 0; s < this.busyNow.length; s++) {
      this.busy(s, now, 0);
      this.queue(s, now, 0);
      this.tBusy[s][b] = (this.busyArea[s] - this.lastBusyArea[s]) / width;
      this.tQueue[s][b] = (this.queueArea[s] - this.lastQueueArea[s]) / width;
      this.lastBusyArea[s] = this.busyArea[s];
      this.lastQueueArea[s] = this.queueArea[s];
    }
  }

  /** Whole-run figures for service s at time `now` (> 0). */
  summary(s: number, now: number): { starts: number; meanQueueWaitMs: number; meanQueueLength: number; meanBusySlots: number } {
    this.busy(s, now, 0);
    this.queue(s, now, 0);
    return {
      starts: this.starts[s],
      meanQueueWaitMs: this.starts[s] > 0 ? this.waitSum[s] / this.starts[s] : 0,
      meanQueueLength: now > 0 ? this.queueArea[s] / now : 0,
      meanBusySlots: now > 0 ? this.busyArea[s] / now : 0,
    };
  }
}
