/**
 * SLO evaluation as a pure function: the same checks fill `r.slo` in `relsim run` and
 * decide `relsim gate` (there on the mean over seeds). Each check is reported even when
 * it passes, so JUnit can list one testcase per check.
 */
import type { RunResult, SloCheck } from './run-result.ts';
import type { SloSpec } from '../../scenarios/types.ts';
import { fmtCount, fmtMs, fmtPct } from './units.ts';
import { dict, own } from '../../scenarios/dict.ts';

export type { SloCheck };

/** The SLO limits on a metric: field, metric, label. */
export const SLO_LIMITS = [
  { name: 'maxDropped', metric: 'dropped', label: 'dropped requests' },
  { name: 'maxErrorRate', metric: 'errorRate', label: 'error rate' },
  { name: 'maxP99Ms', metric: 'p99', label: 'p99 latency' },
  { name: 'maxRolloutMs', metric: 'rolloutMs', label: 'rollout time' },
] as const;

/** What the checks look at: one run, or means over seeds. */
export interface SloSubject {
  dropped: number;
  errorRate: number;
  p99: number;
  rolloutMs: number;
  lanes: RunResult['lanes'];
  /** How the runs' releases ended (runs = 0 when nothing was released). */
  endings: { runs: number; unfinished: number; rolledBack: number };
}

export function evaluateSlo(r: RunResult, slo: SloSpec): { pass: boolean; violations: string[] } {
  const checks = sloChecks(subjectOf(r), slo);
  const violations = checks.filter((c) => !c.pass).map((c) => c.message);
  return { pass: violations.length === 0, violations };
}

export function subjectOf(r: RunResult): SloSubject {
  return {
    dropped: metricOf(r, 'dropped'),
    errorRate: metricOf(r, 'errorRate'),
    p99: metricOf(r, 'p99'),
    rolloutMs: metricOf(r, 'rolloutMs'),
    lanes: r.lanes,
    endings: endingsOf([r]),
  };
}

/** A run released something when a strategy ran (a custom plan counts; 'none' is no release). */
function endingsOf(runs: RunResult[]): SloSubject['endings'] {
  const released = runs.filter((r) => r.strategy !== 'none');
  return {
    runs: released.length,
    // RunResults written before `finished` existed count as finished: unknown is not a failure.
    unfinished: released.filter((r) => r.rollout.finished === false).length,
    rolledBack: released.filter((r) => r.rollout.finished !== false && r.rollout.outcome === 'rolled-back').length,
  };
}

/** Means of the numbers over runs; lane paths merged (any seed's stray path counts). */
export function meanSubject(runs: RunResult[]): SloSubject {
  const subjects = runs.map(subjectOf);
  const mean = (k: 'dropped' | 'errorRate' | 'p99' | 'rolloutMs') => subjects.reduce((s, x) => s + x[k], 0) / subjects.length;
  // Keyed by lane names and paths; runs read back from JSON carry a lane `__proto__` as an
  // own key, which a plain {} here would take for its prototype.
  const lanes: RunResult['lanes'] = dict();
  for (const r of runs) {
    for (const [name, lane] of Object.entries(r.lanes)) {
      const into = (lanes[name] ??= { requests: 0, paths: dict() });
      into.requests += lane.requests;
      for (const [path, n] of Object.entries(lane.paths)) into.paths[path] = (into.paths[path] ?? 0) + n;
    }
  }
  return { dropped: mean('dropped'), errorRate: mean('errorRate'), p99: mean('p99'), rolloutMs: mean('rolloutMs'), lanes, endings: endingsOf(runs) };
}

