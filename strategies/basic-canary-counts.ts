/**
 * Replica counts of Argo Rollouts' basic canary (a canary without `trafficRouting`), where
 * the only way to approach a weight is the ratio of canary pods to all pods.
 *
 * Follows `approximateWeightedCanaryStableReplicaCounts` in argo-rollouts
 * utils/replicaset/canary.go (since v1.2, argo-rollouts#1759), which
 * `CalculateReplicaCountsForBasicCanary` uses as its target counts. Rules, for R replicas,
 * weight w and the resolved maxSurge:
 *
 *  - Options. The canary count is ⌈R·w/100⌉ or ⌊R·w/100⌋ (both from R), the total (canary
 *    plus stable) is R, or R + 1 as well when maxSurge > 0 (never R + 1 without surge).
 *    They are weighed in this order: ⌈⌉ of R, ⌊⌋ of R, ⌈⌉ of R + 1, ⌊⌋ of R + 1.
 *  - Choice. The option whose actual weight, 100·canary/total, is nearest w wins; an
 *    option must be strictly nearer to displace an earlier one.
 *  - Ties. When total·w/100 ends in exactly .5 (R = 3, w = 50: 1.5), the ⌊⌋ option of that
 *    total is not considered, so the larger canary wins (2 + 1, not 1 + 2).
 *  - Zero. A canary or stable of 0 pods is allowed only for w = 0 or 100, or for a single
 *    replica with no surge (then w < 50 gives 0 + 1 and w ≥ 50 gives 1 + 0). Otherwise
 *    the ⌈⌉-of-R option is dropped when it would leave no stable pod, and a ⌊⌋ option
 *    when it would leave no canary pod.
 *  - Nothing left. Without surge, when R·w/100 is exactly R − ½ (R = 2 with w = 75, R = 5
 *    with w = 90, R = 10 with w = 95) the ties rule and the zero rule together leave no
 *    option, and Argo falls back to 0 canary + R stable; this keeps that fallback.
 *
 * The arithmetic is done in doubles the way Argo does it (the .5 test on total·(w/100),
 * the distance on canary·100/total), so edge cases round as they do there. Weights may
 * be fractional here (Argo's are integers); the same rules apply.
 */

export interface CanaryStableCounts {
  canary: number;
  stable: number;
}

export function basicCanaryCounts(replicas: number, weight: number, maxSurge: number): CanaryStableCounts {
  if (replicas <= 0) return { canary: 0, stable: 0 };
  const up = Math.ceil((replicas * weight) / 100);
  const down = Math.floor((replicas * weight) / 100);
  const zeroAllowed = weight <= 0 || weight >= 100 || (replicas === 1 && maxSurge <= 0);
  const halfway = (total: number): boolean => (total * (weight / 100)) % 1 === 0.5;

  const options: [canary: number, total: number][] = [];
  if (up < replicas || zeroAllowed) options.push([up, replicas]);
  if (!halfway(replicas) && (down !== 0 || zeroAllowed)) options.push([down, replicas]);
  if (maxSurge > 0) {
    options.push([up, replicas + 1]);
    if (!halfway(replicas + 1) && (down !== 0 || zeroAllowed)) options.push([down, replicas + 1]);
  }
  if (options.length === 0) return { canary: 0, stable: replicas };

  const distance = ([canary, total]: [number, number]): number => Math.abs((canary * 100) / total - weight);
  let best = options[0];
  for (const o of options.slice(1)) if (distance(o) < distance(best)) best = o;
  return { canary: best[0], stable: best[1] - best[0] };
}
