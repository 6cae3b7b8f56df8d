/**
 * `relsim compare <scenario>`: every strategy × N seeds, side by side, mean and 95%
 * interval; JSON (CompareResult), Markdown and HTML on request (`--json -` or `--md -`
 * puts that document on stdout and the tables on stderr). Logic lives in
 * bin/compare/compare-strategies.ts; this file parses flags and prints.
 */
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { withStrategy } from '../../scenarios/load.ts';
import { parseStrategyList } from '../strategy-list.ts';
import { outputs } from '../output.ts';
import { loadScenarioOrManifests, MANIFEST_OPTIONS } from '../load-scenario.ts';
import { STRATEGY_NAMES } from '../../scenarios/types.ts';
import type { CompareResult, RunResult } from '../../sim/result/run-result.ts';
import { compareStrategies, defaultStrategies } from '../compare/compare-strategies.ts';
import { compareTable, table } from '../../reports/summary.ts';
import { fmtInterval } from '../../reports/format.ts';
import { dropsByCause } from '../../reports/markdown.ts';
import { progress } from '../../reports/progress.ts';
import { MAX_SEEDS_DESCRIBE, parseSeeds, SEEDS_DESCRIBE } from '../seeds-option.ts';

interface CompareArgs {
  model?: string;
  strict?: boolean;
  scenario: string;
  strategies?: string;
  seeds?: string;
  'max-seeds'?: number;
  workers?: number;
  json?: string;
  md?: string;
  html?: string;
  with?: string[];
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <scenario>',
  describe: 'Run every strategy × N seeds of a scenario side by side (mean and 95% interval)',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.yaml, .yml, .json), or with --model a manifest file (- = stdin)' })
    .options(MANIFEST_OPTIONS)
    .option('strategies', { type: 'string', describe: `comma-separated: ${STRATEGY_NAMES.join(', ')} (default: recreate, rolling, blue-green, canary + the scenario's own)` })
    .option('seeds', { type: 'string', describe: `${SEEDS_DESCRIBE} (default 5)` })
    .option('max-seeds', { type: 'number', describe: MAX_SEEDS_DESCRIBE })
    .option('workers', { type: 'number', describe: 'worker threads (default: available cores; 1 = no threads); results do not depend on it' })
    .option('json', { type: 'string', describe: 'write the CompareResult JSON here (- for stdout)' })
    .option('md', { type: 'string', describe: 'write a Markdown report here (- for stdout)' })
    .option('html', { type: 'string', describe: 'write an HTML report here' })
    .option('with', { type: 'string', array: true, describe: 'RunResult JSON file(s) to show alongside, e.g. a replayed run' })
    .example('$0 compare scenarios/examples/default.yaml', 'the four release strategies, 5 seeds each')
    .example('$0 compare scenarios/examples/rolling-default.yaml --strategies rolling,blue-green --seeds 10 --md out.md', 'two strategies, 10 seeds, Markdown report')
    .example('$0 compare scenarios/examples/nginx-two-instances.yaml --with replay.json', 'simulation next to a replayed run')
    .example('$0 compare scenarios/examples/default.yaml --seeds auto', 'as many seeds as it takes to decide whether each strategy meets the SLO')
    .epilogue('Strategies other than the scenario\'s own run with their defaults (docs/scenario-format.md).') as never,
  handler: async (args) => {
    const scenario = loadScenarioOrManifests([args.scenario], args)[0];
    const strategies = args.strategies ? parseStrategyList('strategies', args.strategies) : defaultStrategies(scenario);
    const schedule = parseSeeds(args.seeds, args['max-seeds']);
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1)) {
      throw new UserError(`--workers: expected a positive integer, got ${args.workers}`, 2);
    }
    const extra = (args.with ?? []).map(readRunResult);
    const out = outputs({ json: args.json, md: args.md, html: args.html });
    const total = strategies.length * schedule.looks.at(-1)!;
    // A strategy that cannot run this scenario (no release block) is refused before any progress line.
    for (const name of strategies) withStrategy(scenario, name);
    const bar = progress(total, `compare ${scenario.name}`);
    let cmp: CompareResult;
    try {
      cmp = await compareStrategies(scenario, { strategies, seeds: schedule, workers: args.workers, extra, onRun: () => bar.tick() });
    } finally {
      bar.done();
    }
    out.say(`${compareTable(cmp)}\n\n${causeTable(cmp)}`);
    out.write('json', JSON.stringify(cmp, null, 2) + '\n');
    if (args.md !== undefined) {
      const { renderCompareMarkdown } = await import('../../reports/markdown.ts');
      out.write('md', renderCompareMarkdown(cmp));
    }
    if (args.html !== undefined) {
      const { renderCompareHtml } = await import('../../reports/html.ts');
      out.write('html', renderCompareHtml(cmp));
    }
  },
};

function readRunResult(file: string): RunResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`--with ${file}: ${code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`, 2);
  }
  const r = parsed as Partial<RunResult>;
  if (r?.schema !== 'relsim.run/1') throw new UserError(`--with ${file}: expected a RunResult (schema relsim.run/1), got schema ${JSON.stringify(r?.schema)}`, 2);
  return r as RunResult;
}

/** Mean drops per cause, for the causes that occur in some run (the numbers the reports show too). */
function causeTable(cmp: CompareResult): string {
  const { causes, rows } = dropsByCause(cmp);
  if (causes.length === 0) return 'dropped by cause: none in any run';
  const cells = rows.map((row) => [row.label, ...row.byCause.map((i) => (i ? fmtInterval('dropped', i) : '–'))]);
  return ['dropped by cause (mean ± 95% interval, or mean (low–high) where cut at 0)', ...table(['strategy', ...causes], cells, [false, ...causes.map(() => true)])].join('\n');
}
