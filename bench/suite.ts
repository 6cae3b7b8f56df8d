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

export interface BenchOptions {
  /** Tiny sizes: seconds instead of a minute (for tests and a smoke check). */
  quick: boolean;
  /** Run the C++ and Python references (default true). */
  references?: boolean;
  /** Run the peak-RSS child processes (default true). */
  rss?: boolean;
  /** Measure the replay harness ceiling when nginx and bench/replay/ceiling.ts exist (default: !quick). */
  ceiling?: boolean;
  /** Progress lines (what is running now). */
  log?: (line: string) => void;
}

/** SimPy 4.1.2 ran 7.1× slower than the Python heapq loop (research/des-performance.md). */
export const SIMPY_SLOWER_THAN_HEAPQ = 0.57 / 0.08;

export interface HoldRow {
  engine: HoldResult;
  cpp: NativeHold | Skipped;
  /** C++ ns/op ÷ engine ns/op: the engine's speed as a fraction of C++. */
  ratioVsCpp: number | null;
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
    ratioVsPythonHeapq: number | null;
    /** ratioVsPythonHeapq × SIMPY_SLOWER_THAN_HEAPQ: SimPy itself cannot be installed here. */
    ratioVsSimpyEstimate: number | null;
    /** Targets from issue 2: ≥ 0.5× C++ and ≥ 50× SimPy. */
    targets: { vsCpp: number; vsSimpy: number };
  };
  rss: { model: string; runs: (RssRun & { durationFactor: number })[]; growth: number } | Skipped;
  ceiling: unknown;
}

interface Sizes {
  hold: { pending: number; events: number; warmupEvents: number }[];
  mmcCustomers: number; mmcWarmup: number; repetitions: number;
  pythonCustomers: number;
  rssCustomers: number;
}

const FULL: Sizes = {
  hold: [
    { pending: 1e3, events: 10e6, warmupEvents: 1e6 },
    { pending: 1e5, events: 10e6, warmupEvents: 1e6 },
    // 1M pending is memory-bound (≈ 700 ns/op): fewer events keep the whole bench near a minute.
    { pending: 1e6, events: 3e6, warmupEvents: 1e6 },
  ],
  mmcCustomers: 5e6, mmcWarmup: 5e5, repetitions: 3,
  pythonCustomers: 5e5,
  rssCustomers: 1e6,
};

const QUICK: Sizes = {
  hold: [
    { pending: 1e3, events: 1e5, warmupEvents: 1e4 },
    { pending: 1e4, events: 1e5, warmupEvents: 1e4 },
  ],
  mmcCustomers: 1e5, mmcWarmup: 1e4, repetitions: 1,
  pythonCustomers: 1e4,
  rssCustomers: 2e4,
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
    const hold: HoldRow[] = sizes.hold.map((h) => {
      log(`hold model, ${h.pending} pending: engine`);
      const engine = benchHold({ ...h, seed: SEED });
      let ref: NativeHold | Skipped = isSkipped(cpp) ? cpp : { skipped: '' };
      if (!isSkipped(cpp)) {
        log(`hold model, ${h.pending} pending: C++`);
        ref = cpp.hold({ ...h, seed: SEED });
      }
      return { engine, cpp: ref, ratioVsCpp: isSkipped(ref) ? null : ref.nsPerOp / engine.nsPerOp };
    });

    const mmcOpts: MmcOptions = { c: C, lambda: LAMBDA, mu: MU, customers: sizes.mmcCustomers,
      warmupCustomers: sizes.mmcWarmup, seed: SEED };
    let engine: MmcResult | null = null;
    let cppMmc: NativeMmc | Skipped = isSkipped(cpp) ? cpp : { skipped: '' };
    let pyMmc: NativeMmc | Skipped = withRefs ? { skipped: 'python3 not installed' } : { skipped: 'references not requested' };
    // Interleaved and best-of-N, because the machine is shared and a neighbour's burst
    // should not be mistaken for the engine's speed.
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
    const ratioVsPy = isSkipped(pyMmc) ? null : e.eventsPerSec / pyMmc.eventsPerSec;

    let rss: BenchReport['rss'] = { skipped: 'not requested' };
    if (opts.rss ?? true) {
      log(`peak RSS: M/M/${C} in child processes at ${RSS_FACTORS.join('× and ')}×`);
      const runs = peakRss('mmc', RSS_FACTORS.map((f) => f * sizes.rssCustomers), SEED)
        .map((r, i) => ({ ...r, durationFactor: RSS_FACTORS[i] }));
      rss = { model: `M/M/${C} (size = customers)`, runs, growth: runs[runs.length - 1].maxRssKb / runs[0].maxRssKb };
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
        ratioVsCpp, ratioVsPythonHeapq: ratioVsPy,
        ratioVsSimpyEstimate: ratioVsPy === null ? null : ratioVsPy * SIMPY_SLOWER_THAN_HEAPQ,
        targets: { vsCpp: 0.5, vsSimpy: 50 },
      },
      rss,
      ceiling,
    };
  } finally {
    if (!isSkipped(cpp)) cpp.dispose();
  }
}
