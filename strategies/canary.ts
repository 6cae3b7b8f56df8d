/**
 * Canary as Argo Rollouts runs it.
 *
 * With `trafficRouting` the router carries the weight: each `setWeight w` first scales
 * the canary to ceil(w × replicas / 100) (Argo's trafficWeightToReplicas, unless
 * `setCanaryScale` overrides it), waits for it, then sets the weights; stable keeps its
 * full size. Without a router the weight *is* the replica ratio (Argo's basic canary):
 * the canary gets round(w × replicas / 100) instances — at least 1 and at most
 * replicas − 1 for 1..99 — and stable the rest, so the actual share is rounded to whole
 * instances (argo-rollouts#2281).
 *
 * Background analysis measures every `interval` while the plan pauses; an inline
 * `analysis` step blocks. Failure aborts: weight back to stable, canary scaled down
 * after `abortScaleDownDelaySeconds`, outcome rolled-back. Inconclusive, or an
 * indefinite `pause: {}`, pauses until the end of the run (outcome stays none).
 * After the last step: full weight to the new version, stable scaled down after
 * `scaleDownDelaySeconds`.
 */
import type { CanaryKnobs, CanaryStep } from '../scenarios/types.ts';
import { outcome, scale, setWeights, sleep, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { AnalysisRun, measure, runAnalysis, type AnalysisPhase } from './analysis/thresholds.ts';
import { formatMs, pauseIndefinitely } from './common.ts';
import { rollForward } from './rolling.ts';

const READY_TIMEOUT_MS = 600_000;


/** Canary instances for a router weight (Argo trafficWeightToReplicas). */
export function routedCanaryReplicas(weight: number, replicas: number): number {
  return Math.ceil((weight * replicas) / 100 - 1e-9);
}

/** Canary instances for a weight with no router: the weight is the replica ratio. */
export function basicCanaryReplicas(weight: number, replicas: number): number {
  if (weight <= 0) return 0;
  if (weight >= 100) return replicas;
  const n = Math.round((weight * replicas) / 100);
  if (replicas <= 1) return n;
  return Math.min(replicas - 1, Math.max(1, n));
}

type Halt = 'aborted' | 'paused';

export function* canaryPlan(ctx: StrategyContext): Plan {
  const k = ctx.strategy as CanaryKnobs;
  const c = new CanaryRun(ctx, k);
  const halt = yield* c.runSteps(k.steps);
  if (halt === 'aborted') return yield* c.abort();
  if (halt === 'paused') return;
  yield* c.promote();
}

class CanaryRun {
  private readonly svc: string;
  private weight = 0;
  /** setCanaryScale override: a fixed count, or null to follow the weight. */
  private fixedScale: number | null = null;
  private canaryReplicas = 0;
  private readonly background: AnalysisRun | null;
  private sinceMeasureMs = 0;
  /** The background run took its `count` measurements and completed. */
  private backgroundDone = false;

  constructor(private readonly ctx: StrategyContext, private readonly k: CanaryKnobs) {
    this.svc = ctx.service.name;
    // Argo: a background run with `count` completes after that many measurements (and the
    // rollout goes on unwatched); without one (count 0) it measures until the rollout ends.
    this.background = k.analysis ? new AnalysisRun(k.analysis) : null;
  }

  *runSteps(steps: CanaryStep[]): Plan<Halt | null> {
    if (this.k.trafficRouting) {
      yield* step('canary start');
      yield* setWeights(this.svc, { [this.ctx.from]: 100, [this.ctx.to]: 0 });
    }
    for (const s of steps) {
      if ('setWeight' in s) {
        yield* step(`setWeight ${s.setWeight}`);
        if (!(yield* this.applyWeight(s.setWeight))) return 'aborted';
      } else if ('pause' in s) {
        if (s.pause.duration === null) {
          yield* pauseIndefinitely(this.ctx, 'pause');
          return 'paused';
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
      } else if ('analysis' in s) {
        yield* step('analysis');
        const verdict = yield* runAnalysis(s.analysis, this.svc, this.ctx.to, this.ctx.from);
        if (verdict === 'failed') return 'aborted';
        if (verdict === 'inconclusive') {
          yield* pauseIndefinitely(this.ctx, 'analysis inconclusive');
          return 'paused';
        }
      }
    }
    return null;
  }

  /** Scales to the weight and (with a router) sets it; false when the canary never got ready. */
  private *applyWeight(w: number): Plan<boolean> {
    this.weight = w;
    const R = this.ctx.replicas;
    if (this.k.trafficRouting) {
      const want = this.fixedScale ?? routedCanaryReplicas(w, R);
      if (want !== this.canaryReplicas) {
        yield* scale(this.svc, this.ctx.to, want);
        this.canaryReplicas = want;
      }
      // Never weight traffic to canary instances that are not there yet.
      if (want > 0 && !(yield* waitReady(this.svc, this.ctx.to, want, READY_TIMEOUT_MS))) return false;
      yield* setWeights(this.svc, { [this.ctx.from]: 100 - w, [this.ctx.to]: w });
      return true;
    }
    const want = this.fixedScale ?? basicCanaryReplicas(w, R);
    // Canary up first and ready, then stable down: capacity never dips.
    if (want > this.canaryReplicas) {
      yield* scale(this.svc, this.ctx.to, want);
      this.canaryReplicas = want;
      if (!(yield* waitReady(this.svc, this.ctx.to, want, READY_TIMEOUT_MS))) return false;
      yield* scale(this.svc, this.ctx.from, R - want);
    } else if (want < this.canaryReplicas) {
      yield* scale(this.svc, this.ctx.from, R - want);
      yield* waitReady(this.svc, this.ctx.from, R - want, READY_TIMEOUT_MS);
      yield* scale(this.svc, this.ctx.to, want);
      this.canaryReplicas = want;
    }
    return true;
  }

  /** Sleeps `ms`, taking background measurements on their own `interval` cadence. */
  private *pause(ms: number): Plan<Halt | null> {
    const bg = this.background;
    if (!bg || bg.spec.interval <= 0 || this.backgroundDone) {
      yield* sleep(ms);
      return null;
    }
    let left = ms;
    while (left > 0) {
      const chunk = Math.min(left, bg.spec.interval - this.sinceMeasureMs);
      yield* sleep(chunk);
      left -= chunk;
      this.sinceMeasureMs += chunk;
      if (this.sinceMeasureMs >= bg.spec.interval) {
        this.sinceMeasureMs = 0;
        // No canary traffic yet means nothing to judge, not an inconclusive measurement.
        if (this.weight === 0 && this.k.trafficRouting) continue;
        const phase: AnalysisPhase = yield* measure(bg, this.svc, this.ctx.to, this.ctx.from, bg.spec.interval);
        if (phase === 'successful') {
          this.backgroundDone = true;
          yield* sleep(left);
          return null;
        }
        if (phase === 'failed') return 'aborted';
        if (phase === 'inconclusive') {
          yield* pauseIndefinitely(this.ctx, 'analysis inconclusive');
          return 'paused';
        }
      }
    }
    return null;
  }

  *abort(): Plan {
    const R = this.ctx.replicas;
    yield* step('rollback');
    if (this.k.trafficRouting) {
      yield* setWeights(this.svc, { [this.ctx.from]: 100, [this.ctx.to]: 0 });
      yield* sleep(this.k.abortScaleDownDelaySeconds);
    } else {
      // Basic canary: stable back to full size first; the canary's share ends with it.
      yield* scale(this.svc, this.ctx.from, R);
      yield* waitReady(this.svc, this.ctx.from, R, READY_TIMEOUT_MS);
    }
    yield* scale(this.svc, this.ctx.to, 0);
    yield* outcome('rolled-back');
  }

  *promote(): Plan {
    const R = this.ctx.replicas;
    yield* step('promote');
    if (this.k.trafficRouting) {
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
      maxSurge: this.k.maxSurge, maxUnavailable: this.k.maxUnavailable, progressDeadlineMs: READY_TIMEOUT_MS,
    });
    yield* outcome(result === 'rolled-back' ? 'rolled-back' : 'promoted');
  }
}
