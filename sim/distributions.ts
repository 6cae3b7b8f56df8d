/**
 * Probability distributions over one uniform stream. A `Sampler` is a small object with a
 * `sample()` method so the hot path calls one monomorphic-ish method and allocates nothing.
 *
 *   const st = makeSampler({ type: 'lognormal', median: 20, p99: 200 }, streams.stream('svc/a'));
 *   st.sample();  // ms
 *
 * Lognormal is settable by median and p99 because that is how people know their latency:
 * mu = ln(median), sigma = ln(p99 / median) / z(0.99).
 */
import type { Uniform } from './random.ts';

export type DistSpec =
  | { type: 'constant'; value: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'exponential'; mean: number }
  | { type: 'normal'; mean: number; sd: number; min?: number }
  | { type: 'lognormal'; median: number; p99: number }
  | { type: 'pareto'; scale: number; shape: number }
  | { type: 'empirical'; samples: number[] };

export interface Sampler {
  sample(): number;
  /** Analytic mean (NaN where undefined, e.g. Pareto with shape ≤ 1). */
  readonly mean: number;
}

/** Standard normal quantile at 0.99. */
export const Z99 = 2.3263478740408408;

export function makeSampler(spec: DistSpec, u: Uniform): Sampler {
  switch (spec.type) {
    case 'constant': return new Constant(spec.value);
    case 'uniform': return new UniformDist(spec.min, spec.max, u);
    case 'exponential': return new Exponential(spec.mean, u);
    case 'normal': return new Normal(spec.mean, spec.sd, spec.min ?? -Infinity, u);
    case 'lognormal': return Lognormal.fromMedianP99(spec.median, spec.p99, u);
    case 'pareto': return new Pareto(spec.scale, spec.shape, u);
    case 'empirical': return new Empirical(spec.samples, u);
  }
}

class Constant implements Sampler {
  constructor(readonly mean: number) {}
  sample(): number { return this.mean; }
}

class UniformDist implements Sampler {
  readonly mean: number;
  constructor(private readonly min: number, private readonly max: number, private readonly u: Uniform) {
    this.mean = (min + max) / 2;
  }
  sample(): number { return this.min + (this.max - this.min) * this.u(); }
}

class Exponential implements Sampler {
  constructor(readonly mean: number, private readonly u: Uniform) {}
  // 1 - u is in (0, 1], so the log is finite.
  sample(): number { return -this.mean * Math.log(1 - this.u()); }
}

/** Box–Muller, caching the second variate. */
export class Normal implements Sampler {
  private spare = 0;
  private hasSpare = false;
  constructor(readonly mean: number, private readonly sd: number, private readonly min: number,
    private readonly u: Uniform) {}
  standard(): number {
    if (this.hasSpare) { this.hasSpare = false; return this.spare; }
    const r = Math.sqrt(-2 * Math.log(1 - this.u()));
    const th = 2 * Math.PI * this.u();
    this.spare = r * Math.sin(th);
    this.hasSpare = true;
    return r * Math.cos(th);
  }
  sample(): number {
    const x = this.mean + this.sd * this.standard();
    return x < this.min ? this.min : x;
  }
}

class Lognormal implements Sampler {
  readonly mean: number;
  private readonly n: Normal;
  constructor(private readonly mu: number, private readonly sigma: number, u: Uniform) {
    this.n = new Normal(0, 1, -Infinity, u);
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
  }
  static fromMedianP99(median: number, p99: number, u: Uniform): Lognormal {
    return new Lognormal(Math.log(median), Math.log(p99 / median) / Z99, u);
  }
  sample(): number { return Math.exp(this.mu + this.sigma * this.n.standard()); }
}

class Pareto implements Sampler {
  readonly mean: number;
  private readonly inv: number;
  constructor(private readonly scale: number, shape: number, private readonly u: Uniform) {
    this.inv = 1 / shape;
    this.mean = shape > 1 ? (shape * scale) / (shape - 1) : NaN;
  }
  sample(): number { return this.scale / Math.pow(1 - this.u(), this.inv); }
}

/** Resamples the given values uniformly (a bootstrap of measured latencies). */
class Empirical implements Sampler {
  readonly mean: number;
  private readonly xs: Float64Array;
  constructor(samples: number[], private readonly u: Uniform) {
    this.xs = Float64Array.from(samples);
    this.mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  }
  sample(): number { return this.xs[(this.u() * this.xs.length) | 0]; }
}
