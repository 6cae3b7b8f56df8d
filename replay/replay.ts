/**
 * `replay(scenario, { proxy, speed })`: the scenario's release, run by the same strategy
 * generator as the simulator, against real backends behind real nginx or HAProxy under
 * autocannon load (on its own thread: load-thread.ts), on a wall clock divided by `speed`. Returns a RunResult with
 * `platform: 'replay'`; counts are in requests, times in scenario ms.
 *
 *   const r = await replay(loadScenario('x.yaml'), { proxy: 'haproxy', speed: 10 });
 *
 * Time scaling: offered rate × speed, every duration (service times, timeouts, probes,
 * preStop, grace, pauses) ÷ speed, so the same number of requests meets the same sequence
 * of events. What cannot scale: process start-up (~0.4 s real) and proxy reload time.
 */
import { stickyCanary } from './affinity.ts';
import type { ClientSpec, Scenario, TrafficSpec } from '../scenarios/types.ts';
import { assembleRunResult, r3 } from '../sim/result/assemble.ts';
import type { RunResult } from '../sim/result/run-result.ts';
import { drive, type Plan } from '../strategies/protocol.ts';
import { releasePlan } from '../strategies/index.ts';
import { cleanupAll, makeTrackedTempDir, removeTrackedDir } from './supervision/cleanup.ts';
import { preflightScenario } from './preflight.ts';
import { openLoadThread, type LoadThread } from './load-thread.ts';
import { PROXIES } from './proxies/index.ts';
import { RoutingState, type FrontSpec, type ProxyAdapter, type ProxyKind } from './proxy.ts';
import { LoadRecorder, quantile } from './recorder.ts';
import { ReplayPlatform } from './replay-platform.ts';
import { sweepStaleRuns } from './supervision/stale-runs.ts';
import { freePort, requireBinary, sleepMs } from './tools.ts';

export interface ReplayOptions {
  proxy: ProxyKind;
  /** Time-scale factor K: wall time = scenario time / K. Default 1. */
  speed?: number;
  onProgress?: (message: string) => void;
  /** The plan to run instead of `releasePlan(scenario)` (tests of single mechanisms). */
  plan?: Plan<unknown>;
  /** Load connections (default: from the rate). */
  connections?: number;
  /** Add the scenario's registry propagation delay before the proxy hears of endpoint changes. */
  registryDelay?: boolean;
  /**
   * Keep every request's send time in `meta.replay.arrivalsMs` (scenario ms, in order): what
   * a simulation of the same run needs to meet the same arrivals (a busy machine delays a
   * load generator most when an instance is replaced). Off by default: a number per request.
   */
  recordArrivals?: boolean;
}

