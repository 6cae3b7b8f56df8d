/**
 * `services:` — a map keyed by service name, in file order. Instance fields sit flat on
 * the service (as on a pod spec); `client:` is the default policy of calls made TO it, so
 * calls are resolved after every service has been read.
 */
import type { CallSpec, ColdStartSpec, InstanceSpec, KeepAliveSpec, ProbeSpec, ServiceSpec, VersionSpec } from './types.ts';
import { Reader, join, type Raw, type RawMap } from './reader.ts';
import { readDistribution, required } from './read-distribution.ts';
import { EMPTY_OVERRIDE, readClient, resolveClient, type ClientOverride } from './read-client.ts';
import { MAX_ENDPOINT_WEIGHT, MAX_QUEUE, QUEUE_WHY } from './limits.ts';

const SERVICE_FIELDS = [
  'replicas', 'versions', 'initialVersion', 'concurrency', 'queue', 'serviceTime', 'coldStart', 'startup',
  'readinessProbe', 'registrationDelay', 'readyAfterRegistration', 'deregistration', 'deregistrationLead', 'preStop',
  'terminationGracePeriodSeconds', 'shutdown', 'minReadySeconds', 'calls', 'client', 'propagatesLane',
  'proactiveNotification', 'registry', 'keepAlive',
] as const;

/** A call before the callee's default client is known. */
interface PendingCall { service: string; override: ClientOverride; path: string }

export interface ReadServices {
  services: ServiceSpec[];
  /** Each service's `client:` block: the default for calls made to it. */
  calleeClients: Map<string, ClientOverride>;
  /** Each service's calls' own `client:` blocks, in call order (what the file set on each hop). */
  callOverrides: Map<string, ClientOverride[]>;
}

export function readServices(r: Reader, v: Raw, path: string): ReadServices {
  const map = r.namedMap(v, path, 'a map of services keyed by name');
  const names = Object.keys(map);
  if (names.length === 0) r.expected(path, 'at least one service', v);
  const services: ServiceSpec[] = [];
  const calleeClients = new Map<string, ClientOverride>();
  const pending = new Map<string, PendingCall[]>();
  for (const name of names) {
    const p = join(path, name);
    r.name(name, p, 'a service name');
    const f = r.fields(map[name] ?? {}, p, SERVICE_FIELDS);
    calleeClients.set(name, readClient(r, f.client, join(p, 'client')));
    pending.set(name, readCalls(r, f.calls, join(p, 'calls')));
    services.push(readService(r, name, f, p));
  }
  // Unknown call targets are reported by the semantic checks; resolve what exists.
  const callOverrides = new Map<string, ClientOverride[]>();
  for (const s of services) {
    s.calls = pending.get(s.name)!.map((c): CallSpec => ({
      service: c.service,
      client: resolveClient(calleeClients.get(c.service) ?? EMPTY_OVERRIDE, c.override),
    }));
    callOverrides.set(s.name, pending.get(s.name)!.map((c) => c.override));
  }
  return { services, calleeClients, callOverrides };
}

/** Where each call was written, for error paths in the semantic checks. */
export function callPath(servicesPath: string, service: string, index: number): string {
  return join(join(join(servicesPath, service), 'calls'), index);
}

function readService(r: Reader, name: string, f: RawMap, p: string): ServiceSpec {
  const versions = readVersions(r, f.versions, join(p, 'versions'));
  const initialVersion = f.initialVersion === undefined ? versions[0].name : r.name(f.initialVersion, join(p, 'initialVersion'), 'a version name');
  return {
    name,
    replicas: f.replicas === undefined ? 1 : r.replicas(f.replicas, join(p, 'replicas'), 1),
    initialVersion,
    versions,
    instance: readInstance(r, f, p),
    calls: [],
    propagatesLane: f.propagatesLane === undefined ? true : r.boolean(f.propagatesLane, join(p, 'propagatesLane')),
    registry: f.registry === undefined ? null : r.name(f.registry, join(p, 'registry'), 'the name of one of registries'),
    proactiveNotification: f.proactiveNotification === undefined ? false : r.boolean(f.proactiveNotification, join(p, 'proactiveNotification')),
  };
}

