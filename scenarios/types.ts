/**
 * The typed Scenario: what the loader (scenarios/load.ts) produces from a YAML/JSON file
 * after validation, with every default filled in. All durations are milliseconds, all
 * rates requests per second, all fractions in [0, 1]. Field names follow the vocabulary
 * people copy from their manifests (Kubernetes, Argo Rollouts, Flagger, Envoy, nginx).
 *
 * Objects keyed by name (services, versions, lanes) keep the file's order; the simulator
 * turns them into arrays in that order, so iteration order is part of the file, not of
 * a hash map.
 */
import type { BalancerName, LbOptions, SlowStartSpec } from '../sim/balancers/index.ts';

// Declared next to the balancers, which may not import from here (see sim/balancers/index.ts).
export type { LbOptions, SlowStartSpec };

import type { DistSpec } from '../sim/kernel/distributions.ts';

export type { DistSpec };

export interface Scenario {
  /** `name:` in the file, else the file's base name. */
  name: string;
  /** Path the scenario was loaded from ('' when built in code). */
  file: string;
  description: string;
  seed: number;
  /** Simulated time to run, ms. */
  duration: number;
  /** Width of a metrics time bucket, ms (default 1000). */
  bucketMs: number;
  /** Services in declaration order. */
  services: ServiceSpec[];
  /** The entry proxy / gateway: the caller of `entry.service`. */
  entry: EntrySpec;
  /** The registry callers read unless their service (or the entry) names another. */
  registry: RegistrySpec;
  /**
   * More registries, by name (`registries:`): a service's `registry` (and the entry's) names
   * the one its callers read — an ingress on Kubernetes endpoints, services behind it on a
   * Eureka poll chain. Empty when the file has one registry.
   */
  registries: Record<string, RegistrySpec>;
  traffic: TrafficSpec;
  /** Absent: nothing is released; the scenario is a steady-state model. */
  release: ReleaseSpec | null;
  slo: SloSpec;
  /** maxEvents: the event cap; memory: the memory budget in bytes (memory-budget.ts). */
  limits: { maxEvents: number; memory: number };
  /**
   * Things the loader accepted but the user should hear about, one line each, formatted
   * like an error (`file: field.path: what`), e.g. a field the model ignores. The loader
   * always sets it (empty when there is nothing to say); optional only so scenarios built
   * in code need not. The CLI prints them on stderr; they never change the exit code.
   */
  warnings?: string[];
}

export interface ServiceSpec {
  name: string;
  /** Replicas of `initialVersion` running (ready, registered, warm) at t=0. */
  replicas: number;
  /** The version running at t=0. */
  initialVersion: string;
  /** Declared versions in order; the first is usually the stable one. */
  versions: VersionSpec[];
  /** Instance behaviour shared by all versions (versions may override parts). */
  instance: InstanceSpec;
  /** Downstream services called in sequence after local work, each with the client policy. */
  calls: CallSpec[];
  /** Whether this service copies the lane tag onto its downstream calls (default true). */
  propagatesLane: boolean;
  /** The registry this service's instances read about the services they call (a `registries` name; null: `registry`). */
  registry: string | null;
  /** Provider marks responses while shutting down; callers drop it from their view at once. */
  proactiveNotification: boolean;
}

