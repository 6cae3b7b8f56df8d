/**
 * A short generated explanation of a strategy's runs: which cause dominates the drops,
 * what that cause means mechanically, the countermeasure, and the step where it hurt
 * most. The sentence is what a release engineer would say looking at the charts, so it
 * names numbers. Over several seeds every number is summed over the seeds, and the text
 * says when only some seeds dropped anything; with one run it reads as a single run.
 */
import { MISROUTE_KINDS, type DropCause, type MisrouteKind, type RunResult } from '../sim/result/run-result.ts';
import { fmtCount, fmtMs, fmtPct } from './format.ts';
import { causesOf, rankCauseCounts } from './causes.ts';

/** The explanation of one run (`explainRuns([r])`). */
export function explain(r: RunResult): string {
  return explainRuns([r]);
}

/** The explanation of one strategy's runs, one per seed, from all of them. */
export function explainRuns(runs: RunResult[]): string {
  if (runs.length === 0) return 'No runs.';
  const dropped = sumOf(runs, (r) => r.requests.dropped);
  if (dropped === 0) return noDrops(runs);
  const byCause = causesOf(runs);
  const [top, second] = rankCauseCounts(byCause);
  const parts: string[] = [];
  const spread = seedSpread(runs);
  if (spread) parts.push(spread);
  const ofDrops = runs.length > 1 ? `of the ${fmtCount(dropped)} drops over all seeds` : 'of the drops';
  if (top) parts.push(`${fmtPct(top.count / dropped)} ${ofDrops} are \`${top.cause}\`: ${causeAdvice(top.cause, runs, byCause)}.`);
  if (second && second.count / dropped >= 0.15) parts.push(`Next is \`${second.cause}\` (${fmtPct(second.count / dropped)}).`);
  const worst = worstStepOf(runs);
  if (worst) parts.push(`Most drops happened during step \`${worst.name}\` (${worst.when}): ${fmtCount(worst.dropped)} of ${fmtCount(dropped)}.`);
  return parts.join(' ');
}

/**
 * Runs without drops. Served means answered ok: requests still in flight when a run
 * ended were not served (nor dropped), so they are named apart, never counted as served.
 */
function noDrops(runs: RunResult[]): string {
  const n = runs.length;
  const offered = sumOf(runs, (r) => r.requests.offered);
  const ok = sumOf(runs, (r) => r.requests.ok);
  const inFlight = sumOf(runs, (r) => r.requests.inFlightAtEnd);
  const inAny = n > 1 ? ` in any of the ${n} seeds` : '';
  if (offered === 0) return `No requests were offered${inAny}.`;
  const pending = inFlight > 0
    ? `; ${fmtCount(inFlight)} ${inFlight === 1 ? 'was' : 'were'} still in flight when the run${n > 1 ? 's' : ''} ended` : '';
  if (ok === 0) return `No requests were dropped${inAny}, but none of the ${fmtCount(offered)} offered requests were served${pending}.`;
  const served = ok === offered ? `all ${fmtCount(offered)}` : `${fmtCount(ok)} of ${fmtCount(offered)}`;
  const outcome = outcomes(runs);
  return `No requests were dropped${inAny}: ${served} offered requests were served` +
    (outcome ? ` through the whole rollout (${outcome})` : '') + `${pending}.`;
}

/** "promoted", or "promoted in 3 seeds, rolled-back in 2"; '' when no run rolled anything out. */
function outcomes(runs: RunResult[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.rollout.outcome, (counts.get(r.rollout.outcome) ?? 0) + 1);
  if (counts.size === 1) {
    const [only] = counts.keys();
    return only === 'none' ? '' : only;
  }
  return [...counts].map(([o, k]) => `${o === 'none' ? 'no rollout' : o} in ${k} seed${k === 1 ? '' : 's'}`).join(', ');
}

/**
 * Over several seeds, how the drops fall on them: "Drops in 1 of 5 seeds (seed 3: 65
 * dropped); the other 4 dropped nothing." or "Every seed dropped requests (3 to 65, median 12)."
 */
function seedSpread(runs: RunResult[]): string {
  const n = runs.length;
  if (n < 2) return '';
  const hit = runs.filter((r) => r.requests.dropped > 0).sort((a, b) => b.requests.dropped - a.requests.dropped);
  const k = hit.length;
  if (k === n) {
    const counts = runs.map((r) => r.requests.dropped);
    const lo = Math.min(...counts), hi = Math.max(...counts);
    return lo === hi ? `Every seed dropped requests (${fmtCount(hi)} each).`
      : `Every seed dropped requests (${fmtCount(lo)} to ${fmtCount(hi)}, median ${fmtCount(median(counts))}).`;
  }
  const detail = k <= 3
    ? hit.map((r) => `seed ${r.seed}: ${fmtCount(r.requests.dropped)} dropped`).join(', ')
    : `most in seed ${hit[0].seed}: ${fmtCount(hit[0].requests.dropped)} dropped`;
  return `Drops in ${k} of ${n} seeds (${detail}); the other ${n - k === 1 ? 'seed' : n - k} dropped nothing.`;
}

