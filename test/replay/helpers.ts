/**
 * Shared by the replay tests: the proxies must be installed (CI installs them); a missing
 * binary fails the test with the install command rather than skipping it.
 */
import { loadScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { requireBinary } from '../../bench/replay/tools.ts';
import { fileURLToPath } from 'node:url';

export function requireProxy(name: 'nginx' | 'haproxy'): void {
  requireBinary(name); // throws "… install it with: sudo apt-get install -y <name>"
}

export function fixture(name: string): Scenario {
  return loadScenario(fixturePath(name));
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Share of `version` among the entry service's requests over the buckets in [fromMs, toMs). */
export function shareBetween(series: Record<string, number[]>, bucketMs: number, service: string, version: string, fromMs: number, toMs: number): { share: number; buckets: number } {
  const hits = series[`share.${service}.${version}`] ?? [];
  const offered = series.ok ?? [];
  let num = 0;
  let den = 0;
  let buckets = 0;
  for (let b = Math.ceil(fromMs / bucketMs); (b + 1) * bucketMs <= toMs; b++) {
    num += (hits[b] ?? 0) * (offered[b] ?? 0);
    den += offered[b] ?? 0;
    buckets++;
  }
  return { share: den > 0 ? num / den : NaN, buckets };
}
