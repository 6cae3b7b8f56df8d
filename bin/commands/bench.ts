/**
 * `relsim bench [--json F] [--quick]`: the engine and model benchmarks (bench/suite.ts),
 * printed as a table; `--json F` also writes the figures (`--json -`: JSON alone on stdout,
 * the table on stderr).
 */
import type { CommandModule } from 'yargs';
import { outputs } from '../output.ts';

interface BenchArgs {
  json?: string;
  quick: boolean;
  ceiling?: boolean;
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'Measure the event engine and the models: events/s, customers/s, chain requests/s, ratios to C++ and Python, peak RSS',
  builder: (y) => y
    .option('json', {
      type: 'string',
      describe: 'Also write the figures as JSON to this file ("-" for stdout)',
      requiresArg: true,
    })
    .option('quick', {
      type: 'boolean',
      default: false,
      describe: 'Tiny sizes (a few seconds): a smoke check, not a measurement',
    })
    .option('ceiling', {
      type: 'boolean',
      describe: 'Measure the replay harness ceiling (autocannon direct vs via nginx) when nginx is installed ' +
        '[default: on, off with --quick]',
    })
    .example('$0 bench', 'full run, about a minute; prints the table')
    .example('$0 bench --json bench.json', 'the table, and the figures in bench.json')
    .example('$0 bench --quick --json -', 'a few seconds; JSON alone on stdout')
    .epilog('Events/s and ratios are measured in this run against a C++ std::priority_queue loop (g++ -O2) and ' +
      'a Python heapq loop on the same M/M/8 model; a missing g++ or python3 is reported as skipped. Close other ' +
      'CPU-heavy work first: the figures are only as quiet as the machine.'),
  handler: async (args) => {
    // Checked before a minute of measuring, not after.
    const out = outputs({ json: args.json });
    const { runBench } = await import('../../bench/suite.ts');
    const { formatBench } = await import('../../bench/format.ts');
    const report = await runBench({
      quick: args.quick,
      ceiling: args.ceiling,
      log: (line) => process.stderr.write(`… ${line}\n`),
    });
    out.say(formatBench(report));
    out.write('json', JSON.stringify(report, null, 2) + '\n');
  },
};
