// Placeholder until the validate command lands; replaced by its owner.
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';

export const validateCommand: CommandModule = {
  command: 'validate',
  describe: '(not built yet)',
  handler: () => { throw new UserError('relsim validate is not built yet', 1); },
};
