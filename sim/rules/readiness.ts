/**
 * When a started instance becomes ready (the kubelet's readiness probe).
 *
 * Probes tick at `created + initialDelaySeconds + m·periodSeconds`. The first tick at or
 * after the moment the app listens passes, and `successThreshold` consecutive passes make
 * the instance ready, so an app that is up between two ticks waits for the next one.
 * Both platforms call this: the simulator to schedule its ready event, the replay to
 * hold a backend out of the proxy until the same moment (scenario ms, not wall ms).
 */
import type { ProbeSpec } from '../../scenarios/types.ts';

/** Scenario time (ms) at which the instance is ready, given when it was created and when its app came up. */
export function readyTime(createdMs: number, upMs: number, probe: ProbeSpec): number {
  const first = createdMs + probe.initialDelaySeconds * 1000;
  const period = probe.periodSeconds * 1000;
  const ticks = Math.max(0, Math.ceil((upMs - first) / period));
  return first + ticks * period + Math.max(0, probe.successThreshold - 1) * period;
}
