/**
 * The gate verdict, pure: the scenario's SLO judged on the interval of the mean over seeds
 * (reports/verdict.ts), plus regression checks against a baseline, each pass, fail or
 * inconclusive. A metric regresses when the whole current interval lies above the baseline
 * interval's upper end stretched by the tolerance, passes when the whole interval lies
 * below it, and is inconclusive in between: the seeds could not have seen a regression of
 * that size, and the gate says so rather than pass it.
 */
import type { CompareResult, Interval, RunResult } from '../sim/result/run-result.ts';
import type { SloSpec } from '../scenarios/types.ts';
import { fmtInterval, fmtMetric, fmtPct, METRIC_LABELS } from './format.ts';
import { metricOf } from '../sim/result/slo.ts';
import { interval, rangeOf, summarizeRuns } from './stats.ts';
import { combine, judgeSlo, limitVerdict, type JudgedCheck, type Verdict } from './verdict.ts';
import { dominantCause } from './causes.ts';
import type { SequentialInfo } from './sequential.ts';

export const REGRESSION_METRICS = ['dropped', 'p99'] as const;
export const DEFAULT_TOLERANCE = 0.1;

/** `relsim gate`'s exit code when no check failed but some could not be decided. */
export const EXIT_INCONCLUSIVE = 4;

export interface GateVerdict {
  scenario: string;
  /** The scenario file, for JUnit's classname and the job summary. */
  file?: string;
  strategy: string;
  seeds: number[];
  stats: Record<string, Interval>;
  checks: GateCheck[];
  verdict: Verdict;
  /** verdict === 'pass' (kept for scripts written before inconclusive existed). */
  pass: boolean;
  /** The confidence each check was judged at (0.95, or stricter per look under --seeds auto). */
  confidence: number;
  /** Under --seeds auto: the looks taken and whether the last one decided. */
  sequential?: SequentialInfo;
}

export interface GateCheck extends JudgedCheck {
  /** For a failed or inconclusive check on drops: the dominant cause across seeds and its usual cure. */
  cause?: string;
}

export interface Baseline {
  /** Where it came from, for messages ("base.json, canary row"). */
  source: string;
  scenario: string;
  stats: Record<string, Interval>;
}

export function evaluateGate(runs: RunResult[], slo: SloSpec, baseline: Baseline | null, tolerance = DEFAULT_TOLERANCE, confidence = 0.95): GateVerdict {
  if (runs.length === 0) throw new Error('evaluateGate needs at least one run');
  const judged = [...judgeSlo(runs, slo, confidence), ...(baseline ? regressionChecks(runs, baseline, tolerance, confidence) : [])];
  const cause = dominantCause(runs);
  const checks: GateCheck[] = judged.map((c) =>
    c.verdict !== 'pass' && cause && /^(maxDropped|maxErrorRate|baseline\.dropped)$/.test(c.name) ? { ...c, cause } : c);
  const verdict = combine(checks.map((c) => c.verdict));
  return {
    scenario: runs[0].scenario,
    strategy: runs[0].strategy,
    seeds: runs.map((r) => r.seed),
    stats: summarizeRuns(runs),
    checks,
    verdict,
    pass: verdict === 'pass',
    confidence,
  };
}

