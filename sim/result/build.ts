/**
 * Builds the RunResult (run-result.ts) from a finished model. Numbers are rounded to fixed
 * decimals so the JSON is stable byte for byte across runs and platforms.
 */
import type { Model } from '../model/model.ts';
import { DROP_CAUSES, emptyByCause, type DropCause, type RunResult, type StepResult } from './run-result.ts';
import { dict } from '../../scenarios/dict.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function buildResult(m: Model, strategy: string): RunResult {
  const met = m.metrics;
  const byCause = emptyByCause();
  DROP_CAUSES.forEach((c, k) => { byCause[c] = met.byCause[k]; });
  const h = met.overall;
  const end = m.scenario.duration;
  const steps: StepResult[] = m.steps.map((s, k) => {
    const row = met.stepDrops[k];
    const stepCauses: Partial<Record<DropCause, number>> = {};
    let dropped = 0;
    DROP_CAUSES.forEach((c, j) => { if (row[j] > 0) { stepCauses[c] = row[j]; dropped += row[j]; } });
    return { name: s.name, startMs: r3(s.startMs), endMs: r3(s.endMs < 0 ? end : s.endMs), dropped, byCause: stepCauses };
  });
  // Lane names and paths are the user's names: a lane called `__proto__` is a key like any other.
  const lanes: RunResult['lanes'] = dict();
  m.laneNames.forEach((name, k) => {
    const usage = m.laneUsage[k];
    if (!usage) return;
    const paths = dict<number>();
    for (const key of [...usage.keys()].sort((a, b) => a - b)) paths[m.pathName(key)] = usage.get(key)!;
    lanes[name] = { requests: m.laneRequests[k], paths };
  });
  // counted independently of offered/ok/dropped, so conservation is a real check
  const inFlight = m.reqs.live;
  return {
    schema: 'relsim.run/1',
    scenario: m.scenario.name,
    strategy,
    seed: m.seed,
    platform: 'sim',
    requests: { offered: met.offered, ok: met.ok, dropped: met.dropped, inFlightAtEnd: inFlight, byCause },
    latencyMs: { p50: r3(h.quantile(0.5)), p90: r3(h.quantile(0.9)), p99: r3(h.quantile(0.99)), p999: r3(h.quantile(0.999)), max: r3(h.max) },
    rollout: {
      startMs: r3(Math.max(0, m.rolloutStart)),
      endMs: r3(m.rolloutEnd >= 0 ? m.rolloutEnd : m.rolloutStart >= 0 ? end : 0),
      outcome: m.outcome,
      steps,
    },
    cost: { instanceSeconds: r3(m.instanceSeconds()), peakInstances: m.peakInstances },
    lanes,
    timeline: { bucketMs: met.bucketMs, series: met.series() },
    slo: { pass: true, violations: [] },
    meta: {
      topology: {
        entry: m.scenario.entry.service,
        services: m.scenario.services.map((s) => ({ name: s.name, versions: s.versions.map((v) => v.name), calls: s.calls.map((c) => c.service) })),
      },
      maxStaleSendMs: r3(m.maxStaleSendMs),
      noEndpointStale: m.noEndpointStale,
      events: m.engine.dispatched,
    },
  };
}
