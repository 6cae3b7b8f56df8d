/**
 * Child-process entry for the peak-RSS benchmark: runs one model for one simulated
 * duration in a fresh process and prints `{ maxRssKb, ... }` as one JSON line, so each
 * duration's peak resident set is its own and not the parent's high-water mark.
 *
 *   node --import tsx bench/rss-child.ts mmc <customers> <seed>
 *   node --import tsx bench/rss-child.ts chain <simulated minutes> <seed> <rate>
 */
import { MmcModel } from './mmc.ts';
import { chainScenario } from './chain.ts';
import { simulate } from '../sim/simulate.ts';

const [model, size, seed, rate] = process.argv.slice(2);

if (model === 'mmc') {
  const lambda = 6.4;
  const m = new MmcModel(8, lambda, 1, Number(seed));
  m.env.run({ until: Number(size) / lambda });
  report({ customers: m.arrivals, events: m.env.dispatched, meanWait: m.waitSum / m.started });
} else if (model === 'chain') {
  const r = simulate(chainScenario(Number(size) * 60, Number(rate), Number(seed)));
  report({ requests: r.requests.offered, events: r.meta?.events ?? NaN, dropped: r.requests.dropped });
} else {
  console.error(`rss-child: unknown model ${model}`);
  process.exit(2);
}

function report(fields: Record<string, number>): void {
  console.log(JSON.stringify({ ...fields, maxRssKb: process.resourceUsage().maxRSS }));
}
