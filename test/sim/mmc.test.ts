// The engine against queueing theory: M/M/c mean wait (Erlang C) and Little's law.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Model } from '../../sim/model/model.ts';
import { erlangC } from '../../bench/erlang.ts';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';

const C = 8, MEAN_MS = 20, RATE = 320; // ρ = 320 / (8 × 50) = 0.8
const mmc = (seed: number, duration = '625s') => scenario(`
seed: ${seed}
duration: ${duration}
services:
  api: {replicas: 1, concurrency: ${C}, queue: 1000000, serviceTime: {exponential: {mean: ${MEAN_MS}ms}}}
traffic: {rate: ${RATE}}
`);

test('M/M/8 at rho 0.8: mean wait matches Erlang C within 3%, Little holds within 2%', () => {
  const lambda = RATE / 1000, mu = 1 / MEAN_MS;
  const meanWait = erlangC(C, lambda, mu).wq;
  let waitSum = 0, starts = 0, customers = 0;
  const littleErrors: number[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const m = new Model(mmc(seed), seed); // 625 s × 320/s ≈ 200k customers per seed
    m.run();
    // one service: its queue waits are all the model's
    waitSum += m.serviceStats.waitSum[0];
    starts += m.serviceStats.starts[0];
    customers += m.metrics.ok;
    const W = m.metrics.overall.mean();
    const L = m.meanInSystem();
    const lambdaHat = m.metrics.offered / m.engine.now;
    littleErrors.push(Math.abs(L - lambdaHat * W) / L);
  }
  const wq = waitSum / starts;
  assert.ok(customers > 900_000, `customers ${customers}`);
  const err = Math.abs(wq - meanWait) / meanWait;
  assert.ok(err < 0.03, `mean wait ${wq.toFixed(4)} ms vs Erlang C ${meanWait.toFixed(4)} ms (${(err * 100).toFixed(2)}%)`);
  for (const e of littleErrors) assert.ok(e < 0.02, `Little's law off by ${(e * 100).toFixed(2)}%`);
});

test('same scenario and seed: byte-identical RunResult JSON; another seed differs', () => {
  const a = JSON.stringify(simulate(mmc(7, '20s')));
  const b = JSON.stringify(simulate(mmc(7, '20s')));
  const c = JSON.stringify(simulate(mmc(8, '20s')));
  assert.is(a, b);
  assert.is.not(a, c);
});

test.run();
