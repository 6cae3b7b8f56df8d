/**
 * `relsim merge`: shard files → the single-machine SweepResult, after checking that they
 * are one sweep's shards, each once, all of them. A shard of another sweep (another
 * scenario file, grid, seeds or strategy), a shard given twice, or a missing one is a user
 * error (exit 2) naming the files and the indexes, never a silently partial result.
 */
import { readFileSync } from 'node:fs';
import type { SweepIdentity, SweepResult, SweepShard } from '../../sim/result/sweep-result.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { assembleSweep, pointLabels } from './run-sweep.ts';
import { inShard } from './shard-option.ts';

export interface ShardFile { file: string; shard: SweepShard }

export function readShard(file: string): ShardFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `not JSON (${(e as Error).message})`}`, 2);
  }
  const s = parsed as Partial<SweepShard> | null;
  if (s?.schema !== 'relsim.sweep-shard/1') {
    throw new UserError(`${file}: expected a sweep shard (schema relsim.sweep-shard/1, written by relsim sweep --shard), got schema ${JSON.stringify(s?.schema)}`, 2);
  }
  return { file, shard: s as SweepShard };
}

export function mergeShards(files: ShardFile[]): SweepResult {
  if (files.length === 0) throw new UserError('merge: name the shard files (shard-*.json)', 2);
  const first = files[0];
  const count = first.shard.shard.count;
  for (const f of files.slice(1)) {
    const why = differs(first.shard.sweep, f.shard.sweep) ?? (f.shard.shard.count !== count ? `it is one of ${f.shard.shard.count} shards, not ${count}` : null);
    if (why) throw new UserError(`${f.file}: not a shard of the same sweep as ${first.file}: ${why}`, 2);
  }
  const seen = new Map<number, string>();
  for (const f of files) {
    const i = f.shard.shard.index;
    const other = seen.get(i);
    if (other !== undefined) throw new UserError(`${f.file}: shard ${i}/${count} is given twice (also ${other})`, 2);
    seen.set(i, f.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new UserError(`merge: ${missing.length} of ${count} shards missing: index ${missing.join(', ')} (0-based); the result needs every shard`, 2);
  }
  for (const f of files) checkRuns(f);
  return assembleSweep(files.map((f) => f.shard));
}

/** Which part of the sweep two shards disagree on, or null. */
function differs(a: SweepIdentity, b: SweepIdentity): string | null {
  if (a.scenarioSha256 !== b.scenarioSha256) return `the scenario file differs (${a.scenario} ${a.scenarioSha256.slice(0, 12)} vs ${b.scenario} ${b.scenarioSha256.slice(0, 12)})`;
  if (JSON.stringify(a.vary) !== JSON.stringify(b.vary)) return `the grid differs (--vary ${fmtVary(a)} vs ${fmtVary(b)})`;
  if (a.sample !== b.sample || JSON.stringify(a.sampled) !== JSON.stringify(b.sampled)) return `the sample differs (${a.sample ?? 'the whole grid'} vs ${b.sample ?? 'the whole grid'})`;
  if (JSON.stringify(a.seeds) !== JSON.stringify(b.seeds)) return `the seeds differ (${a.seeds.length} vs ${b.seeds.length})`;
  if (a.strategy !== b.strategy) return `the strategy differs (${a.strategy} vs ${b.strategy})`;
  if (JSON.stringify(a) !== JSON.stringify(b)) return 'the sweep settings differ';
  return null;
}

function fmtVary(s: SweepIdentity): string {
  return s.vary.map((v) => `${v.path}=${v.values.join(',')}`).join(' ');
}

/** A shard holds exactly its share of the (point, seed) runs: a hand-edited or truncated file is refused. */
function checkRuns({ file, shard }: ShardFile): void {
  const seeds = shard.sweep.seeds;
  const points = pointLabels(shard.sweep).length;
  const expected: number[] = [];
  for (let k = 0; k < points * seeds.length; k++) if (inShard(k, shard.shard)) expected.push(k);
  const got = shard.runs.map((r) => r.point * seeds.length + seeds.indexOf(r.seed));
  if (shard.slo?.length !== points || got.length !== expected.length || got.some((k, i) => k !== expected[i])) {
    throw new UserError(`${file}: shard ${shard.shard.index}/${shard.shard.count} does not hold its share of the runs (${got.length} of ${expected.length}); write it again with relsim sweep --shard`, 2);
  }
}
