/**
 * Peak RSS per simulated duration: each duration runs in its own child process
 * (bench/rss-child.ts) and reports `process.resourceUsage().maxRSS`. If the model keeps
 * per-request state it must free, a longer run shows a larger peak.
 *
 *   peakRss('mmc', [5e5, 3e6], 1)  → [{ size: 5e5, maxRssKb: 61000, ... }, { size: 3e6, ... }]
 */
import { execFileSync } from 'node:child_process';
import { nodeEntry } from '../replay/supervision/node-entry.ts';

export interface RssRun {
  /** The model's duration argument (customers for mmc, simulated minutes for chain). */
  size: number;
  maxRssKb: number;
  /** Whatever else the child reported (customers, events, ...). */
  detail: Record<string, number>;
}


export function peakRss(model: string, sizes: number[], seed: number, extra: (string | number)[] = []): RssRun[] {
  return sizes.map((size) => {
    const out = execFileSync(process.execPath, [...nodeEntry('./rss-child.ts', import.meta.url), model, String(size), String(seed), ...extra.map(String)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const { maxRssKb, ...detail } = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    return { size, maxRssKb, detail };
  });
}
