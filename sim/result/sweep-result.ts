/**
 * `relsim sweep` output (schema relsim.sweep/1) and the shard files `relsim sweep --shard`
 * writes for `relsim merge` (schema relsim.sweep-shard/1). Documented in docs/sweep.md.
 * Key order here is the order in the JSON, which keeps output byte-stable.
 */
import type { CompareRow, Interval, RunResult } from './run-result.ts';
import type { SloSpec } from '../../scenarios/types.ts';

/** What makes two sweeps the same sweep: a shard of one cannot be merged into another. */
export interface SweepIdentity {
  /** The scenario's name, and the SHA-256 of its file as read (hex). */
  scenario: string;
  scenarioSha256: string;
  strategy: string;
  /** The varied fields, in command-line order, with their values as labels. */
  vary: { path: string; values: string[] }[];
  /** With --sample: how (`random:N`, `lhs:N`), and the points drawn, each as one value index per varied field, in grid order. */
  sample?: string;
  sampled?: number[][];
  /** Seeds run at every point. */
  seeds: number[];
  confidence: number;
}

export interface SweepResult extends SweepIdentity {
  schema: 'relsim.sweep/1';
  /** Row-major over `vary` (the first field outermost); with a sample, the sampled points in that order. */
  points: SweepPoint[];
}

export interface SweepPoint {
  /** path → value label, one per varied field. */
  values: Record<string, string>;
  /** As compare's rows: metric → mean and 95% interval over the seeds (reports/stats.ts). */
  stats: Record<string, Interval>;
  frequencies: NonNullable<CompareRow['frequencies']>;
  slo: NonNullable<CompareRow['slo']>;
}

export interface SweepShard {
  schema: 'relsim.sweep-shard/1';
  /** 0-based index of this shard, and how many there are. */
  shard: { index: number; count: number };
  sweep: SweepIdentity;
  /** Each point's SLO as the loader read it (a varied field may be part of it). */
  slo: SloSpec[];
  /** This shard's runs: point index, seed, and the run without its timeline and meta. */
  runs: { point: number; seed: number; run: RunResult }[];
}
