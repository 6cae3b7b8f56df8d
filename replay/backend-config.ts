/**
 * What one backend process is told at start (passed as one JSON argument). Durations are
 * in scenario ms; the backend divides them by `speed`, so a replay at --speed K keeps the
 * model's ratios (service time vs timeouts vs rollout pauses) K times faster.
 */
import type { ColdStartSpec, KeepAliveSpec } from '../scenarios/types.ts';
import type { DistSpec } from '../scenarios/types.ts';

export interface BackendConfig {
  service: string;
  version: string;
  instanceId: string;
  seed: number;
  speed: number;
  serviceTime: DistSpec;
  latencyFactor: number;
  coldStart: ColdStartSpec;
  errorRate: number;
  concurrency: number;
  queue: number;
  /** Delay before listening (image pull + app init), scenario ms, already sampled. */
  startupMs: number;
  /**
   * A failing version (`versions.<v>.crashAfter`): the process exits on its own this long
   * after it starts listening, scenario ms, already sampled; null: it never does. Disarmed
   * by SIGTERM or CRASH_DISARM_SIGNAL (a terminating pod's crash changes nothing, as in
   * the simulator's crash.ts). Absent: never.
   */
  crashAfterMs?: number | null;
  shutdown: 'graceful' | 'abrupt';
  /**
   * The service's keep-alive behaviour when some caller pools connections to it
   * (`keepAlive`: idle timeout in scenario ms, 0 = never; what SIGTERM closes); null when no
   * caller does, and the backend keeps its own default (30 s real, close idle at SIGTERM).
   */
  keepAlive: KeepAliveSpec | null;
  propagatesLane: boolean;
  /** Downstream calls in order, each through the proxy front of that service. */
  calls: { service: string; port: number; timeoutMs: number }[];
  /** The run's private temp dir: makes every process of one run findable in /proc. */
  runDir: string;
}

/** First line a backend prints once it listens: `RELSIM-READY <port>`. */
export const READY_PREFIX = 'RELSIM-READY ';

/** The exit code of a backend that crashed on its `crashAfterMs` (EX_SOFTWARE). */
export const CRASH_EXIT_CODE = 70;

/** Sent to a backend whose pod is being deleted: it no longer crashes. */
export const CRASH_DISARM_SIGNAL: NodeJS.Signals = 'SIGUSR2';
