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

import type { SequentialInfo } from '../sim/result/run-result.ts';

export type { SequentialInfo };

/**
 * Takes the schedule's looks in order: `look(from, to)` runs seeds from … to − 1 (counted
 * from the scenario seed) and says whether every verdict is now decided; the first decided
 * look ends it. Returns what a sequential run reports, or undefined for a fixed --seeds.
 */
export async function runLooks(schedule: SeedSchedule, look: (from: number, to: number) => Promise<boolean>): Promise<SequentialInfo | undefined> {
  const looks: number[] = [];
  let decided = false;
  for (const n of schedule.looks) {
    decided = await look(looks.at(-1) ?? 0, n);
    looks.push(n);
    if (decided) break;
  }
  return schedule.looks.length > 1 ? { looks, maxSeeds: schedule.looks.at(-1)!, confidence: schedule.confidence, decided } : undefined;
}
