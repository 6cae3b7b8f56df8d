/**
 * Flagger's analysis shorthand mapped onto Argo-style canary steps: each weight in
 * `stepWeights` (or stepWeight, 2×stepWeight, … up to maxWeight) is held for one
 * `interval`; promotion follows the last step. Flagger's minimum promotion time is
 * interval × (maxWeight / stepWeight), which these steps reproduce.
 */
import type { CanaryKnobs, CanaryStep } from '../scenarios/types.ts';

export type FlaggerShorthand = NonNullable<CanaryKnobs['flagger']>;

export function flaggerWeights(f: FlaggerShorthand): number[] {
  const max = f.maxWeight > 0 ? Math.min(100, f.maxWeight) : 100;
  if (f.stepWeights.length > 0) return f.stepWeights.filter((w) => w > 0 && w <= max);
  if (f.stepWeight <= 0) return [];
  const out: number[] = [];
  for (let w = f.stepWeight; w <= max; w += f.stepWeight) out.push(w);
  return out;
}

export function expandFlagger(f: FlaggerShorthand): CanaryStep[] {
  const steps: CanaryStep[] = [];
  for (const w of flaggerWeights(f)) {
    steps.push({ setWeight: w });
    steps.push({ pause: { duration: f.interval } });
  }
  return steps;
}
