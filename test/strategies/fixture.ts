/** A minimal in-code Scenario and StrategyContext for strategy unit tests. */
import type { AnalysisSpec, ClientSpec, InstanceSpec, Scenario, ServiceSpec, StrategySpec } from '../../scenarios/types.ts';
import type { StrategyContext } from '../../strategies/protocol.ts';

const client: ClientSpec = {
  lb: { algorithm: 'round-robin', slowStart: null, maxFails: 0, failTimeout: 10_000, choiceCount: 2 },
  timeout: 0,
  retry: { attempts: 0, on: [] },
  pool: null,
};

const instance: InstanceSpec = {
  concurrency: 8, queue: 100,
  serviceTime: { type: 'constant', value: 10 },
  coldStart: { factor: 1, decay: 1, decayRequests: null },
  startup: { type: 'constant', value: 5000 },
  readinessProbe: { initialDelaySeconds: 0, periodSeconds: 1000, successThreshold: 1, failureThreshold: 3 },
  registrationDelay: 0, readyAfterRegistration: false, deregistration: 'on-termination', deregistrationLead: 0,
  preStop: 0, terminationGracePeriod: 30_000, shutdown: 'graceful', minReadySeconds: 0,
  keepAlive: { timeout: 0, onShutdown: 'close-idle' },
};

export function service(name: string, replicas: number, calls: string[] = []): ServiceSpec {
  return {
    name, replicas, initialVersion: 'v1',
    versions: [
      { name: 'v1', errorRate: 0, latencyFactor: 1, weight: 1, serviceTime: null, coldStart: null, startup: null, crashAfter: null, neverReady: false, requires: {} },
      { name: 'v2', errorRate: 0, latencyFactor: 1, weight: 1, serviceTime: null, coldStart: null, startup: null, crashAfter: null, neverReady: false, requires: {} },
    ],
    instance, calls: calls.map((s) => ({ service: s, client })), propagatesLane: true, proactiveNotification: false, registry: null,
  };
}

export function scenario(strategy: StrategySpec, services: ServiceSpec[] = [service('a', 4)], released = [services[0].name]): Scenario {
  return {
    name: 'fixture', file: '', description: '', seed: 1, duration: 3_600_000, bucketMs: 1000,
    services,
    entry: { service: services[0].name, client, registry: null },
    registry: { mode: 'push', delay: { type: 'constant', value: 100 }, routingDelay: false, serial: false, batch: true, batchWindow: 0, shared: false },
    registries: {},
    traffic: { rate: 100, arrival: 'poisson', rampTo: 0, rampDuration: 0, trace: [], users: 1000, headers: [], nonIdempotent: 0 },
    release: { startAt: 0, services: released, to: Object.fromEntries(released.map((s) => [s, 'v2'])), strategy, routing: { waitApplied: false, grace: 0 }, approvals: [], abortAt: null, onFailure: 'stop', order: 'sequential' },
    slo: { maxDropped: null, maxErrorRate: null, maxP99Ms: null, maxRolloutMs: null, lanePaths: {}, rollout: 'finished' },
    limits: { maxEvents: 1e8, memory: 2 * 1024 ** 3 },
  };
}

export function context(sc: Scenario, serviceName = sc.release!.services[0]): StrategyContext {
  const svc = sc.services.find((s) => s.name === serviceName)!;
  return { scenario: sc, release: sc.release!, service: svc, from: 'v1', to: sc.release!.to[serviceName], replicas: svc.replicas, strategy: sc.release!.strategy };
}

export function analysis(over: Partial<AnalysisSpec> = {}): AnalysisSpec {
  return { interval: 10_000, count: 3, failureLimit: 0, inconclusiveLimit: 0, minRequests: 10, successRate: 0.95, latency: null, judge: null, ...over };
}