function readInstance(r: Reader, f: RawMap, p: string): InstanceSpec {
  const opt = <T>(key: string, dflt: T, read: (v: Raw, path: string) => T): T =>
    f[key] === undefined ? dflt : read(f[key], join(p, key));
  if (f.readyAfterRegistration === true && (f.registrationDelay === undefined || f.registrationDelay === 0 || f.registrationDelay === '0s')) {
    r.warn(join(p, 'readyAfterRegistration'), 'has no effect without a registrationDelay: an instance registers the moment it is ready; set registrationDelay, or remove it');
  }
  return {
    concurrency: opt('concurrency', 1, (v, q) => r.int32(v, q, 1)),
    queue: opt('queue', 100, (v, q) => r.integerUpTo(v, q, 0, MAX_QUEUE, QUEUE_WHY)),
    serviceTime: readDistribution(r, required(r, f.serviceTime, join(p, 'serviceTime')), join(p, 'serviceTime')),
    coldStart: opt('coldStart', { factor: 1, decay: 30_000, decayRequests: null }, (v, q) => readColdStart(r, v, q)),
    startup: opt('startup', { type: 'constant', value: 0 }, (v, q) => readDistribution(r, v, q)),
    readinessProbe: readProbe(r, f.readinessProbe, join(p, 'readinessProbe')),
    registrationDelay: opt('registrationDelay', 0, (v, q) => r.duration(v, q)),
    readyAfterRegistration: opt('readyAfterRegistration', false, (v, q) => r.boolean(v, q)),
    deregistration: opt('deregistration', 'on-termination' as const, (v, q) => r.oneOf(v, q, ['on-termination', 'before-termination'] as const)),
    deregistrationLead: opt('deregistrationLead', 0, (v, q) => r.duration(v, q)),
    preStop: opt('preStop', 0, (v, q) => r.duration(v, q)),
    terminationGracePeriod: opt('terminationGracePeriodSeconds', 30, (v, q) => r.seconds(v, q)) * 1000,
    shutdown: opt('shutdown', 'graceful' as const, (v, q) => r.oneOf(v, q, ['graceful', 'abrupt'] as const)),
    minReadySeconds: opt('minReadySeconds', 0, (v, q) => r.seconds(v, q)) * 1000,
    keepAlive: opt('keepAlive', { timeout: 0, onShutdown: 'close-idle' as const }, (v, q) => readKeepAlive(r, v, q)),
  };
}

function readVersions(r: Reader, v: Raw, path: string): VersionSpec[] {
  if (v === undefined) return [plainVersion('v1')];
  let out: VersionSpec[];
  if (Array.isArray(v)) {
    out = v.map((n, i) => plainVersion(r.name(n, join(path, i), 'a version name')));
  } else {
    const map = r.namedMap(v, path, 'a list of version names or a map of versions');
    out = Object.keys(map).map((n) => readVersion(r, n, map[n], join(path, n)));
  }
  if (out.length === 0) r.expected(path, 'at least one version', v);
  const seen = new Set<string>();
  out.forEach((ver, i) => {
    if (seen.has(ver.name)) r.fail(join(path, i), `version "${ver.name}" is declared twice`);
    seen.add(ver.name);
  });
  return out;
}

function plainVersion(name: string): VersionSpec {
  return { name, errorRate: 0, latencyFactor: 1, weight: 1, serviceTime: null, coldStart: null, startup: null, crashAfter: null, neverReady: false, requires: {} };
}

function readVersion(r: Reader, name: string, v: Raw, p: string): VersionSpec {
  r.name(name, p, 'a version name');
  const f = r.fields(v ?? {}, p, ['errorRate', 'latencyFactor', 'weight', 'serviceTime', 'coldStart', 'startup', 'crashAfter', 'neverReady', 'requires']);
  return {
    name,
    errorRate: f.errorRate === undefined ? 0 : r.fraction(f.errorRate, join(p, 'errorRate')),
    latencyFactor: f.latencyFactor === undefined ? 1 : r.number(f.latencyFactor, join(p, 'latencyFactor'), { min: 0, minExclusive: true }),
    weight: f.weight === undefined ? 1 : r.integerUpTo(f.weight, join(p, 'weight'), 1, MAX_ENDPOINT_WEIGHT, 'HAProxy\'s largest server weight'),
    serviceTime: f.serviceTime === undefined ? null : readDistribution(r, f.serviceTime, join(p, 'serviceTime')),
    coldStart: f.coldStart === undefined ? null : readColdStart(r, f.coldStart, join(p, 'coldStart')),
    startup: f.startup === undefined ? null : readDistribution(r, f.startup, join(p, 'startup')),
    crashAfter: f.crashAfter === undefined ? null : readDistribution(r, f.crashAfter, join(p, 'crashAfter')),
    neverReady: f.neverReady === undefined ? false : r.boolean(f.neverReady, join(p, 'neverReady')),
    requires: f.requires === undefined ? {} : readRequires(r, f.requires, join(p, 'requires')),
  };
}

