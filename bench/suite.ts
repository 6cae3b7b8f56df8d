/**
 * The whole `relsim bench` run: engine hold model, M/M/8 on the engine against C++ and
 * Python references measured in the same run, peak RSS per simulated duration, and the
 * harness ceiling when the replay tooling is there. Returns machine-readable figures;
 * bench/format.ts turns them into the table.
 *
 *   const report = await runBench({ quick: false, log: (l) => process.stderr.write(l + '\n') });
 */
import { cpus } from 'node:os';
import { benchHold, type HoldResult } from './hold.ts';
import { benchMmc, type MmcOptions, type MmcResult } from './mmc.ts';
import { erlangC, type ErlangC } from './erlang.ts';
import { buildCpp, runPythonMmc, pythonVersion, isSkipped, type NativeHold, type NativeMmc, type Skipped }
  from './references.ts';
import { peakRss, type RssRun } from './peak-rss.ts';
import { measureCeilingIfPresent } from './ceiling.ts';
import { benchChain, type ChainResult } from './chain.ts';

export interface BenchOptions {
  /** Tiny sizes: seconds instead of a minute (for tests and a smoke check). */
  quick: boolean;
  /** Run the C++ and Python references (default true). */
  references?: boolean;
  /** Run the peak-RSS child processes (default true). */
  rss?: boolean;
  /** Measure the replay harness ceiling when nginx and bench/harness-ceiling.ts exist (default: !quick). */
  ceiling?: boolean;
  /** Run the gateway → a → b → c chain through simulate() (default true). */
  chain?: boolean;
  /** Progress lines (what is running now). */
  log?: (line: string) => void;
}

/** SimPy 4.1.2 ran 7.1× slower than the Python heapq loop (research/des-performance.md). */
export const SIMPY_SLOWER_THAN_HEAPQ = 0.57 / 0.08;
/** SimPy 4.1.2's own M/M/8 rate on this machine kind, events/s (same research note). */
export const SIMPY_EVENTS_PER_SEC_RESEARCH = 0.08e6;

export interface HoldRow {
  engine: HoldResult;
  cpp: NativeHold | Skipped;
  /** C++ ns/op ÷ engine ns/op: the engine's speed as a fraction of C++. */
  ratioVsCpp: number | null;
  /** The same on process CPU time (less disturbed by other processes on a shared machine). */
  ratioVsCppCpu: number | null;
}

export interface BenchReport {
  schema: 'relsim.bench/1';
  mode: 'quick' | 'full';
  env: { node: string; cpus: number; cpuModel: string; gxx: string | null; python: string | null };
  hold: HoldRow[];
  mmc: {
    c: number; lambda: number; mu: number; rho: number;
    erlangC: ErlangC;
    /** Repetitions, interleaved engine/C++/Python; the fastest of each is reported. */
    repetitions: number;
    engine: MmcResult;
    cpp: NativeMmc | Skipped;
    python: NativeMmc | Skipped;
    ratioVsCpp: number | null;
    /** engine ÷ C++ on process CPU time per event. */
    ratioVsCppCpu: number | null;
    ratioVsPythonHeapq: number | null;
    /** ratioVsPythonHeapq × SIMPY_SLOWER_THAN_HEAPQ: SimPy itself cannot be installed here. */
    ratioVsSimpyEstimate: number | null;
    /** engine events/s ÷ SimPy's events/s from the research note (not measured in this run). */
    ratioVsSimpyResearchFigure: number;
    /** Targets from issue 2: ≥ 0.5× C++ and ≥ 50× SimPy. */
    targets: { vsCpp: number; vsSimpy: number };
  };
  rss: RssReport | Skipped;
  chain: {
    /** What was simulated (bench/chain.ts). */
    scenario: string;
    /** Best of `repetitions` timed runs. */
    repetitions: number;
    throughput: ChainResult;
    /** Issue 3's target: simulated requests/s on one core. */
    targetRequestsPerSec: number;
    /** Peak RSS at two simulated durations (size = simulated minutes), at a lower rate. */
    rss: RssReport & { rate: number };
  } | Skipped;
  ceiling: unknown;
}

export interface RssReport {
  model: string;
  runs: (RssRun & { durationFactor: number })[];
  /** Peak RSS of the longest run ÷ the shortest. */
  growth: number;
}

