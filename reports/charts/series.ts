/**
 * Reading the timeline series the simulator writes (names as the README's "Results" section lists them):
 * `share.<service>.<version>`, `instances.<service>.<version>.<state>`, `offered`, `ok`,
 * `dropped`, `dropped.<cause>`, `p50Ms`, `p99Ms`. Service and version names may contain
 * dots only in the version part's last segment, so names are split from the known ends.
 */
import type { RunResult } from '../../sim/result/run-result.ts';

export const INSTANCE_STATES = ['starting', 'ready', 'terminating'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export interface ShareSeries { service: string; version: string; values: number[] }
export interface InstanceSeries extends ShareSeries { state: InstanceState }

export function bucketCount(r: RunResult): number {
  let n = 0;
  for (const v of Object.values(r.timeline.series)) n = Math.max(n, v.length);
  return n;
}

/** Seconds at the start of each bucket's span end: the x of bucket i is its midpoint. */
export function bucketMidSeconds(r: RunResult, i: number): number {
  return ((i + 0.5) * r.timeline.bucketMs) / 1000;
}

export function durationSeconds(r: RunResult): number {
  return Math.max((bucketCount(r) * r.timeline.bucketMs) / 1000, r.rollout.endMs / 1000, 1);
}

export function shareSeries(r: RunResult): ShareSeries[] {
  const out: ShareSeries[] = [];
  for (const [key, values] of Object.entries(r.timeline.series)) {
    if (!key.startsWith('share.')) continue;
    const rest = key.slice(6);
    const dot = rest.indexOf('.');
    if (dot <= 0) continue;
    out.push({ service: rest.slice(0, dot), version: rest.slice(dot + 1), values });
  }
  return sortByTopology(r, out);
}

export function instanceSeries(r: RunResult): InstanceSeries[] {
  const out: InstanceSeries[] = [];
  for (const [key, values] of Object.entries(r.timeline.series)) {
    if (!key.startsWith('instances.')) continue;
    const rest = key.slice(10);
    const first = rest.indexOf('.');
    const last = rest.lastIndexOf('.');
    const state = rest.slice(last + 1) as InstanceState;
    if (first <= 0 || last <= first || !INSTANCE_STATES.includes(state)) continue;
    out.push({ service: rest.slice(0, first), version: rest.slice(first + 1, last), state, values });
  }
  const stateOrder = (s: InstanceState) => INSTANCE_STATES.indexOf(s);
  return sortByTopology(r, out).sort((a, b) => (a.service === b.service && a.version === b.version ? stateOrder(a.state) - stateOrder(b.state) : 0));
}

/** Versions of a service in topology order (declared first), then any others seen. */
export function versionsOf(r: RunResult, service: string, seen: string[] = []): string[] {
  const declared = r.meta?.topology?.services.find((s) => s.name === service)?.versions ?? [];
  return [...declared, ...seen.filter((v) => !declared.includes(v)).sort()];
}

/** Services in topology order, then any others seen. */
export function servicesOf(r: RunResult, seen: string[]): string[] {
  const declared = r.meta?.topology?.services.map((s) => s.name) ?? [];
  const extra = [...new Set(seen)].filter((s) => !declared.includes(s)).sort();
  return [...declared.filter((s) => seen.includes(s)), ...extra];
}

function sortByTopology<T extends ShareSeries>(r: RunResult, list: T[]): T[] {
  const services = servicesOf(r, list.map((s) => s.service));
  return [...list].sort((a, b) => {
    const sa = services.indexOf(a.service) - services.indexOf(b.service);
    if (sa) return sa;
    const versions = versionsOf(r, a.service, list.filter((x) => x.service === a.service).map((x) => x.version));
    return versions.indexOf(a.version) - versions.indexOf(b.version);
  });
}

/** Per-second rate of a per-bucket count. */
export function perSecond(r: RunResult, count: number): number {
  return count / (r.timeline.bucketMs / 1000);
}
