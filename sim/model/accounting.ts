/**
 * Numbers kept over time rather than per request: the per-bucket instance-state samples,
 * the instance-seconds cost, and the time-integral of requests in the system (Little's
 * law checks). The two integrals advance lazily, at the moments their integrand changes,
 * so they need no events of their own; only the state samples tick, once per bucket.
 */
import type { Model } from './model.ts';
import { stateGroup } from './instances.ts';

export function onSample(m: Model): void {
  const now = m.engine.now;
  m.metrics.closeBucketsUntil(now, (counts, b) => {
    m.serviceStats.closeBucket(b, Math.min(now, (b + 1) * m.scenario.bucketMs), m.scenario.bucketMs);
    const I = m.inst;
    for (let i = 0; i < I.n; i++) {
      const g = stateGroup(I.state[i]);
      if (g >= 0) counts[I.gv[i]][g][b]++;
    }
  });
  const next = now + m.scenario.bucketMs;
  if (next <= m.scenario.duration + 1e-9) m.engine.scheduleAt(next, m.K_SAMPLE);
}

export function costTick(m: Model): void {
  const now = m.engine.now;
  m.instanceMs += m.existing * (now - m.lastCostAt);
  m.lastCostAt = now;
}

export function instanceSeconds(m: Model): number {
  costTick(m);
  return m.instanceMs / 1000;
}

/** Accumulates the in-system area; `bias` −1 when called after alloc (count includes the new one). */
export function inSystemTick(m: Model, now: number, bias: number): void {
  m.inSystemArea += (m.reqs.live + bias) * (now - m.inSystemAt);
  m.inSystemAt = now;
}

/** Time-average number of requests in the system so far. */
export function meanInSystem(m: Model): number {
  inSystemTick(m, m.engine.now, 0);
  return m.engine.now > 0 ? m.inSystemArea / m.engine.now : 0;
}