export async function replay(scenario: Scenario, opts: ReplayOptions): Promise<RunResult> {
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
  requireBinary(PROXIES[opts.proxy].binary); // fail before starting anything
  preflightScenario(scenario, opts.proxy);
  const progress = opts.onProgress ?? (() => undefined);
  const swept = await sweepStaleRuns();
  if (swept.length > 0) progress(`removed ${swept.length} temp dir(s) of earlier runs that died: ${swept.join(' ')}`);
  const runDir = makeTrackedTempDir('relsim-replay-');
  let proxy: ProxyAdapter | null = null;
  let opening: Promise<LoadThread> | null = null;
  let load: LoadThread | null = null;
  let platform: ReplayPlatform | null = null;
  const timers: NodeJS.Timeout[] = [];
  try {
    const state = new RoutingState(await fronts(scenario, speed));
    const rec = new LoadRecorder(speed, scenario.bucketMs);
    // Opened now: loading the load thread's modules (~0.5 s) overlaps the backends' start.
    opening = openLoadThread({
      port: state.front(scenario.entry.service).port, traffic: scenario.traffic, speed, seed: scenario.seed, connections: opts.connections,
      affinityMaxAgeMs: stickyCanary(scenario, scenario.entry.service) && scenario.release?.strategy.name === 'canary' ? scenario.release.strategy.sessionAffinity?.maxAge : undefined,
    }, rec);
    opening.catch(() => undefined); // awaited below, where its failure is the replay's
    proxy = PROXIES[opts.proxy].create(state, runDir);
    const px = proxy;
    platform = new ReplayPlatform(scenario, state, () => px, rec, speed, runDir, progress, opts.registryDelay ?? false);
    progress(`starting ${scenario.services.reduce((s, x) => s + x.replicas, 0)} backends`);
    await platform.startInitial();
    progress(`starting ${opts.proxy}`);
    await proxy.start();
    progress(`proxy fronts on 127.0.0.1: ${state.fronts.map((f) => `${f.service}=${f.port}`).join(' ')}; run dir ${runDir}`);

    load = await opening;
    const running = load;

    const instSeries = new Map<string, number[]>();
    const sampleInstances = (): void => {
      const b = Math.floor(platform!.nowMs() / scenario.bucketMs);
      for (const [k, n] of platform!.phaseCounts()) {
        const s = instSeries.get(k) ?? []; s[b] = Math.max(s[b] ?? 0, n); instSeries.set(k, s);
      }
    };
    progress(`load: ${describeLoad(scenario.traffic, speed)} for ${(scenario.duration / speed / 1000).toFixed(1)} s`);
    rec.restart();
    running.start();
    // Sampled from time zero on: a sample taken before would land in a bucket of the old clock.
    const sampler = setInterval(sampleInstances, Math.max(5, scenario.bucketMs / speed / 4));
    timers.push(sampler);

    let planDone = false;
    let planError: unknown = null;
    // Like simulate(), the driver (not the plan) waits for release.startAt.
    const startPlan = setTimeout(() => {
      drive(opts.plan ?? releasePlan(scenario), platform!, () => { planDone = true; platform!.planFinished(); }, (e) => { planError = e; planDone = true; });
    }, (scenario.release?.startAt ?? 0) / speed);
    timers.push(startPlan);

    const endReal = scenario.duration / speed;
    while (rec.now() < endReal) {
      if (planError) throw planError;
      if (platform.errors.length > 0) throw platform.errors[0];
      if (running.failure) throw running.failure;
      await sleepMs(Math.min(50, endReal - rec.now()));
    }
    clearTimeout(startPlan);
    await load.stop();
    load = null;
    opening = null;
    const endNow = rec.now();
    // Before the backends go: a copy still in flight then would be logged as failed.
    platform.takeCopies();
    clearInterval(sampler);
    sampleInstances();
    if (planError) throw planError;
    progress(planDone ? 'plan finished' : 'scenario duration reached with the plan still running');
    await platform.stopAll();
    return buildReplayResult(scenario, rec, platform, instSeries, endNow, speed, proxy, opts.recordArrivals ?? false);
  } finally {
    for (const t of timers) clearTimeout(t);
    const unstopped = load ?? (opening ? await opening.catch(() => null) : null);
    if (unstopped) await unstopped.stop().catch(() => undefined);
    if (platform) await platform.stopAll().catch(() => undefined);
    if (proxy) await proxy.stop().catch(() => undefined);
    await cleanupAll();
    removeTrackedDir(runDir);
  }
}

/** One proxy front per service, with the client policy of whoever calls it. */
async function fronts(scenario: Scenario, speed: number): Promise<FrontSpec[]> {
  const out: FrontSpec[] = [];
  for (const svc of scenario.services) {
    const client = clientOf(scenario, svc.name);
    out.push({
      service: svc.name,
      port: await freePort(),
      versions: svc.versions.map((v) => v.name),
      isEntry: svc.name === scenario.entry.service,
      lb: client.lb.algorithm,
      retry: client.retry,
      timeoutMs: client.timeout / speed,
      maxFails: client.lb.maxFails,
      failTimeoutMs: client.lb.failTimeout / speed,
      slowStartMs: (client.lb.slowStart?.window ?? 0) / speed,
      pool: client.pool ? { idleTimeoutMs: client.pool.idleTimeout / speed, maxRequests: client.pool.maxRequests } : null,
      affinity: stickyCanary(scenario, svc.name),
    });
  }
  return out;
}

