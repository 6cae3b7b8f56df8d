/**
 * A small builder for consistent RunResults, so report tests control every number they
 * check: a canary of service `a` (v1 → v2) calling `b`, with drops placed in chosen buckets.
 * Totals, per-step causes and timeline series are all derived from the same inputs.
 */
import { DROP_CAUSES, emptyByCause, type CompareResult, type DropCause, type RunResult } from '../../sim/result/run-result.ts';
import { summarizeRuns } from '../../reports/stats.ts';

export interface DropSpec { bucket: number; cause: DropCause; count: number }

export interface RunSpec {
  scenario?: string;
  strategy?: string;
  seed?: number;
  buckets?: number;
  bucketMs?: number;
  /** Offered requests per bucket. */
  offeredPerBucket?: number;
  /** Steps in bucket units; weights are the v2 share during the step. */
  steps?: { name: string; from: number; to: number; weight: number }[];
  drops?: DropSpec[];
  p50?: number;
  p99?: number;
  maxStaleSendMs?: number;
  outcome?: RunResult['rollout']['outcome'];
  /** The plan returned within the run (default true). */
  finished?: boolean;
  lanes?: RunResult['lanes'];
}

export const DEFAULT_STEPS = [
  { name: 'setWeight 10', from: 10, to: 20, weight: 0.1 },
  { name: 'setWeight 50', from: 20, to: 30, weight: 0.5 },
  { name: 'setWeight 100', from: 30, to: 40, weight: 1 },
];

export function buildRun(spec: RunSpec = {}): RunResult {
  const buckets = spec.buckets ?? 50;
  const bucketMs = spec.bucketMs ?? 1000;
  const perBucket = spec.offeredPerBucket ?? 100;
  const steps = spec.steps ?? DEFAULT_STEPS;
  const drops = spec.drops ?? [];
  const p50 = spec.p50 ?? 12;
  const p99 = spec.p99 ?? 80;

  const series: Record<string, number[]> = {};
  const zeros = () => new Array<number>(buckets).fill(0);
  series.offered = zeros().map(() => perBucket);
  series.dropped = zeros();
  const byCause = emptyByCause();
  for (const d of drops) {
    series[`dropped.${d.cause}`] ??= zeros();
    series[`dropped.${d.cause}`][d.bucket] += d.count;
    series.dropped[d.bucket] += d.count;
    byCause[d.cause] += d.count;
  }
  series.ok = series.offered.map((o, i) => o - series.dropped[i]);

  const weightAt = (i: number) => {
    let w = 0;
    for (const s of steps) if (i >= s.from) w = s.weight;
    return w;
  };
  series['share.a.v2'] = zeros().map((_, i) => weightAt(i));
  series['share.a.v1'] = series['share.a.v2'].map((w) => 1 - w);
  series['share.b.v1'] = zeros().map(() => 1);
  series['instances.a.v1.ready'] = zeros().map((_, i) => (weightAt(i) >= 1 ? 0 : 4));
  series['instances.a.v1.terminating'] = zeros().map((_, i) => (i >= 30 && i < 33 ? 4 : 0));
  series['instances.a.v2.starting'] = zeros().map((_, i) => (i >= 8 && i < 10 ? 1 : i >= 28 && i < 30 ? 3 : 0));
  series['instances.a.v2.ready'] = zeros().map((_, i) => (i >= 30 ? 4 : i >= 10 ? 1 : 0));
  series['instances.b.v1.ready'] = zeros().map(() => 2);
  series.p50Ms = zeros().map(() => p50);
  series.p99Ms = zeros().map((_, i) => (series.dropped[i] > 0 ? p99 * 1.5 : p99));

  const dropped = drops.reduce((s, d) => s + d.count, 0);
  const offered = perBucket * buckets;
  const first = steps[0];
  const last = steps[steps.length - 1];
  return {
    schema: 'relsim.run/1',
    scenario: spec.scenario ?? 'fixture',
    strategy: spec.strategy ?? 'canary',
    seed: spec.seed ?? 1,
    platform: 'sim',
    requests: { offered, ok: offered - dropped, dropped, inFlightAtEnd: 0, byCause },
    latencyMs: { p50, p90: (p50 + p99) / 2, p99, p999: p99 * 1.2, max: p99 * 2 },
    rollout: {
      startMs: first ? first.from * bucketMs : 0,
      endMs: last ? last.to * bucketMs : 0,
      outcome: spec.outcome ?? 'promoted',
      finished: spec.finished ?? true,
      steps: steps.map((s) => {
        const inStep = drops.filter((d) => d.bucket >= s.from && d.bucket < s.to);
        const stepCauses: Partial<Record<DropCause, number>> = {};
        for (const d of inStep) stepCauses[d.cause] = (stepCauses[d.cause] ?? 0) + d.count;
        return { name: s.name, startMs: s.from * bucketMs, endMs: s.to * bucketMs, dropped: inStep.reduce((t, d) => t + d.count, 0), byCause: stepCauses };
      }),
    },
    cost: { instanceSeconds: 300, peakInstances: 10 },
    lanes: spec.lanes ?? {},
    timeline: { bucketMs, series },
    slo: { pass: true, violations: [] },
    meta: {
      topology: { entry: 'a', services: [{ name: 'a', versions: ['v1', 'v2'], calls: ['b'] }, { name: 'b', versions: ['v1'], calls: [] }] },
      ...(spec.maxStaleSendMs !== undefined ? { maxStaleSendMs: spec.maxStaleSendMs } : {}),
    },
  };
}

export function buildCompare(rows: { strategy: string; runs: RunSpec[] }[], scenario = 'fixture'): CompareResult {
  return {
    schema: 'relsim.compare/1',
    scenario,
    seeds: rows[0]?.runs.map((r, i) => r.seed ?? i + 1) ?? [],
    rows: rows.map((row) => {
      const runs = row.runs.map((r, i) => buildRun({ scenario, strategy: row.strategy, seed: i + 1, ...r }));
      return { label: row.strategy, strategy: row.strategy, platform: 'sim' as const, runs, stats: summarizeRuns(runs) };
    }),
  };
}

export { DROP_CAUSES };
