/**
 * `relsim compare`: every strategy × N seeds of one scenario, side by side.
 *
 * Runs are independent, so they go to worker threads when there is more than one core;
 * each result lands in its slot of a fixed job list (strategy-major, seed-minor), so the
 * CompareResult — and its JSON — does not depend on how many workers ran or which one
 * finished first.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario, StrategyName } from '../../scenarios/types.ts';
import type { CompareResult, CompareRow, RunResult } from '../../sim/result/run-result.ts';
import { withStrategy } from '../../scenarios/load.ts';
import { frequenciesOf, summarizeRuns } from '../../reports/stats.ts';
import { simulate } from '../../sim/simulate.ts';
import { EventCapError } from '../../sim/kernel/engine.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { combine, judgeSlo } from '../../reports/verdict.ts';
import { fixedSchedule, runLooks, type SeedSchedule } from '../../reports/sequential.ts';

export interface CompareOptions {
  strategies: readonly StrategyName[];
  /** Seeds per strategy (scenario.seed, seed + 1, …), or a --seeds auto schedule. */
  seeds: number | SeedSchedule;
  /** Worker threads (default: available cores; 1 = run in this thread). */
  workers?: number;
  /** Extra runs to put side by side (e.g. a replayed run), grouped by strategy and platform. */
  extra?: RunResult[];
  /** Called after each finished run. */
  onRun?: () => void;
}

export interface CompareJob {
  strategy: StrategyName;
  seed: number;
  scenario: Scenario;
}

/** The strategies compare runs when none are named: the four release strategies, plus the scenario's own. */
export function defaultStrategies(scenario: Scenario): StrategyName[] {
  const base: StrategyName[] = ['recreate', 'rolling', 'blue-green', 'canary'];
  const own = scenario.release?.strategy.name;
  return own && !base.includes(own) ? [...base, own] : base;
}

/** Jobs for seeds scenario.seed + from … scenario.seed + to − 1 of each strategy, strategy-major. */
export function compareJobs(scenario: Scenario, strategies: readonly StrategyName[], to: number, from = 0): CompareJob[] {
  const jobs: CompareJob[] = [];
  for (const strategy of strategies) {
    const sc = withStrategy(scenario, strategy);
    for (let i = from; i < to; i++) jobs.push({ strategy, seed: scenario.seed + i, scenario: sc });
  }
  return jobs;
}

/**
 * Every strategy over the seeds. Under a sequential schedule the seeds grow look by look
 * until every strategy's SLO verdict is decided (pass or fail) or the last look is reached;
 * each look adds the next seeds, so the runs are those a fixed --seeds of that size gives.
 */
export async function compareStrategies(scenario: Scenario, opts: CompareOptions): Promise<CompareResult> {
  const schedule = typeof opts.seeds === 'number' ? fixedSchedule(opts.seeds) : opts.seeds;
  const perStrategy: RunResult[][] = opts.strategies.map(() => []);
  let cmp: CompareResult | undefined;
  const sequential = await runLooks(schedule, async (from, to) => {
    const runs = await runJobs(compareJobs(scenario, opts.strategies, to, from), opts.workers, opts.onRun);
    opts.strategies.forEach((_, i) => perStrategy[i].push(...runs.slice(i * (to - from), (i + 1) * (to - from))));
    cmp = assembleCompare(scenario, opts.strategies, perStrategy, opts.extra ?? [], schedule.confidence);
    return !cmp.rows.some((row) => row.slo?.verdict === 'inconclusive');
  });
  if (sequential) cmp!.sequential = sequential;
  return cmp!;
}

/**
 * Runs the jobs, on worker threads when more than one is asked for (default: the cores);
 * results in job order. A run over its event cap is the scenario's fault (exit 2), whichever
 * thread ran it.
 */
