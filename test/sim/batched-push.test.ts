// registry.push.batch: changes published together reach a caller together. Recreate of 4
// instances behind one caller with a push delay D ~ U(2 s, 8 s), constant arrivals at λ:
// the caller keeps sending to the stopped instances until it hears of their removal.
// Batched (the default: one EndpointSlice update), that is one delay: refused ≈ λ·E[D] =
// λ·5 s. Per change (batch: false), in order, the list holds only stopped instances until
// the last of 4 independent delays lands: refused ≈ λ·E[max of 4] = λ·(2 + 6·4/5) = λ·6.8 s.
// Tolerances: 4 standard errors of the mean over the seeds run (σ of U(2, 8) is 6/√12 s).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';

const RATE = 200;
const SEEDS = 40;

const yaml = (push: string, seed: number) => `
name: batched-push
seed: ${seed}
duration: 25s
services:
  app:
    replicas: 4
    versions: [v1, v2]
    concurrency: 64
    serviceTime: 1ms
    startup: 60s
    shutdown: abrupt
entry: {service: app, client: {lb: round-robin, retry: 0}}
registry: {push: {delay: {uniform: {min: 2s, max: 8s}}, ${push}}}
traffic: {rate: ${RATE}, arrival: constant, users: 100}
release: {startAt: 2s, services: [app], to: v2, strategy: recreate}
`;

/** Mean refused over the seeds, in seconds of traffic (refused / λ). */
function meanStaleSeconds(push: string): { mean: number; se: number } {
  const xs = Array.from({ length: SEEDS }, (_, k) => simulate(scenario(yaml(push, k + 1))).requests.byCause.refused / RATE);
  const mean = xs.reduce((a, b) => a + b, 0) / SEEDS;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (SEEDS - 1));
  return { mean, se: sd / Math.sqrt(SEEDS) };
}

test('batched (default): four removals at once cost one delay, λ·E[D]', () => {
  const { mean, se } = meanStaleSeconds('serial: false');
  const sigma = 6 / Math.sqrt(12);
  assert.ok(Math.abs(mean - 5) <= 4 * (sigma / Math.sqrt(SEEDS)), `mean stale ${mean.toFixed(3)} s (se ${se.toFixed(3)}), expected 5 s`);
});

test('per change (batch: false): the last of four delays, λ·E[max of 4]', () => {
  const { mean, se } = meanStaleSeconds('batch: false');
  // σ of the max of 4 U(2, 8): 6·√(4 / (5²·6)) s
  const sigma = 6 * Math.sqrt(4 / (25 * 6));
  assert.ok(Math.abs(mean - 6.8) <= 4 * (sigma / Math.sqrt(SEEDS)), `mean stale ${mean.toFixed(3)} s (se ${se.toFixed(3)}), expected 6.8 s`);
});

test('a batch window publishes the batch when it closes: the caller hears of it a window later', () => {
  // The EndpointSlice controller holds a batch open for its window, then publishes it; the
  // caller's delay runs from there (the same draw, so exactly the window later).
  const one = simulate(scenario(yaml('batchWindow: 2s', 1)));
  const none = simulate(scenario(yaml('batchWindow: 0s', 1)));
  // recreate stops all four at once: the window only shifts the whole batch by 2 s
  assert.is(one.requests.byCause.refused - none.requests.byCause.refused, 2 * RATE);
});

test.run();
