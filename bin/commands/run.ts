/**
 * `relsim run <scenario>`: one simulated run; a human summary on stdout, the RunResult
 * JSON with `--json`, Markdown/HTML reports. `--json -` or `--md -` puts that document on
 * stdout and the summary on stderr (bin/output.ts).
 * SLO failures are reported, not fatal (that is `relsim gate`'s job): exit 0.
 */
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { outputs } from '../output.ts';
import { writeRunDocuments } from '../run-reports.ts';
import { withStrategy } from '../../scenarios/load.ts';
import { loadScenarioOrManifests, MANIFEST_OPTIONS } from '../load-scenario.ts';
import { STRATEGY_NAMES, type StrategyName } from '../../scenarios/types.ts';
import { simulate } from '../../sim/simulate.ts';
import { EventCapError } from '../../sim/kernel/engine.ts';
import { summarizeRun } from '../../reports/summary.ts';
import { progress, type Progress } from '../../reports/progress.ts';

interface RunArgs {
  model?: string;
  strict?: boolean;
  scenario: string;
  strategy?: string;
  seed?: number;
  json?: string;
  md?: string;
  html?: string;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'Simulate one rollout and count every dropped, slowed or misrouted request',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.yaml, .yml, .json), or with --model a manifest file (- = stdin)' })
    .options(MANIFEST_OPTIONS)
    .option('strategy', { type: 'string', describe: `replace the release strategy with this one's defaults: ${STRATEGY_NAMES.join(', ')}` })
    .option('seed', { type: 'number', describe: 'override the scenario seed (same seed ⇒ byte-identical JSON)' })
    .option('json', { type: 'string', describe: 'write the RunResult JSON here (- for stdout, instead of the summary)' })
    .option('md', { type: 'string', describe: 'write a Markdown report here (- for stdout, instead of the summary)' })
    .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts here' })
    .example('$0 run scenarios/examples/rolling-default.yaml', 'summary of a Kubernetes rolling update with default settings')
    .example('$0 run scenarios/examples/rolling-default.yaml --strategy blue-green --html bg.html', 'the same service released blue-green, with a report')
    .example('$0 run scenarios/examples/canary-bad-release.yaml --seed 3 --json - | jq .requests', 'the RunResult on stdout') as never,
  handler: async (args) => {
    let scenario = loadScenarioOrManifests([args.scenario], args)[0];
    if (args.strategy !== undefined) {
      if (!(STRATEGY_NAMES as readonly string[]).includes(args.strategy)) {
        throw new UserError(`--strategy: expected one of ${STRATEGY_NAMES.join(', ')}, got '${args.strategy}'`, 2);
      }
      scenario = withStrategy(scenario, args.strategy as StrategyName);
    }
    if (args.seed !== undefined && (!Number.isInteger(args.seed) || args.seed < 0)) {
      throw new UserError(`--seed: expected a non-negative integer, got ${args.seed}`, 2);
    }
    const out = outputs({ json: args.json, md: args.md, html: args.html });
    // Progress appears only once a run is long enough to report some (every 500k events).
    const shown: { bar: Progress | null } = { bar: null };
    let done = 0;
    let result;
    try {
      result = simulate(scenario, {
        seed: args.seed,
        onProgress: (f) => {
          const bar = (shown.bar ??= progress(100, `run ${scenario.name}`));
          const k = Math.floor(f * 100);
          if (k > done) { bar.tick(k - done); done = k; }
        },
      });
      shown.bar?.tick(100 - done);
    } catch (e) {
      if (e instanceof EventCapError) throw new UserError(`${scenario.file || scenario.name}: ${e.message}`, 2);
      throw e;
    } finally {
      shown.bar?.done();
    }
    out.say(summarizeRun(result));
    await writeRunDocuments(out, result, args);
  },
};
