/**
 * `relsim gate <scenario…>`: the CI gate. Each scenario runs N seeds; its `slo` block is
 * checked on the mean over seeds, and with --baseline, dropped and p99 must not regress
 * beyond the tolerance (interval vs interval, so noise alone does not fail). Prints every
 * check and by how much failures missed (on stderr when `--json -` or `--junit -` puts
 * that document on stdout). Exit 0 pass, 1 fail, 2 bad input.
 * The verdict itself is reports/gate.ts (pure); this file loads, simulates and writes.
 */
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { withStrategy } from '../../scenarios/load.ts';
import { STRATEGY_NAMES } from '../../scenarios/types.ts';
import { parseStrategyList } from '../strategy-list.ts';
import { outputs } from '../output.ts';
import { loadScenarioWithWarnings } from '../load-scenario.ts';
import { simulate } from '../../sim/simulate.ts';
import { EventCapError } from '../../sim/kernel/engine.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import { baselineFrom, DEFAULT_TOLERANCE, evaluateGate, formatVerdicts, type Baseline, type GateVerdict } from '../../reports/gate.ts';
import { renderJunit } from '../../reports/junit.ts';
import { progress } from '../../reports/progress.ts';

interface GateArgs {
  scenario: string[];
  seeds: number;
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
    .positional('scenario', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .yml, .json)' })
    .option('seeds', { type: 'number', default: 5, describe: 'seeds per scenario: the scenario seed, seed+1, …; SLOs are checked on the mean' })
    .option('baseline', { type: 'string', array: true, describe: 'RunResult or CompareResult JSON to compare dropped and p99 against (matched by scenario name)' })
    .option('tolerance', { type: 'number', default: DEFAULT_TOLERANCE, describe: 'allowed regression beyond the baseline interval\'s upper end, as a fraction (0.1 = 10%)' })
    .option('junit', { type: 'string', describe: 'write JUnit XML here (one testcase per scenario × check; - for stdout)' })
    .option('json', { type: 'string', describe: 'write the verdicts as JSON here (- for stdout)' })
    .option('strategy', { type: 'string', describe: `gate each scenario under these strategies instead of its own (comma-separated: ${STRATEGY_NAMES.join(', ')}; each with its defaults)` })
    .example('$0 gate scenarios/examples/rolling-tuned.yaml', 'check the SLO block over 5 seeds')
    .example('$0 gate scenarios/examples/*.yaml --junit gate.xml', 'gate every shipped scenario, JUnit for the CI system')
    .example('$0 gate scenarios/examples/rolling-tuned.yaml --baseline main.json --tolerance 0.2', 'also fail when dropped or p99 regress by more than 20%')
    .example('$0 gate scenarios/examples/default.yaml --strategy rolling,blue-green', 'which strategies meet this scenario\'s SLO?')
    .epilogue('A baseline is the --json output of relsim run or relsim compare (the row of the same strategy). ' +
      'A metric regresses only when its whole 95% interval lies above the baseline interval\'s upper end × (1 + tolerance).') as never,
  handler: (args) => {
    if (!Number.isInteger(args.seeds) || args.seeds < 1) throw new UserError(`--seeds: expected a positive integer, got ${args.seeds}`, 2);
    if (!Number.isFinite(args.tolerance) || args.tolerance < 0) throw new UserError(`--tolerance: expected a fraction ≥ 0 (0.1 = 10%), got ${args.tolerance}`, 2);
    const strategies = args.strategy === undefined ? null : parseStrategyList('strategy', args.strategy);
    const loaded = args.scenario.map((f) => loadScenarioWithWarnings(f));
    const scenarios = strategies === null ? loaded : loaded.flatMap((s) => strategies.map((name) => withStrategy(s, name)));
    const out = outputs({ json: args.json, junit: args.junit });
    const baselineFiles = (args.baseline ?? []).map(readJson);
    for (const b of baselineFiles) {
      const name = (b.json as { scenario?: unknown })?.scenario;
      if (!scenarios.some((s) => s.name === name)) {
        throw new UserError(`--baseline ${b.file}: it is for scenario ${JSON.stringify(name)}, which is not among the gated scenarios (${scenarios.map((s) => s.name).join(', ')})`, 2);
      }
    }

    const bar = progress(scenarios.length * args.seeds, 'gate');
    const verdicts: GateVerdict[] = [];
    try {
      for (const scenario of scenarios) {
        const runs: RunResult[] = [];
        for (let i = 0; i < args.seeds; i++) {
          runs.push(simulateOrExplain(scenario, scenario.seed + i));
          bar.tick();
        }
        const strategy = runs[0].strategy;
        const file = baselineFiles.find((b) => (b.json as { scenario?: unknown }).scenario === scenario.name);
        let baseline: Baseline | null = null;
        if (file) {
          try { baseline = baselineFrom(file.json, file.file, strategy); } catch (e) { throw new UserError(`--baseline ${(e as Error).message}`, 2); }
        }
        verdicts.push(evaluateGate(runs, scenario.slo, baseline, args.tolerance));
      }
    } finally {
      bar.done();
    }

    const report = formatVerdicts(verdicts);
    const doc = { schema: 'relsim.gate/1', pass: verdicts.every((v) => v.pass), tolerance: args.tolerance, scenarios: verdicts };
    out.say(report);
    out.write('json', JSON.stringify(doc, null, 2) + '\n');
    // Under --strategy one scenario gives several suites: name each by its strategy too.
    out.write('junit', renderJunit(verdicts.map((v) => ({ name: strategies ? `${v.scenario} (${v.strategy})` : v.scenario, cases: v.checks }))));
    // exitCode, not exit(): let stdout drain.
    process.exitCode = doc.pass ? 0 : 1;
  },
};

function simulateOrExplain(scenario: Parameters<typeof simulate>[0], seed: number): RunResult {
  try {
    return simulate(scenario, { seed });
  } catch (e) {
    if (e instanceof EventCapError) throw new UserError(`${scenario.file || scenario.name}: ${e.message}`, 2);
    throw e;
  }
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
