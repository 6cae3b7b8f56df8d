/**
 * `registry:` — how callers learn endpoint changes: `{push: {delay: <dist>, serial?, batch?, batchWindow?, shared?}}`,
 * `{poll: {interval: 30s}}` or `{poll: {chain: [{name, interval, shared}]}}`.
 */
import type { DistSpec, PollStage, RegistrySpec } from './types.ts';
import { Reader, join, type Raw } from './reader.ts';
import { readDistribution, required } from './read-distribution.ts';

/** kube-proxy's minSyncPeriod is 1 s: a change reaches each node within about a second. */
export function defaultRegistry(): RegistrySpec {
  return { mode: 'push', delay: defaultPushDelay(), routingDelay: false, serial: false, batch: true, batchWindow: 0, shared: false };
}

function defaultPushDelay(): DistSpec {
  return { type: 'uniform', min: 0, max: 1000 };
}

export function readRegistry(r: Reader, v: Raw, path: string): RegistrySpec {
  if (v === undefined) return defaultRegistry();
  const f = r.fields(v, path, ['push', 'poll'], 'a map {push: {...}} or {poll: {...}}');
  if ((f.push === undefined) === (f.poll === undefined)) r.fail(path, 'expected exactly one of push or poll');
  if (f.push !== undefined) {
    const p = join(path, 'push');
    const b = r.fields(f.push ?? {}, p, ['delay', 'routingDelay', 'serial', 'batch', 'batchWindow', 'shared']);
    const batch = b.batch === undefined ? true : r.boolean(b.batch, join(p, 'batch'));
    if (!batch && b.batchWindow !== undefined) r.warn(join(p, 'batchWindow'), 'has no effect with batch: false (every change draws its own delay); remove it');
    return {
      mode: 'push',
      delay: b.delay === undefined ? defaultPushDelay() : readDistribution(r, b.delay, join(p, 'delay')),
      routingDelay: b.routingDelay === undefined ? false : r.boolean(b.routingDelay, join(p, 'routingDelay')),
      serial: b.serial === undefined ? false : r.boolean(b.serial, join(p, 'serial')),
      batch,
      batchWindow: b.batchWindow === undefined ? 0 : r.duration(b.batchWindow, join(p, 'batchWindow')),
      shared: b.shared === undefined ? false : r.boolean(b.shared, join(p, 'shared')),
    };
  }
  const p = join(path, 'poll');
  const b = r.fields(f.poll, p, ['interval', 'chain', 'routingDelay']);
  if ((b.interval === undefined) === (b.chain === undefined)) r.fail(p, 'expected exactly one of interval or chain');
  const chain: PollStage[] = b.interval !== undefined
    ? [{ name: 'poll', interval: r.duration(b.interval, join(p, 'interval'), { positive: true }), shared: false }]
    : readChain(r, b.chain, join(p, 'chain'));
  return { mode: 'poll', chain, routingDelay: b.routingDelay === undefined ? false : r.boolean(b.routingDelay, join(p, 'routingDelay')) };
}

function readChain(r: Reader, v: Raw, path: string): PollStage[] {
  const list = r.list(v, path, 'a non-empty list of {name, interval, shared}');
  if (list.length === 0) r.expected(path, 'a non-empty list of {name, interval, shared}', v);
  const seen = new Set<string>();
  return list.map((s, i) => {
    const p = join(path, i);
    const f = r.fields(s, p, ['name', 'interval', 'shared']);
    const name = f.name === undefined ? `stage${i + 1}` : r.name(f.name, join(p, 'name'), 'a stage name');
    if (seen.has(name)) r.fail(join(p, 'name'), `stage "${name}" appears twice`);
    seen.add(name);
    return {
      name,
      interval: r.duration(required(r, f.interval, join(p, 'interval')), join(p, 'interval'), { positive: true }),
      shared: f.shared === undefined ? false : r.boolean(f.shared, join(p, 'shared')),
    };
  });
}
