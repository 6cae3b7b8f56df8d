/**
 * When does a caller learn of a registry change? Push: after a delay drawn per caller per
 * batch of changes published together (or per change, with `batch: false`). Poll: after each cache in the chain has refreshed in turn — a shared cache ticks
 * on one global phase, a per-caller cache on that caller's own random phase. Computed in
 * closed form, so a change costs one event per caller, not one per poll tick.
 *
 *   const prop = new Propagation(scenario.registry, streams);
 *   const ch = prop.channel('a#0', 'b');   // caller a#0's view of service b
 *   prop.landing(ch, now, previous);       // when a#0 hears of a change to b published now
 *
 * Each channel draws its push delays from its own stream, and each caller its poll phases
 * from its own stream (random.ts), so callers never shift one another's numbers.
 */
import type { RegistrySpec, Scenario } from '../../scenarios/types.ts';
import { makeSampler, type Sampler } from '../kernel/distributions.ts';
import type { RandomStreams } from '../kernel/random.ts';

/** The caller name of the entry proxy (instance callers are `<service>#<n>`). */
export const GATEWAY_CALLER = 'gateway';

export class Propagation {
  /** push.serial: a caller starts applying a change only once its previous one has landed. */
  readonly serial: boolean;
  /** push.batch: changes published together land together (one delay per caller per batch). */
  private readonly batch: boolean;
  /** push.batchWindow, ms: how long a batch stays open after its first change. */
  private readonly window: number;
  private readonly sharedPhase: number[];
  /** Per caller name: its poll phase (ms) per chain stage (one client cache for all its views). */
  private readonly callerPhases = new Map<string, number[]>();
  private gateway: Channel | null = null;
  /** push.shared: the one channel every caller hears through, and the change it timed last. */
  private readonly sharedChannel: Channel | null;
  private sharedChange = -1;
  private sharedLanding = 0;

  /**
   * `name`: a `registries` entry (its streams are then `registry:<name>/…`, so two registries
   * never share draws); undefined for the top-level registry, whose stream names predate it.
   */
  constructor(readonly spec: RegistrySpec, private readonly streams: RandomStreams, private readonly name?: string) {
    this.serial = spec.mode === 'push' && spec.serial;
    this.batch = spec.mode === 'push' && spec.batch;
    this.window = spec.mode === 'push' && spec.batch ? spec.batchWindow : 0;
    this.sharedChannel = spec.mode === 'push' && spec.shared
      ? new Channel(makeSampler(spec.delay, streams.stream(`${this.prefix()}/push/shared`)), [], [])
      : null;
    this.sharedPhase = spec.mode === 'poll'
      ? spec.chain.map((st) => streams.stream(`${this.prefix()}/shared/${st.name}`)() * st.interval)
      : [];
  }

  /**
   * How `caller` hears of changes to service `target`. `target` null names a caller with
   * a single view (the gateway), whose push stream is then `registry/push/<caller>`.
   * Create it once per view (cold path); it owns a stream.
   */
  channel(caller: string, target: string | null): Channel {
    const spec = this.spec;
    if (spec.mode === 'push') {
      const name = target === null ? `${this.prefix()}/push/${caller}` : `${this.prefix()}/push/${caller}/${target}`;
      return new Channel(makeSampler(spec.delay, this.streams.stream(name)), [], []);
    }
    const own = this.phasesOf(caller);
    const phase = spec.chain.map((st, k) => (st.shared ? this.sharedPhase[k] : own[k]));
    return new Channel(null, phase, spec.chain.map((st) => st.interval));
  }

  /**
   * When a change published at `now` reaches a caller through `ch`, given `previous`, when
   * the caller's last change landed: never before it (a caller receives changes in order),
   * and with `serial` the delay itself starts only then. The one place both rules live, for
   * the model and the replay alike.
   */
  landing(ch: Channel, now: number, previous: number): number {
    // A change joining an open batch arrives with it: one EndpointSlice update, one push.
    if (this.batch && ch.batchOpen(now, this.window)) return ch.batchLanding < previous ? previous : ch.batchLanding;
    // A batch is published when its window closes; the caller's delay runs from there.
    const start = now + this.window;
    const t = ch.deliveryTime(this.serial && previous > start ? previous : start);
    const landed = t < previous ? previous : t;
    if (this.batch) ch.openBatch(now, landed);
    return landed;
  }

  /**
   * `landing` for change number `change` (one per published change, increasing): with
   * push.shared, every caller gets the landing the first of them drew for that change (in
   * order over all of them, as one proxy applies changes); otherwise the caller's own.
   */
  landingOf(change: number, ch: Channel, now: number, previous: number): number {
    if (this.sharedChannel === null) return this.landing(ch, now, previous);
    if (change !== this.sharedChange) {
      this.sharedChange = change;
      this.sharedLanding = this.landing(this.sharedChannel, now, this.sharedLanding);
    }
    return this.sharedLanding < previous ? previous : this.sharedLanding;
  }

  /**
   * The gateway's channel, for a platform outside the model (the replay's proxy, its one
   * caller): it draws exactly what the simulator's gateway draws.
   */
  gatewayChannel(): Channel {
    return (this.gateway ??= this.channel(GATEWAY_CALLER, null));
  }

  private prefix(): string {
    return this.name === undefined ? 'registry' : `registry:${this.name}`;
  }

  private phasesOf(caller: string): number[] {
    let p = this.callerPhases.get(caller);
    if (!p) {
      const u = this.streams.stream(`${this.prefix()}/phase/${caller}`);
      p = this.spec.mode === 'poll' ? this.spec.chain.map((st) => u() * st.interval) : [];
      this.callerPhases.set(caller, p);
    }
    return p;
  }
}

/** One caller's propagation schedule for one service. */
export class Channel {
  /** The open batch (push.batch): when its first change was published, and when it lands. */
  private batchStart = -Infinity;
  batchLanding = 0;

  /** Whether a change published at `now` joins the batch opened last (within `window` ms of its start). */
  batchOpen(now: number, window: number): boolean {
    return now - this.batchStart <= window;
  }

  openBatch(now: number, landing: number): void {
    this.batchStart = now;
    this.batchLanding = landing;
  }

  constructor(
    /** Push: the delay sampler; null for poll. */
    private readonly delay: Sampler | null,
    /** Poll: per chain stage, the phase of its refresh grid and its interval (ms). */
    private readonly phase: number[],
    private readonly interval: number[],
  ) {}

  /** Absolute time at which this caller sees a change published at `now`. */
  deliveryTime(now: number): number {
    if (this.delay !== null) return now + Math.max(0, this.delay.sample());
    let t = now;
    for (let k = 0; k < this.phase.length; k++) {
      // next tick strictly after t on the grid phase + m·interval
      const m = Math.floor((t - this.phase[k]) / this.interval[k]) + 1;
      t = this.phase[k] + m * this.interval[k];
    }
    return t;
  }
}

/** The registry a caller reads: its service's (or the entry's) named one, else the top-level one. */
export function registryFor(scenario: Scenario, name: string | null): { spec: RegistrySpec; name?: string } {
  return name === null ? { spec: scenario.registry } : { spec: scenario.registries[name], name };
}
