/**
 * `relsim validate <scenario…>`: load and check scenario files without running them.
 * One line per file: `ok  <file>  (<n> services, strategy <name>)` on stdout, or the
 * error on stderr. Exit 0 when every file is good, 2 otherwise (README, "Commands").
 */
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { loadScenarioWithWarnings } from '../load-scenario.ts';

interface ValidateArgs { scenario: string[] }

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <scenario..>',
  describe: 'Load and check scenario files (format, defaults, call graph) without running them',
  builder: (y) => y
    .positional('scenario', { type: 'string', array: true, demandOption: true, describe: 'scenario files (.yaml, .yml, .json)' })
    .example('$0 validate scenarios/examples/mmc.yaml', 'check one file')
    .example('$0 validate scenarios/examples/*.yaml', 'check every shipped scenario (exit 2 if any is bad)')
    .epilogue('The format is described in docs/scenario-format.md; editors can use scenarios/relsim.schema.json.') as never,
  handler: (args) => {
    let bad = 0;
    for (const file of args.scenario) {
      try {
        const s = loadScenarioWithWarnings(file);
        const n = s.services.length;
        console.log(`ok  ${file}  (${n} service${n === 1 ? '' : 's'}, strategy ${s.release ? s.release.strategy.name : 'none'})`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        console.error(`relsim: ${e.message}`);
        bad++;
      }
    }
    // exitCode, not exit(): let stdout drain when many files are checked.
    if (bad > 0) process.exitCode = 2;
  },
};
