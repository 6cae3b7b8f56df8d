// Placeholder until the run command lands; replaced by its owner.
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';

export const runCommand: CommandModule = {
  command: 'run',
  describe: '(not built yet)',
  handler: () => { throw new UserError('relsim run is not built yet', 1); },
};
