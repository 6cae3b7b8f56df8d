// Keep-alive connections (client.pool, services.<s>.keepAlive) against closed forms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario, conserved, deregistrationRace, replaceAll } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { Model } from '../../sim/model/model.ts';
import { sleep as engineSleep } from '../../sim/kernel/engine.ts';
import { explain } from '../../reports/explain.ts';

// ---- 1. a backend idle timeout shorter than the caller's: resets without any release ------
//
// One caller, one instance, Poisson arrivals at λ = 0.5/s, service 1 ms: one connection,
// idle between requests. The server closes it after Tb = 1 s idle; the caller keeps it for
// 60 s and notices a close only δ = 200 ms after it happens. A request whose gap since the
// last response (X − s, X ~ Exp(λ)) falls in [Tb, Tb + δ) is written to a dead socket:
// q = e^(−λ(Tb+s)) − e^(−λ(Tb+s+δ)). The request after a reset finds no pooled connection
// and opens one (it cannot be reset), so the stationary reset share is q / (1 + q).

const mismatch = (serverTimeout: string, callerIdle: string) => scenario(`
seed: 1
duration: 10h
services:
  api: {replicas: 1, concurrency: 64, serviceTime: 1ms, keepAlive: {timeout: ${serverTimeout}}}
entry: {service: api, client: {pool: {idleTimeout: ${callerIdle}, closeNotice: 200ms}}}
traffic: {rate: 0.5, users: 100}
`);

test('idle-timeout mismatch: the reset rate on a steady system matches the closed form', () => {
  const lambda = 0.5 / 1000, Tb = 1000, s = 1, d = 200;
  const q = Math.exp(-lambda * (Tb + s)) - Math.exp(-lambda * (Tb + s + d));
  const p = q / (1 + q);
  for (const seed of [1, 2]) {
    const r = simulate(mismatch('1s', '60s'), { seed });
    const n = r.requests.offered;
    const want = n * p, sd = Math.sqrt(n * p * (1 - p));
    const got = r.requests.byCause.reset;
    assert.ok(Math.abs(got - want) <= 4 * sd, `seed ${seed}: ${got} resets of ${n}, closed form ${want.toFixed(1)} ± ${(4 * sd).toFixed(1)}`);
    assert.is(r.meta!.connections!.staleResets, got, 'every reset is a stale connection');
    assert.is(r.requests.dropped, got);
    assert.ok(conserved(r));
  }
});

test('the explanation names stale connections, not killed instances, when they caused the resets', () => {
  const why = explain(simulate(mismatch('1s', '60s'), { seed: 1 }));
  assert.match(why, /keep-alive connections the server had just closed/);
  assert.match(why, /keepAlive\.timeout > pool\.idleTimeout/);
  assert.not.match(why, /still in flight when instances were killed/);
});

test('no mismatch, no resets: the caller closes first, or the server never does', () => {
  for (const [server, caller] of [['1s', '500ms'], ['0s', '60s']]) {
    const r = simulate(mismatch(server, caller));
    assert.is(r.requests.dropped, 0, `server ${server}, caller ${caller}: ${JSON.stringify(r.requests.byCause)}`);
  }
  // The server never closing: one connection carries nearly everything.
  const kept = simulate(mismatch('0s', '60s')).meta!.connections!;
  assert.ok(kept.opened <= 20 && kept.reused > 17_000, JSON.stringify(kept)); // a new one only when two requests overlap
});

test('without a pool nothing changes: the same run, byte for byte, and no connection figures', () => {
  const plain = deregistrationRace({});
  const r = replaceAll(plain, 'api');
  assert.is(r.meta!.connections, undefined);
  assert.ok(r.requests.dropped > 0);
  const withKeepAlive = { ...plain, services: plain.services.map((s) => ({ ...s, instance: { ...s.instance, keepAlive: { timeout: 5_000, onShutdown: 'none' as const } } })) };
  assert.is(JSON.stringify(replaceAll(withKeepAlive, 'api')), JSON.stringify(r));
});

// ---- 2. what a server does with its connections at SIGTERM ---------------------------------
//
// The deregistration race (four instances replaced one by one, callers still list a
// stopped one for 1–5 s) with a pool whose connections are never idle long: a graceful
// server that closes only its listener (`none`) keeps serving every caller that reaches it
// over a pooled connection, so nothing is refused; one that closes its idle connections at
// SIGTERM (`close-idle`) leaves callers to find out: requests inside closeNotice are reset,
// later ones open a new connection and are refused, as without a pool.

const race = (onShutdown: string, closeNotice = '1ms') => deregistrationRace({
  extra: `keepAlive: {onShutdown: ${onShutdown}}`,
  client: `{lb: round-robin, pool: {closeNotice: ${closeNotice}}}`,
});

