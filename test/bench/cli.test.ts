import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erlangC } from '../../bench/erlang.ts';
import { runRelsim, type Ran } from '../bin/relsim-process.ts';

/** One `relsim` process, without blocking this one (so several can run at once). */
const run = (...args: string[]): Promise<Ran> => runRelsim(args);

// The three CLI runs below are independent (stdout, a refused path, --help; no files
// written), and the two short ones are mostly start-up: the first test to need one starts
// all three side by side, and each test awaits its own.
const RUNS = {
  quick: ['bench', '--quick', '--json', '-'],
  missingDir: ['bench', '--quick', '--json', '/nonexistent-dir/x.json'],
  help: ['bench', '--help'],
};
let started: Record<keyof typeof RUNS, Promise<Ran>> | null = null;

/** The run named `name` (started with the others if it was not yet). */
function result(name: keyof typeof RUNS): Promise<Ran> {
  if (!started) {
    const s = {} as Record<keyof typeof RUNS, Promise<Ran>>;
    for (const [k, args] of Object.entries(RUNS) as [keyof typeof RUNS, string[]][]) {
      s[k] = run(...args);
      s[k].catch(() => undefined); // reported by the test that awaits it
    }
    started = s;
  }
  return started[name];
}

test('bench --quick --json - puts only the figures on stdout, the table on stderr', async () => {
  const r = await result('quick');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.schema, 'relsim.bench/1');
  assert.is(j.mode, 'quick');
  assert.ok(j.hold.length >= 2);
  for (const h of j.hold) {
    assert.ok(h.engine.eventsPerSec > 0 && h.engine.nsPerOp > 0);
    assert.is(h.engine.pendingAtEnd, h.engine.pending);
    if (!('skipped' in h.cpp)) assert.ok(h.ratioVsCpp > 0 && h.cpp.events > 0);
  }
  const m = j.mmc;
  const wq = erlangC(8, 6.4, 1).wq;
  assert.is(m.erlangC.wq, wq);
  assert.ok(m.engine.customersPerSec > 0 && m.engine.eventsPerSec > m.engine.customersPerSec);
  // Quick sizes are small (100k customers), so only a gross modelling error fails here.
  assert.ok(Math.abs(m.engine.meanWait - wq) / wq < 0.15, `engine wait ${m.engine.meanWait}`);
  for (const ref of [m.cpp, m.python]) {
    if ('skipped' in ref) continue;
    assert.ok(Math.abs(ref.meanWait - wq) / wq < 0.2, `reference wait ${ref.meanWait}`);
    assert.ok(ref.events > ref.customers);
  }
  assert.ok(m.engine.cpuMs > 0);
  if (!('skipped' in m.cpp)) {
    assert.ok(Math.abs(m.ratioVsCpp - m.engine.eventsPerSec / m.cpp.eventsPerSec) < 1e-9);
    assert.ok(m.cpp.cpuMs > 0 && m.ratioVsCppCpu > 0);
  }
  if (!('skipped' in m.python)) assert.ok(Math.abs(m.ratioVsSimpyEstimate / m.ratioVsPythonHeapq - 0.57 / 0.08) < 1e-9);
  assert.is(j.rss.runs.length, 2);
  assert.equal(j.rss.runs.map((x: { durationFactor: number }) => x.durationFactor), [1, 6]);
  for (const x of j.rss.runs) assert.ok(x.maxRssKb > 1000 && x.detail.events > 0);
  assert.ok(j.rss.runs[1].detail.events > 5 * j.rss.runs[0].detail.events, 'the 6× run simulated longer');
  const chain = j.chain;
  assert.ok(chain.throughput.requests > 0 && chain.throughput.events > chain.throughput.requests,
    'the chain run offered requests and each took several events');
  assert.is(chain.throughput.dropped, 0, 'the bench chain is sized to drop nothing');
  assert.ok(Math.abs(chain.throughput.requests - chain.throughput.rate * chain.throughput.simSeconds)
    < 5 * Math.sqrt(chain.throughput.rate * chain.throughput.simSeconds), 'Poisson arrivals at the configured rate');
  assert.ok(chain.throughput.requestsPerSec > 0);
  assert.is(chain.rss.runs.length, 2);
  assert.ok(chain.rss.runs[1].detail.requests > 4 * chain.rss.runs[0].detail.requests, 'the longer run simulated longer');
  assert.ok('skipped' in j.ceiling, 'quick mode does not measure the harness ceiling');
  assert.match(r.stderr, /Hold model/);
  assert.match(r.stderr, /M\/M\/8/);
  assert.match(r.stderr, /Peak RSS/);
  assert.match(r.stderr, /Chain model/);
});

test('bench --json into a missing directory: one line, exit 2, before measuring', async () => {
  const r = await result('missingDir');
  assert.is(r.status, 2);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /nonexistent-dir/);
  assert.not.match(r.stderr, /at .*\.ts/);
});

test('bench --help shows examples', async () => {
  const r = await result('help');
  assert.is(r.status, 0);
  assert.match(r.stdout, /--quick/);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /bench --json bench\.json/);
});

test.run();