/** The offered load in real req/s, for the progress line. */
function describeLoad(t: TrafficSpec, speed: number): string {
  const real = (x: number): number => Math.round(x * speed);
  const shape = t.arrival === 'ramp' ? `${real(t.rate)} → ${real(t.rampTo)} req/s (ramp)`
    : t.arrival === 'trace' ? `${t.trace.length} traced arrivals (${real(t.rate)} req/s mean)`
    : `${real(t.rate)} req/s (${t.arrival})`;
  return t.nonIdempotent > 0 ? `${shape}, ${Math.round(t.nonIdempotent * 100)}% POST` : shape;
}

function clientOf(scenario: Scenario, service: string): ClientSpec {
  if (scenario.entry.service === service) return scenario.entry.client;
  for (const s of scenario.services) for (const c of s.calls) if (c.service === service) return c.client;
  return scenario.entry.client;
}

function buildReplayResult(scenario: Scenario, rec: LoadRecorder, platform: ReplayPlatform, instSeries: Map<string, number[]>,
  endReal: number, speed: number, proxy: ProxyAdapter, recordArrivals: boolean): RunResult {
  const buckets = Math.ceil(scenario.duration / scenario.bucketMs);
  const lat = [...rec.latencies].sort((a, b) => a - b);
  const series = rec.timeline(buckets);
  for (const [k, xs] of [...instSeries].sort(([a], [b]) => a.localeCompare(b))) series[k] = Array.from({ length: buckets }, (_, i) => xs[i] ?? 0);
  return assembleRunResult({
    scenario,
    strategy: scenario.release?.strategy.name ?? 'none',
    seed: scenario.seed,
    platform: 'replay',
    requests: { offered: rec.offered, ok: rec.ok, dropped: rec.dropped, inFlightAtEnd: rec.inFlight, byCause: { ...rec.byCause } },
    quantile: (q) => quantile(lat, q),
    maxLatencyMs: lat.length ? lat[lat.length - 1] : 0,
    meanLatencyMs: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : 0,
    steps: platform.stepLog,
    stepDrops: (k) => rec.stepDrops.get(k) ?? {},
    instanceSeconds: platform.instanceSeconds(endReal),
    peakInstances: platform.peakInstances,
    lanes: rec.laneResults,
    series,
    meta: {
      // As the simulator's: crashes, and the drops that failed at a crashed process.
      ...(platform.crashes.length > 0 ? { crashes: { restarts: platform.crashes.length, ...rec.crashDropped } } : {}),
      // As the simulator's: mirrored copies, never users' requests (the proxy's log of them).
      ...(rec.mirrored.sent > 0 ? { mirrored: { ...rec.mirrored } } : {}),
      replay: {
        proxy: proxy.kind, speed, proxyReloads: proxy.reloads, proxyUnsettled: proxy.unsettled,
        proxyChangeMs: proxy.changeMs.map((x) => Math.round(x)), proxyStaleMs: proxy.staleMs.map((x) => Math.round(x)),
        proxyQuitMs: proxy.quitMs.map((x) => Math.round(x)),
        propagationMs: platform.propagationMs.filter(Number.isFinite).map((x) => Math.round(x)),
        startupMs: Object.fromEntries([...platform.startupMs].map(([svc, xs]) => [svc, xs.map((x) => Math.round(x))])),
        // Failing versions: every crash the platform saw, scenario ms (replay-platform.ts ReplayCrash).
        ...(platform.crashes.length > 0 ? { crashLog: platform.crashes.map((c) => ({ ...c, atMs: Math.round(c.atMs), ranMs: Math.round(c.ranMs) })) } : {}),
        lostOnServerClose: rec.lostOnServerClose, resentAfterClose: rec.resentAfterClose, outOfOrderResponses: rec.outOfOrderResponses,
        wallSeconds: r3(endReal / 1000), log: platform.log,
        ...(recordArrivals ? { arrivalsMs: rec.arrivals.map((x) => Math.round(x * speed)) } : {}),
      },
    },
  });
}
