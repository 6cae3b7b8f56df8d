/**
 * The gate verdict, pure: SLO checks on the mean over seeds, plus regression checks against
 * a baseline. A metric regresses only when the whole current interval sits above the
 * baseline interval's upper end stretched by the tolerance, so seed noise alone passes.
 */
import type { CompareResult, Interval, RunResult } from '../sim/result/run-result.ts';
import type { SloSpec } from '../scenarios/types.ts';
import { fmtInterval, fmtMetric, fmtPct, METRIC_LABELS } from './format.ts';
import { meanSubject, sloChecks, type SloCheck } from '../sim/result/slo.ts';
import { summarizeRuns } from './stats.ts';

export const REGRESSION_METRICS = ['dropped', 'p99'] as const;
export const DEFAULT_TOLERANCE = 0.1;

export interface GateVerdict {
  scenario: string;
  strategy: string;
  seeds: number[];
  stats: Record<string, Interval>;
  checks: SloCheck[];
  pass: boolean;
}

export interface Baseline {
  /** Where it came from, for messages ("base.json, canary row"). */
  source: string;
  scenario: string;
  stats: Record<string, Interval>;
}

export function evaluateGate(runs: RunResult[], slo: SloSpec, baseline: Baseline | null, tolerance = DEFAULT_TOLERANCE): GateVerdict {
  if (runs.length === 0) throw new Error('evaluateGate needs at least one run');
  const stats = summarizeRuns(runs);
  const checks = [...sloChecks(meanSubject(runs), slo), ...(baseline ? regressionChecks(stats, baseline, tolerance) : [])];
  return {
    scenario: runs[0].scenario,
    strategy: runs[0].strategy,
    seeds: runs.map((r) => r.seed),
    stats,
    checks,
    pass: checks.every((c) => c.pass),
  };
}

export function regressionChecks(current: Record<string, Interval>, baseline: Baseline, tolerance: number): SloCheck[] {
  return REGRESSION_METRICS.map((m) => {
    const cur = current[m];
    const base = baseline.stats[m];
    const name = `baseline.${m}`;
    if (!cur || !base) return { name, pass: true, message: `${METRIC_LABELS[m]}: no baseline value, not compared` };
    const allowed = base.hi * (1 + tolerance);
    const pass = !(cur.lo > allowed);
    const change = base.mean !== 0 ? ` (${cur.mean >= base.mean ? '+' : ''}${fmtPct((cur.mean - base.mean) / base.mean)})` : '';
    const head = `${METRIC_LABELS[m]} ${fmtInterval(m, cur)} vs baseline ${fmtInterval(m, base)}${change}`;
    return {
      name, pass,
      message: pass
        ? `${head}: within tolerance ${fmtPct(tolerance)}`
        : `${head}: regressed; even the interval's low end ${fmtMetric(m, cur.lo)} exceeds the allowed ${fmtMetric(m, allowed)} ` +
          `(baseline high end + ${fmtPct(tolerance)}), over by ${fmtMetric(m, cur.lo - allowed)}`,
    };
  });
}

/**
 * A baseline from a parsed RunResult or CompareResult JSON, for one strategy. Returns null
 * when the file is for another scenario; throws a plain message when the file is not a
 * usable baseline (the command turns that into a UserError).
 */
export function baselineFrom(json: unknown, source: string, strategy: string): Baseline {
  const doc = json as { schema?: unknown };
  if (doc && doc.schema === 'relsim.run/1') {
    const r = json as RunResult;
    return { source, scenario: r.scenario, stats: summarizeRuns([r]) };
  }
  if (doc && doc.schema === 'relsim.compare/1') {
    const c = json as CompareResult;
    const rows = c.rows.filter((row) => row.platform === 'sim');
    const row = rows.find((x) => x.strategy === strategy) ?? (rows.length === 1 ? rows[0] : undefined);
    if (!row) throw new Error(`${source}: no row for strategy ${strategy} (rows: ${c.rows.map((x) => x.label).join(', ')})`);
    const stats = row.stats && row.stats.dropped ? row.stats : summarizeRuns(row.runs);
    return { source: `${source}, ${row.label} row`, scenario: c.scenario, stats };
  }
  throw new Error(`${source}: not a relsim RunResult or CompareResult (schema ${JSON.stringify(doc?.schema)})`);
}

/** Gate's own summary lines: one per scenario, then each failed check indented. */
export function formatVerdicts(verdicts: GateVerdict[]): string {
  const lines: string[] = [];
  for (const v of verdicts) {
    const failed = v.checks.filter((c) => !c.pass);
    lines.push(`${v.pass ? 'PASS' : 'FAIL'}  ${v.scenario} (${v.strategy}, ${v.seeds.length} seed${v.seeds.length === 1 ? '' : 's'}): ` +
      `${v.checks.length - failed.length}/${v.checks.length} checks pass`);
    for (const c of v.checks) lines.push(`      ${c.pass ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
  }
  const failedScenarios = verdicts.filter((v) => !v.pass).length;
  lines.push(failedScenarios === 0 ? `gate: pass (${verdicts.length} scenario${verdicts.length === 1 ? '' : 's'})` : `gate: FAIL (${failedScenarios} of ${verdicts.length} scenarios)`);
  return lines.join('\n');
}

