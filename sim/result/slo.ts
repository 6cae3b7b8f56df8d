/**
 * SLO evaluation as a pure function: the same checks fill `r.slo` in `relsim run` and
 * decide `relsim gate` (there on the mean over seeds). Each check is reported even when
 * it passes, so JUnit can list one testcase per check.
 */
import type { RunResult } from './run-result.ts';
import type { SloSpec } from '../../scenarios/types.ts';
import { fmtCount, fmtMs, fmtPct } from './units.ts';
import { dict, own } from '../../scenarios/dict.ts';

export interface SloCheck {
  /** e.g. 'maxDropped', 'lanePaths.gray'. */
  name: string;
  pass: boolean;
  /** One line: what was measured against what (and by how much it failed). */
  message: string;
}

/** What the checks look at: one run, or means over seeds. */
export interface SloSubject {
  dropped: number;
  errorRate: number;
  p99: number;
  rolloutMs: number;
  lanes: RunResult['lanes'];
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
  return { dropped: mean('dropped'), errorRate: mean('errorRate'), p99: mean('p99'), rolloutMs: mean('rolloutMs'), lanes };
}

export function sloChecks(s: SloSubject, slo: SloSpec): SloCheck[] {
  const checks: SloCheck[] = [];
  const limit = (name: string, label: string, actual: number, max: number | null, fmt: (v: number) => string) => {
    if (max === null || max === undefined) return;
    const pass = actual <= max;
    checks.push({
      name, pass,
      message: pass
        ? `${label} ${fmt(actual)} ≤ max ${fmt(max)}`
        : `${label} ${fmt(actual)} > max ${fmt(max)} (over by ${fmt(actual - max)})`,
    });
  };
  limit('maxDropped', 'dropped', s.dropped, slo.maxDropped, (v) => fmtCount(Math.round(v * 10) / 10));
  limit('maxErrorRate', 'error rate', s.errorRate, slo.maxErrorRate, fmtPct);
  limit('maxP99Ms', 'p99', s.p99, slo.maxP99Ms, fmtMs);
  limit('maxRolloutMs', 'rollout time', s.rolloutMs, slo.maxRolloutMs, fmtMs);
  for (const [lane, allowed] of Object.entries(slo.lanePaths ?? {})) {
    // own(): runs from a worker thread or from JSON have a prototype, where a lane `toString`
    // that never opened would find a function.
    const observed = own(s.lanes, lane);
    const name = `lanePaths.${lane}`;
    if (!observed || observed.requests === 0) {
      checks.push({ name, pass: false, message: `lane ${lane}: no traffic observed, so its paths cannot be checked` });
      continue;
    }
    const stray = Object.entries(observed.paths).filter(([path, n]) => n > 0 && !allowed.includes(path));
    checks.push(stray.length === 0
      ? { name, pass: true, message: `lane ${lane}: all ${fmtCount(observed.requests)} requests took allowed paths` }
      : {
          name, pass: false,
          message: `lane ${lane}: ` + stray.map(([p, n]) => `${fmtCount(n)} requests took ${p}`).join(', ') +
            ` (allowed: ${allowed.join(', ') || 'none'})`,
        });
  }
  return checks;
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
