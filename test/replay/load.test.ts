// The load generator against a bare local server (no proxy): what it does when the server
// drops a connection before answering.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLoad } from '../../replay/load.ts';
import { LoadRecorder } from '../../replay/recorder.ts';
import type { TrafficSpec } from '../../scenarios/types.ts';

/** A server that resets the connection of the first `resets` requests it sees, then answers 200. */
async function resettingServer(resets: number): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.method ?? '');
    if (seen.length <= resets) { req.socket.destroy(); return; }
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const oneArrival = (nonIdempotent: number): TrafficSpec =>
  ({ rate: 0, arrival: 'trace', rampTo: 0, rampDuration: 0, trace: [0], users: 1, headers: [], nonIdempotent });

async function runUntilSettled(traffic: TrafficSpec, port: number): Promise<LoadRecorder> {
  const rec = new LoadRecorder(1, 1000);
  const load = startLoad({ port, traffic, speed: 1, seed: 1, connections: 1 }, rec);
  // Up to 10 s: a loaded machine (the suite runs two files at once) can take seconds to settle.
  for (let i = 0; i < 500 && (rec.offered === 0 || rec.offered - rec.ok - rec.dropped !== 0); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200)); // room for anything that should not happen
  await load.stop();
  return rec;
}

test('a GET reset before any answer is re-sent once, even after the schedule is used up', async () => {
  const { server, port, seen } = await resettingServer(1);
  try {
    const rec = await runUntilSettled(oneArrival(0), port);
    assert.is(rec.offered, 1);
    assert.is(rec.resentAfterClose, 1);
    assert.is(rec.ok, 1, `ok ${rec.ok}, dropped ${rec.dropped}, server saw ${seen.join(',')}`);
    assert.equal(seen, ['GET', 'GET']);
  } finally { server.close(); }
});

test('a POST reset before any answer is a drop, never re-sent', async () => {
  const { server, port, seen } = await resettingServer(1);
  try {
    const rec = await runUntilSettled(oneArrival(1), port);
    assert.is(rec.offered, 1);
    assert.is(rec.byCause.reset, 1);
    assert.is(rec.resentAfterClose, 0);
    assert.equal(seen, ['POST']);
  } finally { server.close(); }
});

test.run();
