/**
 * Canary as Argo Rollouts runs it.
 *
 * With `trafficRouting` the router carries the weight: each `setWeight w` first scales
 * the canary to ceil(w × replicas / 100) (Argo's trafficWeightToReplicas, unless
 * `setCanaryScale` overrides it), waits for it, then sets the weights; stable keeps its
 * full size. Without a router the weight *is* the replica ratio (Argo's basic canary):
 * the canary and stable counts are Argo's own approximation of the weight
 * (`basicCanaryCounts`, basic-canary-counts.ts): of canary ⌈w·R/100⌉ or ⌊w·R/100⌋ over a
 * total of R, or R + 1 when maxSurge > 0, the nearest to w, with at least one pod of each
 * for weights 1..99 (but see there: one replica without surge, and Argo's fallback when
 * w·R/100 = R − ½ without surge). With 4 replicas and maxSurge 25 %, setWeight 10 is 1 canary + 4
 * stable (20 %), not 1 + 3 (25 %). The canary grows and becomes ready before stable
 * shrinks, and stable grows and becomes ready before the canary shrinks, so capacity
 * never dips; `setCanaryScale` gives the canary a fixed count and stable the rest of R.
 *
 * Background analysis measures every `interval` while the plan pauses; an inline
 * `analysis` step blocks. Failure aborts: weight back to stable, canary scaled down
 * after `abortScaleDownDelaySeconds` (basic canary: stable back to R and ready, then the
 * canary down), outcome rolled-back. Inconclusive, or an
 * indefinite `pause: {}`, pauses until the next of `release.approvals` (approvals.ts),
 * or without one until the end of the run (outcome stays none).
 * After the last step: full weight to the new version, stable scaled down after
 * `scaleDownDelaySeconds` (basic canary: a rolling update within maxSurge/maxUnavailable
 * from whatever counts the last step left, R + 1 included).
 *
 * `stableScaling: partition` (with a router): Kruise's partition style, where the canary's
 * pods replace stable ones (stable runs R − n) — canary-partition.ts.
 *
 * Canary pods not available within `progressDeadlineSeconds`: the rollout waits degraded
 * (Argo's default), or aborts with `progressDeadlineAbort` (and always in Flagger's
 * shorthand, as Flagger rolls back) — progress-deadline.ts.
 *
 * Flagger's webhooks (webhooks.ts): confirm-rollout and pre-rollout before anything is
 * deployed, confirm-traffic-increase before each setWeight that raises the weight,
 * confirm-promotion before promotion; rollback and rollout hooks at every interval of
 * checks (the background analysis's, else Flagger's interval, else 60 s), a rollout hook
 * failure counting as a failed check (with the analysis's failureLimit, else Flagger's
 * threshold, else the first); a load test from the moment canary pods are up until
 * promotion or rollback; post-rollout hooks after either.
 */
