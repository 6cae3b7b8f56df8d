/**
 * `relsim` command line: yargs wiring only. Each command lives in bin/commands/<name>.ts
 * and calls into sim/, strategies/, reports/ or bench/; no logic here.
 */
import yargs from 'yargs';
import { UserError } from './user-error.ts';
import { validateCommand } from './commands/validate.ts';
import { runCommand } from './commands/run.ts';
import { compareCommand } from './commands/compare.ts';
import { gateCommand } from './commands/gate.ts';
import { replayCommand } from './commands/replay.ts';
import { benchCommand } from './commands/bench.ts';

export async function main(argv: string[]): Promise<void> {
  try {
    await yargs(argv)
      .scriptName('relsim')
      .usage('$0 <command> [options]\n\nSimulate what a release strategy does to your traffic, and check it against a real proxy.')
      .command(validateCommand)
      .command(runCommand)
      .command(compareCommand)
      .command(gateCommand)
      .command(replayCommand)
      .command(benchCommand)
      .demandCommand(1, 'Name a command: validate, run, compare, gate, replay or bench.')
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
