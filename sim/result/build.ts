/**
 * The simulator's side of the one RunResult assembler (assemble.ts): what the finished
 * model measured, as RunFacts.
 */
import type { Model } from '../model/model.ts';
import { DROP_CAUSES, MISROUTE_KINDS, emptyByCause, type DropCause, type MisrouteKind, type RunResult } from './run-result.ts';
import { assembleRunResult, r3 } from './assemble.ts';
import { dict } from '../../scenarios/dict.ts';
import { CAUSE_REFUSED, CAUSE_RESET } from '../model/metrics.ts';

export function buildResult(m: Model, strategy: string): RunResult {
  const met = m.metrics;
  const byCause = emptyByCause();
  DROP_CAUSES.forEach((c, k) => { byCause[c] = met.byCause[k]; });
  const h = met.overall;
  // Lane names and paths are the user's names: a lane called `__proto__` is a key like any other.
  const lanes: RunResult['lanes'] = dict();
  m.laneNames.forEach((name, k) => {
    const usage = m.laneUsage[k];
    if (!usage) return;
    const paths = dict<number>();
    for (const key of [...usage.keys()].sort((a, b) => a - b)) paths[m.pathName(key)] = usage.get(key)!;
    lanes[name] = { requests: m.laneRequests[k], paths };
  });
  return assembleRunResult({
    scenario: m.scenario,
    strategy,
    seed: m.seed,
    platform: 'sim',
    // in flight is counted independently of offered/ok/dropped, so conservation is a real check
    requests: { offered: met.offered, ok: met.ok, dropped: met.dropped, inFlightAtEnd: m.reqs.live, byCause },
    quantile: (q) => h.quantile(q),
    maxLatencyMs: h.max,
    meanLatencyMs: h.mean(),
    steps: m.stepLog,
    stepDrops: (k) => {
      const row = met.stepDrops[k];
      const out: Partial<Record<DropCause, number>> = {};
      DROP_CAUSES.forEach((c, j) => { if (row[j] > 0) out[c] = row[j]; });
      return out;
    },
    instanceSeconds: m.instanceSeconds(),
    peakInstances: m.peakInstances,
    lanes,
    series: { ...met.series(), ...serviceSeries(m) },
    meta: {
      maxStaleSendMs: r3(m.maxStaleSendMs), noEndpointStale: m.noEndpointStale,
      ...(m.mirrorCounts.sent > 0 ? { mirrored: { ...m.mirrorCounts } } : {}),
      ...(m.loadTestCounts.sent > 0 ? { loadTest: { ...m.loadTestCounts } } : {}),
      ...(m.incompatibleCalls > 0 ? { incompatible: { calls: m.incompatibleCalls, dropped: m.incompatibleDropped } } : {}),
      ...(m.crashes > 0 ? { crashes: { restarts: m.crashes, refused: m.crashDropped[CAUSE_REFUSED], reset: m.crashDropped[CAUSE_RESET] } } : {}),
      // kind k has code k + 1 (sim/model/lanes.ts MISROUTE_*)
      ...(m.pathsOn ? { misrouteBy: Object.fromEntries(MISROUTE_KINDS.map((k, j) => [k, m.misrouteBy[j + 1]])) as Record<MisrouteKind, number> } : {}),
      meanInSystem: r3(m.meanInSystem()),
      services: serviceFigures(m),
      ...(m.views.some((v) => v.pool !== null) ? { connections: { ...m.conns.counts } } : {}),
      events: m.engine.dispatched,
    },
  });
}

/** Per service, the Little's law figures over the whole run (RunMeta.services). */
function serviceFigures(m: Model): NonNullable<RunResult['meta']>['services'] {
  const out = dict<{ starts: number; meanQueueWaitMs: number; meanQueueLength: number; meanBusySlots: number }>();
  m.scenario.services.forEach((svc, s) => {
    const f = m.serviceStats.summary(s, m.engine.now);
    out[svc.name] = { starts: f.starts, meanQueueWaitMs: r3(f.meanQueueWaitMs), meanQueueLength: r3(f.meanQueueLength), meanBusySlots: r3(f.meanBusySlots) };
  });
  return out;
}

/** Per service and bucket: mean occupied slots and mean queue length. */
function serviceSeries(m: Model): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  m.scenario.services.forEach((svc, s) => {
    out[`slots.${svc.name}`] = Array.from(m.serviceStats.tBusy[s], r3);
    out[`queue.${svc.name}`] = Array.from(m.serviceStats.tQueue[s], r3);
  });
  return out;
}
