/**
 * RunResult: the one JSON shape both platforms produce (schema relsim.run/1, documented in the README under "Results").
 * Key order here is the order in the JSON, which keeps output byte-stable.
 */
export const DROP_CAUSES = ['refused', 'reset', 'no-endpoint', 'queue-full', 'timeout', 'error', 'misroute'] as const;
export type DropCause = (typeof DROP_CAUSES)[number];

/**
 * Why lane traffic left its lane (or base traffic entered one), for `meta.misrouteBy`:
 * `tagLost` a service on the path did not propagate the lane tag; `laneUnseen` the caller
 * had not heard of the lane version's registered instances yet; `laneDown` the lane
 * version had no usable instance; `baseToLane` base traffic was served by a lane-only version.
 */
export const MISROUTE_KINDS = ['tagLost', 'laneUnseen', 'laneDown', 'baseToLane'] as const;
export type MisrouteKind = (typeof MISROUTE_KINDS)[number];

export interface RunResult {
  schema: 'relsim.run/1';
  scenario: string;
  strategy: string;
  seed: number;
  platform: 'sim' | 'replay';
  requests: {
    offered: number;
    ok: number;
    dropped: number;
    inFlightAtEnd: number;
    byCause: Record<DropCause, number>;
  };
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; /** of answered requests (absent in older results) */ mean?: number };
  rollout: {
    startMs: number;
    endMs: number;
    outcome: 'promoted' | 'rolled-back' | 'none';
    /** The release plan returned within the run (false: paused for good, or still running at the end). */
    finished: boolean;
    steps: StepResult[];
  };
  cost: { instanceSeconds: number; peakInstances: number };
  lanes: Record<string, { requests: number; paths: Record<string, number> }>;
  timeline: { bucketMs: number; series: Record<string, number[]> };
  slo: { pass: boolean; violations: string[] };
  /** Optional extras (topology for reports, explanation facts, replay details). */
  meta?: RunMeta;
}

export interface StepResult {
  name: string;
  startMs: number;
  endMs: number;
  dropped: number;
  byCause?: Partial<Record<DropCause, number>>;
}

export interface RunMeta {
  /** Services, versions and calls, for the topology drawing. */
  topology?: {
    services: { name: string; versions: string[]; calls: string[]; /** terminationGracePeriodSeconds, ms */ gracePeriodMs?: number }[];
    entry: string;
  };
  /** Longest time a caller kept sending to an instance after it deregistered, ms. */
  maxStaleSendMs?: number;
  /** no-endpoint drops while the registry already listed a usable instance (the caller had not heard yet). */
  noEndpointStale?: number;
  /**
   * Failing versions (runs where a process crashed, simulated or replayed): how many crashes, and the
   * drops whose failure met a crashed process (sent to it before callers heard, or in
   * flight when it died).
   */
  crashes?: { restarts: number; refused: number; reset: number };
  /**
   * Mixed versions that do not work together (`versions.<v>.requires`; simulator runs where
   * it happened): calls answered with an error for it, and `error` drops of requests that
   * made such a call.
   */
  incompatible?: { calls: number; dropped: number };
  /**
   * Mirrored copies (setMirrorRoute; simulator runs that mirrored): sent, answered ok,
   * failed. Their failures are never drops: no user waited for them.
   */
  mirrored?: { sent: number; ok: number; failed: number };
  /**
   * A load-test webhook's synthetic requests to the new version (simulator runs that ran
   * one): sent, answered ok, failed. Never users' requests: not offered, never drops.
   */
  loadTest?: { sent: number; ok: number; failed: number };
  /**
   * misroute drops by kind (they sum to `requests.byCause.misroute`); simulator runs that
   * set up lanes only (absent from replays and older results).
   */
  misrouteBy?: Record<MisrouteKind, number>;
  /**
   * Little's law, checkable (simulator runs): mean requests in the system over the run, and
   * per service the starts of service, mean queue wait, mean queue length and mean occupied
   * slots (being served, or holding a slot while waiting on a downstream call). Per service
   * L_q = (starts ÷ duration) × mean queue wait. The timeline has the per-bucket means as
   * `slots.<service>` and `queue.<service>`.
   */
  meanInSystem?: number;
  services?: Record<string, { starts: number; meanQueueWaitMs: number; meanQueueLength: number; meanBusySlots: number }>;
  /**
   * Keep-alive connections (simulator runs where a client sets `pool`): opened, reused, and
   * `staleResets`, the requests written to a connection its server had just closed (part of
   * `requests.byCause.reset`; the rest of reset is work in flight on an instance killed).
   */
  connections?: { opened: number; reused: number; staleResets: number };
  /** Simulator statistics. */
  events?: number;
  [key: string]: unknown;
}