/** Causes that occurred, most frequent first (ties in DROP_CAUSES order). */
export function rankCauses(r: RunResult): { cause: DropCause; count: number }[] {
  return rankCauseCounts(r.requests.byCause);
}


export function worstStep(r: RunResult) {
  let worst: RunResult['rollout']['steps'][number] | undefined;
  for (const s of r.rollout.steps) if (s.dropped > 0 && (!worst || s.dropped > worst.dropped)) worst = s;
  return worst;
}

/**
 * The step that lost most summed over the runs, steps matched by index (names may
 * repeat within a run). Its name and times come from the run that lost most in it; the
 * times name that seed when the runs' steps do not line up.
 */
function worstStepOf(runs: RunResult[]): { name: string; when: string; dropped: number } | undefined {
  const steps = Math.max(0, ...runs.map((r) => r.rollout.steps.length));
  let best: { k: number; dropped: number } | undefined;
  for (let k = 0; k < steps; k++) {
    const dropped = sumOf(runs, (r) => r.rollout.steps[k]?.dropped ?? 0);
    if (dropped > 0 && (!best || dropped > best.dropped)) best = { k, dropped };
  }
  if (!best) return undefined;
  const k = best.k;
  const having = runs.filter((r) => r.rollout.steps[k]);
  const from = having.reduce((a, b) => (b.rollout.steps[k].dropped > a.rollout.steps[k].dropped ? b : a));
  const s = from.rollout.steps[k];
  const span = `${fmtMs(s.startMs)}–${fmtMs(s.endMs)}`;
  const aligned = having.every((r) => r.rollout.steps[k].startMs === s.startMs && r.rollout.steps[k].endMs === s.endMs);
  return { name: s.name, when: aligned ? span : `${span} in seed ${from.seed}`, dropped: best.dropped };
}

/**
 * The kubelet cuts a preStop hook off at the grace period, so advice for a longer preStop
 * is only sound with a longer grace period (the hook, then a drain, must fit in it).
 */
function graceAdvice(runs: RunResult[], preStopMs: number): string {
  const graces = runs.flatMap((r) => r.meta?.topology?.services ?? []).map((s) => s.gracePeriodMs).filter((g): g is number => typeof g === 'number');
  if (graces.length === 0) return '';
  const shortest = Math.min(...graces);
  if (preStopMs < shortest) return '';
  return `, with terminationGracePeriodSeconds raised above it (now ${fmtMs(shortest)}; the kubelet ends preStop at the grace period)`;
}

/** What a failing version's crashes cost, when they explain most drops of `cause` (else null). */
function crashAdvice(cause: DropCause, runs: RunResult[], byCause: Record<DropCause, number>): string | null {
  const restarts = sumOf(runs, (r) => r.meta?.crashes?.restarts ?? 0);
  if (restarts === 0) return null;
  const cure = 'no preStop or drain covers a crash: let the rollout see pods survive before it relies on them ' +
    '(minReadySeconds longer than they stay up), give a canary weight only once its pods are available (a router), ' +
    'and let the progress deadline stop the release (progressDeadlineAbort)';
  const crashes = `the new version's processes crashed (${fmtCount(restarts)} restarts${runs.length > 1 ? ` over ${runs.length} seeds` : ''})`;
  if (cause === 'refused' || cause === 'reset') {
    const owed = sumOf(runs, (r) => r.meta?.crashes?.[cause] ?? 0);
    if (owed === 0 || owed < byCause[cause] / 2) return null;
    const how = cause === 'refused' ? 'were sent to a crashed process before callers heard it was gone' : 'were in flight when a process crashed';
    return `${crashes}, and ${fmtCount(owed)} of ${fmtCount(byCause[cause])} ${how}; ${cure}`;
  }
  if (cause === 'no-endpoint') {
    if (sumOf(runs, (r) => r.meta?.noEndpointStale ?? 0) >= byCause['no-endpoint'] / 2) return null;
    return `${crashes} and left callers no ready instance while they restarted; ${cure}`;
  }
  return null;
}

