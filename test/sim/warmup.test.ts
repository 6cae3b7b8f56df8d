// Online side: cold instances, slow start curves, and the balancers' choices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { scale, sleep, waitReady, type Plan } from '../../strategies/protocol.ts';
import { slowStartFactor } from '../../sim/balancers/slow-start.ts';
import { smoothPick, type SmoothPeers } from '../../sim/balancers/smooth-wrr.ts';

const cold = (slowStart: string) => scenario(`
seed: 5
duration: 270s
services:
  api:
    replicas: 4
    versions: [v1, v2]
    concurrency: 16
    queue: 50
    serviceTime: {lognormal: {median: 20ms, p99: 60ms}}
    coldStart: {factor: 10, decay: 20s}
    readinessProbe: {periodSeconds: 1}
    preStop: 6s
entry: {service: api, client: {lb: {algorithm: round-robin${slowStart}}, timeout: 150ms}}
registry: {push: {delay: {uniform: {min: 1s, max: 5s}}}}
traffic: {rate: 400}
`);

/**
 * One instance at a time, 60 s apart, so warm instances are there to take the load (when
 * every instance is new, slow start has nothing to shift traffic to — as in Envoy).
 */
function* paced(): Plan {
  for (let k = 1; k <= 4; k++) {
    yield* scale('api', 'v2', k);
    yield* waitReady('api', 'v2', k);
    yield* scale('api', 'v1', 4 - k);
    yield* sleep(60_000);
  }
}

test('cold instances without slow start time out; Envoy slow start over 60 s cuts it', () => {
  const plain = simulate(cold(''), { plan: paced() });
  const slow = simulate(cold(', slowStart: {mode: envoy, window: 60s}'), { plan: paced() });
  const tp = plain.requests.byCause.timeout, ts = slow.requests.byCause.timeout;
  assert.ok(tp > 100, `timeouts without slow start: ${tp}`);
  assert.ok(ts < tp / 3, `timeouts with slow start ${ts} vs ${tp}`);
  const peakP99 = (r: typeof plain) => Math.max(...r.timeline.series.p99Ms);
  assert.ok(peakP99(plain) > peakP99(slow), `p99 spike ${peakP99(plain)} vs ${peakP99(slow)}`);
});

function* addOneAt(ms: number): Plan {
  yield* sleep(ms);
  yield* scale('api', 'v2', 1);
}

test('the share of a new instance follows the slow-start curve', () => {
  const sc = scenario(`
seed: 1
duration: 100s
services:
  api: {replicas: 3, versions: [v1, v2], concurrency: 64, serviceTime: 5ms, readinessProbe: {periodSeconds: 1}}
entry: {service: api, client: {lb: {algorithm: round-robin, slowStart: {mode: envoy, window: 60s, aggression: 2}}}}
registry: {push: {delay: 0ms}}
traffic: {rate: 1000, arrival: constant}
`);
  const r = simulate(sc, { plan: addOneAt(10_000) });
  const share = r.timeline.series['share.api.v2'];
  // ready at the first probe tick after start (t = 10 s), joins the balancer then
  const joined = 10_000;
  const spec = { mode: 'envoy' as const, window: 60_000, aggression: 2, minWeightPercent: 10 };
  for (const sec of [15, 25, 40, 55, 80]) {
    const mid = sec * 1000 + 500 - joined;
    const w = slowStartFactor(spec, mid);
    const expected = w / (3 + w);
    assert.ok(Math.abs(share[sec] - expected) < 0.03, `t=${sec}s share ${share[sec]} expected ${expected.toFixed(3)}`);
  }
});

test('slow-start curves: Envoy floor and aggression, Dubbo linear floor, high-order curve', () => {
  const envoy = { mode: 'envoy' as const, window: 60_000, aggression: 1, minWeightPercent: 10 };
  assert.is(slowStartFactor(envoy, 0), 0.1);
  assert.is(slowStartFactor(envoy, 30_000), 0.5);
  assert.is(slowStartFactor(envoy, 60_000), 1);
  assert.ok(Math.abs(slowStartFactor({ ...envoy, aggression: 2 }, 15_000) - 0.5) < 1e-12); // (1/4)^(1/2)
  const dubbo = { mode: 'dubbo' as const, window: 600_000, weight: 100 };
  assert.is(slowStartFactor(dubbo, 0), 0.01);
  assert.is(slowStartFactor(dubbo, 300_000), 0.5);
  const curve = { mode: 'curve' as const, window: 100_000, exponent: 2 };
  assert.is(slowStartFactor(curve, 50_000), 0.25);
});

test('nginx smooth WRR: weights {5,1,1} pick a a b a c a a and converge to the ratio', () => {
  const n = 3;
  const peers: SmoothPeers = { w: Float64Array.from([5, 1, 1]), ew: Float64Array.from([5, 1, 1]), cw: new Float64Array(n), fails: new Int32Array(n), checked: new Float64Array(n), accessed: new Float64Array(n) };
  const all = { eligible: () => true };
  const names = 'abc';
  const seq = Array.from({ length: 7 }, () => names[smoothPick(peers, n, all, 0, 0, 10_000)]).join(' ');
  assert.is(seq, 'a a b a c a a');
  const counts = [0, 0, 0];
  for (let k = 0; k < 7000; k++) counts[smoothPick(peers, n, all, 0, 0, 10_000)]++;
  assert.equal(counts, [5000, 1000, 1000]);
});

test('least-request (P2C) sends less to a slow instance than round-robin does', () => {
  const sc = (lb: string) => scenario(`
seed: 2
duration: 60s
services:
  api:
    replicas: 3
    versions: {v1: {}, slow: {latencyFactor: 8}}
    concurrency: 32
    serviceTime: {exponential: {mean: 10ms}}
    readinessProbe: {periodSeconds: 1}
entry: {service: api, client: {lb: ${lb}}}
registry: {push: {delay: 0ms}}
traffic: {rate: 600}
`);
  function* addSlow(): Plan { yield* scale('api', 'slow', 1); }
  const share = (lb: string) => {
    const s = simulate(sc(lb), { plan: addSlow() }).timeline.series['share.api.slow'];
    const tail = s.slice(10, 60);
    return tail.reduce((a, b) => a + b, 0) / tail.length;
  };
  const rr = share('round-robin'), p2c = share('least-request');
  assert.ok(Math.abs(rr - 0.25) < 0.02, `round-robin share ${rr}`);
  assert.ok(p2c < rr - 0.05, `least-request share ${p2c} vs round-robin ${rr}`);
});

test.run();
