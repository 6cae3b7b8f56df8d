/**
 * `round-robin`: members in turn, skipping those the pick does not want. While an endpoint
 * warms up, smooth WRR on the warmup weights instead: what Envoy's EDF round robin
 * converges to, and deterministic like the plain rotation.
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { slowStartSpan } from './slow-start.ts';
import { SmoothMembers, smoothPick } from './smooth-wrr.ts';

class RoundRobin implements Balancer {
  private next = 0;
  /** Only with slow start: without it no pick ever warms. */
  private readonly warmup: SmoothMembers | null;
  readonly passiveHealth = false;

  constructor(private readonly m: Members, private readonly lb: LbOptions) {
    this.warmup = slowStartSpan(lb.slowStart) > 0 ? new SmoothMembers(lb.slowStart) : null;
  }

  pick(now: number, _key: number, warming: boolean): number {
    const m = this.m, n = m.n;
    const w = this.warmup;
    if (warming && w !== null) {
      w.warm(m, now);
      return smoothPick(w.peers, n, m.unfiltered() ? null : m, now, this.lb.maxFails, this.lb.failTimeout);
    }
    if (m.unfiltered()) {
      const i = this.next < n ? this.next : 0;
      this.next = i + 1 < n ? i + 1 : 0;
      return i;
    }
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      if (m.eligible(i)) {
        this.next = (i + 1) % n;
        return i;
      }
    }
    return -1;
  }

  added(i: number, joinedAt: number): void { this.warmup?.added(i, joinedAt); }

  removed(i: number): void {
    // The rotation carries on from the member it would have reached.
    if (this.next > i) this.next--;
    if (this.next >= this.m.n) this.next = 0;
    this.warmup?.removed(i, this.m.n);
  }

  failed(): void {}
  succeeded(): void {}
}

export const roundRobin = (m: Members, lb: LbOptions): Balancer => new RoundRobin(m, lb);