function causeAdvice(cause: DropCause, runs: RunResult[], byCause: Record<DropCause, number>): string {
  const crashed = crashAdvice(cause, runs, byCause);
  if (crashed !== null) return crashed;
  switch (cause) {
    case 'refused': {
      const stales = runs.map((r) => r.meta?.maxStaleSendMs).filter((s): s is number => typeof s === 'number');
      const stale = stales.length > 0 ? Math.max(...stales) : 0;
      if (stale > 0) {
        const preStopS = Math.ceil(stale / 1000);
        const spread = stales.length > 1 ? ` (the worst of ${stales.length} seeds; ${fmtMs(median(stales))} in the median seed)` : '';
        return `callers kept sending to instances for up to ${fmtMs(stale)} after deregistration${spread}; ` +
          `a preStop of ≥ ${preStopS} s would cover the slowest caller${stales.length > 1 ? ' in every seed' : ''}` +
          graceAdvice(runs, preStopS * 1000);
      }
      return 'callers kept sending to instances that were already gone (their endpoint view was stale); ' +
        'a preStop sleep longer than the registry propagation delay, or deregistering before termination, would cover it';
    }
    case 'reset': {
      const stale = sumOf(runs, (r) => r.meta?.connections?.staleResets ?? 0);
      if (stale > 0 && stale >= byCause.reset / 2) {
        return `requests were written to keep-alive connections the server had just closed (${fmtCount(stale)} of ${fmtCount(byCause.reset)}); ` +
          'give servers an idle timeout longer than their callers\' (keepAlive.timeout > pool.idleTimeout), keep pooled connections open until callers ' +
          'have dropped the instance (preStop), or retry on reset';
      }
      return 'requests were still in flight when instances were killed; a graceful drain ' +
        '(stop accepting, finish in-flight) within a long enough terminationGracePeriod would let them complete';
    }
    case 'no-endpoint': {
      const stale = sumOf(runs, (r) => r.meta?.noEndpointStale ?? 0);
      const total = byCause['no-endpoint'];
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
    case 'error': {
      const mixed = sumOf(runs, (r) => r.meta?.incompatible?.dropped ?? 0);
      if (mixed > 0 && mixed >= byCause.error / 2) {
        return `${fmtCount(mixed)} of ${fmtCount(byCause.error)} failed because a caller's version needs a version of its callee that was not there ` +
          '(versions.<v>.requires): release the callee first, so each caller finds what it needs, and keep the caller\'s old version until then';
      }
      const rolledBack = runs.filter((r) => r.rollout.outcome === 'rolled-back').length;
      if (rolledBack === runs.length) {
        return 'the new version failed requests itself (a bad release); analysis rolled it back, and a smaller first step or an earlier analysis would limit the blast radius';
      }
      if (rolledBack > 0) {
        return `the new version failed requests itself (a bad release); analysis rolled it back in ${rolledBack} of ${runs.length} seeds, ` +
          'and a smaller first step or an earlier analysis would limit the blast radius';
      }
      return 'the new version failed requests itself (a bad release); an analysis step with a success-rate check would stop the rollout early';
    }
    case 'misroute':
      return misrouteAdvice(runs, byCause.misroute);
  }
}

/** What each kind of misroute means and its cure, given "N of M misroutes". */
const MISROUTE_ADVICE: Record<MisrouteKind, (n: string) => string> = {
  tagLost: (n) => `a service on the path does not propagate the lane tag (${n} misroutes reached a hop untagged where their lane ` +
    'has a version, and base served them); make every service on the path forward the lane tag on its downstream calls',
  laneUnseen: (n) => `callers had not yet heard of the lane's instances when lane traffic arrived (${n} misroutes: the registry ` +
    'listed a ready lane instance, the caller\'s endpoint view did not yet, so the permissive fallback sent them to base); ' +
    'wait at least the registry propagation delay before routing lane traffic (minReadySeconds ≥ the slowest caller\'s delay), ' +
    'or make the lane strict so such requests fail instead of leaving it',
  laneDown: (n) => `the lane's version had no ready instance when lane traffic reached it (${n} misroutes, sent to base by the ` +
    'permissive fallback); keep the lane\'s instances up while the lane is active (more replicas, and wait for them before routing lane traffic)',
  baseToLane: (n) => `base traffic reached a lane-only version (${n} misroutes); keep base routing (weights, routes) pinned to ` +
    'the base version while lane versions run',
};

/** The same kinds, as the tail of "; the others: 2 …". */
const MISROUTE_SHORT: Record<MisrouteKind, string> = {
  tagLost: 'lost the lane tag on the way',
  laneUnseen: 'met callers that had not heard of the lane\'s instances yet',
  laneDown: 'found no ready lane instance',
  baseToLane: 'were base traffic served by a lane version',
};

/**
 * Names the kind of misroute that dominates (meta.misrouteBy, summed over the runs).
 * Results without the kinds (replays, older JSON) get a wording that names both causes.
 */
function misrouteAdvice(runs: RunResult[], total: number): string {
  const kinds = MISROUTE_KINDS.map((kind) => ({ kind, count: sumOf(runs, (r) => r.meta?.misrouteBy?.[kind] ?? 0) }))
    .filter((k) => k.count > 0)
    .sort((a, b) => b.count - a.count);
  if (kinds.length === 0) {
    return 'lane traffic left its lane (or base traffic reached a lane version): either a service on the path does not ' +
      'propagate the lane tag, or the caller did not know a ready instance of the lane\'s version yet and fell back to base; ' +
      'check that every service on the path propagates the lane tag, and wait the registry propagation delay before routing lane traffic';
  }
  const [top, ...rest] = kinds;
  const others = rest.map((k) => `${fmtCount(k.count)} ${MISROUTE_SHORT[k.kind]}`);
  return MISROUTE_ADVICE[top.kind](`${fmtCount(top.count)} of ${fmtCount(total)}`) +
    (others.length > 0 ? `; of the others, ${others.join(', ')}` : '');
}

function sumOf(runs: RunResult[], f: (r: RunResult) => number): number {
  let s = 0;
  for (const r of runs) s += f(r);
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