import type { CanaryKnobs, CanaryStep } from '../scenarios/types.ts';
import { outcome, scale, setMirror, setRoutes, setWeights, sleep, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { FLAGGER_INTERVAL_MS, Webhooks, waitForRollback } from './webhooks.ts';
import { AnalysisRun, measure, runAnalysis, type AnalysisPhase } from './analysis/thresholds.ts';
import { formatMs, resolveFenceposts } from './common.ts';
import { awaitPromotion } from './approvals.ts';
import { rollForward } from './rolling.ts';
import { basicCanaryCounts, type CanaryStableCounts } from './basic-canary-counts.ts';
import { waitProgress, type ProgressDeadline } from './progress-deadline.ts';
import { partitionBatch, partitionOf, partitionPromote, partitionRollback, type PartitionRelease } from './canary-partition.ts';

const READY_TIMEOUT_MS = 600_000;


/** Canary instances for a router weight (Argo trafficWeightToReplicas). */
export function routedCanaryReplicas(weight: number, replicas: number): number {
  return Math.ceil((weight * replicas) / 100 - 1e-9);
}

type Halt = 'aborted' | 'paused';

export function* canaryPlan(ctx: StrategyContext): Plan {
  const k = ctx.strategy as CanaryKnobs;
  const c = new CanaryRun(ctx, k);
  let halt = yield* c.runSteps(k.steps);
  // Flagger asks its confirm-promotion gates after the last step; checks go on meanwhile.
  if (halt === null) halt = yield* c.hooks.gate('confirm-promotion', (ms) => c.pause(ms));
  if (halt === 'paused') return;
  if (halt === 'aborted') yield* c.abort();
  else yield* c.promote();
  yield* c.hooks.postRollout();
}

class CanaryRun {
  private readonly svc: string;
  private weight = 0;
  /** setCanaryScale override: a fixed count, or null to follow the weight. */
  private fixedScale: number | null = null;
  private canaryReplicas = 0;
  /** The canary weight the router was last given (null: never), so an unchanged one is not rewritten. */
  private routedWeight: number | null = null;
  /** Stable's scaled count: R, except in a basic canary (R + 1 − canary when surging). */
  private stableReplicas: number;
  /** maxSurge resolved against the replicas (percentages round up), as Argo's MaxSurge. */
  private readonly surge: number;
  private readonly background: AnalysisRun | null;
  private sinceMeasureMs = 0;
  /** The background run took its `count` measurements and completed. */
  private backgroundDone = false;
  /** A mirror route is set (Argo removes it when the rollout ends either way). */
  private mirrored = false;
  /** A header route sends matching requests to the canary (removed at the end, as Argo does). */
  private headerRouted = false;
  /** New pods late: Argo waits degraded unless progressDeadlineAbort; Flagger rolls back. */
  private readonly deadline: ProgressDeadline;
  /** Kruise's partition style (routed only): the release its pod moves act on; null otherwise. */
  private readonly partition: PartitionRelease | null;
  readonly hooks: Webhooks;
  /** Failed webhook checks while no background analysis counts them. */
  private hookFailures = 0;

  constructor(private readonly ctx: StrategyContext, private readonly k: CanaryKnobs) {
    this.svc = ctx.service.name;
    this.stableReplicas = ctx.replicas;
    this.surge = resolveFenceposts(k.maxSurge, k.maxUnavailable, ctx.replicas).surge;
    // Argo: a background run with `count` completes after that many measurements (and the
    // rollout goes on unwatched); without one (count 0) it measures until the rollout ends.
    this.background = k.analysis ? new AnalysisRun(k.analysis) : null;
    this.deadline = { ms: k.progressDeadlineSeconds, abort: k.progressDeadlineAbort || k.flagger !== null };
    this.partition = partitionOf(this.svc, ctx.from, ctx.to, ctx.replicas, k, this.deadline);
    this.hooks = new Webhooks(ctx, k.webhooks, k.analysis?.interval ?? k.flagger?.interval ?? FLAGGER_INTERVAL_MS);
  }

  *runSteps(steps: CanaryStep[]): Plan<Halt | null> {
    const before = yield* this.hooks.gate('confirm-rollout', waitForRollback(this.hooks));
    if (before) return before;
    const pre = yield* this.hooks.preRollout(() => this.failCheck(), waitForRollback(this.hooks));
    if (pre) return pre;
    if (this.k.trafficRouting) {
      yield* step('canary start');
      yield* this.route(0);
    }
    for (const s of steps) {
      if ('setWeight' in s) {
        if (s.setWeight > this.weight) {
          const halt = yield* this.hooks.gate('confirm-traffic-increase', (ms) => this.pause(ms));
          if (halt) return halt;
        }
        yield* step(`setWeight ${s.setWeight}`);
        if (!(yield* this.applyWeight(s.setWeight))) return 'aborted';
      } else if ('pause' in s) {
        if (s.pause.duration === null) {
          if (!(yield* awaitPromotion(this.ctx, 'pause'))) return 'paused';
          continue;
        }
        yield* step(`pause ${formatMs(s.pause.duration)}`);
        const halt = yield* this.pause(s.pause.duration);
        if (halt) return halt;
      } else if ('setCanaryScale' in s) {
        const cs = s.setCanaryScale;
        const label = cs.replicas !== undefined ? `replicas ${cs.replicas}` : cs.weight !== undefined ? `weight ${cs.weight}` : 'matchTrafficWeight';
        yield* step(`setCanaryScale ${label}`);
        if (cs.replicas !== undefined) this.fixedScale = Math.min(cs.replicas, this.ctx.replicas);
        else if (cs.weight !== undefined) this.fixedScale = routedCanaryReplicas(cs.weight, this.ctx.replicas);
        else this.fixedScale = null;
        if (!(yield* this.applyWeight(this.weight))) return 'aborted';
      } else if ('setMirrorRoute' in s) {
        const { percent, match } = s.setMirrorRoute;
        yield* step(percent > 0 ? `setMirrorRoute ${percent}%` : 'remove mirror route');
        this.mirrored = percent > 0;
        yield* setMirror(this.svc, percent > 0 ? { version: this.ctx.to, percent, match } : null);
      } else if ('setHeaderRoute' in s) {
        const match = s.setHeaderRoute.match;
        yield* step(match ? 'setHeaderRoute' : 'remove header route');
        this.headerRouted = match !== null;
        yield* setRoutes(this.svc, match ? [{ match, version: this.ctx.to }] : []);
      } else if ('analysis' in s) {
        yield* step('analysis');
        const verdict = yield* runAnalysis(s.analysis, this.svc, this.ctx.to, this.ctx.from);
        if (verdict === 'failed') return 'aborted';
        if (verdict === 'inconclusive' && !(yield* awaitPromotion(this.ctx, 'analysis inconclusive'))) return 'paused';
      }
    }
    return null;
  }

  /** Scales to the weight and (with a router) sets it; false when the canary never got ready. */
  private *applyWeight(w: number): Plan<boolean> {
    this.weight = w;
    const R = this.ctx.replicas;
    if (this.partition) {
      // Kruise never lowers a partition: a smaller step keeps the pods already moved.
      const want = Math.max(this.canaryReplicas, this.fixedScale ?? routedCanaryReplicas(w, R));
      if (want !== this.canaryReplicas) {
        if (!(yield* partitionBatch(this.partition, want))) return false;
        this.canaryReplicas = want;
        this.stableReplicas = R - want;
      }
      if (this.canaryReplicas > 0) yield* this.hooks.startLoadTest(this.ctx.to);
      yield* this.route(w);
      return true;
    }
    if (this.k.trafficRouting) {
      const want = this.fixedScale ?? routedCanaryReplicas(w, R);
      if (want !== this.canaryReplicas) {
        yield* scale(this.svc, this.ctx.to, want);
        this.canaryReplicas = want;
      }
      // Never weight traffic to canary instances that are not there yet.
      if (want > 0 && !(yield* waitProgress(this.svc, this.ctx.to, want, this.deadline))) return false;
      if (want > 0) yield* this.hooks.startLoadTest(this.ctx.to);
      yield* this.route(w);
      return true;
    }
    const { canary: want, stable: keep } = this.basicCounts(w);
    // Canary up first and ready, then stable down; stable up first and ready, then canary
    // down: capacity never dips. (With Argo's counts stable never grows while the canary
    // does, nor shrinks while it shrinks; at an unchanged canary only the surge pod moves.)
    if (want > this.canaryReplicas) {
      yield* scale(this.svc, this.ctx.to, want);
      this.canaryReplicas = want;
      if (!(yield* waitProgress(this.svc, this.ctx.to, want, this.deadline))) return false;
      yield* this.hooks.startLoadTest(this.ctx.to);
      yield* this.scaleStable(keep);
    } else if (want < this.canaryReplicas) {
      yield* this.scaleStable(keep);
      yield* scale(this.svc, this.ctx.to, want);
      this.canaryReplicas = want;
    } else {
      yield* this.scaleStable(keep);
    }
    return true;
  }

  /**
   * Gives the router weight w unless it already has it: a setCanaryScale step or the
   * promotion after setWeight 100 changes no route, and a controller (Kruise, Argo) that
   * finds the route as wanted neither rewrites it nor waits its grace period.
   */
  private *route(w: number): Plan {
    if (w === this.routedWeight) return;
    yield* setWeights(this.svc, { [this.ctx.from]: 100 - w, [this.ctx.to]: w });
    this.routedWeight = w;
  }

  /** The basic canary's counts at weight w: Argo's, or a setCanaryScale count and stable the rest. */
  private basicCounts(w: number): CanaryStableCounts {
    const R = this.ctx.replicas;
    if (this.fixedScale !== null) return { canary: this.fixedScale, stable: R - this.fixedScale };
    return basicCanaryCounts(R, w, this.surge);
  }

  /** Scales stable to n if it differs; when it grows, waits until n are ready. */
  private *scaleStable(n: number): Plan {
    if (n === this.stableReplicas) return;
    const grows = n > this.stableReplicas;
    yield* scale(this.svc, this.ctx.from, n);
    this.stableReplicas = n;
    if (grows) yield* waitReady(this.svc, this.ctx.from, n, READY_TIMEOUT_MS);
  }

  /**
   * Sleeps `ms`, running the interval's checks on their own cadence: the rollback and
   * rollout hooks, then a background measurement (Flagger's order).
   */
  *pause(ms: number): Plan<Halt | null> {
    let left = ms;
    while (left > 0) {
      const period = this.checkInterval();
      if (period <= 0) {
        yield* sleep(left);
        return null;
      }
      const chunk = Math.min(left, period - this.sinceMeasureMs);
      yield* sleep(chunk);
      left -= chunk;
      this.sinceMeasureMs += chunk;
      if (this.sinceMeasureMs >= period) {
        this.sinceMeasureMs = 0;
        const r = yield* this.check();
        if (r === 'approved') return null; // a promotion skips the rest of the pause
        if (r) return r;
      }
    }
    return null;
  }

  /** The cadence of checks: the background analysis's while it runs, else the webhooks' (0: none). */
  private checkInterval(): number {
    const bg = this.background;
    if (bg && bg.spec.interval > 0 && !this.backgroundDone) return bg.spec.interval;
    return this.hooks.ticking ? this.hooks.interval : 0;
  }

  /** One interval's checks; 'approved' when an inconclusive analysis was approved. */
  private *check(): Plan<Halt | 'approved' | null> {
    if (yield* this.hooks.rollbackAsked()) return 'aborted';
    // A failed rollout hook is the interval's failed check: the metrics are not queried.
    if ((yield* this.hooks.failedCheck('rollout')) !== null) {
      if (!this.failCheck()) return null;
      this.hooks.blameCheck();
      return 'aborted';
    }
    const bg = this.background;
    if (!bg || bg.spec.interval <= 0 || this.backgroundDone) return null;
    // No canary traffic yet (no weight, no mirror, no load test) means nothing to judge,
    // not an inconclusive measurement.
    if (this.weight === 0 && !this.mirrored && !this.headerRouted && !this.hooks.isLoadTesting && this.k.trafficRouting) return null;
    const phase: AnalysisPhase = yield* measure(bg, this.svc, this.ctx.to, this.ctx.from, bg.spec.interval);
    if (phase === 'successful') this.backgroundDone = true;
    if (phase === 'failed') return 'aborted';
    if (phase === 'inconclusive') {
      // The background run is over either way.
      this.backgroundDone = true;
      return (yield* awaitPromotion(this.ctx, 'analysis inconclusive')) ? 'approved' : 'paused';
    }
    return null;
  }

  /**
   * A failed webhook check counts as a failed analysis check (Flagger counts both toward
   * `threshold`): in the background run while it runs, else against Flagger's threshold
   * (the first failure without one). True when it takes the release over the limit.
   */
  private failCheck(): boolean {
    const bg = this.background;
    if (bg && !this.backgroundDone) return bg.failCheck() === 'failed';
    return ++this.hookFailures >= (this.k.flagger?.threshold ?? 1);
  }

  *abort(): Plan {
    const R = this.ctx.replicas;
    yield* step(this.hooks.rollbackStep());
    yield* this.hooks.stopLoadTest();
    yield* this.unmirror();
    if (this.partition) {
      yield* this.route(0);
      yield* partitionRollback(this.partition);
      yield* outcome('rolled-back');
      return;
    }
    if (this.k.trafficRouting) {
      yield* this.route(0);
      yield* sleep(this.k.abortScaleDownDelaySeconds);
    } else {
      // Basic canary: stable back to full size first (Argo's counts at weight 0 are 0 + R;
      // a surging step may have left it there already), then the canary goes.
      if (this.stableReplicas !== R) yield* scale(this.svc, this.ctx.from, R);
      this.stableReplicas = R;
      yield* waitReady(this.svc, this.ctx.from, R, READY_TIMEOUT_MS);
    }
    yield* scale(this.svc, this.ctx.to, 0);
    yield* outcome('rolled-back');
  }

  /** Argo removes its managed routes (mirror, header) when the rollout ends either way. */
  private *unmirror(): Plan {
    if (this.mirrored) yield* setMirror(this.svc, null);
    if (this.headerRouted) yield* setRoutes(this.svc, []);
    this.mirrored = false;
    this.headerRouted = false;
  }

  *promote(): Plan {
    const R = this.ctx.replicas;
    yield* step('promote');
    yield* this.hooks.stopLoadTest();
    yield* this.unmirror();
    if (this.partition) {
      const result = yield* partitionPromote(this.partition);
      yield* outcome(result === 'rolled-back' ? 'rolled-back' : 'promoted');
      return;
    }
    if (this.k.trafficRouting) {
      // Argo applies setCanaryScale while a step is current: promotion sizes the canary to full.
      this.fixedScale = null;
      if (!(yield* this.applyWeight(100))) return yield* this.abort();
      yield* step('scale down stable');
      yield* sleep(this.k.scaleDownDelaySeconds);
      yield* scale(this.svc, this.ctx.from, 0);
      yield* outcome('promoted');
      return;
    }
    // Basic canary finishes as a rolling update within maxSurge / maxUnavailable.
    const result = yield* rollForward({
      service: this.svc, from: this.ctx.from, to: this.ctx.to, replicas: R,
      maxSurge: this.k.maxSurge, maxUnavailable: this.k.maxUnavailable, deadline: this.deadline,
    });
    yield* outcome(result === 'rolled-back' ? 'rolled-back' : 'promoted');
  }
}
