/**
 * Chain model benchmark: entry proxy (gateway) → a → b → c through the full cluster
 * model — per-caller registry views (push, per-caller delay), balancers, caller timeouts,
 * streaming metrics — via `simulate()`, on a scenario built here. No release: this
 * measures the request hot path, not a strategy.
 *
 *   benchChain({ simSeconds: 60, rate: 5000, seed: 1 })  → { requestsPerSec, eventsPerSec, ... }
 */
import { parseScenario } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/types.ts';
import { simulate } from '../sim/simulate.ts';
import { cpuSince } from './hold.ts';

export interface ChainOptions {
  /** Simulated seconds in the timed run. */
  simSeconds: number;
  /** Offered rate at the gateway, req/s. */
  rate: number;
  seed: number;
  /** Simulated seconds of an untimed run first, for the JIT (default: a tenth, at least 2 s). */
  warmupSimSeconds?: number;
}

export interface ChainResult {
  simSeconds: number;
  rate: number;
  /** Requests offered at the gateway in the timed run. */
  requests: number;
  ok: number;
  dropped: number;
  /** Engine events in the timed run (RunResult.meta.events). */
  events: number;
  wallMs: number;
  /** Process CPU time of the timed run. */
  cpuMs: number;
  requestsPerSec: number;
  /** Requests per second of process CPU time: steadier than wall time on a shared machine. */
  requestsPerCpuSec: number;
  eventsPerSec: number;
  p99Ms: number;
}

/**
 * 3 services × 4 instances × 32 slots, exponential 4 ms local work. A slot is held through
 * the downstream calls, so at 5000 req/s a runs at ρ ≈ 0.47, b ≈ 0.31, c ≈ 0.16: busy, no drops.
 */
export function chainScenario(simSeconds: number, rate: number, seed: number): Scenario {
  const service = (calls: string[], lb: string) => ({
    replicas: 4,
    concurrency: 32,
    queue: 100,
    serviceTime: { exponential: { mean: '4ms' } },
    calls,
    client: { lb, timeout: '1s', retry: { attempts: 1 } },
  });
  const doc = {
    name: 'bench-chain',
    description: 'gateway → a → b → c, 4 instances each, timeouts and one retry on, no release',
    seed,
    duration: `${simSeconds}s`,
    services: {
      a: service(['b'], 'least-request'),
      b: service(['c'], 'smooth-wrr'),
      c: service([], 'round-robin'),
    },
    entry: { service: 'a', client: { lb: 'least-request', timeout: '3s' } },
    registry: { push: { delay: { uniform: { min: '100ms', max: '2s' } } } },
    traffic: { rate, arrival: 'poisson', users: 10000 },
  };
  return parseScenario(JSON.stringify(doc), 'bench-chain.json');
}

export function benchChain(opts: ChainOptions): ChainResult {
  const warm = opts.warmupSimSeconds ?? Math.max(2, opts.simSeconds / 10);
  if (warm > 0) simulate(chainScenario(warm, opts.rate, opts.seed + 1000));
  const scenario = chainScenario(opts.simSeconds, opts.rate, opts.seed);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = simulate(scenario);
  const wallMs = performance.now() - t0;
  const cpuMs = cpuSince(c0);
  const events = r.meta?.events ?? NaN;
  return {
    simSeconds: opts.simSeconds, rate: opts.rate,
    requests: r.requests.offered, ok: r.requests.ok, dropped: r.requests.dropped, events, wallMs, cpuMs,
    requestsPerSec: r.requests.offered / (wallMs / 1000),
    requestsPerCpuSec: r.requests.offered / (cpuMs / 1000),
    eventsPerSec: events / (wallMs / 1000),
    p99Ms: r.latencyMs.p99,
  };
}
