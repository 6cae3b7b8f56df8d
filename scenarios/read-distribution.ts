/**
 * Distribution fields: a duration string is a constant; otherwise a one-key map naming the
 * family — `{exponential: {mean: 20ms}}`, `{lognormal: {median: 20ms, p99: 200ms}}`,
 * `{uniform: {min: 1s, max: 5s}}`, `{normal: {mean, sd, min?}}`, `{pareto: {scale, shape}}`,
 * `{empirical: [12ms, 15ms]}` (drawn at random), `{sequence: [12ms, 15ms]}` (in order, repeating), `{constant: 20ms}`. Values in ms.
 */
import type { DistSpec } from './types.ts';
import { Reader, join, quoteKey, type Raw } from './reader.ts';

export const DIST_FAMILIES = ['constant', 'exponential', 'lognormal', 'uniform', 'normal', 'pareto', 'empirical', 'sequence'] as const;

const WHAT = 'a duration like 20ms or a distribution like {exponential: {mean: 20ms}}';

export function readDistribution(r: Reader, v: Raw, path: string): DistSpec {
  if (typeof v === 'string' || typeof v === 'number') return { type: 'constant', value: r.duration(v, path) };
  if (!r.isMap(v)) r.expected(path, WHAT, v);
  const keys = Object.keys(v);
  if (keys.length !== 1) r.fail(path, `expected exactly one distribution family (${DIST_FAMILIES.join(', ')}), got ${keys.length === 0 ? 'none' : keys.map(quoteKey).join(' and ')}`);
  const family = r.oneOf(keys[0], path, DIST_FAMILIES);
  const p = join(path, family);
  const body = v[family];
  switch (family) {
    case 'constant':
      return { type: 'constant', value: r.duration(body, p) };
    case 'exponential': {
      const f = r.fields(body, p, ['mean']);
      return { type: 'exponential', mean: r.duration(required(r, f.mean, join(p, 'mean')), join(p, 'mean'), { positive: true }) };
    }
    case 'lognormal': {
      const f = r.fields(body, p, ['median', 'p99']);
      const median = r.duration(required(r, f.median, join(p, 'median')), join(p, 'median'), { positive: true });
      const p99 = r.duration(required(r, f.p99, join(p, 'p99')), join(p, 'p99'), { positive: true });
      if (p99 < median) r.fail(join(p, 'p99'), `expected a p99 ≥ the median (${median}ms), got ${describe(f.p99)}`);
      return { type: 'lognormal', median, p99 };
    }
    case 'uniform': {
      const f = r.fields(body, p, ['min', 'max']);
      const min = r.duration(required(r, f.min, join(p, 'min')), join(p, 'min'));
      const max = r.duration(required(r, f.max, join(p, 'max')), join(p, 'max'));
      if (max < min) r.fail(join(p, 'max'), `expected max ≥ min (${min}ms), got ${describe(f.max)}`);
      return { type: 'uniform', min, max };
    }
    case 'normal': {
      const f = r.fields(body, p, ['mean', 'sd', 'min']);
      const spec: DistSpec = {
        type: 'normal',
        mean: r.duration(required(r, f.mean, join(p, 'mean')), join(p, 'mean')),
        sd: r.duration(required(r, f.sd, join(p, 'sd')), join(p, 'sd')),
      };
      if (f.min !== undefined) spec.min = r.duration(f.min, join(p, 'min'));
      return spec;
    }
    case 'pareto': {
      const f = r.fields(body, p, ['scale', 'shape']);
      return {
        type: 'pareto',
        scale: r.duration(required(r, f.scale, join(p, 'scale')), join(p, 'scale'), { positive: true }),
        shape: r.number(required(r, f.shape, join(p, 'shape')), join(p, 'shape'), { min: 0, minExclusive: true }),
      };
    }
    case 'empirical': {
      const list = r.list(body, p, 'a non-empty list of durations');
      if (list.length === 0) r.expected(p, 'a non-empty list of durations', list);
      return { type: 'empirical', samples: list.map((s, i) => r.duration(s, join(p, i))) };
    }
    case 'sequence': {
      const list = r.list(body, p, 'a non-empty list of durations');
      if (list.length === 0) r.expected(p, 'a non-empty list of durations', list);
      return { type: 'sequence', values: list.map((s, i) => r.duration(s, join(p, i))) };
    }
  }
}

export function required(r: Reader, v: Raw, path: string): Raw {
  if (v === undefined || v === null) r.fail(path, 'required field is missing');
  return v;
}

function describe(v: Raw): string {
  return typeof v === 'string' ? v : String(v);
}
