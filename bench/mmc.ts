/**
 * M/M/c on the engine, written the way relsim's request hot path must be written: two
 * integer event kinds with handlers registered once, state in class fields and typed
 * arrays, no closure, promise or object allocated per event. Arrival and service times
 * come from seeded streams (sim/kernel/random.ts) through exponential samplers
 * (sim/kernel/distributions.ts).
 *
 *   const r = benchMmc({ c: 8, lambda: 6.4, mu: 1, customers: 5e6, warmupCustomers: 5e5, seed: 1 });
 *   r.customersPerSec; r.meanWait;   // compare with erlangC(8, 6.4, 1).wq
 *
 * Runs warm-up then a timed stretch, both by simulated time (customers / λ), and resets
 * the statistics in between, so the mean wait is a steady-state estimate.
 */
import { Engine } from '../sim/kernel/engine.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { makeSampler, type Sampler } from '../sim/kernel/distributions.ts';
import { erlangC } from './erlang.ts';
import { cpuSince } from './hold.ts';

export interface MmcOptions {
  c: number;
  lambda: number;
  mu: number;
  /** Customers (arrivals) in the timed stretch, in expectation. */
  customers: number;
  warmupCustomers: number;
  seed: number;
}

export interface MmcResult {
  c: number; lambda: number; mu: number; rho: number;
  /** Arrivals in the timed stretch. */
  customers: number;
  /** Events dispatched in the timed stretch (arrivals + departures). */
  events: number;
  wallMs: number;
  /** Process CPU time of the timed stretch. */
  cpuMs: number;
  customersPerSec: number;
  eventsPerSec: number;
  /** Mean wait in queue of the customers who started service in the timed stretch. */
  meanWait: number;
  /** Erlang-C's exact mean wait for the same c, λ, μ. */
  erlangWait: number;
  /** (meanWait − erlangWait) / erlangWait. */
  relError: number;
}

export function benchMmc(opts: MmcOptions): MmcResult {
  const model = new MmcModel(opts.c, opts.lambda, opts.mu, opts.seed);
  const env = model.env;
  env.run({ until: opts.warmupCustomers / opts.lambda });
  model.resetStats();
  const before = env.dispatched;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  env.run({ until: env.now + opts.customers / opts.lambda });
  const wallMs = performance.now() - t0;
  const cpuMs = cpuSince(c0);
  const events = env.dispatched - before;
  const exact = erlangC(opts.c, opts.lambda, opts.mu).wq;
  const meanWait = model.waitSum / model.started;
  return {
    c: opts.c, lambda: opts.lambda, mu: opts.mu, rho: opts.lambda / (opts.c * opts.mu),
    customers: model.arrivals, events, wallMs, cpuMs,
    customersPerSec: model.arrivals / (wallMs / 1000),
    eventsPerSec: events / (wallMs / 1000),
    meanWait, erlangWait: exact, relError: (meanWait - exact) / exact,
  };
}

/** The M/M/c station itself; exported so the RSS child can run it for a fixed duration. */
export class MmcModel {
  readonly env = new Engine();
  arrivals = 0;
  started = 0;
  waitSum = 0;

  private busy = 0;
  // FIFO of waiting customers' arrival times: a growable ring buffer (power-of-two size).
  private queue = new Float64Array(1024);
  private head = 0;
  private length = 0;
  private readonly interarrival: Sampler;
  private readonly service: Sampler;
  private readonly ARRIVE: number;
  private readonly DEPART: number;

  constructor(private readonly c: number, lambda: number, mu: number, seed: number) {
    const streams = new RandomStreams(seed);
    this.interarrival = makeSampler({ type: 'exponential', mean: 1 / lambda }, streams.stream('arrivals'));
    this.service = makeSampler({ type: 'exponential', mean: 1 / mu }, streams.stream('service'));
    this.ARRIVE = this.env.register(() => this.arrive());
    this.DEPART = this.env.register(() => this.depart());
    this.env.schedule(this.interarrival.sample(), this.ARRIVE);
  }

  resetStats(): void {
    this.arrivals = 0;
    this.started = 0;
    this.waitSum = 0;
  }

  private arrive(): void {
    const env = this.env;
    this.arrivals++;
    env.schedule(this.interarrival.sample(), this.ARRIVE);
    if (this.busy < this.c) {
      this.busy++;
      this.started++;
      env.schedule(this.service.sample(), this.DEPART);
    } else {
      this.enqueue(env.now);
    }
  }

  private depart(): void {
    if (this.length === 0) {
      this.busy--;
      return;
    }
    const arrivedAt = this.queue[this.head];
    this.head = (this.head + 1) & (this.queue.length - 1);
    this.length--;
    this.started++;
    this.waitSum += this.env.now - arrivedAt;
    this.env.schedule(this.service.sample(), this.DEPART);
  }

  private enqueue(t: number): void {
    if (this.length === this.queue.length) this.growQueue();
    this.queue[(this.head + this.length) & (this.queue.length - 1)] = t;
    this.length++;
  }

  private growQueue(): void {
    const old = this.queue;
    const next = new Float64Array(old.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.queue = next;
    this.head = 0;
  }
}
