/** `traffic:` — the offered load: rate, arrival process, ramp or trace, users, headers. */
import type { HeaderRule, TrafficSpec } from './types.ts';
import { Reader, join, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';

const ARRIVALS = ['poisson', 'constant', 'ramp', 'trace'] as const;

export function readTraffic(r: Reader, v: Raw, path: string): TrafficSpec {
  const f = r.fields(required(r, v, path), path, ['rate', 'arrival', 'rampTo', 'rampDuration', 'trace', 'users', 'headers', 'nonIdempotent']);
  const arrival = f.arrival === undefined ? 'poisson' : r.oneOf(f.arrival, join(path, 'arrival'), ARRIVALS);
  const rateWhat = 'a rate in req/s > 0';
  const rate = arrival === 'trace' && f.rate === undefined ? 0
    : r.number(required(r, f.rate, join(path, 'rate')), join(path, 'rate'), { min: 0, minExclusive: true, what: rateWhat });
  const spec: TrafficSpec = {
    rate,
    arrival,
    rampTo: f.rampTo === undefined ? rate : r.number(f.rampTo, join(path, 'rampTo'), { min: 0, what: 'a rate in req/s ≥ 0' }),
    rampDuration: f.rampDuration === undefined ? 0 : r.duration(f.rampDuration, join(path, 'rampDuration')),
    trace: f.trace === undefined ? [] : readTrace(r, f.trace, join(path, 'trace')),
    users: f.users === undefined ? 1000 : r.int32(f.users, join(path, 'users'), 1),
    headers: f.headers === undefined ? [] : readHeaders(r, f.headers, join(path, 'headers')),
    nonIdempotent: f.nonIdempotent === undefined ? 0 : r.fraction(f.nonIdempotent, join(path, 'nonIdempotent')),
  };
  if (arrival === 'ramp' && spec.rampDuration <= 0) r.fail(join(path, 'rampDuration'), 'expected a duration > 0 with arrival: ramp, got nothing');
  if (arrival === 'trace' && spec.trace.length === 0) r.fail(join(path, 'trace'), 'expected a non-empty list of arrival times with arrival: trace, got nothing');
  if (arrival === 'trace' && f.rate === undefined && spec.trace.length > 1) {
    // The mean rate of the trace, so summaries and capacity checks have a number.
    const span = spec.trace[spec.trace.length - 1] - spec.trace[0];
    spec.rate = span > 0 ? ((spec.trace.length - 1) * 1000) / span : 0;
    spec.rampTo = spec.rate;
  }
  return spec;
}

function readTrace(r: Reader, v: Raw, path: string): number[] {
  const times = r.list(v, path, 'a list of arrival times like [0ms, 5ms, 12ms]').map((t, i) => r.duration(t, join(path, i)));
  for (let i = 1; i < times.length; i++) {
    if (times[i] < times[i - 1]) r.fail(join(path, i), `expected arrival times in ascending order, got ${times[i]}ms after ${times[i - 1]}ms`);
  }
  return times;
}

function readHeaders(r: Reader, v: Raw, path: string): HeaderRule[] {
  return r.list(v, path, 'a list of {name, value, fraction}').map((h, i) => {
    const p = join(path, i);
    const f = r.fields(h, p, ['name', 'value', 'fraction']);
    return {
      name: r.token(required(r, f.name, join(p, 'name')), join(p, 'name')),
      value: r.fieldValue(required(r, f.value, join(p, 'value')), join(p, 'value')),
      fraction: f.fraction === undefined ? 1 : r.fraction(f.fraction, join(p, 'fraction')),
    };
  });
}
