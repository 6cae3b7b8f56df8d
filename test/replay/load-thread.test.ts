// The load generator on its own thread: it keeps sending while the harness's thread is
// busy (a backend spawn, a proxy reload), each event keeps the time it happened, and
// stop() leaves nothing unaccounted for and no thread running.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openLoadThread } from '../../replay/load-thread.ts';
import { LoadRecorder } from '../../replay/recorder.ts';
import type { TrafficSpec } from '../../scenarios/types.ts';

/** An HTTP server in a child process, so blocking this thread does not block it. */
async function childServer(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e',
    "require('http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port); });"],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout!, 'data') as [Buffer];
  return { port: Number(String(line).trim()), stop: () => child.kill('SIGKILL') };
}

const RATE = 200;
const traffic: TrafficSpec = { rate: RATE, arrival: 'constant', rampTo: RATE, rampDuration: 0, trace: [], users: 10, headers: [], nonIdempotent: 0 };

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the harness's thread, stalled */ }
}

test('requests go out on schedule while this thread is blocked, stamped when they were sent', async () => {
  const server = await childServer();
  const rec = new LoadRecorder(1, 100);
  const load = await openLoadThread({ port: server.port, traffic, speed: 1, seed: 1 }, rec);
  try {
    rec.restart();
    load.start();
    await new Promise((r) => setTimeout(r, 300));
    const blockFrom = rec.now();
    busy(400);
    const blockTo = rec.now();
    await new Promise((r) => setTimeout(r, 300));
    await load.stop();
    assert.is(load.failure, null);
    const during = rec.arrivals.filter((t) => t >= blockFrom && t < blockTo).length;
    const expected = RATE * (blockTo - blockFrom) / 1000;
    // In this thread the load would have sent nothing while blocked (at most one burst after).
    assert.ok(during > 0.7 * expected, `${during} sent while blocked, expected about ${expected.toFixed(0)}`);
    for (let i = 1; i < rec.arrivals.length; i++) assert.ok(rec.arrivals[i] >= rec.arrivals[i - 1], 'arrivals in order');
    assert.is(rec.ok + rec.dropped + rec.inFlight, rec.offered);
    assert.ok(rec.ok > 0.9 * rec.offered, `${rec.ok} of ${rec.offered} answered`);
    assert.ok(rec.offered > 0.7 * RATE, `${rec.offered} offered in about a second`);
  } finally {
    await load.stop();
    server.stop();
  }
});

test('a load thread that cannot start its load says why, and stops', async () => {
  const rec = new LoadRecorder(1, 100);
  const bad = { port: 1, traffic: { ...traffic, headers: null as never }, speed: 1, seed: 1 };
  const load = await openLoadThread(bad, rec);
  rec.restart();
  load.start();
  const until = performance.now() + 5_000;
  while (!load.failure && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.ok(load.failure, 'the failure reaches this thread');
  await load.stop();
});

test.run();
