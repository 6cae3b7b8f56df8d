/**
 * Each strategy's knobs when the file does not set them — also what `--strategy S`
 * puts in place of a scenario's own strategy. Kubernetes and Argo Rollouts code defaults,
 * so numbers copied from a manifest mean the same thing here.
 *
 * Units: like every duration in types.ts these are ms, the *Seconds knobs included
 * (progressDeadlineSeconds: 600 in a file is 600_000 here); only the readiness probe's
 * fields stay in seconds.
 */
import type { AnalysisSpec, CanaryStep, StrategyName, StrategySpec } from './types.ts';

export function defaultStrategy(name: StrategyName): StrategySpec {
  switch (name) {
    case 'recreate':
      return { name };
    case 'rolling':
      // Kubernetes Deployment defaults (pkg/apis/apps/v1/defaults.go).
      return {
        name, maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds: 600_000,
        batches: null, takeOutFirst: false, drainWait: 0,
      };
    case 'blue-green':
      // Argo Rollouts: scaleDownDelaySeconds and abortScaleDownDelaySeconds default to 30.
      return {
        name, previewReplicaCount: null, autoPromotionEnabled: true, autoPromotionSeconds: 0,
        scaleDownDelaySeconds: 30_000, abortScaleDownDelaySeconds: 30_000, prePromotionAnalysis: null,
        postPromotionAnalysis: null, previewMatch: null,
        progressDeadlineSeconds: 600_000, progressDeadlineAbort: false,
      };
    case 'canary':
      // Argo's code (utils/defaults) sets maxSurge/maxUnavailable to 25%, not the 1 its docs say.
      return {
        name, steps: defaultCanarySteps(), trafficRouting: true, stableScaling: 'full', maxSurge: '25%', maxUnavailable: '25%',
        analysis: null, abortScaleDownDelaySeconds: 30_000, scaleDownDelaySeconds: 30_000, flagger: null, sessionAffinity: null, webhooks: [],
        // Argo Rollouts and Flagger: 600 s; Argo waits degraded unless progressDeadlineAbort.
        progressDeadlineSeconds: 600_000, progressDeadlineAbort: false,
      };
    case 'ab':
      return { name, match: { percent: 50 }, duration: 60_000, then: 'promote', replicas: null, analysis: null, webhooks: [] };
    case 'lanes':
      return { name, lanes: [], mode: 'permissive', duration: 60_000, teardown: true };
  }
}

export function defaultCanarySteps(): CanaryStep[] {
  return [
    { setWeight: 20 }, { pause: { duration: 30_000 } },
    { setWeight: 50 }, { pause: { duration: 30_000 } },
    { setWeight: 100 },
  ];
}

/** Argo's failureLimit 0; 50 samples per window is Spinnaker's guidance for a judgement. */
export function defaultAnalysis(): AnalysisSpec {
  return {
    interval: 30_000, count: 0, failureLimit: 0, inconclusiveLimit: 0, minRequests: 50,
    successRate: null, latency: null, judge: null,
  };
}

/** Flagger's documented defaults where it has them (interval 1m), common values otherwise. */
export const FLAGGER_DEFAULTS = { interval: 60_000, stepWeight: 10, maxWeight: 50, threshold: 5 } as const;

/** The lane match used when a scenario gets `--strategy lanes` without lanes of its own. */
export const DEFAULT_LANE_PERCENT = 10;
