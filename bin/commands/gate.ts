/**
 * `relsim gate <scenario…>`: the CI gate. Each scenario runs N seeds (or `--seeds auto`:
 * more until decided); its `slo` block is judged on the interval of the mean over seeds,
 * and with --baseline, dropped and p99 must not regress beyond the tolerance. Each check
 * passes, fails, or is inconclusive when the seeds cannot tell. Prints every check and by
 * how much failures missed (on stderr when `--json -`, `--junit -` or `--md -` puts that
 * document on stdout). Exit 0 pass, 1 fail, 2 bad input, 4 inconclusive.
 * The verdict itself is reports/gate.ts (pure); this file loads, simulates and writes.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { withStrategy } from '../../scenarios/load.ts';
import { STRATEGY_NAMES, type Scenario, type StrategyName } from '../../scenarios/types.ts';
import { parseStrategyList } from '../strategy-list.ts';
import { outputs } from '../output.ts';
import { loadScenarioOrManifests, MANIFEST_OPTIONS } from '../load-scenario.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import { baselineFrom, DEFAULT_TOLERANCE, evaluateGate, EXIT_INCONCLUSIVE, formatVerdicts, gateExitCode, type Baseline, type GateVerdict } from '../../reports/gate.ts';
import { renderJunit } from '../../reports/junit.ts';
import { renderGateMarkdown } from '../../reports/gate-markdown.ts';
import { progress } from '../../reports/progress.ts';
import { runLooks, type SeedSchedule } from '../../reports/sequential.ts';
import { runJobs } from '../compare/compare-strategies.ts';
import { MAX_SEEDS_DESCRIBE, parseSeeds, SEEDS_DESCRIBE } from '../seeds-option.ts';

interface GateArgs {
  model?: string;
  strict?: boolean;
  scenario: string[];
  seeds?: string;
  'max-seeds'?: number;
  workers?: number;
  md?: string;
  baseline?: string[];
  tolerance: number;
  junit?: string;
  json?: string;
  strategy?: string;
}

export const gateCommand: CommandModule<object, GateArgs> = {
  command: 'gate <scenario..>',
  describe: 'CI gate: check each scenario\'s SLO block over N seeds, and no regression against a baseline',
  builder: (y) => y
    .positional('scenario', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .yml, .json), or with --model the manifest files of one scenario (- = stdin)' })
    .options(MANIFEST_OPTIONS)
    .option('seeds', { type: 'string', describe: `${SEEDS_DESCRIBE} (default 5); SLOs are judged on the interval of the mean` })
    .option('max-seeds', { type: 'number', describe: MAX_SEEDS_DESCRIBE })
    .option('workers', { type: 'number', describe: 'worker threads for the runs (default: available cores; 1 = no threads); verdicts do not depend on it' })
    .option('baseline', { type: 'string', array: true, describe: 'RunResult or CompareResult JSON to compare dropped and p99 against (matched by scenario name)' })
    .option('tolerance', { type: 'number', default: DEFAULT_TOLERANCE, describe: 'allowed regression beyond the baseline interval\'s upper end, as a fraction (0.1 = 10%)' })
    .option('junit', { type: 'string', describe: 'write JUnit XML here (one testcase per scenario × check; - for stdout)' })
    .option('json', { type: 'string', describe: 'write the verdicts as JSON here (- for stdout)' })
    .option('md', { type: 'string', describe: 'write a Markdown job summary here, e.g. $GITHUB_STEP_SUMMARY (- for stdout)' })
    .option('strategy', { type: 'string', describe: `gate each scenario under these strategies instead of its own (comma-separated: ${STRATEGY_NAMES.join(', ')}; each with its defaults)` })
    .example('$0 gate scenarios/examples/rolling-tuned.yaml', 'check the SLO block over 5 seeds')
    .example('$0 gate scenarios/examples/*.yaml --junit gate.xml', 'gate every shipped scenario, JUnit for the CI system')
    .example('$0 gate scenarios/examples/rolling-tuned.yaml --baseline main.json --tolerance 0.2', 'also fail when dropped or p99 regress by more than 20%')
    .example('$0 gate scenarios/examples/default.yaml --strategy rolling,blue-green', 'which strategies meet this scenario\'s SLO?')
    .example('$0 gate scenarios/examples/rolling-tuned.yaml --seeds auto --md "$GITHUB_STEP_SUMMARY"', 'as many seeds as it takes to decide (up to 40), and a job summary table')
    .epilogue('A baseline is the --json output of relsim run or relsim compare (the row of the same strategy). ' +
      'A check passes when the whole 95% interval of the mean meets it and fails when the whole interval misses it; in between it is ' +
      `inconclusive: exit ${EXIT_INCONCLUSIVE} when nothing failed but something could not be decided (more seeds, or --seeds auto, decide it). ` +
      'A metric regresses when its whole interval lies above the baseline interval\'s upper end × (1 + tolerance). Exit 0 pass, 1 fail, 2 bad input.') as never,
  handler: async (args) => {
    const schedule = parseSeeds(args.seeds, args['max-seeds']);
    if (!Number.isFinite(args.tolerance) || args.tolerance < 0) throw new UserError(`--tolerance: expected a fraction ≥ 0 (0.1 = 10%), got ${args.tolerance}`, 2);
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1)) {
      throw new UserError(`--workers: expected a positive integer, got ${args.workers}`, 2);
    }
    const strategies = args.strategy === undefined ? null : parseStrategyList('strategy', args.strategy);
    const loaded = loadScenarioOrManifests(args.scenario, args);
    const scenarios = strategies === null ? loaded : loaded.flatMap((s) => strategies.map((name) => withStrategy(s, name)));
    const out = outputs({ json: args.json, junit: args.junit, md: args.md });
    const baselineFiles = (args.baseline ?? []).map(readJson);
    for (const b of baselineFiles) {
      const name = (b.json as { scenario?: unknown })?.scenario;
      if (!scenarios.some((s) => s.name === name)) {
        throw new UserError(`--baseline ${b.file}: it is for scenario ${JSON.stringify(name)}, which is not among the gated scenarios (${scenarios.map((s) => s.name).join(', ')})`, 2);
      }
    }

    const bar = progress(scenarios.length * schedule.looks.at(-1)!, schedule.looks.length > 1 ? 'gate (auto: at most)' : 'gate');
    const verdicts: GateVerdict[] = [];
    const seconds: number[] = [];
    try {
      for (const scenario of scenarios) {
        const t0 = Date.now();
        const file = baselineFiles.find((b) => (b.json as { scenario?: unknown }).scenario === scenario.name);
        let baseline: Baseline | null = null;
        if (file) {
          const strategy = scenario.release?.strategy.name ?? 'none';
          try { baseline = baselineFrom(file.json, file.file, strategy); } catch (e) { throw new UserError(`--baseline ${(e as Error).message}`, 2); }
        }
        const verdict = await gateScenario(scenario, schedule, (runs) => evaluateGate(runs, scenario.slo, baseline, args.tolerance, schedule.confidence), args.workers, () => bar.tick());
        verdicts.push({ ...verdict, file: scenario.file ? basename(scenario.file) : undefined });
        seconds.push((Date.now() - t0) / 1000);
      }
    } finally {
      bar.done();
    }

    const code = gateExitCode(verdicts);
    const verdict = code === 0 ? 'pass' : code === 1 ? 'fail' : 'inconclusive';
    const doc = { schema: 'relsim.gate/1', verdict, pass: code === 0, tolerance: args.tolerance, scenarios: verdicts };
    out.say(formatVerdicts(verdicts));
    out.write('json', JSON.stringify(doc, null, 2) + '\n');
    // Under --strategy one scenario gives several suites: name each by its strategy too.
    out.write('junit', renderJunit(verdicts.map((v, i) => ({
      name: strategies ? `${v.scenario} (${v.strategy})` : v.scenario,
      classname: `relsim.${v.file ?? v.scenario}${strategies ? `.${v.strategy}` : ''}`,
      timeSeconds: seconds[i],
      cases: v.checks.map((c) => ({ name: c.label, pass: c.verdict === 'pass', skipped: c.verdict === 'inconclusive', message: c.cause ? `${c.message} — cause: ${c.cause}` : c.message })),
    }))));
    out.write('md', renderGateMarkdown(verdicts));
    // exitCode, not exit(): let stdout drain.
    process.exitCode = code;
  },
};

/**
 * One scenario's runs, look by look: each look adds the next seeds (scenario.seed + n …)
 * and judges all runs so far; stop at the first decided look. The verdict records how
 * many seeds it took.
 */
async function gateScenario(scenario: Scenario, schedule: SeedSchedule, judge: (runs: RunResult[]) => GateVerdict, workers: number | undefined, onRun: () => void): Promise<GateVerdict> {
  const runs: RunResult[] = [];
  let verdict: GateVerdict | undefined;
  const strategy = (scenario.release?.strategy.name ?? 'rolling') as StrategyName;
  const sequential = await runLooks(schedule, async (from, to) => {
    const jobs = [];
    for (let i = from; i < to; i++) jobs.push({ strategy, seed: scenario.seed + i, scenario });
    runs.push(...await runJobs(jobs, workers, onRun));
    verdict = judge(runs);
    return verdict.verdict !== 'inconclusive';
  });
  if (sequential) verdict!.sequential = sequential;
  return verdict!;
}

function readJson(file: string): { file: string; json: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 2);
  }
  try {
    return { file, json: JSON.parse(text) };
  } catch (e) {
    throw new UserError(`--baseline ${file}: not valid JSON (${(e as Error).message})`, 2);
  }
}
