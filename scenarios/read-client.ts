/**
 * Client policy (balancer, timeout, retry, keep-alive pool) of one caller towards one service.
 *
 * Precedence, field by field, later wins: built-in defaults → `client:` of the service
 * being called → the caller's own `client:` on that call (or `entry.client`). `lb`,
 * `retry` and `pool` merge field by field too, so a call can override only `timeout`;
 * `pool: none` turns a pool the callee's block set off again.
 */
import type { ClientSpec, LbAlgorithm, LbSpec, PoolSpec, RetryOn, RetrySpec, SlowStartSpec } from './types.ts';
import { Reader, join, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';
import { BALANCER_NAMES } from '../sim/balancers/index.ts';

export const LB_ALGORITHMS: readonly LbAlgorithm[] = BALANCER_NAMES;
export const RETRY_ON: readonly RetryOn[] = ['connect-failure', 'reset', 'timeout', '5xx'];

/** What one `client:` block in the file says; absent fields are inherited. */
export interface ClientOverride {
  lb: Partial<LbSpec>;
  timeout?: number;
  retry: Partial<RetrySpec>;
  /** undefined: inherited; null: `pool: none`; a map: these fields over the inherited (or default) pool. */
  pool?: Partial<PoolSpec> | null;
}

/** What `pool: {}` means: nginx's upstream keep-alive defaults where it has them. */
export function defaultPool(): PoolSpec {
  return { idleTimeout: 60_000, maxRequests: 0, maxAge: 0, closeNotice: 1, http2: false, connections: 0, survivesUpdates: true };
}

export function defaultClient(): ClientSpec {
  return {
    lb: { algorithm: 'round-robin', slowStart: null, maxFails: 0, failTimeout: 10_000, choiceCount: 2 },
    timeout: 0,
    // nginx's `proxy_next_upstream error timeout`: connection errors, resets and timeouts.
    retry: { attempts: 0, on: ['connect-failure', 'reset', 'timeout'] },
    pool: null,
  };
}

export const EMPTY_OVERRIDE: ClientOverride = { lb: {}, retry: {} };

/** defaults ← each override in turn (callee's, then caller's). */
export function resolveClient(...overrides: ClientOverride[]): ClientSpec {
  const c = defaultClient();
  for (const o of overrides) {
    c.lb = { ...c.lb, ...o.lb };
    if (o.timeout !== undefined) c.timeout = o.timeout;
    c.retry = { ...c.retry, ...o.retry };
    if (o.pool === null) c.pool = null;
    else if (o.pool !== undefined) c.pool = { ...(c.pool ?? defaultPool()), ...o.pool };
  }
  // Callers inheriting from one callee must not share (and so co-mutate) nested objects.
  return structuredClone(c);
}

export function readClient(r: Reader, v: Raw, path: string): ClientOverride {
  if (v === undefined || v === null) return EMPTY_OVERRIDE;
  const f = r.fields(v, path, ['lb', 'timeout', 'retry', 'pool']);
  const out: ClientOverride = { lb: {}, retry: {} };
  if (f.pool !== undefined) out.pool = readPool(r, f.pool, join(path, 'pool'));
  if (f.lb !== undefined) out.lb = readLb(r, f.lb, join(path, 'lb'));
  if (f.timeout !== undefined) out.timeout = r.duration(f.timeout, join(path, 'timeout'));
  if (f.retry !== undefined) out.retry = readRetry(r, f.retry, join(path, 'retry'));
  return out;
}

function readLb(r: Reader, v: Raw, path: string): Partial<LbSpec> {
  if (typeof v === 'string') return { algorithm: r.oneOf(v, path, LB_ALGORITHMS) };
  const f = r.fields(v, path, ['algorithm', 'slowStart', 'maxFails', 'failTimeout', 'choiceCount'], 'an algorithm name or a map');
  const out: Partial<LbSpec> = {};
  if (f.algorithm !== undefined) out.algorithm = r.oneOf(f.algorithm, join(path, 'algorithm'), LB_ALGORITHMS);
  if (f.slowStart !== undefined) out.slowStart = readSlowStart(r, f.slowStart, join(path, 'slowStart'));
  if (f.maxFails !== undefined) out.maxFails = r.integer(f.maxFails, join(path, 'maxFails'), 0);
  if (f.failTimeout !== undefined) out.failTimeout = r.duration(f.failTimeout, join(path, 'failTimeout'));
  if (f.choiceCount !== undefined) out.choiceCount = r.integer(f.choiceCount, join(path, 'choiceCount'), 1);
  return out;
}

const SLOW_START_MODES = ['envoy', 'dubbo', 'haproxy', 'curve'] as const;

function readSlowStart(r: Reader, v: Raw, path: string): SlowStartSpec | null {
  if (v === null || v === 'none') return null;
  const f = r.fields(v, path, ['mode', 'window', 'aggression', 'minWeightPercent', 'weight', 'exponent'], 'a map like {mode: envoy, window: 60s} or none');
  const mode = r.oneOf(required(r, f.mode, join(path, 'mode')), join(path, 'mode'), SLOW_START_MODES);
  const allowed: Record<typeof mode, string[]> = {
    envoy: ['mode', 'window', 'aggression', 'minWeightPercent'],
    dubbo: ['mode', 'window', 'weight'],
    haproxy: ['mode', 'window'],
    curve: ['mode', 'window', 'exponent'],
  };
  r.fields(v, path, allowed[mode]);
  const windowPath = join(path, 'window');
  // Dubbo's warmup has a documented default (10 min); the others are off unless given a window.
  const window = mode === 'dubbo' && f.window === undefined ? 600_000
    : r.duration(required(r, f.window, windowPath), windowPath, { positive: true });
  switch (mode) {
    case 'envoy': return {
      mode, window,
      aggression: f.aggression === undefined ? 1 : r.number(f.aggression, join(path, 'aggression'), { min: 0, minExclusive: true }),
      minWeightPercent: f.minWeightPercent === undefined ? 10 : r.number(f.minWeightPercent, join(path, 'minWeightPercent'), { min: 0, max: 100 }),
    };
    case 'dubbo': return { mode, window, weight: f.weight === undefined ? 100 : r.number(f.weight, join(path, 'weight'), { min: 0, minExclusive: true }) };
    case 'haproxy': return { mode, window };
    case 'curve': return { mode, window, exponent: f.exponent === undefined ? 1 : r.number(f.exponent, join(path, 'exponent'), { min: 0, minExclusive: true }) };
  }
}

function readPool(r: Reader, v: Raw, path: string): Partial<PoolSpec> | null {
  if (v === null || v === 'none') return null;
  const f = r.fields(v, path, ['idleTimeout', 'maxRequests', 'maxAge', 'closeNotice', 'http2', 'connections', 'survivesUpdates'], 'a map like {idleTimeout: 60s} or none');
  const out: Partial<PoolSpec> = {};
  if (f.idleTimeout !== undefined) out.idleTimeout = r.duration(f.idleTimeout, join(path, 'idleTimeout'));
  if (f.maxRequests !== undefined) out.maxRequests = r.int32(f.maxRequests, join(path, 'maxRequests'), 0);
  if (f.maxAge !== undefined) out.maxAge = r.duration(f.maxAge, join(path, 'maxAge'));
  if (f.closeNotice !== undefined) out.closeNotice = r.duration(f.closeNotice, join(path, 'closeNotice'));
  if (f.http2 !== undefined) out.http2 = r.boolean(f.http2, join(path, 'http2'));
  if (f.survivesUpdates !== undefined) out.survivesUpdates = r.boolean(f.survivesUpdates, join(path, 'survivesUpdates'));
  if (f.connections !== undefined) out.connections = r.integerUpTo(f.connections, join(path, 'connections'), 0, 1024, 'connections a caller balances over');
  return out;
}

function readRetry(r: Reader, v: Raw, path: string): Partial<RetrySpec> {
  if (typeof v === 'number') return { attempts: r.int32(v, path, 0) };
  const f = r.fields(v, path, ['attempts', 'on'], 'a number of attempts or a map {attempts, on}');
  const out: Partial<RetrySpec> = {};
  if (f.attempts !== undefined) out.attempts = r.int32(f.attempts, join(path, 'attempts'), 0);
  if (f.on !== undefined) out.on = r.list(f.on, join(path, 'on')).map((x, i) => r.oneOf(x, join(join(path, 'on'), i), RETRY_ON));
  return out;
}
