/**
 * Hold model: the classic pending-event-set benchmark. The engine's heap is kept at N
 * pending events; each dispatched event schedules one more at now + Exp(1), so every
 * "hold" is one pop + one push + one handler dispatch through sim/kernel/engine.ts.
 *
 *   benchHold({ pending: 1e5, events: 10e6, warmupEvents: 1e6, seed: 1 })
 *     → { nsPerOp: 480, eventsPerSec: 2.1e6, ... }
 *
 * With N events each rescheduled at Exp(1), events fire at rate N per time unit, so a
 * stretch of E events is `run({ until: now + E / N })`: no counter in the handler.
 * Initial times drawn from Exp(1) are already the steady-state residuals (memorylessness);
 * the warm-up is for the JIT and the heap's memory layout.
 */
import { Engine } from '../sim/kernel/engine.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { makeSampler } from '../sim/kernel/distributions.ts';

export interface HoldOptions {
  pending: number;
  /** Events in the timed stretch (approximate: it is run for events/pending time units). */
  events: number;
  warmupEvents: number;
  seed: number;
}

export interface HoldResult {
  pending: number;
  /** Events actually dispatched in the timed stretch. */
  events: number;
  wallMs: number;
  /** Process CPU time of the timed stretch (user + system), less disturbed by a busy neighbour. */
  cpuMs: number;
  nsPerOp: number;
  cpuNsPerOp: number;
  eventsPerSec: number;
  /** Pending events at the end (must still be `pending`: proves the model held N). */
  pendingAtEnd: number;
}

export function benchHold(opts: HoldOptions): HoldResult {
  const { pending } = opts;
  const env = new Engine({ capacity: nextPow2(pending + 1) });
  const delay = makeSampler({ type: 'exponential', mean: 1 }, new RandomStreams(opts.seed).stream('hold'));
  const HOLD = env.register(() => { env.schedule(delay.sample(), HOLD); });
  for (let i = 0; i < pending; i++) env.schedule(delay.sample(), HOLD);

  env.run({ until: env.now + opts.warmupEvents / pending });
  const before = env.dispatched;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  env.run({ until: env.now + opts.events / pending });
  const wallMs = performance.now() - t0;
  const cpuMs = cpuSince(c0);
  const events = env.dispatched - before;
  return {
    pending, events, wallMs, cpuMs,
    nsPerOp: (wallMs * 1e6) / events,
    cpuNsPerOp: (cpuMs * 1e6) / events,
    eventsPerSec: events / (wallMs / 1000),
    pendingAtEnd: env.pending,
  };
}

export function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function nextPow2(n: number): number {
  let p = 1024;
  while (p < n) p *= 2;
  return p;
}
