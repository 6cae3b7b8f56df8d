/**
 * Who decides how a workload is released, in order of precedence: an Argo Rollout carries
 * its own strategy; a Flagger Canary or a Kruise Rollout drives a Deployment; a plain
 * Deployment rolls by its own strategy. Each releaser returns its claims (one per workload
 * it would release); import.ts runs the first and warns about the rest. Adding a kind that
 * releases: write its claim function and put it in RELEASERS at its precedence.
 */
import type { ManifestDoc } from '../documents.ts';
import type { ImportState, Workload } from '../import-state.ts';
import { deploymentStrategy } from './deployment.ts';
import { rolloutStrategy } from './argo-rollout.ts';
import { routedReleases } from './routing/index.ts';
import { flaggerCanaries } from './flagger.ts';
import { kruiseReleasers } from './kruise.ts';

/** A strategy as scenario fields (name, knobs) and canary steps, each with its source. */
export interface StrategyImport {
  fields: [string, unknown, string][];
  steps: [unknown, string][] | null;
}

export interface ReleaseClaim {
  workload: Workload;
  /** The object that decides the release (the Rollout, the Flagger Canary, the Deployment). */
  doc: ManifestDoc;
  /** Comment for release.strategy. */
  source: string;
  strategy: () => StrategyImport;
  /**
   * Where v1 and v2 come from, when the manifests describe both (a standalone traffic split);
   * by default v2 is the workload's template and v1 the version running before it.
   */
  versionSources?: { versions: string; to: string };
}

export const RELEASERS: ((state: ImportState) => ReleaseClaim[])[] = [
  argoRollouts,
  flaggerCanaries,
  kruiseReleasers,
  routedReleases,
  deployments,
];

function argoRollouts(state: ImportState): ReleaseClaim[] {
  return state.workloads.filter((w) => w.doc.kind === 'Rollout').map((w) => ({
    workload: w, doc: w.doc, source: w.r.source('spec.strategy'),
    strategy: () => {
      const s = rolloutStrategy(state, w);
      return { fields: s.fields, steps: s.fields[0][1] === 'canary' ? s.steps : null };
    },
  }));
}

/** Plain Deployments, last: a kind that drives a Deployment claims it first. */
function deployments(state: ImportState): ReleaseClaim[] {
  return state.workloads.filter((w) => w.doc.kind === 'Deployment').map((w) => ({
    workload: w, doc: w.doc, source: w.r.source('spec.strategy'),
    strategy: () => ({ fields: Object.entries(deploymentStrategy(state, w)).map(([k, v]) => [k, v, w.r.source(k === 'progressDeadlineSeconds' ? 'spec.progressDeadlineSeconds' : k === 'name' ? 'spec.strategy.type' : `spec.strategy.rollingUpdate.${k}`)]), steps: null }),
  }));
}