/** `requires: {api: v2}` or `{api: [v2, v3]}`: callee → versions (names checked in check.ts). */
function readRequires(r: Reader, v: Raw, p: string): Record<string, string[]> {
  const map = r.namedMap(v, p, 'a map of called service → the version (or list of versions) this version works with');
  const out = Object.create(null) as Record<string, string[]>;
  for (const callee of Object.keys(map)) {
    const at = join(p, callee);
    const raw = map[callee];
    const list = Array.isArray(raw) ? raw.map((x, i) => r.name(x, join(at, i), 'a version name')) : [r.name(raw, at, 'a version name or a list of them')];
    if (list.length === 0) r.expected(at, 'at least one version', raw);
    out[r.name(callee, at, 'a service name')] = list;
  }
  return out;
}

const ON_SHUTDOWN = ['close-idle', 'connection-close', 'none'] as const;

function readKeepAlive(r: Reader, v: Raw, p: string): KeepAliveSpec {
  const f = r.fields(v, p, ['timeout', 'onShutdown'], 'a map {timeout, onShutdown}');
  return {
    timeout: f.timeout === undefined ? 0 : r.duration(f.timeout, join(p, 'timeout')),
    onShutdown: f.onShutdown === undefined ? 'close-idle' : r.oneOf(f.onShutdown, join(p, 'onShutdown'), ON_SHUTDOWN),
  };
}

function readColdStart(r: Reader, v: Raw, p: string): ColdStartSpec {
  const f = r.fields(v, p, ['factor', 'decay', 'decayRequests'], 'a map {factor, decay} or {factor, decayRequests}');
  if (f.decay !== undefined && f.decayRequests !== undefined) r.fail(join(p, 'decayRequests'), 'expected one of decay (warm-up by uptime) or decayRequests (by requests served), not both');
  return {
    factor: f.factor === undefined ? 1 : r.number(f.factor, join(p, 'factor'), { min: 1, what: 'a factor ≥ 1 (1 = no cold start)' }),
    decay: f.decay === undefined ? 30_000 : r.duration(f.decay, join(p, 'decay'), { positive: true }),
    decayRequests: f.decayRequests === undefined ? null : r.number(f.decayRequests, join(p, 'decayRequests'), { min: 0, minExclusive: true, what: 'a number of requests > 0' }),
  };
}

function readProbe(r: Reader, v: Raw, p: string): ProbeSpec {
  const f = v === undefined ? {} : r.fields(v, p, ['initialDelaySeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']);
  const period = f.periodSeconds === undefined ? 10 : r.seconds(f.periodSeconds, join(p, 'periodSeconds'));
  if (period <= 0) r.expected(join(p, 'periodSeconds'), 'a number of seconds > 0', f.periodSeconds);
  return {
    initialDelaySeconds: f.initialDelaySeconds === undefined ? 0 : r.seconds(f.initialDelaySeconds, join(p, 'initialDelaySeconds')),
    periodSeconds: period,
    successThreshold: f.successThreshold === undefined ? 1 : r.integer(f.successThreshold, join(p, 'successThreshold'), 1),
    failureThreshold: readFailureThreshold(r, f.failureThreshold, join(p, 'failureThreshold')),
  };
}

/**
 * Accepted so probes copied from a manifest load, but the model never fails a readiness
 * probe once an instance is ready (sim/model/ schedules readiness once, from
 * successThreshold), so the value changes nothing. A knob that silently does nothing
 * misleads, hence the warning; only when the file sets it, since the default is harmless.
 */
function readFailureThreshold(r: Reader, v: Raw, path: string): number {
  if (v === undefined) return 3;
  const n = r.integer(v, path, 1);
  r.warn(path, 'accepted for manifest compatibility but has no effect: modelled instances never fail a readiness probe once ready');
  return n;
}

function readCalls(r: Reader, v: Raw, path: string): PendingCall[] {
  if (v === undefined) return [];
  return r.list(v, path, 'a list of service names').map((c, i) => {
    const p = join(path, i);
    if (typeof c === 'string') return { service: r.name(c, p, 'a service name'), override: EMPTY_OVERRIDE, path: p };
    const f = r.fields(c, p, ['service', 'client'], 'a service name or {service, client}');
    return {
      service: r.name(required(r, f.service, join(p, 'service')), join(p, 'service'), 'a service name'),
      override: readClient(r, f.client, join(p, 'client')),
      path: p,
    };
  });
}
