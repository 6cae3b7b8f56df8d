// Placeholder until the replay command lands; replaced by its owner.
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';

export const replayCommand: CommandModule = {
  command: 'replay',
  describe: '(not built yet)',
  handler: () => { throw new UserError('relsim replay is not built yet', 1); },
};
