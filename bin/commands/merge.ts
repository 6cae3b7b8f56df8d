/**
 * `relsim merge <shard.json…>`: the shard files of one `relsim sweep --shard` → the
 * SweepResult (and table) the unsharded sweep writes, byte for byte. The checks and the
 * assembly live in bin/sweep/merge-shards.ts.
 */
import type { CommandModule } from 'yargs';
import { outputs } from '../output.ts';
import { mergeShards, readShard } from '../sweep/merge-shards.ts';
import { renderSweepMarkdown, sweepTable } from '../../reports/sweep-table.ts';

interface MergeArgs {
  shards: string[];
  json?: string;
  md?: string;
  html?: string;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <shards..>',
  describe: 'Merge the shard files of a sharded sweep into the result the unsharded sweep writes',
  builder: (y) => y
    .positional('shards', { type: 'string', array: true, demandOption: true, describe: 'shard files written by relsim sweep --shard I/N --json F (all N of them, any order)' })
    .option('json', { type: 'string', describe: 'write the SweepResult JSON here (- for stdout)' })
    .option('md', { type: 'string', describe: 'write a Markdown table here (- for stdout)' })
    .option('html', { type: 'string', describe: 'write an HTML report here: the table, and line charts (one varied field) or heat maps (two)' })
    .example('$0 merge results/shard-*.json --json sweep.json --md sweep.md', 'every shard of one sweep → its result')
    .epilogue('Refuses (exit 2) shards of different sweeps (scenario file, grid, seeds, strategy), a shard given twice, or a missing one.') as never,
  handler: async (args) => {
    const out = outputs({ json: args.json, md: args.md, html: args.html });
    const result = mergeShards(args.shards.map(readShard));
    out.say(sweepTable(result));
    out.write('json', JSON.stringify(result, null, 2) + '\n');
    out.write('md', renderSweepMarkdown(result));
    if (args.html !== undefined) {
      const { renderSweepHtml } = await import('../../reports/sweep-html.ts');
      out.write('html', renderSweepHtml(result));
    }
  },
};
