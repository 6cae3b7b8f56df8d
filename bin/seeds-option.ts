/** `--seeds N|auto` and `--max-seeds M` (compare and gate): how many seeds, as a schedule of looks. */
import { UserError } from '../scenarios/user-error.ts';
import { AUTO_FIRST, AUTO_MAX, autoSchedule, fixedSchedule, type SeedSchedule } from '../reports/sequential.ts';

export const SEEDS_DESCRIBE = `seeds per run set: a number (the scenario seed, seed+1, …), or auto: ${AUTO_FIRST}, then doubling until every verdict is decided or --max-seeds is reached`;
export const MAX_SEEDS_DESCRIBE = `with --seeds auto, the most seeds to run (default ${AUTO_MAX})`;

export function parseSeeds(seeds: string | number | undefined, maxSeeds: number | undefined): SeedSchedule {
  const given = String(seeds ?? 5).trim();
  if (given === 'auto') {
    if (maxSeeds !== undefined && !(Number.isInteger(maxSeeds) && maxSeeds >= 2)) {
      throw new UserError(`--max-seeds: expected an integer ≥ 2, got ${maxSeeds}`, 2);
    }
    return autoSchedule(maxSeeds ?? AUTO_MAX);
  }
  if (maxSeeds !== undefined) throw new UserError('--max-seeds: only with --seeds auto (a number of seeds is already the maximum)', 2);
  const n = Number(given);
  if (!/^\d+$/.test(given) || !Number.isInteger(n) || n < 1) throw new UserError(`--seeds: expected a positive integer or auto, got ${given}`, 2);
  return fixedSchedule(n);
}
