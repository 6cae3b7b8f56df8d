/**
 * When each load connection sends, so the replay offers the scenario's arrival process
 * (time-scaled), not just its mean rate: constant spacing, Poisson, a linear ramp
 * (non-homogeneous Poisson by thinning, as sim/model/traffic.ts does) or a recorded trace.
 *
 * The load is split over `connections` streams; each stream gets 1/connections of the
 * rate, so their superposition has the scenario's rate (and, for Poisson and the ramp, is
 * itself Poisson). A trace is dealt round-robin: connection k sends entries k, k+n, k+2n…
 *
 * Times are real ms since the load started (scenario ms / speed). Infinity = no more sends.
 */
import type { TrafficSpec } from '../scenarios/types.ts';

export interface ConnectionSchedule {
  /** Time of this connection's first send. */
  first(): number;
  /** Time of the send after one scheduled at `prev` (prev may be moved up to catch up). */
  next(prev: number): number;
}

/** Highest offered rate of the scenario, scenario req/s (sizes the connection pool). */
export function peakRate(traffic: TrafficSpec): number {
  if (traffic.arrival === 'ramp') return Math.max(traffic.rate, traffic.rampTo);
  if (traffic.arrival === 'trace') return busiestSecond(traffic.trace);
  return traffic.rate;
}

/** Most trace entries in any 1 s window: a bursty trace needs connections for its burst, not its mean. */
function busiestSecond(trace: readonly number[]): number {
  let most = 0;
  for (let lo = 0, hi = 0; hi < trace.length; hi++) {
    while (trace[hi] - trace[lo] >= 1000) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

export function connectionSchedules(traffic: TrafficSpec, speed: number, connections: number, uniform: () => number): ConnectionSchedule[] {
  const n = Math.max(1, connections);
  return Array.from({ length: n }, (_, k) => scheduleFor(traffic, speed, n, k, uniform));
}

function scheduleFor(t: TrafficSpec, speed: number, n: number, k: number, u: () => number): ConnectionSchedule {
  const exp = (meanMs: number): number => -meanMs * Math.log(1 - u());
  switch (t.arrival) {
    case 'constant':
    case 'poisson': {
      if (t.rate <= 0) return never;
      const perConnMs = (n * 1000) / (t.rate * speed);
      const gap = t.arrival === 'poisson' ? () => exp(perConnMs) : () => perConnMs;
      // Phase-shifted so the streams interleave rather than fire together.
      return { first: () => (k / n) * perConnMs, next: (prev) => prev + gap() };
    }
    case 'ramp': {
      const peak = peakRate(t);
      if (peak <= 0) return never;
      const perConnMs = (n * 1000) / (peak * speed);
      const rateAt = (realMs: number): number => {
        const s = realMs * speed;
        return s >= t.rampDuration ? t.rampTo : t.rate + ((t.rampTo - t.rate) * s) / t.rampDuration;
      };
      const next = (prev: number): number => {
        if (t.rampTo <= 0 && prev * speed >= t.rampDuration) return Infinity; // ramped down to nothing
        for (let at = prev; ;) {
          at += exp(perConnMs);
          if (u() * peak < rateAt(at)) return at;
          if (t.rampTo <= 0 && at * speed >= t.rampDuration) return Infinity;
        }
      };
      return { first: () => next(0), next };
    }
    case 'trace': {
      let i = k;
      const at = (): number => (i < t.trace.length ? t.trace[i] / speed : Infinity);
      return { first: at, next: () => { i += n; return at(); } };
    }
  }
}

const never: ConnectionSchedule = { first: () => Infinity, next: () => Infinity };