test('SIGTERM: none keeps pooled connections serving (refused only when every pooled one is busy); close-idle refuses as without a pool', () => {
  const plain = replaceAll(deregistrationRace({}), 'api');
  assert.ok(plain.requests.byCause.refused > 100, `the race refuses without a pool: ${JSON.stringify(plain.requests.byCause)}`);
  const none = replaceAll(race('none'), 'api');
  // A new connection is needed only when both pooled ones are busy (≈ 1 request in 20 here).
  assert.ok(none.requests.byCause.refused < 0.1 * plain.requests.byCause.refused, `none: ${JSON.stringify(none.requests.byCause)}`);
  assert.is(none.requests.byCause.reset, 0);
  const closeIdle = replaceAll(race('close-idle'), 'api');
  const ratio = closeIdle.requests.byCause.refused / plain.requests.byCause.refused;
  assert.ok(ratio > 0.9 && ratio < 1.1, `close-idle refused ${closeIdle.requests.byCause.refused} vs ${plain.requests.byCause.refused} without a pool`);
});

test('close-idle: a request inside closeNotice after SIGTERM is reset, once per idle connection it finds', () => {
  // 50 req/s reach each instance: a 1 ms window is met about 0.05 times per instance, a
  // 500 ms one always; each reset discards one dead connection, and once the pool is
  // empty the next request opens a new one and is refused.
  const short = replaceAll(race('close-idle', '1ms'), 'api').meta!.connections!;
  const long = replaceAll(race('close-idle', '500ms'), 'api').meta!.connections!;
  assert.ok(short.staleResets <= 2, `1 ms: ${JSON.stringify(short)}`);
  assert.ok(long.staleResets >= 4 && long.staleResets <= long.opened, `500 ms: ${JSON.stringify(long)}`);
});

test('survivesUpdates: false (an nginx reload per change) empties the pool at every update the caller applies', () => {
  const race2 = (survives: boolean) => replaceAll(deregistrationRace({
    extra: 'keepAlive: {onShutdown: none}',
    client: `{lb: round-robin, pool: {survivesUpdates: ${survives}}}`,
  }), 'api');
  const kept = race2(true), emptied = race2(false);
  // Emptied pools reopen a connection after each update: to a stopped instance that is
  // still listed, refused. Kept ones reach it over the old connections.
  assert.ok(emptied.requests.byCause.refused > 5 * Math.max(1, kept.requests.byCause.refused), `refused ${kept.requests.byCause.refused} kept vs ${emptied.requests.byCause.refused} emptied`);
  // Eight updates reach the gateway (four instances added, four removed): at least one new connection after each.
  assert.ok(emptied.meta!.connections!.opened >= kept.meta!.connections!.opened + 8, `${JSON.stringify(kept.meta!.connections)} vs ${JSON.stringify(emptied.meta!.connections)}`);
});

// ---- 3. HTTP/2 connection-level balancing: a new instance waits for connections to age out --
//
// Four front instances each hold one HTTP/2 connection to api (a Service VIP: the
// balancer picks an instance per connection, at random), opened at their first request just
// after t = 0 and closed at maxAge = 60 s. A v2 instance added at 10 s gets no request until
// the first expiry; there each front reconnects to one of three instances, so v2 is picked
// in the first round with probability 1 − (2/3)^4 = 0.802, else in a later round.

function firstV2Seconds(connections: number, seed: number): number {
  const m = new Model(scenario(`
seed: ${seed}
duration: 200s
services:
  front: {replicas: 4, concurrency: 64, serviceTime: 1ms, calls: [{service: api, client: {lb: random, pool: {http2: true, connections: ${connections}, maxAge: 60s}}}]}
  api: {replicas: 2, versions: [v1, v2], concurrency: 64, serviceTime: 1ms, readinessProbe: {periodSeconds: 1}}
entry: front
registry: {push: {delay: 0ms}}
traffic: {rate: 100, users: 1000}
`), seed);
  m.engine.process((function* () {
    yield engineSleep(10_000);
    m.scale('api', 'v2', 1);
  })());
  m.run();
  const share = m.result('sim').timeline.series['share.api.v2'];
  const b = share.findIndex((x) => x > 0);
  return b < 0 ? Infinity : b;
}

test('HTTP/2 pinned connections: a new instance waits for maxAge, then wins a round with 1 − (2/3)^4', () => {
  const SEEDS = 40;
  const waits = Array.from({ length: SEEDS }, (_, k) => firstV2Seconds(1, k + 1));
  // Never before the first expiry, and only right at an expiry (connections open within the first second).
  assert.ok(waits.every((w) => w % 60 === 0 && w >= 60), `first v2 second per seed: ${waits.join(' ')}`);
  const firstRound = waits.filter((w) => w === 60).length;
  const p = 1 - (2 / 3) ** 4, sd = Math.sqrt(SEEDS * p * (1 - p));
  assert.ok(Math.abs(firstRound - SEEDS * p) <= 4 * sd, `${firstRound} of ${SEEDS} seeds in the first round, closed form ${(SEEDS * p).toFixed(1)} ± ${(4 * sd).toFixed(1)}`);
  // Balancing each request instead, v2 has traffic within a second or two of joining.
  assert.ok(firstV2Seconds(0, 1) <= 12, 'request-level balancing reaches v2 at once');
});

test.run();