interface Sizes {
  hold: { pending: number; events: number; warmupEvents: number }[];
  mmcCustomers: number; mmcWarmup: number; repetitions: number;
  pythonCustomers: number;
  rssCustomers: number;
  chain: { simSeconds: number; rate: number; rssMinutes: number[]; rssRate: number };
}

const FULL: Sizes = {
  hold: [
    { pending: 1e3, events: 5e6, warmupEvents: 1e6 },
    { pending: 1e5, events: 5e6, warmupEvents: 1e6 },
    // 1M pending is memory-bound (≈ 700 ns/op): fewer events keep the whole bench near a minute.
    { pending: 1e6, events: 2e6, warmupEvents: 1e6 },
  ],
  mmcCustomers: 5e6, mmcWarmup: 5e5, repetitions: 2,
  pythonCustomers: 5e5,
  rssCustomers: 1e6,
  chain: { simSeconds: 60, rate: 5000, rssMinutes: [10, 60], rssRate: 500 },
};

const QUICK: Sizes = {
  hold: [
    { pending: 1e3, events: 1e5, warmupEvents: 1e4 },
    { pending: 1e4, events: 1e5, warmupEvents: 1e4 },
  ],
  mmcCustomers: 1e5, mmcWarmup: 1e4, repetitions: 1,
  pythonCustomers: 1e4,
  rssCustomers: 2e4,
  chain: { simSeconds: 5, rate: 2000, rssMinutes: [0.5, 3], rssRate: 100 },
};

