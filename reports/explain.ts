/**
 * A short generated explanation of a run: which cause dominates the drops, what that cause
 * means mechanically, the countermeasure, and the step where it hurt most. The sentence is
 * what a release engineer would say looking at the charts, so it names numbers.
 */
import { DROP_CAUSES, type DropCause, type RunResult } from '../sim/result/run-result.ts';
import { fmtCount, fmtMs, fmtPct } from './format.ts';

export function explain(r: RunResult): string {
  const { dropped } = r.requests;
  if (dropped === 0) return noDrops(r);
  const ranked = rankCauses(r);
  const [top, second] = ranked;
  const parts = [`${fmtPct(top.count / dropped)} of the drops are \`${top.cause}\`: ${causeAdvice(top.cause, r)}.`];
  if (second && second.count / dropped >= 0.15) parts.push(`Next is \`${second.cause}\` (${fmtPct(second.count / dropped)}).`);
  const worst = worstStep(r);
  if (worst) {
    parts.push(`Most drops happened during step \`${worst.name}\` (${fmtMs(worst.startMs)}–${fmtMs(worst.endMs)}): ` +
      `${fmtCount(worst.dropped)} of ${fmtCount(dropped)}.`);
  }
  return parts.join(' ');
}

/**
 * A run without drops. Served means answered ok: requests still in flight when the run
 * ended were not served (nor dropped), so they are named apart, never counted as served.
 */
function noDrops(r: RunResult): string {
  const { offered, ok, inFlightAtEnd } = r.requests;
  if (offered === 0) return 'No requests were offered.';
  const pending = inFlightAtEnd > 0 ? `; ${fmtCount(inFlightAtEnd)} ${inFlightAtEnd === 1 ? 'was' : 'were'} still in flight when the run ended` : '';
  if (ok === 0) return `No requests were dropped, but none of the ${fmtCount(offered)} offered requests were served${pending}.`;
  const served = ok === offered ? `all ${fmtCount(offered)}` : `${fmtCount(ok)} of ${fmtCount(offered)}`;
  return `No requests were dropped: ${served} offered requests were served` +
    (r.rollout.outcome === 'none' ? '' : ` through the whole rollout (${r.rollout.outcome})`) + `${pending}.`;
}

/** Causes that occurred, most frequent first (ties in DROP_CAUSES order). */
export function rankCauses(r: RunResult): { cause: DropCause; count: number }[] {
  return DROP_CAUSES.map((cause) => ({ cause, count: r.requests.byCause[cause] ?? 0 }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count);
}

export function worstStep(r: RunResult) {
  let worst: RunResult['rollout']['steps'][number] | undefined;
  for (const s of r.rollout.steps) if (s.dropped > 0 && (!worst || s.dropped > worst.dropped)) worst = s;
  return worst;
}

/**
 * The kubelet cuts a preStop hook off at the grace period, so advice for a longer preStop
 * is only sound with a longer grace period (the hook, then a drain, must fit in it).
 */
function graceAdvice(r: RunResult, preStopMs: number): string {
  const graces = (r.meta?.topology?.services ?? []).map((s) => s.gracePeriodMs).filter((g): g is number => typeof g === 'number');
  if (graces.length === 0) return '';
  const shortest = Math.min(...graces);
  if (preStopMs < shortest) return '';
  return `, with terminationGracePeriodSeconds raised above it (now ${fmtMs(shortest)}; the kubelet ends preStop at the grace period)`;
}

function causeAdvice(cause: DropCause, r: RunResult): string {
  switch (cause) {
    case 'refused': {
      const stale = r.meta?.maxStaleSendMs;
      if (typeof stale === 'number' && stale > 0) {
        const preStopS = Math.ceil(stale / 1000);
        return `callers kept sending to instances for up to ${fmtMs(stale)} after deregistration; ` +
          `a preStop of ≥ ${preStopS} s would cover the slowest caller` + graceAdvice(r, preStopS * 1000);
      }
      return 'callers kept sending to instances that were already gone (their endpoint view was stale); ' +
        'a preStop sleep longer than the registry propagation delay, or deregistering before termination, would cover it';
    }
    case 'reset':
      return 'requests were still in flight when instances were killed; a graceful drain ' +
        '(stop accepting, finish in-flight) within a long enough terminationGracePeriod would let them complete';
    case 'no-endpoint': {
      const stale = r.meta?.noEndpointStale ?? 0;
      const total = r.requests.byCause['no-endpoint'];
      if (stale > 0 && stale >= total / 2) {
        return `traffic was shifted to instances that were ready and registered but that callers had not heard of yet ` +
          `(${fmtCount(stale)} of ${fmtCount(total)}); wait at least the registry propagation delay before shifting ` +
          'weight (minReadySeconds ≥ the slowest caller\'s delay, or verify the target is visible first)';
      }
      return 'callers found no ready instance of the chosen version; keep capacity up during each step ' +
        '(surge before removing, maxUnavailable 0) instead of recreate-style gaps';
    }
    case 'queue-full':
      return 'instance queues overflowed because capacity fell short during the step; add surge capacity, ' +
        'or warm new instances up with slow start so they are not flooded while cold';
    case 'timeout':
      return 'requests exceeded the caller\'s timeout, typically on cold new instances or when capacity was short; ' +
        'slow start (warm-up) or more capacity during the step would help';
    case 'error':
      return r.rollout.outcome === 'rolled-back'
        ? 'the new version failed requests itself (a bad release); analysis rolled it back, and a smaller first step or an earlier analysis would limit the blast radius'
        : 'the new version failed requests itself (a bad release); an analysis step with a success-rate check would stop the rollout early';
    case 'misroute':
      return 'lane traffic left its lane (or base traffic reached a lane version); check that every service on the path propagates the lane tag';
  }
}
