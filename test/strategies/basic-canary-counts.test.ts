import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basicCanaryCounts } from '../../strategies/basic-canary-counts.ts';
import { scaledValue } from '../../strategies/common.ts';
import type { IntOrPercent } from '../../scenarios/types.ts';

/**
 * Argo Rollouts' basic-canary counts, case by case: replicas R, setWeight w, maxSurge as a
 * manifest writes it (a percentage resolves against R and rounds up) → canary + stable.
 *
 * Sources:
 *  - "canary_test.go": argo-rollouts utils/replicaset/canary_test.go,
 *    TestApproximateWeightedNewStableReplicaCounts (the table Argo tests its
 *    approximateWeightedCanaryStableReplicaCounts with; maxSurge there is already a count).
 *  - "#1759": argo-rollouts PR #1759 (fix!: improve basic canary approximation accuracy and
 *    honor maxSurge), its table of v1.2 counts.
 *  - "issue": the behaviour this change follows: 4 replicas, setWeight 10, maxSurge 25 %
 *    → `kubectl argo rollouts get` shows ActualWeight 20 with 1 canary and 4 stable pods.
 *  - "traced": no upstream case; worked out by hand from the rules of
 *    approximateWeightedCanaryStableReplicaCounts (the candidates and distances are in the
 *    comment, so the expectation does not come from running the code under test).
 */
const CASES: [replicas: number, weight: number, maxSurge: IntOrPercent, canary: number, stable: number, source: string][] = [
  // The case, and the same 4 replicas around it.
  [4, 10, '25%', 1, 4, 'issue: 1/4 = 25 % vs 1/5 = 20 %, nearer 10'],
  [4, 10, '0%', 1, 3, 'traced: no surge ⇒ only totals of 4; 0 canaries not allowed ⇒ 1/4'],
  [4, 50, '25%', 2, 2, 'traced: 2/4 is exactly 50 and comes first'],
  [4, 100, '25%', 4, 0, 'traced: weight 100 ⇒ stable 0 allowed, 4/4'],
  // One replica, without and with surge.
  [1, 1, 0, 0, 1, 'canary_test.go: replicas 1, weight 1, maxSurge 0 → 0 + 1; #1759: 1/0/10% → 0/1'],
  [1, 49, 0, 0, 1, 'canary_test.go: replicas 1, weight 49, maxSurge 0 → 0 + 1'],
  [1, 50, 0, 1, 0, 'canary_test.go: replicas 1, weight 50, maxSurge 0 → 1 + 0; #1759: 1/0/50% → 1/0'],
  [1, 99, 0, 1, 0, 'canary_test.go: replicas 1, weight 99, maxSurge 0 → 1 + 0'],
  [1, 1, 1, 1, 1, 'canary_test.go: replicas 1, weight 1, maxSurge 1 → 1 + 1'],
  [1, 50, '25%', 1, 1, 'canary_test.go: replicas 1, weight 50, maxSurge 1 → 1 + 1 (25 % of 1 rounds up to 1)'],
  [1, 100, 1, 1, 0, 'canary_test.go: replicas 1, weight 100, maxSurge 1 → 1 + 0'],
  // Two replicas.
  [2, 1, 0, 1, 1, 'canary_test.go: replicas 2, weight 1, maxSurge 0 → 1 + 1'],
  [2, 1, 1, 1, 2, 'canary_test.go: replicas 2, weight 1, maxSurge 1 → 1 + 2'],
  [2, 99, 1, 2, 1, 'canary_test.go: replicas 2, weight 99, maxSurge 1 → 2 + 1'],
  // Ties: 3 × 50 % = 1.5, the larger canary wins.
  [3, 50, 0, 2, 1, 'canary_test.go: replicas 3, weight 50, maxSurge 0 → 2 + 1; #1759: 3/0/50% → 2/1'],
  [3, 50, 1, 2, 2, 'canary_test.go: replicas 3, weight 50, maxSurge 1 → 2 + 2'],
  [3, 10, '25%', 1, 3, 'canary_test.go: replicas 3, weight 10, maxSurge 1 → 1 + 3 (25 % of 3 rounds up to 1)'],
  [3, 33, 1, 1, 2, 'canary_test.go: replicas 3, weight 33, maxSurge 1 → 1 + 2; #1759: 3/1/33% → 1/2'],
  [3, 49, 1, 2, 2, 'canary_test.go: replicas 3, weight 49, maxSurge 1 → 2 + 2'],
  // Weights 0 and 100.
  [10, 0, 1, 0, 10, 'canary_test.go: replicas 10, weight 0, maxSurge 1 → 0 + 10'],
  [2, 0, 0, 0, 2, 'canary_test.go: replicas 2, weight 0, maxSurge 0 → 0 + 2'],
  [10, 100, 1, 10, 0, 'canary_test.go: replicas 10, weight 100, maxSurge 1 → 10 + 0'],
  [2, 100, 0, 2, 0, 'canary_test.go: replicas 2, weight 100, maxSurge 0 → 2 + 0'],
  // Ten replicas, maxSurge 0.
  [10, 1, 0, 1, 9, 'canary_test.go: replicas 10, weight 1, maxSurge 0 → 1 + 9'],
  [10, 15, 0, 2, 8, 'canary_test.go: replicas 10, weight 15, maxSurge 0 → 2 + 8 (1.5: tie, larger canary)'],
  [10, 99, 0, 9, 1, 'canary_test.go: replicas 10, weight 99, maxSurge 0 → 9 + 1'],
  // Ten replicas with surge.
  [10, 1, 1, 1, 10, 'canary_test.go: replicas 10, weight 1, maxSurge 1 → 1 + 10'],
  [10, 18, 1, 2, 9, 'canary_test.go: replicas 10, weight 18, maxSurge 1 → 2 + 9'],
  [10, 23, 1, 2, 8, 'canary_test.go: replicas 10, weight 23, maxSurge 1 → 2 + 8'],
  [10, 24, '25%', 3, 8, 'canary_test.go: replicas 10, weight 24, maxSurge 1 → 3 + 8 (25 % of 10 rounds up to 3; only > 0 matters)'],
  [10, 99, 1, 10, 1, 'canary_test.go: replicas 10, weight 99, maxSurge 1 → 10 + 1'],
  [10, 33, '25%', 3, 7, 'traced: 3.3 ⇒ 4/10 = 40, 3/10 = 30, 4/11 = 36.4, 3/11 = 27.3; 30 is nearest 33'],
  [10, 10, '33%', 1, 9, 'traced: 33 % of 10 = 3.3 → surge 4; 1/10 is exactly 10 and comes first'],
  [10, 33, 0, 3, 7, 'traced: without surge 4/10 = 40 vs 3/10 = 30'],
  // Large R.
  [100, 1, '25%', 1, 99, 'traced: 1/100 is exactly 1'],
  [99, 50, '25%', 50, 50, 'traced: 49.5 ties at 99 (floor dropped); 50/99 = 50.5, 50/100 = 50, 49/100 = 49 ⇒ surge to 100'],
  [99, 50, 0, 50, 49, 'traced: no surge ⇒ 50/99 (the tie drops 49/99)'],
  [1000, 33, '25%', 330, 670, 'traced: 330/1000 is exactly 33'],
  [1000, 1, 0, 10, 990, 'traced: 10/1000 is exactly 1'],
  // R·w/100 = R − ½ without surge: the ceiling would leave no stable, the tie drops the
  // floor, and Argo's fallback is 0 canary + R stable (surge avoids it: 5/6).
  [5, 90, 0, 0, 5, 'traced: ⌈4.5⌉ = 5 = R dropped, 4.5 tied so 4 dropped, no surge ⇒ fallback 0 + 5'],
  [2, 75, 0, 0, 2, 'traced: ⌈1.5⌉ = 2 = R dropped, 1.5 tied so 1 dropped, no surge ⇒ fallback 0 + 2'],
  [5, 90, '25%', 5, 1, 'traced: surge 2 ⇒ 5/6 = 83.3 vs 4/6 = 66.7'],
  // No replicas at all.
  [0, 50, 1, 0, 0, 'canary_test.go: replicas 0, weight 50, maxSurge 1 → 0 + 0'],
];