export function emptyByCause(): Record<DropCause, number> {
  return { refused: 0, reset: 0, 'no-endpoint': 0, 'queue-full': 0, timeout: 0, error: 0, misroute: 0 };
}

/**
 * `relsim compare` output (schema relsim.compare/1): one row per strategy (or per platform
 * of one strategy), each with every seed's RunResult and the intervals over them.
 */
export interface CompareResult {
  schema: 'relsim.compare/1';
  scenario: string;
  seeds: number[];
  /** The confidence of the SLO verdicts (0.95; stricter per look under --seeds auto). */
  confidence?: number;
  /** Under --seeds auto: the looks taken, the most seeds allowed, and whether every verdict was decided. */
  sequential?: SequentialInfo;
  rows: CompareRow[];
}

export interface CompareRow {
  /** e.g. 'canary' or 'canary (replay)'. */
  label: string;
  strategy: string;
  platform: 'sim' | 'replay';
  runs: RunResult[];
  /** metric name → mean and 95% interval over the runs (see reports/stats.ts). */
  stats: Record<string, Interval>;
  /**
   * How often, across the runs: a rollout dropped anything (`anyDrops`, P(dropped > 0)),
   * and met the scenario's SLO (`sloMet`), each with an exact Clopper-Pearson 95% interval.
   */
  frequencies?: { anyDrops: Frequency; sloMet: Frequency };
  /**
   * The scenario's SLO judged over the runs: each check pass, fail or inconclusive on the
   * interval of the mean (reports/verdict.ts), with the seeds in which it held on its own.
   */
  slo?: { verdict: Verdict; checks: CompareSloCheck[] };
}

/** A verdict over seeds: inconclusive when the seeds cannot tell (reports/verdict.ts). */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** One SLO check (sim/result/slo.ts): on one run, or on the mean over seeds. */
export interface SloCheck {
  /** e.g. 'maxDropped', 'lanePaths.gray': the field it checks, stable for scripts. */
  name: string;
  /** What it checks, for people: 'dropped requests', 'lane gray stays on its paths'. */
  label: string;
  pass: boolean;
  /** One line: what was measured against what (and by how much it failed). */
  message: string;
  /** For a limit on a metric: the metric (reports/stats.ts names) and the maximum allowed. */
  metric?: string;
  max?: number;
}

/** One SLO check judged over seeds (reports/verdict.ts). */
export interface CompareSloCheck extends SloCheck {
  verdict: Verdict;
  /** What was measured ('13 (0–49.1)', 'in 5 of 5 seeds') and what was allowed ('≤ 10'). */
  observed: string;
  allowed: string;
  /** In how many seeds this check held on its own, with the exact 95% interval. */
  seedsMet?: Frequency;
}

/** What a `--seeds auto` run reports about itself (reports/sequential.ts). */
export interface SequentialInfo {
  /** The looks that were taken (seeds run at each). */
  looks: number[];
  /** The schedule's last look: the most seeds it would have run. */
  maxSeeds: number;
  confidence: number;
  /** False when the last look was reached with the verdict still inconclusive. */
  decided: boolean;
}

/** k of n runs, k / n, and its exact 95% interval (reports/proportion.ts). */
export interface Frequency {
  k: number;
  n: number;
  p: number;
  lo: number;
  hi: number;
}

/** A metric over seeds: the mean with its 95% interval (never outside the metric's range), and the spread of the seeds. */
export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  /** Of the per-seed values (absent in CompareResults written before they existed). */
  median?: number;
  min?: number;
  max?: number;
}
