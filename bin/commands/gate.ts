// Placeholder until the gate command lands; replaced by its owner.
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';

export const gateCommand: CommandModule = {
  command: 'gate',
  describe: '(not built yet)',
  handler: () => { throw new UserError('relsim gate is not built yet', 1); },
};