test('basic canary counts follow Argo approximateWeightedCanaryStableReplicaCounts, case by case', () => {
  assert.ok(CASES.length >= 20);
  const failures: string[] = [];
  for (const [replicas, weight, maxSurge, canary, stable, source] of CASES) {
    const got = basicCanaryCounts(replicas, weight, scaledValue(maxSurge, replicas, true));
    if (got.canary !== canary || got.stable !== stable) {
      failures.push(`R=${replicas} w=${weight} maxSurge=${maxSurge}: got ${got.canary} + ${got.stable}, want ${canary} + ${stable} (${source})`);
    }
  }
  assert.equal(failures, []);
});

test('basic canary counts: both sides ≥ 1 for weights 1..99, total R, or R + 1 only with surge', () => {
  for (let R = 1; R <= 30; R++) {
    for (const surge of [0, 1, 3]) {
      for (let w = 0; w <= 100; w++) {
        const { canary, stable } = basicCanaryCounts(R, w, surge);
        const label = `R=${R} w=${w} surge=${surge}: ${canary} + ${stable}`;
        const total = canary + stable;
        assert.ok(total === R || (surge > 0 && total === R + 1), label);
        if (w === 0) assert.equal([canary, stable], [0, R], label);
        else if (w === 100) assert.equal([canary, stable], [R, 0], label);
        else if (R === 1 && surge === 0) assert.equal([canary, stable], w < 50 ? [0, 1] : [1, 0], label);
        else if (surge === 0 && 2 * R * w === 100 * (2 * R - 1)) assert.equal([canary, stable], [0, R], `${label} (Argo's fallback)`);
        else assert.ok(canary >= 1 && stable >= 1, label);
      }
    }
  }
});

test.run();
