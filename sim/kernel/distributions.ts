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

/**
 * A distribution as a scenario states it. It lives in the kernel, a leaf every folder may
 * import, so the scenario format and the samplers share it without an import cycle.
 */
export type DistSpec =
  | { type: 'constant'; value: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'exponential'; mean: number }
  | { type: 'normal'; mean: number; sd: number; min?: number }
  | { type: 'lognormal'; median: number; p99: number }
  | { type: 'pareto'; scale: number; shape: number }
  | { type: 'empirical'; samples: number[] }
  /** The values in the order drawn, from the first again after the last: a measured trace. */
  | { type: 'sequence'; values: number[] };


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
    case 'sequence': return new Sequence(spec.values);
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

/**
 * Box–Muller, caching the second variate. With a finite `min` it is the normal truncated
 * below at `min` (conditioned on X ≥ min, as the format documents), not clamped: a clamp
 * would put Φ(α) of the draws exactly at `min` (16 % of service times at 0 for
 * `{mean: 10ms, sd: 10ms, min: 0ms}`).
 */
export class Normal implements Sampler {
  /** The mean of what `sample()` returns (the truncated mean when `min` is finite). */
  readonly mean: number;
  private spare = 0;
  private hasSpare = false;
  /** (min − μ)/σ: where the truncation cuts the standard normal. */
  private readonly alpha: number;
  /** Rate of the exponential proposal for a cut far in the tail (Robert 1995). */
  private readonly tailRate: number;
  constructor(private readonly mu: number, private readonly sd: number, min: number,
    private readonly u: Uniform) {
    // sd 0 is a constant: never below min either.
    if (!(sd > 0)) this.mu = Math.max(mu, min);
    this.alpha = sd > 0 ? (min - mu) / sd : -Infinity;
    this.tailRate = (this.alpha + Math.sqrt(this.alpha * this.alpha + 4)) / 2;
    this.mean = Number.isFinite(this.alpha) ? mu + sd * (phi(this.alpha) / upperTail(this.alpha)) : this.mu;
  }
  standard(): number {
    if (this.hasSpare) { this.hasSpare = false; return this.spare; }
    const r = Math.sqrt(-2 * Math.log(1 - this.u()));
    const th = 2 * Math.PI * this.u();
    this.spare = r * Math.sin(th);
    this.hasSpare = true;
    return r * Math.cos(th);
  }
  sample(): number {
    return this.mu + this.sd * this.truncatedStandard();
  }
  /** A standard normal conditioned on ≥ alpha. */
  private truncatedStandard(): number {
    const a = this.alpha;
    // Plain rejection accepts ≥ 31 % of draws up to a = 0.5; beyond, an exponential
    // proposal shifted to a keeps acceptance high however far the cut is.
    if (a <= 0.5) {
      for (;;) { const z = this.standard(); if (z >= a) return z; }
    }
    for (;;) {
      const z = a - Math.log(1 - this.u()) / this.tailRate;
      const d = z - this.tailRate;
      if (this.u() <= Math.exp(-d * d / 2)) return z;
    }
  }
}

/** Standard normal density. */
function phi(x: number): number {
  return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
}

/** P(Z ≥ x) for a standard normal, via erfc (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
function upperTail(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
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
/** Draws no random number: a trace replayed in order (each sampler keeps its own place). */
class Sequence implements Sampler {
  readonly mean: number;
  private readonly xs: Float64Array;
  private next = 0;
  constructor(values: number[]) {
    this.xs = Float64Array.from(values);
    this.mean = values.reduce((s, x) => s + x, 0) / values.length;
  }
  sample(): number {
    const x = this.xs[this.next];
    this.next = this.next + 1 === this.xs.length ? 0 : this.next + 1;
    return x;
  }
}

class Empirical implements Sampler {
  readonly mean: number;
  private readonly xs: Float64Array;
  constructor(samples: number[], private readonly u: Uniform) {
    this.xs = Float64Array.from(samples);
    this.mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  }
  sample(): number { return this.xs[(this.u() * this.xs.length) | 0]; }
}
