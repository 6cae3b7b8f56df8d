/**
 * `relsim` command line: yargs wiring only. Each command lives in bin/commands/<name>.ts
 * and calls into sim/, strategies/, reports/ or bench/; no logic here.
 */
import yargs from 'yargs';
import { UserError } from '../scenarios/user-error.ts';
import { setLoadOptions } from './load-scenario.ts';
import { parseBytesSize } from '../scenarios/memory-budget.ts';
import { STDOUT_FLAGS } from './output.ts';
import { STDIN_PATH } from './load-scenario.ts';
import { validateCommand } from './commands/validate.ts';
import { runCommand } from './commands/run.ts';
import { compareCommand } from './commands/compare.ts';
import { gateCommand } from './commands/gate.ts';
import { replayCommand } from './commands/replay.ts';
import { benchCommand } from './commands/bench.ts';
import { importCommand } from './commands/import.ts';
import { sweepCommand } from './commands/sweep.ts';
import { mergeCommand } from './commands/merge.ts';

/**
 * Output flags whose `-` is joined for yargs: those that accept it (bin/output.ts writes
 * them to stdout) and `--html`, so `--html -` reaches output.ts's own one-line refusal
 * instead of yargs's "Unknown argument: -".
 */
const STDOUT_OPTIONS = new Set([...STDOUT_FLAGS, 'html'].map((f) => `--${f}`));

/**
 * yargs reads a lone `-` as a positional argument, so `--json -` would fail strict
 * parsing; join it to its flag (`--json=-`) first. Any other lone `-` means stdin (manifests
 * piped in), which yargs would turn into an empty string: pass it on as /dev/stdin.
 */
export function joinStdoutDashes(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (STDOUT_OPTIONS.has(argv[i]) && argv[i + 1] === '-') {
      out.push(`${argv[i]}=-`);
      i++;
    } else out.push(argv[i] === '-' ? STDIN_PATH : argv[i]);
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await yargs(joinStdoutDashes(argv))
      .scriptName('relsim')
      .usage('$0 <command> [options]\n\nSimulate what a release strategy does to your traffic, and check it against a real proxy.')
      .command(validateCommand)
      .command(runCommand)
      .command(compareCommand)
      .command(gateCommand)
      .command(replayCommand)
      .command(benchCommand)
      .command(importCommand)
      .command(sweepCommand)
      .command(mergeCommand)
      .option('memory-budget', {
        type: 'string', global: true, requiresArg: true,
        describe: 'memory one run may use (512MB, 4GB; default 2GB or the scenario\'s limits.memory): scenarios needing more are refused before running',
      })
      .middleware((argv) => {
        const given = argv['memory-budget'] as string | undefined;
        if (given === undefined) return;
        const bytes = parseBytesSize(given);
        if (bytes === null) throw new UserError(`--memory-budget: expected a size like 512MB or 4GB, got ${JSON.stringify(given)}`, 2);
        setLoadOptions({ memoryBudget: bytes });
      })
      .demandCommand(1, 'Name a command: validate, run, compare, gate, sweep, merge, replay, import or bench.')
      .strict()
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      .wrap(Math.min(110, process.stdout.columns || 100))
      .fail((msg, err) => {
        if (err) throw err;
        console.error(`relsim: ${msg}\nRun 'relsim --help' for usage.`);
        process.exit(2);
      })
      .parseAsync();
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`relsim: ${e.message}`);
      process.exit(e.exitCode);
    }
    throw e;
  }
}