export async function runJobs(jobs: CompareJob[], workers?: number, onRun?: () => void): Promise<RunResult[]> {
  const count = Math.max(1, Math.min(workers ?? availableParallelism(), jobs.length));
  try {
    return count <= 1 ? runInline(jobs, onRun) : await runOnWorkers(jobs, count, onRun);
  } catch (e) {
    if (e instanceof EventCapError || (e instanceof CompareRunError && e.causeName === 'EventCapError')) {
      const sc = jobs[0].scenario;
      throw new UserError(`${sc.file || sc.name}: ${(e as Error).message}`, 2);
    }
    throw e;
  }
}

/**
 * One row per strategy (runs strategy-major), then the extra runs grouped by strategy and
 * platform; each simulated row judged against the scenario's SLO at `confidence`.
 */
export function assembleCompare(scenario: Scenario, strategies: readonly StrategyName[], runs: RunResult[][], extra: RunResult[], confidence = 0.95): CompareResult {
  const seeds = runs[0]?.length ?? 0;
  const rows: CompareRow[] = strategies.map((strategy, i) => {
    const mine = runs[i];
    return { label: strategy, strategy, platform: 'sim', runs: mine, stats: summarizeRuns(mine), frequencies: frequenciesOf(mine), slo: sloVerdict(mine, scenario, confidence) };
  });
  const extraRows = new Map<string, CompareRow>();
  for (const r of extra) {
    const label = `${r.strategy} (${r.platform}${r.platform === 'sim' ? ', file' : ''})`;
    let row = extraRows.get(label);
    if (!row) {
      row = { label, strategy: r.strategy, platform: r.platform, runs: [], stats: {} };
      extraRows.set(label, row);
      rows.push(row);
    }
    row.runs.push(r);
  }
  for (const row of extraRows.values()) {
    row.stats = summarizeRuns(row.runs);
    row.frequencies = frequenciesOf(row.runs);
    row.slo = sloVerdict(row.runs, scenario, confidence);
  }
  return {
    schema: 'relsim.compare/1',
    scenario: scenario.name,
    seeds: Array.from({ length: seeds }, (_, i) => scenario.seed + i),
    confidence,
    rows,
  };
}

function sloVerdict(runs: RunResult[], scenario: Scenario, confidence: number): CompareRow['slo'] {
  const checks = judgeSlo(runs, scenario.slo, confidence);
  return { verdict: combine(checks.map((c) => c.verdict)), checks };
}

function runInline(jobs: CompareJob[], onRun?: () => void): RunResult[] {
  return jobs.map((j) => {
    const r = runJob(j);
    onRun?.();
    return r;
  });
}

export function runJob(j: CompareJob): RunResult {
  return simulate(j.scenario, { seed: j.seed });
}

/** Message from a compare worker. */
export type WorkerReply = { index: number; result: RunResult } | { index: number; error: string; name: string };

export class CompareRunError extends Error {
  constructor(message: string, readonly causeName: string) {
    super(message);
    this.name = 'CompareRunError';
  }
}

function runOnWorkers(jobs: CompareJob[], count: number, onRun?: () => void): Promise<RunResult[]> {
  const results: RunResult[] = new Array(jobs.length);
  // From the build, the compiled worker; from source, worker.mjs registers tsx first.
  const url = new URL(import.meta.url.endsWith('.js') ? './worker.js' : './worker.mjs', import.meta.url);
  return new Promise((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
    const pool: Worker[] = [];
    const stopAll = () => { for (const w of pool) void w.terminate(); };
    const feed = (w: Worker) => {
      if (next >= jobs.length) return;
      const index = next++;
      w.postMessage({ index, job: jobs[index] });
    };
    for (let k = 0; k < count; k++) {
      const w = new Worker(url);
      pool.push(w);
      w.on('message', (m: WorkerReply) => {
        if (failed) return;
        if ('error' in m) {
          failed = true;
          stopAll();
          const j = jobs[m.index];
          reject(new CompareRunError(`${j.strategy}, seed ${j.seed}: ${m.error}`, m.name));
          return;
        }
        results[m.index] = m.result;
        finished++;
        onRun?.();
        if (finished === jobs.length) {
          stopAll();
          resolve(results);
        } else feed(w);
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(e);
      });
      feed(w);
    }
  });
}
