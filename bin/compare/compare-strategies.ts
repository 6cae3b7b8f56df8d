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

export interface CompareOptions {
  strategies: readonly StrategyName[];
  /** Seeds per strategy: scenario.seed, seed + 1, … */
  seeds: number;
  /** Worker threads (default: available cores; 1 = run in this thread). */
  workers?: number;
  /** Extra runs to put side by side (e.g. a replayed run), grouped by strategy and platform. */
  extra?: RunResult[];
  /** Called after each finished run. */
  onRun?: (done: number, total: number) => void;
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

export function compareJobs(scenario: Scenario, strategies: readonly StrategyName[], seeds: number): CompareJob[] {
  const jobs: CompareJob[] = [];
  for (const strategy of strategies) {
    const sc = withStrategy(scenario, strategy);
    for (let i = 0; i < seeds; i++) jobs.push({ strategy, seed: scenario.seed + i, scenario: sc });
  }
  return jobs;
}

export async function compareStrategies(scenario: Scenario, opts: CompareOptions): Promise<CompareResult> {
  const jobs = compareJobs(scenario, opts.strategies, opts.seeds);
  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), jobs.length));
  const runs = workers <= 1 ? runInline(jobs, opts.onRun) : await runOnWorkers(jobs, workers, opts.onRun);
  return assembleCompare(scenario, opts.strategies, opts.seeds, runs, opts.extra ?? []);
}

export function assembleCompare(scenario: Scenario, strategies: readonly StrategyName[], seeds: number, runs: RunResult[], extra: RunResult[]): CompareResult {
  const rows: CompareRow[] = strategies.map((strategy, i) => {
    const mine = runs.slice(i * seeds, (i + 1) * seeds);
    return { label: strategy, strategy, platform: 'sim', runs: mine, stats: summarizeRuns(mine), frequencies: frequenciesOf(mine) };
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
  }
  return {
    schema: 'relsim.compare/1',
    scenario: scenario.name,
    seeds: Array.from({ length: seeds }, (_, i) => scenario.seed + i),
    rows,
  };
}

function runInline(jobs: CompareJob[], onRun?: (done: number, total: number) => void): RunResult[] {
  return jobs.map((j, i) => {
    const r = runJob(j);
    onRun?.(i + 1, jobs.length);
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

function runOnWorkers(jobs: CompareJob[], count: number, onRun?: (done: number, total: number) => void): Promise<RunResult[]> {
  const results: RunResult[] = new Array(jobs.length);
  const url = new URL('./worker.mjs', import.meta.url);
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
        onRun?.(finished, jobs.length);
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
