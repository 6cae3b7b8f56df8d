/**
 * The memory budget: how much memory a scenario may make relsim use, checked from the
 * scenario alone before anything runs. Without it, valid-looking inputs exhausted memory
 * long before the event cap was reached (a 1 ms bucket over 10 h: 5.9 GB and an abort with
 * a native stack dump; `replicas: 2147483647`: over 7 GB), so a mistake cost a crashed
 * machine instead of one line.
 *
 *   checkFileSize(file, bytes, budget)        // before parsing: the parser's own memory
 *   checkMemoryBudget(r, scenario, bytes)     // after reading: the run's memory
 *
 * The estimate is deliberately pessimistic (each coefficient is about twice what was
 * measured for it) and covers one process: `compare` workers each get a budget of their own.
 */
import type { Scenario, StrategySpec } from './types.ts';
import type { Reader } from './reader.ts';
import { UserError } from './user-error.ts';

export const DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3;

/** Node itself and relsim's modules, report libraries included (about 100–160 MB measured). */
const BASE_BYTES = 200 * 1024 ** 2;
/** Parsed YAML keeps a node tree per value: ~145 bytes per byte of file measured. */
const YAML_BYTES_PER_BYTE = 200;
const JSON_BYTES_PER_BYTE = 30;
/** One timeline cell: a typed-array slot, a JS number in the result and its JSON text. */
const TIMELINE_CELL_BYTES = 24;
/** One instance's fixed arrays and metrics (~1.1 kB measured), beyond its queue slots. */
const INSTANCE_BYTES = 2048;
const QUEUE_SLOT_BYTES = 4;
/** A view member (instance, version, weights, health) in one caller's endpoint list. */
const VIEW_MEMBER_BYTES = 96;
/**
 * A view also keeps arrays indexed by instance id over the whole run: requests outstanding
 * (4 bytes) and membership (1); with a keep-alive pool, each instance's idle connections (4).
 */
const VIEW_ID_BYTES = 5;
const POOL_ID_BYTES = 4;
/** One request in flight: its call records, its event and its latency sample. */
const IN_FLIGHT_BYTES = 256;
const TRACE_ENTRY_BYTES = 32;
const STEP_BYTES = 2048;

export interface MemoryPart {
  /** The field path a user would change to shrink this part. */
  field: string;
  bytes: number;
  /** How the part was counted, for the refusal. */
  what: string;
  /** What to change, for the refusal. */
  cure: string;
}

/** Bytes a YAML or JSON file of `size` bytes costs to parse. */
export function parseBytes(size: number, json: boolean): number {
  return size * (json ? JSON_BYTES_PER_BYTE : YAML_BYTES_PER_BYTE);
}

/**
 * Refuses a file whose parse alone would exceed the budget. It runs before the file is
 * parsed, so only the command-line budget applies here, not the file's own limits.memory.
 */
export function checkFileSize(file: string, size: number, json: boolean, budget = DEFAULT_MEMORY_BUDGET): void {
  const need = BASE_BYTES + parseBytes(size, json);
  if (need <= budget) return;
  const max = Math.floor((budget - BASE_BYTES) / (json ? JSON_BYTES_PER_BYTE : YAML_BYTES_PER_BYTE));
  throw new UserError(`${file}: the file is ${formatBytes(size)}; reading it would need about ${formatBytes(need)}, over the memory budget of ${formatBytes(budget)} (files up to ${formatBytes(max)}); raise it with --memory-budget`, 2);
}

