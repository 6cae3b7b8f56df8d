/**
 * Verdicts over seeds, in three values: pass, fail, or inconclusive when the seeds run so
 * far cannot tell. A limit passes when the whole interval of the mean meets it, fails when
 * the whole interval misses it, and is inconclusive when the interval straddles it — the
 * honest answer for a rare drop seen in 1 of 3 seeds. One exception decides early: a count
 * limited to 0 fails as soon as any seed counts one, since then the mean cannot be 0.
 *
 * Checks that are not means (the release finished, lanes stayed on their paths) are
 * decided per seed and are never inconclusive: one seed that broke them is a fact.
 */
import type { CompareSloCheck, Interval, RunResult, Verdict } from '../sim/result/run-result.ts';
import type { SloSpec } from '../scenarios/types.ts';
import { meanSubject, metricOf, sloChecks, subjectOf, type SloCheck } from '../sim/result/slo.ts';
import { fmtConfidence, fmtInterval, fmtMetric } from './format.ts';
import { interval, rangeOf } from './stats.ts';
import { proportion } from './proportion.ts';

export type { Verdict };

/** A check judged over seeds: the CompareResult's own shape. */
export type JudgedCheck = CompareSloCheck;

/** Fail beats inconclusive beats pass. */
export function combine(verdicts: Iterable<Verdict>): Verdict {
  let out: Verdict = 'pass';
  for (const v of verdicts) {
    if (v === 'fail') return 'fail';
    if (v === 'inconclusive') out = 'inconclusive';
  }
  return out;
}

/** The scenario's SLO over runs of one strategy, each check judged on the interval of the mean at `confidence`. */
export function judgeSlo(runs: RunResult[], slo: SloSpec, confidence = 0.95): JudgedCheck[] {
  const perSeed = runs.map((r) => sloChecks(subjectOf(r), slo));
  return sloChecks(meanSubject(runs), slo).map((check) => {
    const held = perSeed.filter((checks) => checks.find((c) => c.name === check.name)?.pass ?? true).length;
    const seedsMet = proportion(held, runs.length);
    if (check.metric === undefined || check.max === undefined) {
      const observed = runs.length === 1 ? (check.pass ? 'yes' : 'no') : `in ${held} of ${runs.length} seeds`;
      return { ...check, verdict: check.pass ? 'pass' : 'fail', observed, allowed: allowedOf(check), seedsMet };
    }
    return { ...judgeLimit(check, runs.map((r) => metricOf(r, check.metric!)), confidence), seedsMet };
  });
}

function allowedOf(check: SloCheck): string {
  if (check.name === 'rollout') return check.label === 'release is rolled back' ? 'rolled back in every seed' : 'finished in every seed';
  if (check.name.startsWith('lanePaths.')) return 'allowed paths only';
  return check.max === undefined ? '' : `≤ ${fmtMetric(check.metric ?? '', check.max)}`;
}

/**
 * `mean ≤ max`, judged on the interval of the mean: pass when the whole interval is within,
 * fail when it lies wholly beyond (or `provenOver`: a value shows the mean must exceed max),
 * inconclusive when it straddles. The rule for SLO limits and baseline comparisons alike.
 */
export function limitVerdict(i: Interval, max: number, provenOver = false): Verdict {
  return i.hi <= max ? 'pass' : i.lo > max || provenOver ? 'fail' : 'inconclusive';
}

/** A `metric ≤ max` check re-judged on the interval of the mean instead of the mean alone. */
export function judgeLimit(check: SloCheck, values: number[], confidence: number): JudgedCheck {
  const metric = check.metric!;
  const max = check.max!;
  const range = rangeOf(metric);
  const i = interval(values, range, confidence);
  const observed = fmtInterval(metric, i);
  const allowed = `≤ ${fmtMetric(metric, max)}`;
  const verdict = limitVerdict(i, max, max <= range.min && values.some((v) => v > max));
  if (verdict === 'inconclusive') {
    const level = fmtConfidence(confidence);
    const side = i.mean <= max ? 'the mean meets it, but the interval reaches above it' : 'the mean misses it, but the interval reaches below it';
    return {
      ...check, pass: false, verdict, observed, allowed,
      message: `${check.label} ${observed} vs max ${fmtMetric(metric, max)}: ${side}; ${values.length} seeds cannot decide at ${level} — run more (--seeds auto)`,
    };
  }
  // The check's own message speaks of the mean; keep it, with the interval beside it.
  return { ...check, pass: verdict === 'pass', verdict, observed, allowed, message: verdict === 'pass' || i.n <= 1 ? check.message : `${check.message}; interval ${observed}` };
}
