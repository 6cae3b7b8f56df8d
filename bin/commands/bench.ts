// Placeholder until the bench command lands; replaced by its owner.
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';

export const benchCommand: CommandModule = {
  command: 'bench',
  describe: '(not built yet)',
  handler: () => { throw new UserError('relsim bench is not built yet', 1); },
};
