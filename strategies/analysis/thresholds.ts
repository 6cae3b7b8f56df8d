/**
 * Metric analysis as Argo Rollouts runs an AnalysisRun: a measurement every `interval`,
 * each one Successful, Failed or Inconclusive; the run fails when failures exceed
 * `failureLimit`, turns Inconclusive (the rollout pauses for a human) when inconclusive
 * measurements exceed `inconclusiveLimit`, and succeeds after `count` measurements.
 *
 * A measurement checks the canary version's window: success rate ≥ `successRate`,
 * latency percentile ≤ `latency.max`, and (with `judge`) a Mann-Whitney comparison of
 * canary vs baseline latencies. Too few requests in the window to judge ⇒ Inconclusive.
 */
import type { AnalysisSpec } from '../../scenarios/types.ts';
import { log, metrics, sleep, type Plan, type WindowStats } from '../protocol.ts';
import { mannWhitney } from './mann-whitney.ts';

export type Measurement = 'success' | 'failure' | 'inconclusive';
export type AnalysisPhase = 'running' | 'successful' | 'failed' | 'inconclusive';

export interface Judged {
  result: Measurement;
  reasons: string[];
}

/** Judges one window of the canary (and the baseline, for the Mann-Whitney judge). */
export function judgeWindow(spec: AnalysisSpec, canary: WindowStats, baseline: WindowStats | null): Judged {
  if (canary.requests < Math.max(1, spec.minRequests)) {
    return { result: 'inconclusive', reasons: [`${canary.requests} requests < ${spec.minRequests}`] };
  }
  const reasons: string[] = [];
  if (spec.successRate !== null && !(canary.successRate >= spec.successRate)) {
    reasons.push(`success rate ${round4(canary.successRate)} < ${spec.successRate}`);
  }
  if (spec.latency !== null) {
    const p = percentileOf(canary, spec.latency.p);
    if (p > spec.latency.max) reasons.push(`p${spec.latency.p} ${round4(p)} ms > ${spec.latency.max} ms`);
  }
  if (spec.judge !== null && baseline !== null) {
    if (baseline.requests < Math.max(1, spec.minRequests) || baseline.latencies.length === 0 || canary.latencies.length === 0) {
      if (reasons.length === 0) return { result: 'inconclusive', reasons: ['too few baseline samples for the judge'] };
    } else {
      const mw = mannWhitney(canary.latencies, baseline.latencies, spec.judge);
      if (mw.classification === 'high' || mw.classification === 'low') {
        reasons.push(`latency judged ${mw.classification} (shift ${round4(mw.estimate)} ms, interval ${round4(mw.lower)}..${round4(mw.upper)})`);
      }
    }
  }
  return { result: reasons.length > 0 ? 'failure' : 'success', reasons };
}

/** The AnalysisRun's counters and its phase after each measurement. */
export class AnalysisRun {
  measurements = 0;
  failures = 0;
  inconclusives = 0;

  constructor(readonly spec: AnalysisSpec, readonly limitCount = spec.count) {}

  record(m: Measurement): AnalysisPhase {
    this.measurements++;
    if (m === 'failure') this.failures++;
    if (m === 'inconclusive') this.inconclusives++;
    if (this.failures > this.spec.failureLimit) return 'failed';
    if (this.inconclusives > this.spec.inconclusiveLimit) return 'inconclusive';
    if (this.limitCount > 0 && this.measurements >= this.limitCount) return 'successful';
    return 'running';
  }

  /** A failed check that is no measurement (a webhook's): counts toward failureLimit only. */
  failCheck(): AnalysisPhase {
    this.failures++;
    return this.failures > this.spec.failureLimit ? 'failed' : 'running';
  }
}

/** Takes one measurement of `version` over the last `windowMs` and records it. */
export function* measure(run: AnalysisRun, service: string, version: string, baseline: string | null, windowMs: number): Plan<AnalysisPhase> {
  const canary = yield* metrics(service, version, windowMs);
  const base = run.spec.judge !== null && baseline !== null ? yield* metrics(service, baseline, windowMs) : null;
  const judged = judgeWindow(run.spec, canary, base);
  if (judged.result !== 'success') yield* log(`analysis ${judged.result}: ${judged.reasons.join('; ')}`);
  return run.record(judged.result);
}

/**
 * An inline analysis step: measures every `interval` until the run ends. `count: 0`
 * (Argo: no count) inline would never end on its own; it takes one measurement.
 */
export function* runAnalysis(spec: AnalysisSpec, service: string, version: string, baseline: string | null): Plan<Exclude<AnalysisPhase, 'running'>> {
  const run = new AnalysisRun(spec, spec.count > 0 ? spec.count : 1);
  for (;;) {
    yield* sleep(spec.interval);
    const phase = yield* measure(run, service, version, baseline, spec.interval);
    if (phase !== 'running') return phase;
  }
}

/** Nearest-rank percentile; the platform's own p50/p90/p99 when those are asked for. */
export function percentileOf(w: WindowStats, p: number): number {
  if (p === 50) return w.p50;
  if (p === 90) return w.p90;
  if (p === 99) return w.p99;
  if (w.latencies.length === 0) return NaN;
  const sorted = [...w.latencies].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
