import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erlangC } from '../../bench/erlang.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('M/M/1 reduces to P(wait) = ρ and Wq = ρ / (μ − λ)', () => {
  const r = erlangC(1, 0.5, 1);
  close(r.pWait, 0.5);
  close(r.wq, 1);
  close(r.w, 2);
});

test('textbook M/M/3 with a = 2 (λ = 2, μ = 1): C = 4/9 by the sum formula, Wq = 4/9', () => {
  // Σ_{k<3} a^k/k! = 1 + 2 + 2 = 5; a^3/3! / (1 − ρ) = (4/3)/(1/3) = 4; C = 4 / (5 + 4).
  const r = erlangC(3, 2, 1);
  close(r.pWait, 4 / 9);
  close(r.wq, 4 / 9);
  close(r.lq, 8 / 9);
  close(r.rho, 2 / 3);
});

test('M/M/8 at ρ = 0.8 gives Wq = 0.28603 (research/des-performance.md) and scales with the time unit', () => {
  close(erlangC(8, 6.4, 1).wq, 0.28603, 5e-6);
  // Same queue in milliseconds: rates / 1000, waits × 1000.
  close(erlangC(8, 0.0064, 0.001).wq, 286.03, 5e-3);
});

test('large c does not overflow (Erlang-B recurrence, no factorials)', () => {
  const r = erlangC(500, 480, 1);
  assert.ok(r.pWait > 0 && r.pWait < 1, String(r.pWait));
});

test('rejects an unstable queue and bad arguments', () => {
  assert.throws(() => erlangC(2, 2, 1), /unstable/);
  assert.throws(() => erlangC(0, 1, 1), /positive integer/);
  assert.throws(() => erlangC(2, -1, 1), /positive/);
});

test.run();
