/**
 * `round-robin`: members in turn, skipping those the pick does not want. With weights
 * (members' `weight` not all 1), or while an endpoint warms up, smooth WRR on those
 * weights instead: what nginx's round robin is, what Envoy's EDF round robin converges to,
 * and deterministic like the plain rotation.
 */
import type { Balancer, LbOptions, Members } from './balancer.ts';
import { slowStartSpan } from './slow-start.ts';
import { SmoothMembers, smoothPick } from './smooth-wrr.ts';

class RoundRobin implements Balancer {
  private next = 0;
  /** Smooth-WRR peers, for weighted members and warmup (kept for every member: weights can appear with a new version). */
  private readonly smooth: SmoothMembers;
  private readonly slowStart: boolean;
  readonly passiveHealth = false;

  constructor(private readonly m: Members, private readonly lb: LbOptions) {
    this.smooth = new SmoothMembers(lb.slowStart);
    this.slowStart = slowStartSpan(lb.slowStart) > 0;
  }

  pick(now: number, _key: number, warming: boolean): number {
    const m = this.m, n = m.n;
    if ((warming && this.slowStart) || m.weighted()) {
      if (warming && this.slowStart) this.smooth.warm(m, now);
      return smoothPick(this.smooth.peers, n, m.unfiltered() ? null : m, now, this.lb.maxFails, this.lb.failTimeout);
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

  added(i: number, joinedAt: number): void { this.smooth.added(i, joinedAt, this.m.weight(i)); }

  removed(i: number): void {
    // The rotation carries on from the member it would have reached.
    if (this.next > i) this.next--;
    if (this.next >= this.m.n) this.next = 0;
    this.smooth.removed(i, this.m.n);
  }

  failed(): void {}
  succeeded(): void {}
}

export const roundRobin = (m: Members, lb: LbOptions): Balancer => new RoundRobin(m, lb);
