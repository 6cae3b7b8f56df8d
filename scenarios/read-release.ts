/**
 * `release:` (which services go to which version, with which strategy, when) and `slo:`.
 * Defaults that depend on the services (which to release, to what) are filled here;
 * whether names exist is checked in check.ts, with the rest of the cross-references.
 */
import type { ReleaseSpec, ServiceSpec, SloSpec, StrategySpec } from './types.ts';
import { Reader, join, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';
import { readStrategy } from './read-strategy.ts';

export function readRelease(r: Reader, v: Raw, path: string, services: ServiceSpec[]): ReleaseSpec | null {
  if (v === undefined || v === null) return null;
  const f = r.fields(v, path, ['startAt', 'services', 'to', 'strategy']);
  const strategy = readStrategy(r, required(r, f.strategy, join(path, 'strategy')), join(path, 'strategy'));
  const startAt = f.startAt === undefined ? 0 : r.duration(f.startAt, join(path, 'startAt'));

  let toMap: Record<string, string> | null = null;
  let toAll: string | null = null;
  if (f.to !== undefined) {
    if (typeof f.to === 'string' || typeof f.to === 'number') toAll = r.name(f.to, join(path, 'to'), 'a version name');
    else {
      const m = r.namedMap(f.to, join(path, 'to'), 'a version name or a map service → version');
      toMap = {};
      for (const s of Object.keys(m)) toMap[s] = r.name(m[s], join(join(path, 'to'), s), 'a version name');
    }
  }

  let names: string[];
  if (f.services !== undefined) {
    names = r.list(f.services, join(path, 'services'), 'a list of service names')
      .map((s, i) => r.name(s, join(join(path, 'services'), i), 'a service name'));
    if (names.length === 0) r.expected(join(path, 'services'), 'at least one service', f.services);
    names.forEach((n, i) => { if (names.indexOf(n) !== i) r.fail(join(join(path, 'services'), i), `service "${n}" is listed twice`); });
  } else if (toMap) {
    names = Object.keys(toMap);
  } else {
    names = defaultReleasedServices(services, strategy);
    if (names.length === 0) r.fail(join(path, 'services'), 'required: no service declares a version other than its initial one, so there is nothing to release by default');
  }

  const to: Record<string, string> = {};
  for (const n of names) {
    if (toMap) {
      if (toMap[n] === undefined) r.fail(join(path, 'to'), `expected a version for every released service, got none for "${n}"`);
      to[n] = toMap[n];
    } else if (toAll !== null) {
      to[n] = toAll;
    } else {
      const next = defaultTarget(services.find((s) => s.name === n), strategy);
      // An unknown service is reported by check.ts with its own message; skip it here.
      if (next === null && services.some((s) => s.name === n)) r.fail(join(path, 'to'), `required: service "${n}" declares no version other than its initial one`);
      if (next !== null) to[n] = next;
    }
  }
  if (toMap) {
    for (const k of Object.keys(toMap)) {
      if (!names.includes(k)) r.fail(join(join(path, 'to'), k), `"${k}" is not in release.services (${names.join(', ')})`);
    }
  }
  return { startAt, services: names, to, strategy };
}

/** Services with a version to go to; for lanes, the services the lanes give a version. */
function defaultReleasedServices(services: ServiceSpec[], strategy: StrategySpec): string[] {
  if (strategy.name === 'lanes') {
    const seen: string[] = [];
    for (const lane of strategy.lanes) for (const s of Object.keys(lane.services)) if (!seen.includes(s)) seen.push(s);
    return seen;
  }
  return services.filter((s) => s.versions.some((v) => v.name !== s.initialVersion)).map((s) => s.name);
}

function defaultTarget(service: ServiceSpec | undefined, strategy: StrategySpec): string | null {
  if (!service) return null;
  if (strategy.name === 'lanes') {
    for (const lane of strategy.lanes) if (lane.services[service.name]) return lane.services[service.name];
  }
  return service.versions.find((v) => v.name !== service.initialVersion)?.name ?? null;
}

export function readSlo(r: Reader, v: Raw, path: string): SloSpec {
  const slo: SloSpec = { maxDropped: null, maxErrorRate: null, maxP99Ms: null, maxRolloutMs: null, lanePaths: {} };
  if (v === undefined || v === null) return slo;
  const f = r.fields(v, path, ['maxDropped', 'maxErrorRate', 'maxP99', 'maxRollout', 'lanePaths']);
  if (f.maxDropped !== undefined) slo.maxDropped = r.integer(f.maxDropped, join(path, 'maxDropped'), 0);
  if (f.maxErrorRate !== undefined) slo.maxErrorRate = r.fraction(f.maxErrorRate, join(path, 'maxErrorRate'));
  if (f.maxP99 !== undefined) slo.maxP99Ms = r.duration(f.maxP99, join(path, 'maxP99'), { positive: true });
  if (f.maxRollout !== undefined) slo.maxRolloutMs = r.duration(f.maxRollout, join(path, 'maxRollout'), { positive: true });
  if (f.lanePaths !== undefined) {
    const p = join(path, 'lanePaths');
    const m = r.namedMap(f.lanePaths, p, 'a map lane → list of paths like "a:v2>b:v1"');
    for (const lane of Object.keys(m)) {
      const lp = join(p, lane);
      slo.lanePaths[lane] = r.list(m[lane], lp, 'a list of paths like "a:v2>b:v1"').map((x, i) => r.string(x, join(lp, i), 'a path like "a:v2>b:v1"'));
    }
  }
  return slo;
}
