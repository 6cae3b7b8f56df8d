/**
 * `relsim sweep <scenario> --vary PATH=VALUES …`: the scenario's release at every point of
 * a grid over its fields × N seeds, each point summarised as compare summarises a
 * strategy. With `--shard I/N` (or JOB_COMPLETION_INDEX and --shards N) it runs one
 * deterministic share and `--json` writes a shard file for `relsim merge`. Logic lives in
 * bin/sweep/; this file parses flags and prints.
 */
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { outputs } from '../output.ts';
import { loadOptions } from '../load-scenario.ts';
import { progress } from '../../reports/progress.ts';
import { parseSeeds } from '../seeds-option.ts';
import { parseStrategyList } from '../strategy-list.ts';
import { parseVary } from '../sweep/grid.ts';
import { planSweep } from '../sweep/plan.ts';
import { parseShard } from '../sweep/shard-option.ts';
import { parseSample } from '../sweep/sample.ts';
import { assembleSweep, runShard, shardSize } from '../sweep/run-sweep.ts';
import { renderSweepMarkdown, sweepTable } from '../../reports/sweep-table.ts';

interface SweepArgs {
  scenario: string;
  vary: string[];
  seeds?: string;
  strategy?: string;
  sample?: string;
  shard?: string;
  shards?: number;
  workers?: number;
  json?: string;
  md?: string;
  html?: string;
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep <scenario>',
  describe: 'Run the release at every point of a grid over scenario fields × N seeds; shardable (--shard I/N, then relsim merge)',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.yaml, .yml, .json)' })
    .option('vary', { type: 'string', array: true, demandOption: 'name at least one field to vary: --vary PATH=VALUES', describe: 'a field of the scenario file by its dotted path, and its values: a list (1,2,25%) or a range a..b/step of numbers or durations (0s..10s/2s); repeat for a grid' })
    .option('seeds', { type: 'string', describe: 'seeds per point: the scenario seed, seed+1, … (default 5)' })
    .option('strategy', { type: 'string', describe: 'run every point as this strategy (its defaults) instead of the scenario\'s own' })
    .option('sample', { type: 'string', describe: 'run N points of the grid instead of all: random:N (distinct points) or lhs:N (Latin hypercube), seeded by the scenario seed' })
    .option('shard', { type: 'string', describe: 'run only shard I of N (0-based: 0/4 … 3/4) and write a shard file with --json, for relsim merge' })
    .option('shards', { type: 'number', describe: 'the shard count when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job); RELSIM_SHARDS works too' })
    .option('workers', { type: 'number', describe: 'worker threads (default: available cores; 1 = no threads); results do not depend on it' })
    .option('json', { type: 'string', describe: 'write the SweepResult JSON here (a shard file with --shard; - for stdout)' })
    .option('md', { type: 'string', describe: 'write a Markdown table here (- for stdout; not with a shard)' })
    .option('html', { type: 'string', describe: 'write an HTML report here: the table, and line charts (one varied field) or heat maps (two); not with a shard' })
    .example('$0 sweep scenarios/examples/rolling-default.yaml --vary services.api.preStop=0s..6s/2s --seeds 5', 'drops against preStop, 4 points × 5 seeds')
    .example('$0 sweep s.yaml --vary services.api.preStop=0s,3s,6s --vary release.strategy.maxSurge=1,25% --md sweep.md', 'a 3 × 2 grid, Markdown table')
    .example('$0 sweep s.yaml --vary services.api.preStop=0s..10s/500ms --vary registry.push.delay.uniform.max=1s..10s/500ms --sample lhs:40', '40 points of a 21 × 19 grid, each field covered evenly')
    .example('$0 sweep s.yaml --vary services.api.preStop=0s..10s/1s --shard 2/4 --json shard-2.json', 'the third of four shards; then relsim merge shard-*.json --json sweep.json')
    .epilogue('Paths address the scenario file as written (docs/sweep.md); each point is checked by the normal loader. Same command, same bytes, whatever --workers and however sharded.') as never,
  handler: async (args) => {
    const axes = args.vary.map(parseVary);
    if (String(args.seeds ?? '').trim() === 'auto') throw new UserError('--seeds auto: a sweep runs a fixed number of seeds at every point (so shards can split them); give a number', 2);
    const schedule = parseSeeds(args.seeds, undefined);
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1)) {
      throw new UserError(`--workers: expected a positive integer, got ${args.workers}`, 2);
    }
    if (args.shards !== undefined && args.shard !== undefined) throw new UserError('--shards: not with --shard I/N (which names the count already)', 2);
    const { shard, warning } = parseShard(args.shard, args.shards, process.env);
    if (warning) process.stderr.write(`relsim: warning: ${warning}\n`);
    for (const flag of ['md', 'html'] as const) {
      if (shard && args[flag] !== undefined) throw new UserError(`--${flag}: a shard has no report of its own; relsim merge writes it from all the shards`, 2);
    }
    if (shard && args.json === undefined) throw new UserError('--shard: name the shard file with --json F (relsim merge reads them)', 2);
    const strategy = args.strategy === undefined ? undefined : parseStrategyList('strategy', args.strategy);
    if (strategy && strategy.length !== 1) throw new UserError('--strategy: name one strategy', 2);
    const out = outputs({ json: args.json, md: args.md, html: args.html });
    const sample = args.sample === undefined ? undefined : parseSample(args.sample);
    const plan = planSweep(args.scenario, { axes, seeds: schedule.looks.at(-1)!, strategy: strategy?.[0], sample, load: loadOptions() });
    for (const w of plan.warnings) process.stderr.write(`relsim: warning: ${w}\n`);
    const label = `sweep ${plan.identity.scenario}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`;
    const bar = progress(shardSize(plan, shard), label);
    let doc;
    try {
      doc = await runShard(plan, { shard, workers: args.workers, onRun: () => bar.tick() });
    } finally {
      bar.done();
    }
    if (shard) {
      out.say(`${label}: ${doc.runs.length} runs of ${plan.scenarios.length * plan.identity.seeds.length}; merge every shard with relsim merge`);
      out.write('json', JSON.stringify(doc) + '\n');
      return;
    }
    const result = assembleSweep([doc]);
    out.say(sweepTable(result));
    out.write('json', JSON.stringify(result, null, 2) + '\n');
    out.write('md', renderSweepMarkdown(result));
    if (args.html !== undefined) {
      const { renderSweepHtml } = await import('../../reports/sweep-html.ts');
      out.write('html', renderSweepHtml(result));
    }
  },
};