/** The largest contributors to a run's memory, biggest first. */
export function estimateMemory(s: Scenario): MemoryPart[] {
  const parts: MemoryPart[] = [];
  const versions = s.services.reduce((n, svc) => n + svc.versions.length, 0);
  const buckets = Math.ceil(s.duration / s.bucketMs);
  // Counters, causes and percentiles, per version traffic and per version×state instances.
  const series = 12 + 6 * versions;
  parts.push({
    field: 'bucket', bytes: buckets * series * TIMELINE_CELL_BYTES,
    what: `timeline: ${buckets.toLocaleString('en-US')} buckets × ${series} series`,
    cure: 'use a longer bucket or a shorter duration',
  });

  const peak = peakInstances(s);
  const totalPeak = [...peak.values()].reduce((a, b) => a + b, 0);
  for (const svc of s.services) {
    const n = peak.get(svc.name) ?? 0;
    const queue = svc.instance.queue;
    parts.push({
      field: `services.${svc.name}.replicas`, bytes: n * (INSTANCE_BYTES + queue * QUEUE_SLOT_BYTES),
      what: `up to ${n.toLocaleString('en-US')} instances of ${svc.name}, each reserving a queue of ${queue}`,
      cure: 'use fewer replicas or a shorter queue',
    });
    // Every instance of a caller keeps its own endpoint list of each service it calls.
    for (const call of svc.calls) {
      const callee = peak.get(call.service) ?? 0;
      parts.push({
        field: `services.${svc.name}.calls`, bytes: n * (callee * VIEW_MEMBER_BYTES + totalPeak * (VIEW_ID_BYTES + (call.client.pool ? POOL_ID_BYTES : 0)) + 512),
        what: `${n.toLocaleString('en-US')} callers in ${svc.name} each keeping a list of ${callee.toLocaleString('en-US')} ${call.service} instances`,
        cure: 'use fewer replicas of the caller or the callee',
      });
    }
    const capacity = n * (svc.instance.concurrency + queue);
    const arrivals = Math.max(s.traffic.rate, s.traffic.rampTo) * (s.duration / 1000) + s.traffic.trace.length;
    parts.push({
      field: `services.${svc.name}.queue`, bytes: Math.min(capacity, arrivals) * IN_FLIGHT_BYTES,
      what: `up to ${Math.round(Math.min(capacity, arrivals)).toLocaleString('en-US')} requests waiting or served at once in ${svc.name}`,
      cure: 'use a shorter queue or lower concurrency',
    });
  }
  if (s.traffic.trace.length > 0) {
    parts.push({
      field: 'traffic.trace', bytes: s.traffic.trace.length * TRACE_ENTRY_BYTES,
      what: `${s.traffic.trace.length.toLocaleString('en-US')} trace arrivals`, cure: 'use a shorter trace',
    });
  }
  const steps = s.release?.strategy.name === 'canary' ? s.release.strategy.steps.length : 0;
  if (steps > 0) {
    parts.push({ field: 'release.strategy.steps', bytes: steps * STEP_BYTES, what: `${steps.toLocaleString('en-US')} canary steps`, cure: 'use fewer steps' });
  }
  return parts.sort((a, b) => b.bytes - a.bytes);
}

/** The scenario's estimate against its budget; the refusal names the largest part's field. */
export function checkMemoryBudget(r: Reader, s: Scenario, fileBytes: number, json: boolean): void {
  const parts = estimateMemory(s);
  const total = BASE_BYTES + parseBytes(fileBytes, json) + parts.reduce((a, p) => a + p.bytes, 0);
  if (total <= s.limits.memory) return;
  const top = parts[0];
  r.fail(top.field, `the run would need about ${formatBytes(total)} (${top.what}: ${formatBytes(top.bytes)}), over the memory budget of ${formatBytes(s.limits.memory)}; ${top.cure}, or raise the budget with limits.memory or --memory-budget`);
}

/**
 * Instances of each service that can exist at once: the replicas twice over (a blue-green
 * or surge may run both versions in full) plus lane replicas.
 */
function peakInstances(s: Scenario): Map<string, number> {
  const strategy = s.release?.strategy;
  const extra = strategy ? strategyReplicas(strategy) : 0;
  const peak = new Map<string, number>();
  for (const svc of s.services) peak.set(svc.name, svc.replicas + Math.max(svc.replicas, extra));
  if (strategy?.name === 'lanes') {
    for (const lane of strategy.lanes) {
      for (const name of Object.keys(lane.services)) peak.set(name, (peak.get(name) ?? 0) + lane.replicas);
    }
  }
  return peak;
}

/** The most new-version instances a strategy's own knobs can ask for. */
function strategyReplicas(strategy: StrategySpec): number {
  switch (strategy.name) {
    case 'blue-green': return strategy.previewReplicaCount ?? 0;
    case 'ab': return strategy.replicas ?? 0;
    // reduce, not Math.max(...steps): a spread of 200,000 steps overflows the stack.
    case 'canary': return strategy.steps.reduce((m, step) => Math.max(m, 'setCanaryScale' in step ? step.setCanaryScale.replicas ?? 0 : 0), 0);
    default: return 0;
  }
}

/** `512 MB`, `2.0 GB`: binary units, written the way `--memory-budget` reads them. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)} MB`;
  return `${Math.round(n / 1024)} kB`;
}

/** `512MB`, `2GB`, `2GiB`, `1.5G`, or a number of bytes; null when it is none of these. */
export function parseBytesSize(v: string | number): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|M|G|T)?(i?B)?\s*$/i.exec(v);
  if (!m) return null;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 1;
  const n = Number(m[1]) * unit;
  return n > 0 ? n : null;
}