export function sloChecks(s: SloSubject, slo: SloSpec): SloCheck[] {
  const checks: SloCheck[] = [];
  const limit = (name: string, label: string, actual: number, max: number | null, fmt: (v: number) => string) => {
    if (max === null || max === undefined) return;
    const pass = actual <= max;
    const spec = SLO_LIMITS.find((l) => l.name === name)!;
    checks.push({
      name, label: spec.label, pass, metric: spec.metric, max,
      message: pass
        ? `${label} ${fmt(actual)} ≤ max ${fmt(max)}`
        : `${label} ${fmt(actual)} > max ${fmt(max)} (over by ${fmt(actual - max)})`,
    });
  };
  limit('maxDropped', 'dropped', s.dropped, slo.maxDropped, (v) => fmtCount(Math.round(v * 10) / 10));
  limit('maxErrorRate', 'error rate', s.errorRate, slo.maxErrorRate, fmtPct);
  limit('maxP99Ms', 'p99', s.p99, slo.maxP99Ms, fmtMs);
  const ending = rolloutCheck(s.endings, slo.rollout ?? 'finished');
  if (ending) checks.push(ending);
  // An unfinished rollout's time runs to the end of the run: a limit met that way means nothing.
  if (s.endings.unfinished === 0) limit('maxRolloutMs', 'rollout time', s.rolloutMs, slo.maxRolloutMs, fmtMs);
  else if (slo.maxRolloutMs !== null && slo.maxRolloutMs !== undefined) {
    checks.push({ name: 'maxRolloutMs', label: 'rollout time', pass: false, message: `rollout time: not measured, the rollout did not finish (max ${fmtMs(slo.maxRolloutMs)})` });
  }
  for (const [lane, allowed] of Object.entries(slo.lanePaths ?? {})) {
    // own(): runs from a worker thread or from JSON have a prototype, where a lane `toString`
    // that never opened would find a function.
    const observed = own(s.lanes, lane);
    const name = `lanePaths.${lane}`;
    const label = `lane ${lane} stays on its paths`;
    if (!observed || observed.requests === 0) {
      checks.push({ name, label, pass: false, message: `lane ${lane}: no traffic observed, so its paths cannot be checked` });
      continue;
    }
    const stray = Object.entries(observed.paths).filter(([path, n]) => n > 0 && !allowed.includes(path));
    checks.push(stray.length === 0
      ? { name, label, pass: true, message: `lane ${lane}: all ${fmtCount(observed.requests)} requests took allowed paths` }
      : {
          name, label, pass: false,
          message: `lane ${lane}: ` + stray.map(([p, n]) => `${fmtCount(n)} requests took ${p}`).join(', ') +
            ` (allowed: ${allowed.join(', ') || 'none'})`,
        });
  }
  return checks;
}

/**
 * The `rollout` check: did the release end the way the SLO expects? A rollout that never
 * finished (paused for good, waiting for a promotion, still running at the end of the
 * run) or was rolled back fails `finished`, the default.
 */
function rolloutCheck(e: SloSubject['endings'], expected: SloSpec['rollout']): SloCheck | null {
  if (e.runs === 0 || expected === 'any') return null;
  const check = (pass: boolean, message: string): SloCheck => ({
    name: 'rollout', label: expected === 'rolled-back' ? 'release is rolled back' : 'release finishes', pass, message,
  });
  const of = (k: number) => (e.runs === 1 ? '' : ` in ${k} of ${e.runs} seeds`);
  if (expected === 'rolled-back') {
    const caught = e.rolledBack;
    return caught === e.runs
      ? check(true, `release rolled back as expected${of(caught)}`)
      : check(false, `release was expected to be rolled back, but was not${of(e.runs - caught)}`);
  }
  if (e.unfinished > 0) {
    return check(false, `release did not finish within the run${of(e.unfinished)} (paused for good, waiting for promotion, or still running at the end); set slo.rollout: any to allow it`);
  }
  if (e.rolledBack > 0) {
    return check(false, `release rolled back${of(e.rolledBack)}; set slo.rollout: rolled-back if catching a bad release is the point`);
  }
  return check(true, `release finished${e.runs === 1 ? '' : ` in all ${e.runs} seeds`}`);
}

/** One named metric of one run (the names of SUMMARY_METRICS in reports/stats.ts, or `dropped.<cause>`). */
export function metricOf(r: RunResult, name: string): number {
  if (name.startsWith('dropped.')) return r.requests.byCause[name.slice(8) as keyof typeof r.requests.byCause] ?? 0;
  switch (name) {
    case 'dropped': return r.requests.dropped;
    case 'errorRate': return r.requests.offered > 0 ? r.requests.dropped / r.requests.offered : 0;
    case 'p99': return r.latencyMs.p99;
    case 'rolloutMs': return r.rollout.endMs - r.rollout.startMs;
    case 'instanceSeconds': return r.cost.instanceSeconds;
    case 'peakInstances': return r.cost.peakInstances;
    default: throw new Error(`unknown metric ${name}`);
  }
}