export function regressionChecks(runs: RunResult[], baseline: Baseline, tolerance: number, confidence = 0.95): JudgedCheck[] {
  return REGRESSION_METRICS.map((m): JudgedCheck => {
    const values = runs.map((r) => metricOf(r, m));
    const cur = interval(values, rangeOf(m), confidence);
    const base = baseline.stats[m];
    const name = `baseline.${m}`;
    const label = `${METRIC_LABELS[m]} vs baseline`;
    if (!base) return { name, label, pass: true, verdict: 'pass', observed: fmtInterval(m, cur), allowed: '–', message: `${METRIC_LABELS[m]}: no baseline value, not compared` };
    const allowedMax = base.hi * (1 + tolerance);
    const observed = fmtInterval(m, cur);
    const allowed = `≤ ${fmtMetric(m, allowedMax)}`;
    const change = base.mean !== 0 ? ` (${cur.mean >= base.mean ? '+' : ''}${fmtPct((cur.mean - base.mean) / base.mean)})` : '';
    const head = `${METRIC_LABELS[m]} ${observed} vs baseline ${fmtInterval(m, base)}${change}`;
    const verdict = limitVerdict(cur, allowedMax);
    const common = { name, label, metric: m, max: allowedMax, verdict, pass: verdict === 'pass', observed, allowed };
    if (verdict === 'pass') return { ...common, message: `${head}: within tolerance ${fmtPct(tolerance)}` };
    if (verdict === 'fail') {
      return {
        ...common,
        message: `${head}: regressed; even the interval's low end ${fmtMetric(m, cur.lo)} exceeds the allowed ${fmtMetric(m, allowedMax)} ` +
          `(baseline high end + ${fmtPct(tolerance)}), over by ${fmtMetric(m, cur.lo - allowedMax)}`,
      };
    }
    // How far above the allowed value a mean must be for these seeds to show it: the
    // interval's lower half-width, uncut (the power of this comparison, in the metric's units).
    const half = cur.mean - interval(values, undefined, confidence).lo;
    return {
      ...common,
      message: `${head}: inconclusive; the interval reaches above the allowed ${fmtMetric(m, allowedMax)} ` +
        `(baseline high end + ${fmtPct(tolerance)}), so ${values.length} seed${values.length === 1 ? '' : 's'} cannot rule out a regression ` +
        `and would only show one whose mean exceeds ${fmtMetric(m, allowedMax + half)}; run more seeds (--seeds auto)`,
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

const MARK: Record<Verdict, string> = { pass: 'ok  ', fail: 'FAIL', inconclusive: '??  ' };
const WORD: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };

/** Gate's own summary lines: one per scenario, then each check indented, then the overall verdict. */
export function formatVerdicts(verdicts: GateVerdict[]): string {
  const lines: string[] = [];
  for (const v of verdicts) {
    const passed = v.checks.filter((c) => c.verdict === 'pass').length;
    const auto = v.sequential ? `, --seeds auto: looks at ${v.sequential.looks.join(', ')} of at most ${v.sequential.maxSeeds}` : '';
    lines.push(`${WORD[v.verdict]}  ${v.scenario} (${v.strategy}, ${v.seeds.length} seed${v.seeds.length === 1 ? '' : 's'}${auto}): ` +
      `${passed}/${v.checks.length} checks pass`);
    for (const c of v.checks) {
      lines.push(`      ${MARK[c.verdict]} ${c.name}: ${c.message}`);
      if (c.cause) lines.push(`           cause: ${c.cause}`);
    }
  }
  const overall = combine(verdicts.map((v) => v.verdict));
  const count = (k: Verdict) => verdicts.filter((v) => v.verdict === k).length;
  const of = `of ${verdicts.length} scenario${verdicts.length === 1 ? '' : 's'}`;
  lines.push(overall === 'pass' ? `gate: pass (${verdicts.length} scenario${verdicts.length === 1 ? '' : 's'})`
    : overall === 'fail' ? `gate: FAIL (${count('fail')} ${of}${count('inconclusive') ? `; ${count('inconclusive')} inconclusive` : ''})`
      : `gate: INCONCLUSIVE (${count('inconclusive')} ${of} could not be decided with these seeds; ` +
        `${verdicts.some((v) => v.sequential) ? 'a larger --max-seeds may decide, or the difference is too small to matter' : 'more seeds, or --seeds auto, would decide'})`);
  return lines.join('\n');
}

/** 0 pass, 1 fail, EXIT_INCONCLUSIVE when nothing failed but something could not be decided. */
export function gateExitCode(verdicts: GateVerdict[]): number {
  const overall = combine(verdicts.map((v) => v.verdict));
  return overall === 'pass' ? 0 : overall === 'fail' ? 1 : EXIT_INCONCLUSIVE;
}