const C = 8, LAMBDA = 6.4, MU = 1, SEED = 1;
const RSS_FACTORS = [1, 6];

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const sizes = opts.quick ? QUICK : FULL;
  const log = opts.log ?? (() => {});
  const withRefs = opts.references ?? true;
  const cpp = withRefs ? buildCpp() : { skipped: 'references not requested' };
  const python = withRefs ? pythonVersion() : null;
  try {
    // Interleaved and best-of-N (here and for M/M/c), because the machine is shared and a
    // neighbour's burst should not be mistaken for the engine's speed.
    const hold: HoldRow[] = sizes.hold.map((h) => {
      let engine: HoldResult | null = null;
      let ref: NativeHold | Skipped = isSkipped(cpp) ? cpp : { skipped: '' };
      for (let rep = 1; rep <= sizes.repetitions; rep++) {
        log(`hold model, ${h.pending} pending, run ${rep}/${sizes.repetitions}: engine`);
        const e = benchHold({ ...h, seed: SEED + rep - 1 });
        if (!engine || e.nsPerOp < engine.nsPerOp) engine = e;
        if (!isSkipped(cpp)) {
          log(`hold model, ${h.pending} pending, run ${rep}/${sizes.repetitions}: C++`);
          const r = cpp.hold({ ...h, seed: SEED + rep - 1 });
          if (isSkipped(ref) || r.nsPerOp < ref.nsPerOp) ref = r;
        }
      }
      return { engine: engine!, cpp: ref, ratioVsCpp: isSkipped(ref) ? null : ref.nsPerOp / engine!.nsPerOp,
        ratioVsCppCpu: isSkipped(ref) ? null : ref.cpuNsPerOp / engine!.cpuNsPerOp };
    });

    const mmcOpts: MmcOptions = { c: C, lambda: LAMBDA, mu: MU, customers: sizes.mmcCustomers,
      warmupCustomers: sizes.mmcWarmup, seed: SEED };
    let engine: MmcResult | null = null;
    let cppMmc: NativeMmc | Skipped = isSkipped(cpp) ? cpp : { skipped: '' };
    let pyMmc: NativeMmc | Skipped = withRefs ? { skipped: 'python3 not installed' } : { skipped: 'references not requested' };
    for (let rep = 1; rep <= sizes.repetitions; rep++) {
      log(`M/M/${C}, run ${rep}/${sizes.repetitions}: engine`);
      const e = benchMmc({ ...mmcOpts, seed: SEED + rep - 1 });
      if (!engine || e.eventsPerSec > engine.eventsPerSec) engine = e;
      if (!isSkipped(cpp)) {
        log(`M/M/${C}, run ${rep}/${sizes.repetitions}: C++`);
        const r = cpp.mmc({ ...mmcOpts, seed: SEED + rep - 1 });
        if (isSkipped(cppMmc) || r.eventsPerSec > cppMmc.eventsPerSec) cppMmc = r;
      }
      if (python && rep === 1) {
        log(`M/M/${C}: Python heapq`);
        pyMmc = runPythonMmc({ ...mmcOpts, customers: sizes.pythonCustomers,
          warmupCustomers: sizes.pythonCustomers / 10 });
      }
    }
    const e = engine!;
    const ratioVsCpp = isSkipped(cppMmc) ? null : e.eventsPerSec / cppMmc.eventsPerSec;
    const ratioVsCppCpu = isSkipped(cppMmc) ? null : (cppMmc.cpuMs / cppMmc.events) / (e.cpuMs / e.events);
    const ratioVsPy = isSkipped(pyMmc) ? null : e.eventsPerSec / pyMmc.eventsPerSec;

    let rss: BenchReport['rss'] = { skipped: 'not requested' };
    if (opts.rss ?? true) {
      log(`peak RSS: M/M/${C} in child processes at ${RSS_FACTORS.join('× and ')}×`);
      const runs = peakRss('mmc', RSS_FACTORS.map((f) => f * sizes.rssCustomers), SEED)
        .map((r, i) => ({ ...r, durationFactor: RSS_FACTORS[i] }));
      rss = rssReport(`M/M/${C} (size = customers)`, runs);
    }

    let chain: BenchReport['chain'] = { skipped: 'not requested' };
    if (opts.chain ?? true) {
      const c = sizes.chain;
      let best: ChainResult | null = null;
      for (let rep = 1; rep <= sizes.repetitions; rep++) {
        log(`chain gateway → a → b → c, run ${rep}/${sizes.repetitions}: ${c.simSeconds} simulated s at ${c.rate} req/s`);
        const r = benchChain({ simSeconds: c.simSeconds, rate: c.rate, seed: SEED + rep - 1 });
        if (!best || r.requestsPerSec > best.requestsPerSec) best = r;
      }
      let chainRss: RssReport = { model: 'chain', runs: [], growth: NaN };
      if (opts.rss ?? true) {
        log(`peak RSS: chain in child processes at ${c.rssMinutes.join(' and ')} simulated minutes`);
        const base = c.rssMinutes[0];
        chainRss = rssReport(`chain at ${c.rssRate} req/s (size = simulated minutes)`,
          peakRss('chain', c.rssMinutes, SEED, [c.rssRate]).map((r) => ({ ...r, durationFactor: r.size / base })));
      }
      chain = {
        scenario: 'gateway → a → b → c (entry proxy + 3 services × 4 instances × 32 slots, exponential 4 ms work), ' +
          'push registry with per-caller delays, least-request / smooth-wrr / round-robin, timeouts + 1 retry, no release',
        repetitions: sizes.repetitions, throughput: best!, targetRequestsPerSec: 500_000,
        rss: { ...chainRss, rate: c.rssRate },
      };
    }

    const wantCeiling = opts.ceiling ?? !opts.quick;
    const ceiling = wantCeiling ? await measureCeilingIfPresent(log) : { skipped: 'not requested' };

    return {
      schema: 'relsim.bench/1',
      mode: opts.quick ? 'quick' : 'full',
      env: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown',
        gxx: isSkipped(cpp) ? null : cpp.compiler, python },
      hold,
      mmc: {
        c: C, lambda: LAMBDA, mu: MU, rho: LAMBDA / (C * MU), erlangC: erlangC(C, LAMBDA, MU),
        repetitions: sizes.repetitions, engine: e, cpp: cppMmc, python: pyMmc,
        ratioVsCpp, ratioVsCppCpu, ratioVsPythonHeapq: ratioVsPy,
        ratioVsSimpyEstimate: ratioVsPy === null ? null : ratioVsPy * SIMPY_SLOWER_THAN_HEAPQ,
        ratioVsSimpyResearchFigure: e.eventsPerSec / SIMPY_EVENTS_PER_SEC_RESEARCH,
        targets: { vsCpp: 0.5, vsSimpy: 50 },
      },
      rss,
      chain,
      ceiling,
    };
  } finally {
    if (!isSkipped(cpp)) cpp.dispose();
  }
}

function rssReport(model: string, runs: (RssRun & { durationFactor: number })[]): RssReport {
  return { model, runs, growth: runs.length > 1 ? runs[runs.length - 1].maxRssKb / runs[0].maxRssKb : NaN };
}
