/**
 * Erlang-C: the exact steady-state answer for an M/M/c FIFO queue, used to prove a
 * simulated M/M/c computed the right thing (the bench, and the model's M/M/c test).
 *
 *   const { pWait, wq } = erlangC(8, 6.4, 1);   // P(an arrival waits), mean wait in queue
 *
 * Units: λ and μ in any rate unit (per ms, per s); `wq` comes out in the matching time unit.
 * Independent of sim/ on purpose, so a bug in the engine cannot also hide in the oracle.
 */

export interface ErlangC {
  /** Offered load a = λ/μ (Erlangs). */
  readonly offered: number;
  /** Utilisation ρ = λ/(cμ). */
  readonly rho: number;
  /** Probability that an arriving customer has to wait (Erlang-C formula). */
  readonly pWait: number;
  /** Mean waiting time in the queue, Wq = C / (cμ − λ). */
  readonly wq: number;
  /** Mean number waiting, Lq = λ·Wq (Little's law). */
  readonly lq: number;
  /** Mean time in system, W = Wq + 1/μ. */
  readonly w: number;
}

export function erlangC(c: number, lambda: number, mu: number): ErlangC {
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`erlangC: c must be a positive integer, got ${c}`);
  if (!(lambda > 0) || !(mu > 0)) throw new RangeError(`erlangC: λ and μ must be positive, got λ=${lambda} μ=${mu}`);
  const a = lambda / mu;
  const rho = a / c;
  if (rho >= 1) throw new RangeError(`erlangC: unstable queue, ρ = ${rho} ≥ 1`);
  // Erlang-B by its recurrence (no factorials, so no overflow for large c), then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const pWait = b / (1 - rho * (1 - b));
  const wq = pWait / (c * mu - lambda);
  return { offered: a, rho, pWait, wq, lq: lambda * wq, w: wq + 1 / mu };
}
