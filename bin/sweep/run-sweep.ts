/**
 * Running a planned sweep, whole or one shard of it, and turning runs into the SweepResult.
 *
 * The whole sweep is the one-shard case of the sharded one: runShard writes the same
 * shard document either way, and assembleSweep builds the result from shard documents
 * only — read back from JSON — so `relsim merge` of N shard files and a single run give
 * the same bytes by construction, not by care. Runs go through compare's worker pool, each
 * result in its job's slot, so the worker count changes nothing either.
 */
import type { RunResult } from '../../sim/result/run-result.ts';
import type { SweepPoint, SweepResult, SweepShard } from '../../sim/result/sweep-result.ts';
import { frequenciesOf, summarizeRuns } from '../../reports/stats.ts';
import { combine, judgeSlo } from '../../reports/verdict.ts';
import { runJobs } from '../compare/compare-strategies.ts';
import { sweepJobs, type SweepPlan } from './plan.ts';
import { inShard, type Shard } from './shard-option.ts';

export interface RunOptions {
  shard?: Shard | null;
  workers?: number;
  onRun?: () => void;
}

/** How many runs this shard (or the whole sweep) has: for the progress bar. */
export function shardSize(plan: SweepPlan, shard: Shard | null): number {
  const total = plan.scenarios.length * plan.identity.seeds.length;
  return shard === null ? total : Math.floor((total - shard.index + shard.count - 1) / shard.count);
}

export async function runShard(plan: SweepPlan, opts: RunOptions = {}): Promise<SweepShard> {
  const shard = opts.shard ?? { index: 0, count: 1 };
  const all = sweepJobs(plan);
  const mine = all.map((job, k) => ({ job, k })).filter(({ k }) => inShard(k, shard));
  const runs = await runJobs(mine.map((m) => m.job), opts.workers, opts.onRun);
  const seeds = plan.identity.seeds.length;
  const doc: SweepShard = {
    schema: 'relsim.sweep-shard/1',
    shard,
    sweep: plan.identity,
    slo: plan.scenarios.map((sc) => sc.slo),
    runs: mine.map(({ k, job }, i) => ({ point: Math.floor(k / seeds), seed: job.seed, run: slim(runs[i]) })),
  };
  // Exactly what a shard file holds: what merge reads back is what the result is built from.
  return JSON.parse(JSON.stringify(doc)) as SweepShard;
}

/** The SweepResult of complete, checked shards (merge-shards.ts checks them). */
export function assembleSweep(shards: SweepShard[]): SweepResult {
  const { sweep } = shards[0];
  const seeds = sweep.seeds.length;
  const byJob: RunResult[] = [];
  for (const s of shards) {
    for (const r of s.runs) byJob[r.point * seeds + sweep.seeds.indexOf(r.seed)] = r.run;
  }
  const labels = pointLabels(sweep);
  const points: SweepPoint[] = labels.map((values, p) => {
    const runs = byJob.slice(p * seeds, (p + 1) * seeds);
    const checks = judgeSlo(runs, shards[0].slo[p], sweep.confidence);
    return { values, stats: summarizeRuns(runs), frequencies: frequenciesOf(runs), slo: { verdict: combine(checks.map((c) => c.verdict)), checks } };
  });
  return { schema: 'relsim.sweep/1', ...sweep, points };
}

/** Each point's path → label map: the sampled points, or row-major over the varied fields as the grid expands them. */
export function pointLabels({ vary, sampled }: Pick<SweepResult, 'vary' | 'sampled'>): Record<string, string>[] {
  if (sampled) return sampled.map((at) => Object.fromEntries(vary.map((v, i) => [v.path, v.values[at[i]]])));
  let out: Record<string, string>[] = [{}];
  for (const { path, values } of vary) out = out.flatMap((prev) => values.map((v) => ({ ...prev, [path]: v })));
  return out;
}

/** A run as a shard keeps it: the statistics read neither the timeline nor meta, and both are most of its size. */
function slim(r: RunResult): RunResult {
  const { meta: _meta, ...rest } = r;
  return { ...rest, timeline: { bucketMs: r.timeline.bucketMs, series: {} } };
}
