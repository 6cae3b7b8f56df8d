/**
 * A sweep, planned before anything runs: the scenario file read once, each grid point
 * written into a copy of the file's document and loaded by the normal loader (so a bad
 * value fails like a bad field in the file, naming the point), and the (point, seed) job
 * list, point-major and seed-minor, that shards split and merge puts back together.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import YAML from 'yaml';
import type { Scenario, StrategyName } from '../../scenarios/types.ts';
import { loadScenario, parseScenario, withStrategy, type LoadOptions } from '../../scenarios/load.ts';
import { UserError } from '../../scenarios/user-error.ts';
import type { SweepIdentity } from '../../sim/result/sweep-result.ts';
import type { CompareJob } from '../compare/compare-strategies.ts';
import { expandGrid, type Axis } from './grid.ts';
import { samplePoints, type Sample } from './sample.ts';
import { checkPath, setPath } from './set-path.ts';
import { readFileSync } from 'node:fs';

export interface SweepPlan {
  identity: SweepIdentity;
  axes: Axis[];
  /** One loaded scenario per grid point, row-major over the axes. */
  scenarios: Scenario[];
  /** The scenario's own warnings, then those only some points have (naming the point), one line each. */
  warnings: string[];
}

export interface PlanOptions {
  axes: Axis[];
  seeds: number;
  /** Run every point as this strategy (its defaults) instead of the scenario's own. */
  strategy?: StrategyName;
  /** Run a seeded sample of the grid's points instead of all of them. */
  sample?: Sample;
  load?: LoadOptions;
}

/** The scenario as written must load; so must every point. Throws UserError (exit 2). */
export function planSweep(file: string, opts: PlanOptions): SweepPlan {
  const base = loadScenario(file, opts.load);
  const text = readFileSync(file, 'utf8');
  const raw = documentOf(text, file);
  for (const axis of opts.axes) {
    if (axis.path === 'seed') throw new UserError('--vary seed: the seeds are --seeds N (scenario seed, seed+1, …), the same at every point', 2);
    checkPath(raw, axis.path);
  }
  if (opts.strategy && base.release?.strategy.name !== opts.strategy) {
    const knob = opts.axes.find((a) => a.path.startsWith('release.strategy'));
    // --strategy replaces the written strategy block with its defaults, the varied knob with it.
    if (knob) throw new UserError(`--vary ${knob.path} with --strategy ${opts.strategy}: the strategy would replace the field you vary; write strategy: ${opts.strategy} in the scenario instead`, 2);
  }
  const paths = opts.axes.map((a) => a.path);
  const dup = paths.find((p, i) => paths.indexOf(p) !== i);
  if (dup !== undefined) throw new UserError(`--vary ${dup}: given twice; list every value in one --vary`, 2);
  if (!base.release) throw new UserError(`${file}: has no release block, so a sweep has no rollout to run`, 2);
  const known = new Set(base.warnings ?? []);
  const warnings: string[] = [];
  const points = opts.sample ? samplePoints(opts.axes, opts.sample, base.seed) : expandGrid(opts.axes);
  const scenarios = points.map(({ at }) => {
    const doc = structuredClone(raw);
    opts.axes.forEach((axis, i) => setPath(doc, axis.path, axis.values[at[i]]));
    const where = opts.axes.map((axis, i) => `${axis.path}=${axis.labels[at[i]]}`).join(', ');
    let sc: Scenario;
    try {
      // JSON is YAML, so the point loads with the file's own name and format rules.
      sc = parseScenario(JSON.stringify(doc), file, opts.load);
      if (opts.strategy) sc = withStrategy(sc, opts.strategy);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`--vary at ${where}: ${e.message}`, 2);
      throw e;
    }
    for (const w of sc.warnings ?? []) {
      if (!known.has(w)) warnings.push(`at ${where}: ${w}`);
    }
    return sc;
  });
  const strategy = scenarios[0].release!.strategy.name;
  return {
    identity: {
      scenario: base.name,
      scenarioSha256: createHash('sha256').update(text).digest('hex'),
      strategy,
      vary: opts.axes.map((a) => ({ path: a.path, values: a.labels })),
      ...(opts.sample ? { sample: `${opts.sample.method}:${opts.sample.n}`, sampled: points.map((p) => p.at) } : {}),
      seeds: Array.from({ length: opts.seeds }, (_, i) => base.seed + i),
      confidence: 0.95,
    },
    axes: opts.axes,
    scenarios,
    warnings: [...known, ...new Set(warnings)],
  };
}

/** The (point, seed) runs, point-major, seed-minor: job k is point ⌊k / seeds⌋. */
export function sweepJobs(plan: SweepPlan): CompareJob[] {
  const jobs: CompareJob[] = [];
  for (const sc of plan.scenarios) {
    for (const seed of plan.identity.seeds) jobs.push({ strategy: sc.release!.strategy.name, seed, scenario: sc });
  }
  return jobs;
}

/** The file's document before the loader reads it (already known to parse: the scenario loaded). */
function documentOf(text: string, file: string): unknown {
  if (extname(file).toLowerCase() === '.json') return JSON.parse(text);
  return YAML.parseDocument(text, { merge: true, uniqueKeys: false }).toJS({ maxAliasCount: 10_000 });
}
