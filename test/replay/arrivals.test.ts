// The replay's arrival schedules (pure: no proxy needed): each offers the scenario's
// process, time-scaled, split over connections.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectionSchedules, peakRate } from '../../replay/arrivals.ts';
import { RandomStreams } from '../../sim/kernel/random.ts';
import type { TrafficSpec } from '../../scenarios/types.ts';

const base: TrafficSpec = { rate: 100, arrival: 'constant', rampTo: 100, rampDuration: 0, trace: [], users: 10, headers: [], nonIdempotent: 0 };

/** Every send of every connection before `untilMs`, merged in time order. */
function sends(t: TrafficSpec, speed: number, connections: number, untilMs: number): number[] {
  const u = new RandomStreams(7).stream('test/arrivals');
  const out: number[] = [];
  for (const s of connectionSchedules(t, speed, connections, u)) {
    for (let at = s.first(); at < untilMs; at = s.next(at)) out.push(at);
  }
  return out.sort((a, b) => a - b);
}

const countIn = (xs: number[], from: number, to: number): number => xs.filter((x) => x >= from && x < to).length;

test('constant: the connections interleave into one evenly spaced stream at rate × speed', () => {
  const xs = sends(base, 2, 4, 1000);
  assert.is(xs.length, 200);
  for (let i = 1; i < xs.length; i++) assert.ok(Math.abs(xs[i] - xs[i - 1] - 5) < 1e-9, `gap ${i}: ${xs[i] - xs[i - 1]}`);
});

test('poisson: the mean rate holds and the gaps are exponential (coefficient of variation ≈ 1)', () => {
  const xs = sends({ ...base, arrival: 'poisson' }, 1, 8, 100_000);
  assert.ok(Math.abs(xs.length - 10_000) < 4 * 100, `sends ${xs.length}`);
  const gaps = xs.slice(1).map((x, i) => x - xs[i]);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
  assert.ok(Math.abs(sd / mean - 1) < 0.05, `cv ${sd / mean}`);
});

test('ramp: the rate climbs linearly from rate to rampTo, then holds (time-scaled)', () => {
  const t: TrafficSpec = { ...base, arrival: 'ramp', rate: 50, rampTo: 250, rampDuration: 20_000 };
  const xs = sends(t, 2, 8, 15_000); // 20 s ramp at speed 2 = 10 s real, then 5 s at the top
  // Poisson counts: within 3 standard deviations of rate × scenario seconds.
  const near = (n: number, want: number): boolean => Math.abs(n - want) < 3 * Math.sqrt(want);
  assert.ok(near(countIn(xs, 0, 1000), 2 * 60), `first second ${countIn(xs, 0, 1000)}`);
  assert.ok(near(countIn(xs, 4000, 6000), 2 * 2 * 150), `middle ${countIn(xs, 4000, 6000)}`);
  assert.ok(near(countIn(xs, 10_000, 15_000), 5 * 2 * 250), `after the ramp ${countIn(xs, 10_000, 15_000)}`);
});

test('ramp down to 0 ends every connection\'s schedule', () => {
  const t: TrafficSpec = { ...base, arrival: 'ramp', rate: 100, rampTo: 0, rampDuration: 2000 };
  const u = new RandomStreams(1).stream('x');
  for (const s of connectionSchedules(t, 1, 3, u)) {
    let at = s.first();
    let n = 0;
    while (at !== Infinity && n < 10_000) { assert.ok(at < 2000, `send at ${at}`); at = s.next(at); n++; }
    assert.is(at, Infinity);
  }
});

test('trace: every timestamp is sent once, ÷ speed, dealt round-robin over the connections', () => {
  const trace = [0, 10, 11, 12, 500, 900, 901, 2000, 2001];
  const scheds = connectionSchedules({ ...base, arrival: 'trace', trace }, 4, 2, () => 0.5);
  const first = scheds.map((s) => s.first());
  assert.equal(first, [0, 2.5]);
  assert.equal(sends({ ...base, arrival: 'trace', trace }, 4, 2, Infinity), trace.map((x) => x / 4));
});

test('peak rate: a trace is sized by its busiest second, a ramp by its higher end', () => {
  // mean ≈ 4/s, but 7 of the 9 arrivals fall within one second
  const trace = [0, 10, 11, 12, 500, 900, 901, 2000, 2001];
  assert.is(peakRate({ ...base, arrival: 'trace', rate: 4, trace }), 7);
  assert.is(peakRate({ ...base, arrival: 'trace', trace: [0, 1000, 2000] }), 1); // windows are half-open
  assert.is(peakRate({ ...base, arrival: 'ramp', rate: 40, rampTo: 10 }), 40);
  assert.is(peakRate({ ...base, arrival: 'poisson', rate: 25 }), 25);
});

test.run();