export interface VersionSpec {
  name: string;
  /** Fraction of requests this version fails with a 5xx (a bad release). */
  errorRate: number;
  /** Multiplies service time (1 = same as the base). */
  latencyFactor: number;
  /**
   * Each instance's weight in its callers' balancers (nginx `server … weight=N`, HAProxy
   * `weight N`), 1–256; 1 everywhere is an unweighted pool. A router's version split
   * (strategy weights) applies first, then these within the chosen version.
   */
  weight: number;
  /** Overrides of the service's instance behaviour for this version. */
  serviceTime: DistSpec | null;
  coldStart: ColdStartSpec | null;
  /** Overrides the service's `startup` (a version that is ready late), ms. */
  startup: DistSpec | null;
  /**
   * A failing version: each run of the process exits this long after it starts listening
   * (in-flight requests reset, endpoint removed), and the kubelet restarts it with
   * CrashLoopBackOff (at once, then 10 s doubling to 5 min; reset after 10 min up), ms.
   * Null: it never crashes.
   */
  crashAfter: DistSpec | null;
  /** The readiness probe never passes: the process listens but never joins the endpoints. */
  neverReady: boolean;
  /**
   * What this version needs of the services it calls: callee → the versions it works with
   * (`{api: [v2]}`). A call from an instance of this version to any other version of that
   * callee is answered with an error (the API it needs is not there).
   */
  requires: Record<string, string[]>;
}

export interface InstanceSpec {
  /** Requests served at once (threads, worker slots). */
  concurrency: number;
  /** Requests that may wait for a slot; beyond it: `queue-full`. */
  queue: number;
  /** Local work per request, ms. */
  serviceTime: DistSpec;
  coldStart: ColdStartSpec;
  /** From pod creation to the app listening (image pull + init), ms. */
  startup: DistSpec;
  readinessProbe: ProbeSpec;
  /** Wait after ready before registering (lossless online "delayTime"), ms. */
  registrationDelay: number;
  /**
   * Readiness waits for registration (MSE lossless online): the instance counts as ready,
   * and so toward available and a rollout's progress, only once it is registered.
   */
  readyAfterRegistration: boolean;
  /** When the endpoint leaves the registry. */
  deregistration: 'on-termination' | 'before-termination';
  /** With 'before-termination': how long before termination starts, ms (lossless offline). */
  deregistrationLead: number;
  /** preStop hook duration (e.g. `sleep 5`), ms. The grace clock already runs. */
  preStop: number;
  /** terminationGracePeriodSeconds, as ms. */
  terminationGracePeriod: number;
  /** graceful: stop accepting, finish in-flight; abrupt: exit at SIGTERM. */
  shutdown: 'graceful' | 'abrupt';
  /** Kubernetes minReadySeconds equivalent for availability counting, ms. */
  minReadySeconds: number;
  keepAlive: KeepAliveSpec;
}

/**
 * service time × (1 + (factor − 1) · exp(−uptime / decay)), or with `decayRequests`
 * exp(−requests started / decayRequests) (sim/rules/cold-start.ts). factor 1 = no cold start.
 */
export interface ColdStartSpec {
  factor: number;
  /** Time constant of the decay, ms. */
  decay: number;
  /** Warm-up by work done: the decay's constant in requests served (null: by uptime). */
  decayRequests: number | null;
}

