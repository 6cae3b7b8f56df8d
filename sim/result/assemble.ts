/**
 * The one RunResult builder. Each platform gathers what it measured into `RunFacts`
 * (the simulator from its model, the replay from its recorder and proxy) and this turns
 * it into the RunResult both write, with the same defaults and the same rounding: times
 * to 0.001 ms so the JSON is stable byte for byte.
 */
import type { Scenario } from '../../scenarios/types.ts';
import type { DropCause, RunMeta, RunResult, StepResult } from './run-result.ts';
import { evaluateSlo } from './slo.ts';
import type { StepLog } from './step-log.ts';

export interface RunFacts {
  scenario: Scenario;
  strategy: string;
  seed: number;
  platform: RunResult['platform'];
  requests: RunResult['requests'];
  /** Latency quantile in ms (q in [0, 1]) and the maximum. */
  quantile: (q: number) => number;
  maxLatencyMs: number;
  /** Mean latency of answered requests, ms. */
  meanLatencyMs: number;
  steps: StepLog;
  /** Drops by cause for the step with this index. */
  stepDrops: (index: number) => Partial<Record<DropCause, number>>;
  instanceSeconds: number;
  peakInstances: number;
  lanes: RunResult['lanes'];
  series: RunResult['timeline']['series'];
  /** Platform-specific additions to `meta` (after the topology). */
  meta: Omit<RunMeta, 'topology'>;
}

export const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The RunResult, its SLO verdict included. */
export function assembleRunResult(f: RunFacts): RunResult {
  const r = assemble(f);
  r.slo = evaluateSlo(r, f.scenario.slo);
  return r;
}

function assemble(f: RunFacts): RunResult {
  const end = f.scenario.duration;
  const log = f.steps;
  const steps: StepResult[] = log.steps.map((s, k) => {
    const byCause = f.stepDrops(k);
    let dropped = 0;
    for (const n of Object.values(byCause)) dropped += n ?? 0;
    return { name: s.name, startMs: r3(s.startMs), endMs: r3(s.endMs < 0 ? end : s.endMs), dropped, byCause };
  });
  return {
    schema: 'relsim.run/1',
    scenario: f.scenario.name,
    strategy: f.strategy,
    seed: f.seed,
    platform: f.platform,
    requests: f.requests,
    latencyMs: {
      p50: r3(f.quantile(0.5)), p90: r3(f.quantile(0.9)), p99: r3(f.quantile(0.99)), p999: r3(f.quantile(0.999)),
      max: r3(f.maxLatencyMs), mean: r3(f.meanLatencyMs),
    },
    rollout: {
      startMs: r3(Math.max(0, log.rolloutStartMs)),
      endMs: r3(log.rolloutEndMs >= 0 ? log.rolloutEndMs : log.rolloutStartMs >= 0 ? end : 0),
      outcome: log.outcome,
      finished: log.rolloutEndMs >= 0,
      steps,
    },
    cost: { instanceSeconds: r3(f.instanceSeconds), peakInstances: f.peakInstances },
    lanes: f.lanes,
    timeline: { bucketMs: f.scenario.bucketMs, series: f.series },
    slo: { pass: true, violations: [] }, // judged by assembleRunResult
    meta: {
      topology: {
        entry: f.scenario.entry.service,
        services: f.scenario.services.map((s) => ({
          name: s.name, versions: s.versions.map((v) => v.name), calls: s.calls.map((c) => c.service),
          gracePeriodMs: s.instance.terminationGracePeriod,
        })),
      },
      ...f.meta,
    },
  };
}
