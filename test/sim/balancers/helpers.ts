// A stand-in for the view a balancer serves (sim/balancers/balancer.ts `Members`), so each
// algorithm can be driven member by member, and a uniform stream that records its draws.
import type { Balancer, BalancerFactory, LbOptions, Members } from '../../../sim/balancers/balancer.ts';

export class StubMembers implements Members {
  n = 0;
  inst = new Int32Array(64);
  /** Instance ids the current pick does not want. */
  readonly skip = new Set<number>();
  /** Outstanding requests per instance id. */
  readonly active = new Map<number, number>();
  /** Slow-start fraction per instance id (1 when absent). */
  readonly warm = new Map<number, number>();
  /** Consistent-hash identity per instance id (the id itself when absent). */
  readonly ids = new Map<number, number>();
  /** Configured weight per instance id (1 when absent); set before the member is added. */
  readonly weights = new Map<number, number>();

  unfiltered(): boolean { return this.skip.size === 0; }
  eligible(i: number): boolean { return !this.skip.has(this.inst[i]); }
  activeOf(instance: number): number { return this.active.get(instance) ?? 0; }
  warmth(i: number): number { return this.warm.get(this.inst[i]) ?? 1; }
  hashId(instance: number): number { return this.ids.get(instance) ?? instance; }
  weight(i: number): number { return this.weights.get(this.inst[i]) ?? 1; }
  weighted(): boolean { for (let i = 0; i < this.n; i++) if (this.weight(i) !== 1) return true; return false; }
}

export const lbOptions = (o: Partial<LbOptions> = {}): LbOptions =>
  ({ slowStart: null, maxFails: 0, failTimeout: 10_000, choiceCount: 2, ...o });

/** Draws `values` in turn (then fails), counting them. */
export function scripted(...values: number[]): (() => number) & { drawn: number } {
  const u = Object.assign(() => {
    if (u.drawn >= values.length) throw new Error(`draw ${u.drawn + 1}: only ${values.length} scripted`);
    return values[u.drawn++];
  }, { drawn: 0 });
  return u;
}

export const noDraws = (): number => { throw new Error('this balancer draws no random number'); };

/** A balancer over the given instance ids, added as the view adds them. */
export function setUp(make: BalancerFactory, ids: number[], lb: LbOptions = lbOptions(), u: () => number = noDraws):
  { m: StubMembers; b: Balancer } {
  const m = new StubMembers();
  const b = make(m, lb, u);
  for (const id of ids) add(m, b, id);
  return { m, b };
}

export function add(m: StubMembers, b: Balancer, id: number, joinedAt = -1e12): void {
  m.inst[m.n] = id;
  b.added(m.n++, joinedAt);
}

/** Removes keeping order, then tells the balancer, as View.remove does. */
export function remove(m: StubMembers, b: Balancer, id: number): void {
  const i = m.inst.subarray(0, m.n).indexOf(id);
  m.inst.copyWithin(i, i + 1, m.n);
  m.n--;
  b.removed(i);
}

/** The instance ids of `k` picks. */
export function picks(m: StubMembers, b: Balancer, k: number, now = 0, key = 0, warming = false): number[] {
  return Array.from({ length: k }, () => {
    const i = b.pick(now, key, warming);
    return i < 0 ? -1 : m.inst[i];
  });
}
