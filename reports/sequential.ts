/**
 * `--seeds auto`: when to look, and how strict each look must be. Seeds are added in
 * batches that double (5, 10, 20, 40 by default) and the verdict is taken at each look;
 * the run stops at the first look where it is decided. Looking several times at growing
 * data and stopping when it looks decided would pass noise more often than 5% of the
 * time, so each of the K looks judges at 1 − 0.05 / K (Bonferroni): over all looks
 * together, a wrong decision stays below 5%.
 *
 * The schedule depends only on its arguments and the runs are seeded (seed, seed+1, …),
 * so the same command gives the same seeds and the same answer.
 */
export interface SeedSchedule {
  /** Seeds run so far at each look, increasing; the last is the maximum. */
  looks: number[];
  /** The confidence every look judges at. */
  confidence: number;
}

export const AUTO_FIRST = 5;
export const AUTO_MAX = 40;

export function autoSchedule(max = AUTO_MAX, first = AUTO_FIRST): SeedSchedule {
  if (!(Number.isInteger(max) && max >= 2)) throw new Error(`autoSchedule: max must be an integer ≥ 2, got ${max}`);
  const looks: number[] = [];
  for (let n = Math.min(first, max); n < max; n *= 2) looks.push(n);
  looks.push(max);
  return { looks, confidence: 1 - 0.05 / looks.length };
}

/** A fixed number of seeds: one look at 95%. */
export function fixedSchedule(seeds: number): SeedSchedule {
  return { looks: [seeds], confidence: 0.95 };
}

/** What a sequential run reports about itself. */
export interface SequentialInfo {
  /** The looks that were taken (seeds run at each). */
  looks: number[];
  /** The schedule's last look: the most seeds it would have run. */
  maxSeeds: number;
  confidence: number;
  /** False when the last look was reached with the verdict still inconclusive. */
  decided: boolean;
}
