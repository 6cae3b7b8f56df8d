// Placeholder until the compare command lands; replaced by its owner.
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';

export const compareCommand: CommandModule = {
  command: 'compare',
  describe: '(not built yet)',
  handler: () => { throw new UserError('relsim compare is not built yet', 1); },
};