export interface ProbeSpec {
  initialDelaySeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface CallSpec {
  service: string;
  client: ClientSpec;
}

export interface EntrySpec {
  service: string;
  client: ClientSpec;
  /** The registry the entry proxy reads (a `registries` name; null: `registry`). */
  registry: string | null;
}

/** How one caller reaches one upstream service. */
export interface ClientSpec {
  lb: LbSpec;
  /** Per-try timeout, ms (0 = none). */
  timeout: number;
  retry: RetrySpec;
  /** Keep-alive connections to each upstream instance (null: connections are not modelled). */
  pool: PoolSpec | null;
}

/**
 * A caller's keep-alive pool towards one upstream service (sim/model/connections.ts).
 * Durations in ms; 0 turns a limit off.
 */
export interface PoolSpec {
  /** The caller closes a connection idle this long (nginx upstream keepalive_timeout, a load balancer's idle timeout). */
  idleTimeout: number;
  /** The caller closes a connection after this many requests (nginx keepalive_requests). */
  maxRequests: number;
  /** The caller closes a connection this old instead of reusing it (Envoy max_connection_duration, gRPC MAX_CONNECTION_AGE). */
  maxAge: number;
  /** How long after the backend closes an idle connection the caller still sends on it: such a request is `reset`. */
  closeNotice: number;
  /** HTTP/2: one multiplexed connection per caller and instance carries every request to it. */
  http2: boolean;
  /**
   * false: every endpoint or routing change the caller applies leaves it with no pooled
   * connection, as an nginx reload starts new workers with empty keep-alive caches.
   */
  survivesUpdates: boolean;
  /**
   * 0: the caller balances each request over the instances it knows. N > 0: it balances
   * connections (a Service VIP, gRPC pick_first): it keeps N long-lived connections, each to
   * the instance picked when it opened, and sends every request over them.
   */
  connections: number;
}

/** How an instance treats the keep-alive connections callers hold to it. */
export interface KeepAliveSpec {
  /** The server closes a connection idle this long (Node's keepAliveTimeout, 5 s by default), ms; 0 = never. */
  timeout: number;
  /**
   * At SIGTERM (graceful shutdown): `close-idle` closes idle connections and each busy one
   * after its response (Go's Shutdown, Node's server.close()); `connection-close` only marks
   * responses `Connection: close`, so idle connections are still used until the process
   * exits; `none` does neither. Whatever is still open dies when the process exits.
   */
  onShutdown: 'close-idle' | 'connection-close' | 'none';
}

/** Every registered balancer (sim/balancers/index.ts): adding one there adds its name here. */
export type LbAlgorithm = BalancerName;

export interface LbSpec extends LbOptions {
  algorithm: LbAlgorithm;
}

export type RetryOn = 'connect-failure' | 'reset' | 'timeout' | '5xx';

export interface RetrySpec {
  /** Extra tries after the first (0 = no retry). */
  attempts: number;
  on: RetryOn[];
}

/**
 * `routingDelay`: routing changes (weights, header routes) reach each caller through the
 * same propagation delay as endpoint changes, instead of at once (a Service selector
 * switch or an xDS push is not instantaneous either).
 */
export type RegistrySpec =
  /**
   * `serial`: each caller applies changes one at a time, each taking a fresh `delay`, so a
   * change that arrives while another is being applied waits for it (an nginx reload per
   * change, an ingress controller's sync loop), instead of every change taking `delay` on its own.
   */
  | {
    mode: 'push'; delay: DistSpec; routingDelay: boolean; serial: boolean;
    /**
     * `batch` (default true): changes published together (at the same instant, or within
     * `batchWindow` ms of the batch's first change, as the EndpointSlice controller batches
     * them) reach each caller together, after one delay drawn for that caller and that batch.
     * false: every change draws its own delay.
     */
    batch: boolean; batchWindow: number;
    /**
     * `shared` (default false): every caller reading this registry hears of a change at the
     * same moment, after one delay per change: one proxy that every hop goes through (a
     * central nginx; a replay, whose one proxy carries every hop). false: each caller draws
     * its own delay, as sidecars and client-side balancers do.
     */
    shared: boolean;
  }
  | { mode: 'poll'; chain: PollStage[]; routingDelay: boolean };

/** One cache in a staleness chain (e.g. Eureka server cache, client fetch, Ribbon). */
export interface PollStage {
  name: string;
  interval: number;
  /** One timer for every caller (a server-side cache) vs a random phase per caller. */
  shared: boolean;
}

export interface TrafficSpec {
  /** Mean offered rate, req/s (the start rate for a ramp). */
  rate: number;
  arrival: 'poisson' | 'constant' | 'ramp' | 'trace';
  /** For 'ramp': the rate reached at `rampDuration`. */
  rampTo: number;
  rampDuration: number;
  /** For 'trace': arrival timestamps, ms, ascending. */
  trace: number[];
  /** Distinct users; each request carries a user id drawn from 1..users. */
  users: number;
  /** Headers set on a fraction of requests, decided per user (stable). */
  headers: HeaderRule[];
  /** Fraction of requests that are non-idempotent (POST): not retried once sent. */
  nonIdempotent: number;
}

export interface HeaderRule {
  name: string;
  value: string;
  /** Fraction of users whose requests carry it. */
  fraction: number;
}

export interface ReleaseSpec {
  /** Simulated time the rollout starts, ms. */
  startAt: number;
  /** Services released, in order (each from its current version to `to`). */
  services: string[];
  /** Version released to (per service, when they differ). */
  to: Record<string, string>;
  strategy: StrategySpec;
  /** What the plan does after each routing change (weights, header routes, lanes, down marks). */
  routing: RoutingWaitSpec;
  /**
   * When a person promotes a paused release (simulated ms, ascending): each indefinite
   * pause the plan reaches (a canary's `pause: {}`, a blue-green awaiting promotion, an
   * inconclusive analysis) is resumed by the next approval not yet used. None: such a
   * pause lasts to the end of the run.
   */
  approvals: number[];
  /**
   * When a person aborts the release (simulated ms; null: never): Argo's `abort` for a
   * canary, blue-green or A/B, `kubectl rollout undo` for rolling and recreate.
   */
  abortAt: number | null;
  /**
   * When a service of a multi-service release rolls back: `stop` there (the services
   * before it stay released; in parallel, the others go on), or `rollback-all` (take every
   * other service back too: newest first in turn, all at once in parallel, aborting the
   * ones still being released).
   */
  onFailure: 'stop' | 'rollback-all';
  /**
   * `sequential`: the services one after the other, in `services` order; `parallel`: every
   * service's plan runs at once from `startAt` (strategies/parallel.ts).
   */
  order: ReleaseOrder;
}

export const RELEASE_ORDERS = ['sequential', 'parallel'] as const;
export type ReleaseOrder = (typeof RELEASE_ORDERS)[number];

/**
 * A controller that writes a routing change may go on at once (Argo Rollouts with most
 * traffic routers), wait until the routers serve by it (Argo's ALB weight verification;
 * a replay, which waits for its proxy), and/or wait a fixed grace (Kruise's
 * `trafficRoutings[].gracePeriodSeconds`, 3 s by default there).
 */
export interface RoutingWaitSpec {
  /** Resume only once every caller routes by the change (its propagation delay landed). */
  waitApplied: boolean;
  /** Then wait this long, ms. */
  grace: number;
}

export type StrategyName = 'recreate' | 'rolling' | 'blue-green' | 'canary' | 'ab' | 'lanes';
export const STRATEGY_NAMES: readonly StrategyName[] = ['recreate', 'rolling', 'blue-green', 'canary', 'ab', 'lanes'];

export type StrategySpec =
  | { name: 'recreate' } & RecreateKnobs
  | { name: 'rolling' } & RollingKnobs
  | { name: 'blue-green' } & BlueGreenKnobs
  | { name: 'canary' } & CanaryKnobs
  | { name: 'ab' } & AbKnobs
  | { name: 'lanes' } & LanesKnobs;

export interface RecreateKnobs {}

/** A count or a percentage of replicas, as Kubernetes writes it: 1 or "25%". */
export type IntOrPercent = number | string;

/** All *Seconds knobs of strategies are ms here; the file gives them in seconds, as manifests do. */
export interface RollingKnobs {
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  minReadySeconds: number;
  progressDeadlineSeconds: number;
  /** Multi-batch form: cumulative new-version replicas per batch, with a pause after each. */
  batches: { replicas: IntOrPercent; pause: number }[] | null;
  /** nginx two-instance form: mark each old instance down in the upstream before replacing it. */
  takeOutFirst: boolean;
  /** With takeOutFirst: wait after marking down before stopping it, ms. */
  drainWait: number;
}

export interface AnalysisSpec {
  /** Measurement interval, ms. */
  interval: number;
  /** Measurements taken (0 = run until the step ends). */
  count: number;
  failureLimit: number;
  inconclusiveLimit: number;
  /** Minimum requests in a window to judge; fewer ⇒ inconclusive. */
  minRequests: number;
  successRate: number | null;
  /** Max latency percentile, ms, with its percentile (e.g. { p: 99, max: 500 }). */
  latency: { p: number; max: number } | null;
  /** Kayenta-style Mann-Whitney comparison of canary vs baseline latencies. */
  judge: JudgeSpec | null;
}

export interface JudgeSpec {
  confidence: number;
  tolerance: number;
  direction: 'increase' | 'decrease' | 'either';
}

export type CanaryStep =
  | { setWeight: number }
  | { pause: { duration: number | null } }
  | { setCanaryScale: { replicas?: number; weight?: number; matchTrafficWeight?: boolean } }
  | { analysis: AnalysisSpec }
  /** Argo's setMirrorRoute: copy `percent` of (matching) stable traffic to the canary; 0 removes it. */
  | { setMirrorRoute: { percent: number; match: MatchRule | null } }
  /** Argo's setHeaderRoute: requests matching go to the canary whatever the weight; null removes it. */
  | { setHeaderRoute: { match: MatchRule | null } };

/** All *Seconds knobs are ms here (the file gives seconds). */
export interface CanaryKnobs {
  steps: CanaryStep[];
  /** true: weights are set on a router (L7); false: weight follows replica ratio. */
  trafficRouting: boolean;
  /**
   * With a router, how stable is sized while the canary runs. `full`: stable keeps its R
   * replicas beside the canary (Argo; Kruise's canary style, a second Deployment).
   * `partition`: Kruise's partition style, one Deployment whose pods move: each canary
   * size n is a rolling update within maxSurge/maxUnavailable that stops at n new and
   * R − n old pods (the partition), and only then is the step's weight routed; promotion
   * hands the route back to the Service (the share follows the pods) and rolls the rest;
   * a rollback routes everything to stable, then rolls the canary's pods back.
   */
  stableScaling: 'full' | 'partition';
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  /** Background analysis running during all steps (Argo `analysis` / Flagger metrics). */
  analysis: AnalysisSpec | null;
  abortScaleDownDelaySeconds: number;
  scaleDownDelaySeconds: number;
  /** Argo `spec.progressDeadlineSeconds` (Flagger's too): how long new pods may take (ms). */
  progressDeadlineSeconds: number;
  /** Argo `spec.progressDeadlineAbort`: abort at the deadline instead of waiting degraded (Flagger always does). */
  progressDeadlineAbort: boolean;
  /**
   * Flagger's `sessionAffinity`: a user routed to the canary gets a cookie and stays on it
   * for `maxAge` (ms) while the canary has weight; others are routed by weight. Null: off.
   */
  sessionAffinity: { maxAge: number } | null;
  /** Flagger-style shorthand, expanded into `steps` by the loader when given. */
  flagger: { interval: number; stepWeight: number; stepWeights: number[]; maxWeight: number; threshold: number; /** % copied in the mirror pre-stage; 0: no mirroring */ mirrorWeight: number } | null;
  /** Flagger's webhooks: gates, checks, rollback triggers and load tests (strategies/webhooks.ts). */
  webhooks: WebhookSpec[];
}

export type WebhookType = 'confirm-rollout' | 'pre-rollout' | 'rollout' | 'confirm-traffic-increase' | 'confirm-promotion' | 'post-rollout' | 'rollback';
export const WEBHOOK_TYPES: readonly WebhookType[] = ['confirm-rollout', 'pre-rollout', 'rollout', 'confirm-traffic-increase', 'confirm-promotion', 'post-rollout', 'rollback'];
/** Hooks the plan waits at until they answer 200. */
export const GATE_TYPES: readonly WebhookType[] = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'];

/**
 * One Flagger webhook as the scenario says it answers. Every hook is asked a yes/no
 * question: a gate "are you open?", a check (pre-rollout, rollout, post-rollout) "did you
 * fail?", a rollback hook "roll back now?". It answers yes from `at` on, or with
 * `probability` at each call (a seeded draw), whichever comes first.
 */
export interface WebhookSpec {
  name: string;
  type: WebhookType;
  /** Scenario time (ms) from which the hook answers yes; null: never by time. */
  at: number | null;
  /** Chance that one call answers yes (0: never by chance). */
  probability: number;
  /** A rollout hook that runs a load generator: synthetic requests straight to the new version during the analysis. */
  loadTest: { rate: number } | null;
}

/** All *Seconds knobs are ms here (the file gives seconds). */
export interface BlueGreenKnobs {
  previewReplicaCount: number | null;
  autoPromotionEnabled: boolean;
  autoPromotionSeconds: number;
  scaleDownDelaySeconds: number;
  abortScaleDownDelaySeconds: number;
  prePromotionAnalysis: AnalysisSpec | null;
  /** After the switch, with blue still up: failure switches back to blue. */
  postPromotionAnalysis: AnalysisSpec | null;
  /** Requests routed to green while it is the preview (test traffic for pre-promotion analysis); null: none. */
  previewMatch: MatchRule | null;
  /** Argo `spec.progressDeadlineSeconds` (ms). */
  progressDeadlineSeconds: number;
  /** Argo `spec.progressDeadlineAbort`: abort at the deadline instead of waiting degraded. */
  progressDeadlineAbort: boolean;
}

/**
 * Conditions on a request, all of which must hold; or, with `any`, a list of such rules of
 * which one must hold (Istio's and Flagger's list of matches). A rule with `any` has no
 * conditions of its own, and its alternatives have no `any` (scenarios/matching.ts).
 */
export interface MatchRule {
  header?: MatchValue;
  /** A cookie: sought among the user's attributes and in the pairs of its Cookie header. */
  cookie?: MatchValue;
  query?: MatchValue;
  userIds?: number[];
  /** Percentage of users (by user id hash). */
  percent?: number;
  any?: MatchRule[];
}

/** A name and how its value must read: exactly `value` (no `kind`), starting with it, or matching it as a whole (a regex). */
export interface MatchValue {
  name: string;
  value: string;
  kind?: 'prefix' | 'regex';
}

export interface AbKnobs {
  match: MatchRule;
  /** How long the test runs, ms (Flagger: iterations × the analysis interval). */
  duration: number;
  /** Measured every interval during the test (Flagger's A/B analysis); failure ends it with a rollback. */
  analysis: AnalysisSpec | null;
  /** What happens after the test. */
  then: 'promote' | 'rollback';
  replicas: number | null;
  /** Flagger's webhooks (strategies/webhooks.ts). */
  webhooks: WebhookSpec[];
}

export interface LaneSpec {
  name: string;
  tag: string;
  match: MatchRule;
  /** service → lane version, for the services that have one. */
  services: Record<string, string>;
  replicas: number;
}

export interface LanesKnobs {
  lanes: LaneSpec[];
  /** permissive: fall back to base where a lane has no version; strict: fail. */
  mode: 'permissive' | 'strict';
  /** How long the lanes live before teardown, ms. */
  duration: number;
  teardown: boolean;
}

export interface SloSpec {
  maxDropped: number | null;
  maxErrorRate: number | null;
  maxP99Ms: number | null;
  maxRolloutMs: number | null;
  /** lane name → the exact paths its traffic may take. */
  lanePaths: Record<string, string[]>;
  /**
   * How the release must end within the run: `finished` (the plan returned, not rolled
   * back: a rollout paused forever or still running at `duration` fails), `rolled-back`
   * (a bad release must be caught), `any` (not checked). Only checked when there is a release.
   */
  rollout: SloRollout;
}

export type SloRollout = 'finished' | 'rolled-back' | 'any';
export const SLO_ROLLOUTS: readonly SloRollout[] = ['finished', 'rolled-back', 'any'];
