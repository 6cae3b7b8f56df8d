/**
 * `release:` (which services go from which version to which, with which strategy, when)
 * and `slo:`.
 * Defaults that depend on the services (which to release, to what) are filled here;
 * whether names exist is checked in check.ts, with the rest of the cross-references.
 */
import { RELEASE_ORDERS, SLO_ROLLOUTS, type ReleaseSpec, type RoutingWaitSpec, type ServiceSpec, type SloSpec, type StrategySpec } from './types.ts';
import { Reader, join, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';
import { readStrategy } from './read-strategy.ts';

export function readRelease(r: Reader, v: Raw, path: string, services: ServiceSpec[]): ReleaseSpec | null {
  if (v === undefined || v === null) return null;
  const f = r.fields(v, path, ['startAt', 'services', 'from', 'to', 'strategy', 'routing', 'approvals', 'abortAt', 'onFailure', 'order']);
  const strategy = readStrategy(r, required(r, f.strategy, join(path, 'strategy')), join(path, 'strategy'));
  const startAt = f.startAt === undefined ? 0 : r.duration(f.startAt, join(path, 'startAt'));

  const { all: toAll, map: toMap } = readVersionChoice(r, f.to, join(path, 'to'));
  const from = readVersionChoice(r, f.from, join(path, 'from'));

  let names: string[];
  if (f.services !== undefined) {
    names = r.list(f.services, join(path, 'services'), 'a list of service names')
      .map((s, i) => r.name(s, join(join(path, 'services'), i), 'a service name'));
    if (names.length === 0) r.expected(join(path, 'services'), 'at least one service', f.services);
    names.forEach((n, i) => { if (names.indexOf(n) !== i) r.fail(join(join(path, 'services'), i), `service "${n}" is listed twice`); });
  } else if (toMap) {
    names = Object.keys(toMap);
  } else if (from.map) {
    names = Object.keys(from.map);
  } else {
    names = defaultReleasedServices(services, strategy);
    if (names.length === 0) r.fail(join(path, 'services'), 'required: no service declares a version other than its initial one, so there is nothing to release by default');
  }

  const to = Object.create(null) as Record<string, string>;
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
  if (toMap) checkMapKeys(r, toMap, join(path, 'to'), names);
  if (from.map) checkMapKeys(r, from.map, join(path, 'from'), names);
  if (from.all !== null || from.map) checkFrom(r, from, join(path, 'from'), names, services);
  const routing = readRoutingWait(r, f.routing, join(path, 'routing'));
  const approvals = readApprovals(r, f.approvals, join(path, 'approvals'));
  const abortAt = f.abortAt === undefined || f.abortAt === null ? null : r.duration(f.abortAt, join(path, 'abortAt'));
  if (abortAt !== null && abortAt < startAt) r.fail(join(path, 'abortAt'), `expected a time at or after release.startAt (${f.startAt}), got ${f.abortAt}: a release cannot be aborted before it starts`);
  const onFailure = f.onFailure === undefined ? 'stop' : r.oneOf(f.onFailure, join(path, 'onFailure'), ['stop', 'rollback-all'] as const);
  const order = f.order === undefined ? 'sequential' : r.oneOf(f.order, join(path, 'order'), RELEASE_ORDERS);
  return { startAt, services: names, to, strategy, routing, approvals, abortAt, onFailure, order };
}

/** `approvals: [10m, 25m]`: simulated times, in order (each resumes one indefinite pause). */
function readApprovals(r: Reader, v: Raw, path: string): number[] {
  if (v === undefined || v === null) return [];
  const times = r.list(v, path, 'a list of simulated times (durations), e.g. [10m, 25m]').map((x, i) => r.duration(x, join(path, i)));
  times.forEach((t, i) => {
    if (i > 0 && t < times[i - 1]) r.fail(join(path, i), `expected approvals in time order, got ${(v as unknown[])[i]} after ${(v as unknown[])[i - 1]}`);
  });
  return times;
}

export const NO_ROUTING_WAIT: RoutingWaitSpec = Object.freeze({ waitApplied: false, grace: 0 });

function readRoutingWait(r: Reader, v: Raw, path: string): RoutingWaitSpec {
  if (v === undefined || v === null) return NO_ROUTING_WAIT;
  const f = r.fields(v, path, ['waitApplied', 'grace']);
  return {
    waitApplied: f.waitApplied === undefined ? false : r.boolean(f.waitApplied, join(path, 'waitApplied')),
    grace: f.grace === undefined ? 0 : r.duration(f.grace, join(path, 'grace')),
  };
}

/** `to` / `from`: one version name for every released service, or a map service → version. */
interface VersionChoice { all: string | null; map: Record<string, string> | null }

function readVersionChoice(r: Reader, v: Raw, path: string): VersionChoice {
  if (v === undefined) return { all: null, map: null };
  if (typeof v === 'string' || typeof v === 'number') return { all: r.name(v, path, 'a version name'), map: null };
  const map = r.nameKeyed(v, path, 'a version name or a map service → version', 'a service name', (x, at) => r.name(x, at, 'a version name'));
  return { all: null, map };
}

function checkMapKeys(r: Reader, map: Record<string, string>, path: string, names: string[]): void {
  for (const k of Object.keys(map)) {
    if (!names.includes(k)) r.fail(join(path, k), `"${k}" is not in release.services (${names.join(', ')})`);
  }
}

/**
 * `from` is a check, not a second way to set the starting version: the model starts every
 * service from its initialVersion and the strategies release from it, so a `from` that
 * disagrees is an error naming the field to change. Letting `from` set initialVersion
 * instead would give one fact two sources (and initialVersion a default that `from` could
 * silently override); as a check, a `from` copied from a pipeline documents the release and
 * catches a scenario that does not start where the pipeline thinks it does.
 */
function checkFrom(r: Reader, from: VersionChoice, path: string, names: string[], services: ServiceSpec[]): void {
  for (const n of names) {
    const svc = services.find((s) => s.name === n);
    if (!svc) continue; // an unknown service is reported by check.ts with its own message
    const version = from.map ? from.map[n] : from.all;
    if (version === undefined || version === null) r.fail(path, `expected a version for every released service, got none for "${n}"`);
    // Equal to initialVersion: fine here; whether initialVersion is declared is check.ts's.
    if (version === svc.initialVersion) continue;
    const p = from.map ? join(path, n) : path;
    const declared = svc.versions.map((x) => x.name);
    if (!declared.includes(version)) r.fail(p, `version "${version}" is not declared by service "${n}" (its versions: ${declared.join(', ')})`);
    r.fail(p, `expected "${svc.initialVersion}", the version service "${n}" starts from (services.${n}.initialVersion, by default its first version), got "${version}"; to start from "${version}", set services.${n}.initialVersion: ${version}`);
  }
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
  const slo: SloSpec = { maxDropped: null, maxErrorRate: null, maxP99Ms: null, maxRolloutMs: null, lanePaths: {}, rollout: 'finished' };
  if (v === undefined || v === null) return slo;
  const f = r.fields(v, path, ['maxDropped', 'maxErrorRate', 'maxP99', 'maxRollout', 'lanePaths', 'rollout']);
  if (f.rollout !== undefined) slo.rollout = r.oneOf(f.rollout, join(path, 'rollout'), SLO_ROLLOUTS);
  if (f.maxDropped !== undefined) slo.maxDropped = r.integer(f.maxDropped, join(path, 'maxDropped'), 0);
  if (f.maxErrorRate !== undefined) slo.maxErrorRate = r.fraction(f.maxErrorRate, join(path, 'maxErrorRate'));
  if (f.maxP99 !== undefined) slo.maxP99Ms = r.duration(f.maxP99, join(path, 'maxP99'), { positive: true });
  if (f.maxRollout !== undefined) slo.maxRolloutMs = r.duration(f.maxRollout, join(path, 'maxRollout'), { positive: true });
  if (f.lanePaths !== undefined) {
    const p = join(path, 'lanePaths');
    slo.lanePaths = r.nameKeyed(f.lanePaths, p, 'a map lane → list of paths like "a:v2>b:v1"', 'a lane name',
      (v, lp) => r.list(v, lp, 'a list of paths like "a:v2>b:v1"').map((x, i) => r.string(x, join(lp, i), 'a path like "a:v2>b:v1"')));
  }
  return slo;
}
