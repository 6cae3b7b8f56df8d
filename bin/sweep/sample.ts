/**
 * `--sample random:N` and `--sample lhs:N`: N points of the grid instead of all of them,
 * drawn from the project's seeded random streams (the scenario's seed, stream
 * `sweep/<method>`), so the same command samples the same points on every machine and
 * every shard.
 *
 *   random:N  N distinct grid points, each equally likely.
 *   lhs:N     a Latin hypercube: each field's values cut into N equal strata, each stratum
 *             used once, strata paired across fields at random — every field's range is
 *             covered evenly even when N is far below the grid's size. Where a field has
 *             fewer than N values, strata share values and coinciding points are run once.
 *
 * Points come back in grid order (row-major over the --vary fields), as a full grid's do.
 */
import { RandomStreams } from '../../sim/kernel/random.ts';
import { UserError } from '../../scenarios/user-error.ts';
import type { Axis, GridPoint } from './grid.ts';

export type SampleMethod = 'random' | 'lhs';
export interface Sample { method: SampleMethod; n: number }

/** Most points a sample may ask for; the grid it samples from may be far larger. */
export const MAX_SAMPLE = 100_000;

export function parseSample(text: string): Sample {
  const m = /^(random|lhs):(\d+)$/.exec(text.trim());
  if (!m) throw new UserError(`--sample: expected random:N or lhs:N (N points of the grid), got ${JSON.stringify(text)}`, 2);
  const n = Number(m[2]);
  if (n < 1 || n > MAX_SAMPLE) throw new UserError(`--sample ${text}: N must be 1–${MAX_SAMPLE}`, 2);
  return { method: m[1] as SampleMethod, n };
}

export function samplePoints(axes: readonly Axis[], sample: Sample, seed: number): GridPoint[] {
  const sizes = axes.map((a) => a.values.length);
  const total = sizes.reduce((n, k) => n * k, 1);
  if (sample.n >= total) throw new UserError(`--sample ${sample.method}:${sample.n}: the grid has only ${total} points; drop --sample to run them all`, 2);
  const u = new RandomStreams(seed).stream(`sweep/${sample.method}`);
  const rank = (at: number[]) => at.reduce((k, i, a) => k * sizes[a] + i, 0);
  const chosen = new Map<number, number[]>();
  if (sample.method === 'random') {
    while (chosen.size < sample.n) {
      const at = sizes.map((k) => Math.floor(u() * k));
      chosen.set(rank(at), at);
    }
  } else {
    const strata = sizes.map(() => shuffle(Array.from({ length: sample.n }, (_, j) => j), u));
    for (let j = 0; j < sample.n; j++) {
      const at = sizes.map((k, a) => Math.min(k - 1, Math.floor(((strata[a][j] + u()) * k) / sample.n)));
      chosen.set(rank(at), at);
    }
  }
  return [...chosen.entries()].sort((x, y) => x[0] - y[0]).map(([, at]) => ({ at }));
}

/** Fisher–Yates with the given stream. */
function shuffle<T>(xs: T[], u: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
