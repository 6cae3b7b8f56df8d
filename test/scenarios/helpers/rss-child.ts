/**
 * Child for the memory-budget test: runs one relsim command line in this process and, as
 * it exits (normally or through process.exit), prints its peak resident set on stderr as
 * `relsim-peak-rss-kb N`, so the parent measures the command and not itself.
 *
 *   node --import tsx test/scenarios/helpers/rss-child.ts run x.yaml --json out.json
 */
import { main } from '../../../bin/cli.ts';

process.on('exit', () => process.stderr.write(`relsim-peak-rss-kb ${process.resourceUsage().maxRSS}\n`));
await main(process.argv.slice(2));
