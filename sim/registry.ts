/**
 * When does a caller learn of a registry change? Push: after a delay drawn per caller per
 * change. Poll: after each cache in the chain has refreshed in turn — a shared cache ticks
 * on one global phase, a per-caller cache on that caller's own random phase. Computed in
 * closed form, so a change costs one event per caller, not one per poll tick.
 */
import type { RegistrySpec } from '../scenarios/types.ts';
import { makeSampler, type Sampler } from './distributions.ts';
import type { RandomStreams, Uniform } from './random.ts';

export class Propagation {
  private readonly delay: Sampler | null;
  private readonly phaseU: Uniform;
  private readonly sharedPhase: number[];
  /** Per caller id, per chain stage: the caller's poll phase (ms), drawn on first use. */
  private readonly phases: number[][] = [];

  constructor(readonly spec: RegistrySpec, streams: RandomStreams) {
    this.delay = spec.mode === 'push' ? makeSampler(spec.delay, streams.stream('registry/push')) : null;
    this.phaseU = streams.stream('registry/phase');
    this.sharedPhase = spec.mode === 'poll'
      ? spec.chain.map((st) => streams.stream(`registry/shared/${st.name}`)() * st.interval)
      : [];
  }

  /** Absolute time at which `callerKey` sees a change published at `now`. */
  deliveryTime(callerKey: number, now: number): number {
    const spec = this.spec;
    if (spec.mode === 'push') return now + Math.max(0, this.delay!.sample());
    let t = now;
    const phases = this.callerPhases(callerKey);
    for (let k = 0; k < spec.chain.length; k++) {
      const st = spec.chain[k];
      const phase = st.shared ? this.sharedPhase[k] : phases[k];
      // next tick strictly after t on the grid phase + m·interval
      const m = Math.floor((t - phase) / st.interval) + 1;
      t = phase + m * st.interval;
    }
    return t;
  }

  private callerPhases(callerKey: number): number[] {
    let p = this.phases[callerKey];
    if (!p) {
      const spec = this.spec;
      p = spec.mode === 'poll' ? spec.chain.map((st) => this.phaseU() * st.interval) : [];
      this.phases[callerKey] = p;
    }
    return p;
  }
}
