/**
 * Which share of a sweep this process runs: `--shard I/N` (0-based: 0/4 … 3/4), or, as a
 * Kubernetes Indexed Job runs it, the index from JOB_COMPLETION_INDEX with the count from
 * `--shards N` (or RELSIM_SHARDS, for a manifest that sets it once in env). Indexes are
 * 0-based because JOB_COMPLETION_INDEX is, so a pod and a hand-typed command agree.
 *
 * Shard I of N runs the jobs k (point-major, seed-minor) with k mod N = I: round-robin, so
 * each shard gets a similar mix of cheap and expensive points.
 */
import { UserError } from '../../scenarios/user-error.ts';

export interface Shard { index: number; count: number }

export function parseShard(shard: string | undefined, shards: number | undefined, env: NodeJS.ProcessEnv): { shard: Shard | null; warning?: string } {
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
    if (!m) throw new UserError(`--shard: expected I/N with 0 ≤ I < N (0-based, e.g. 0/4 … 3/4), got ${JSON.stringify(shard)}`, 2);
    return { shard: checked(Number(m[1]), Number(m[2]), `--shard ${shard}`) };
  }
  const countText = shards !== undefined ? String(shards) : env.RELSIM_SHARDS;
  const indexText = env.JOB_COMPLETION_INDEX;
  if (countText === undefined) {
    if (indexText !== undefined) return { shard: null, warning: 'JOB_COMPLETION_INDEX is set but neither --shards N nor RELSIM_SHARDS is: running the whole sweep in this process' };
    return { shard: null };
  }
  const from = shards !== undefined ? '--shards' : 'RELSIM_SHARDS';
  if (!/^\d+$/.test(countText.trim())) throw new UserError(`${from}: expected a positive integer, got ${JSON.stringify(countText)}`, 2);
  if (indexText === undefined) throw new UserError(`${from} ${countText}: the shard index comes from JOB_COMPLETION_INDEX (as a Kubernetes Indexed Job sets it), which is not set; or give --shard I/N`, 2);
  if (!/^\d+$/.test(indexText.trim())) throw new UserError(`JOB_COMPLETION_INDEX: expected a 0-based integer, got ${JSON.stringify(indexText)}`, 2);
  return { shard: checked(Number(indexText), Number(countText), `JOB_COMPLETION_INDEX=${indexText} with ${from} ${countText}`) };
}

/** Whether job k (point-major, seed-minor) belongs to the shard. */
export function inShard(k: number, shard: Shard | null): boolean {
  return shard === null || k % shard.count === shard.index;
}

function checked(index: number, count: number, what: string): Shard {
  if (!(count >= 1)) throw new UserError(`${what}: the shard count must be at least 1`, 2);
  if (index >= count) throw new UserError(`${what}: shard indexes are 0-based, so with ${count} shard${count === 1 ? '' : 's'} the index is 0–${count - 1}`, 2);
  return { index, count };
}
