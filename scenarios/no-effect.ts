/**
 * Settings the loader accepts but that change nothing in the run, in the combination the
 * file puts them in. Each one becomes a warning (`file: field.path: has no effect …; what
 * to do`) that the CLI prints as `relsim: warning: …`; the exit code stays the same.
 *
 * Every check here keeps three rules, because a wrong warning is worse than none:
 *  - only what the file writes is named (presence in the parsed file, not a default);
 *  - it holds on both platforms that run a scenario, the simulator (sim/) and the replay
 *    (replay/), which answer the same plan with the same rules (sim/rules/);
 *  - it holds under `--strategy S` / `compare`, which replace the strategy with S's
 *    defaults but keep everything else: release.services and release.to, and
 *    traffic.headers[0] (the A/B or lane match S gets, scenarios/load.ts withStrategy).
 *    So strategy knobs are judged against their own strategy, everything else against
 *    every strategy.
 * A scenario without a release is a steady-state model: the instance, version and caller
 * settings only a release would exercise are not flagged there (they describe the service
 * for when one is added).
 *
 * The other no-effect warnings live where their field is read: readinessProbe.failureThreshold
 * (read-services.ts), takeOutFirst + batches and maxSurge/maxUnavailable with a router
 * (read-strategy.ts; not in partition style, which rolls pods with them), preStop beyond the grace period, lb.maxFails outside smooth-wrr and
 * match rules on a header no request carries (check.ts).
 */
import { COOKIE_HEADER, alternatives, nameCarried, userIdsMatching, valueMatches, valuesCarried } from './matching.ts';
import type { ClientSpec, MatchRule, Scenario, ServiceSpec, StrategySpec } from './types.ts';
import { Reader, join, type Raw, type RawMap } from './reader.ts';
import type { ClientOverride } from './read-client.ts';
import { formatDuration } from './durations.ts';
import { defaultStrategy } from './defaults.ts';
import { slowStartSpan } from '../sim/balancers/slow-start.ts';
import { servicesTheReleaseTouches } from './check.ts';

/** What the loader read besides the Scenario: the parsed file and each `client:` block as written. */
export interface NoEffectSources {
  /** The parsed file's top-level map. */
  raw: RawMap;
  /** services.<x>.client: the default for calls made to x. */
  calleeClients: Map<string, ClientOverride>;
  /** services.<y>.calls[i].client, per service in call order. */
  callOverrides: Map<string, ClientOverride[]>;
  /** entry.client. */
  entryOverride: ClientOverride;
}

export function warnNoEffect(r: Reader, s: Scenario, src: NoEffectSources): void {
  const ctx = new Context(s, src.raw);
  warnServices(r, ctx);
  warnClients(r, ctx, src);
  warnKeepAlive(r, ctx);
  warnTraffic(r, ctx);
  warnStrategy(r, ctx);
  warnMatches(r, ctx);
  warnSlo(r, ctx);
}

// ---- what the scenario does, as far as the checks need it ----------------------------------

class Context {
  /** Services a request can reach: the entry and whatever it calls, transitively. */
  readonly reachable: Set<string>;
  readonly byName: Map<string, ServiceSpec>;
  /** Services whose instances the release may start or stop (null: no release). */
  private readonly touched: Set<string> | null;

  constructor(readonly s: Scenario, readonly raw: RawMap) {
    this.byName = new Map(s.services.map((x) => [x.name, x]));
    this.touched = servicesTheReleaseTouches(s);
    this.reachable = new Set([s.entry.service]);
    const todo = [s.entry.service];
    while (todo.length > 0) {
      for (const c of this.byName.get(todo.pop()!)?.calls ?? []) {
        if (!this.reachable.has(c.service)) { this.reachable.add(c.service); todo.push(c.service); }
      }
    }
  }

  /** The raw value at a path of keys in the parsed file (own keys only), or undefined. */
  at(...keys: (string | number)[]): Raw {
    let v: Raw = this.raw;
    for (const k of keys) {
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return undefined;
      v = (v as Record<string | number, Raw>)[k];
    }
    return v;
  }

  given(...keys: (string | number)[]): boolean {
    return this.at(...keys) !== undefined;
  }

  /** Versions of a service that ever run: its initial version, its release target, its lane versions. */
  deployed(svc: ServiceSpec): Set<string> {
    const out = new Set([svc.initialVersion]);
    const rel = this.s.release;
    if (rel) {
      if (Object.hasOwn(rel.to, svc.name)) out.add(rel.to[svc.name]);
      if (rel.strategy.name === 'lanes') for (const l of rel.strategy.lanes) if (Object.hasOwn(l.services, svc.name)) out.add(l.services[svc.name]);
    }
    return out;
  }

  /** Why no instance of `svc` ever starts or stops, or null when one may (or there is no release). */
  neverStarted(svc: string): string | null {
    if (this.touched === null || this.touched.has(svc)) return null;
    const lanes = this.s.release?.strategy.name === 'lanes' ? ' and is in no lane' : '';
    return `${svc} is not released (release.services: ${this.s.release!.services.join(', ')})${lanes}, so none of its instances ever starts or stops`;
  }

  /** How to have the release start instances of `svc`. */
  releaseIt(svc: string): string {
    return this.s.release?.strategy.name === 'lanes' ? `give ${svc} a version in a lane` : `add ${svc} to release.services`;
  }

  /** Why no request reaches `svc`, or null when one may. */
  unreachable(svc: string): string | null {
    if (this.reachable.has(svc)) return null;
    return `no request reaches ${svc} (it is not the entry, ${this.s.entry.service}, and no service a request reaches calls it)`;
  }

  /** ms from release.startAt to the end of the run: no plan deadline can pass after it. */
  releaseWindow(): number {
    return this.s.duration - (this.s.release?.startAt ?? 0);
  }
}

// ---- services and versions -------------------------------------------------------------------

/** Instance settings only an instance started (or stopped) during the run uses: initial instances are warm, ready and registered at t = 0. */
const LIFECYCLE_FIELDS = [
  'startup', 'readinessProbe', 'registrationDelay', 'readyAfterRegistration', 'deregistration', 'deregistrationLead', 'preStop',
  'terminationGracePeriodSeconds', 'shutdown', 'minReadySeconds', 'coldStart', 'proactiveNotification',
] as const;

/** Settings of how a service serves requests: nothing when no request reaches it. */
const SERVING_FIELDS = ['concurrency', 'queue', 'coldStart', 'calls', 'propagatesLane', 'proactiveNotification'] as const;

/** The sub-fields of readinessProbe that schedule readiness (failureThreshold warns on its own). */
const PROBE_TIMING = ['initialDelaySeconds', 'periodSeconds', 'successThreshold'] as const;

function warnServices(r: Reader, ctx: Context): void {
  for (const svc of ctx.s.services) {
    const p = join('services', svc.name);
    const said = new Set<string>();
    const warn = (field: string, problem: string): void => {
      if (said.has(field)) return;
      said.add(field);
      r.warn(join(p, field), problem);
    };
    const given = (field: string): boolean =>
      field === 'readinessProbe' ? PROBE_TIMING.some((k) => ctx.given('services', svc.name, 'readinessProbe', k)) : ctx.given('services', svc.name, field);

    const unreachable = ctx.unreachable(svc.name);
    if (unreachable) {
      for (const f of SERVING_FIELDS) {
        if (given(f)) warn(f, `has no effect: ${unreachable}; call ${svc.name} from a service on the request path, or remove the setting`);
      }
    }
    const never = ctx.neverStarted(svc.name);
    if (never) {
      for (const f of LIFECYCLE_FIELDS) {
        if (f === 'coldStart' && !warmAtBoot(svc.instance.coldStart.factor, svc.instance.coldStart.decay)) continue;
        if (given(f)) warn(f, `has no effect: ${never}; ${ctx.releaseIt(svc.name)}, or remove the setting`);
      }
    }
    const inst = svc.instance;
    if (given('deregistrationLead') && inst.deregistration === 'on-termination') {
      warn('deregistrationLead', 'has no effect with deregistration: on-termination: the lead is the wait between leaving the registry and termination in lossless offline; set deregistration: before-termination, or remove it');
    }
    if (given('terminationGracePeriodSeconds') && inst.shutdown === 'abrupt' && inst.preStop <= inst.terminationGracePeriod) {
      const hook = inst.preStop === 0 ? 'no preStop' : `a preStop (${formatDuration(inst.preStop)}) that fits in it`;
      warn('terminationGracePeriodSeconds', `has no effect with shutdown: abrupt and ${hook}: the app exits at SIGTERM, so nothing waits for the grace period to end; set shutdown: graceful, or remove it`);
    }
    if (given('propagatesLane') && svc.calls.length === 0) {
      warn('propagatesLane', `has no effect: ${svc.name} calls no service, so there is no downstream call to carry the lane tag; remove it`);
    }
    warnVersions(r, ctx, svc, p, unreachable, never);
  }
}

/**
 * Whether a cold start leaves an initial instance's service time exactly as it is: those
 * came up 1e12 ms before t = 0 (sim/model/model.ts boot; the replay starts them with no cold
 * start), so the factor 1 + (factor − 1)·e^(−uptime/decay) is 1 in floating point unless
 * the decay runs for months.
 */
function warmAtBoot(factor: number, decay: number): boolean {
  return (factor - 1) * Math.exp(-1e12 / decay) < 1e-17;
}

const VERSION_FIELDS = ['errorRate', 'latencyFactor', 'weight', 'serviceTime', 'coldStart', 'startup', 'crashAfter', 'neverReady', 'requires'] as const;
/** Version fields that act only on instances started during the run. */
const STARTED_FIELDS: readonly string[] = ['startup', 'crashAfter', 'neverReady'];

function warnVersions(r: Reader, ctx: Context, svc: ServiceSpec, p: string, unreachable: string | null, never: string | null): void {
  const versions = ctx.at('services', svc.name, 'versions');
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) return; // a list sets nothing
  const deployed = ctx.deployed(svc);
  for (const v of svc.versions) {
    const set = VERSION_FIELDS.filter((f) => ctx.given('services', svc.name, 'versions', v.name, f));
    if (set.length === 0) continue;
    const vp = join(join(p, 'versions'), v.name);
    if (ctx.s.release && !deployed.has(v.name)) {
      r.warn(vp, `${set.join(', ')} ${set.length === 1 ? 'has' : 'have'} no effect: version ${v.name} never runs (it is not ${svc.name}'s initialVersion, a release.to or a lane version); release it, or remove the version's settings`);
      continue;
    }
    if (unreachable) {
      for (const f of set) r.warn(join(vp, f), `has no effect: ${unreachable}; call ${svc.name} from a service on the request path, or remove the setting`);
    } else if (set.includes('weight') && svc.versions.every((x) => x.weight === v.weight) && v.weight !== 1) {
      // Balancers use weights only relative to each other.
      r.warn(join(vp, 'weight'), `has no effect: every version of ${svc.name} has weight ${v.weight}, and weights only act relative to each other; give the versions different weights, or remove them`);
    } else if (never && set.includes('coldStart') && v.coldStart && warmAtBoot(v.coldStart.factor, v.coldStart.decay)) {
      r.warn(join(vp, 'coldStart'), `has no effect: ${never} (the initial ones are warm); ${ctx.releaseIt(svc.name)}, or remove the setting`);
    }
    for (const [callee, ok] of Object.entries(v.requires)) {
      const all = ctx.byName.get(callee)?.versions.map((x) => x.name) ?? [];
      if (all.every((x) => ok.includes(x))) r.warn(join(join(vp, 'requires'), callee), `has no effect: it names every version of ${callee} (${all.join(', ')}), so no call is incompatible; name only the versions ${v.name} works with, or remove it`);
    }
    if (never && !unreachable) {
      for (const f of set.filter((x) => STARTED_FIELDS.includes(x))) {
        r.warn(join(vp, f), `has no effect: ${never} (the initial ones are up and ready at t = 0, and never crash); ${ctx.releaseIt(svc.name)}, or remove the setting`);
      }
    }
  }
}

// ---- clients: one hop per caller → callee, each with the client layers that set it ----------

/** The fields of a client block, as dotted paths under `client`. */
const CLIENT_FIELDS = ['lb.algorithm', 'lb.slowStart', 'lb.maxFails', 'lb.failTimeout', 'lb.choiceCount', 'timeout', 'retry.attempts', 'retry.on', 'pool.maxRequests', 'pool.connections'] as const;
type ClientField = (typeof CLIENT_FIELDS)[number];

function sets(o: ClientOverride, f: ClientField): boolean {
  switch (f) {
    case 'timeout': return o.timeout !== undefined;
    case 'retry.attempts': return o.retry.attempts !== undefined;
    case 'retry.on': return o.retry.on !== undefined;
    case 'pool.maxRequests': case 'pool.connections': return o.pool != null && o.pool[f.slice(5) as 'maxRequests' | 'connections'] !== undefined;
    default: return (o.lb as Record<string, unknown>)[f.slice(3)] !== undefined;
  }
}

/** Where the file wrote field f of a client block written at `clientKeys`: `lb: least-request` is lb, `retry: 2` is retry. */
function fieldPath(ctx: Context, clientKeys: (string | number)[], clientPath: string, f: ClientField): string {
  const [head, tail] = f.split('.');
  if (tail === undefined) return join(clientPath, head);
  const block = ctx.at(...clientKeys, head);
  const short = (head === 'lb' && typeof block === 'string') || (head === 'retry' && typeof block === 'number');
  return short ? join(clientPath, head) : join(join(clientPath, head), tail);
}

interface Hop {
  /** The called service. */
  callee: string;
  /** The calling service, or null for the entry proxy. */
  caller: string | null;
  /** Where the hop is written (entry.service, services.y.calls[i]), for reasons. */
  name: string;
  /** The caller's own client block on this hop, and where it is written. */
  override: ClientOverride;
  overrideKeys: (string | number)[];
  overridePath: string;
  /** The resolved client the hop uses. */
  client: ClientSpec;
}

/** Why field f (as resolved on this hop) changes nothing there, or null when it may. */
function unusedOnHop(ctx: Context, hop: Hop, f: ClientField): string | null {
  const c = hop.client;
  switch (f) {
    case 'lb.slowStart': {
      // Slow start ramps up endpoints that join a caller's list during the run: the initial
      // ones joined long before (sim/model/model.ts boot, fillView; haproxy's slowstart
      // follows only a server it sees come up). smooth-wrr with passive health is the
      // exception: slow start also sets its weight scale (smooth-wrr.ts SmoothMembers), which
      // sets how much a failure costs a peer.
      const never = ctx.neverStarted(hop.callee);
      if (never === null || c.lb.slowStart === null || slowStartSpan(c.lb.slowStart) > 1e11) return null;
      if (c.lb.algorithm === 'smooth-wrr' && c.lb.maxFails > 0) return null;
      return `slow start ramps up new instances, and ${never}`;
    }
    case 'lb.failTimeout':
      return c.lb.maxFails === 0 ? 'failTimeout is the window of passive health, which is off (maxFails is 0)' : null;
    case 'lb.choiceCount':
      return c.lb.algorithm !== 'least-request' ? `choiceCount is least-request's number of choices, and ${hop.name} balances with ${c.lb.algorithm}` : null;
    case 'timeout':
      return c.timeout > ctx.s.duration ? `a ${formatDuration(c.timeout)} timeout cannot fire in a ${formatDuration(ctx.s.duration)} run` : null;
    case 'retry.attempts':
      return c.retry.attempts > 0 && c.retry.on.length === 0 ? 'retry.on is empty, so no failure is retried' : null;
    case 'retry.on':
      return c.retry.attempts === 0 ? 'retry.attempts is 0, so nothing is retried' : null;
    case 'pool.maxRequests':
      return c.pool === null ? 'this hop has no pool (pool: none)' : c.pool.http2 ? 'maxRequests closes HTTP/1.1 connections, and this pool is HTTP/2 (one connection carries every request)' : null;
    case 'pool.connections':
      return c.pool === null ? 'this hop has no pool (pool: none)' : !c.pool.http2 ? 'connection-level balancing keeps long-lived HTTP/2 connections, and this pool is HTTP/1.1' : null;
    default:
      return null; // lb.algorithm, lb.maxFails (check.ts names maxFails outside smooth-wrr)
  }
}

const FIX: Record<ClientField, string> = {
  'lb.algorithm': 'remove it',
  'lb.slowStart': 'release the service it calls, or remove it',
  'lb.maxFails': 'remove it',
  'lb.failTimeout': 'set maxFails above 0, or remove it',
  'lb.choiceCount': 'set the algorithm to least-request, or remove it',
  timeout: 'shorten it, or remove it',
  'retry.attempts': 'list failures in retry.on, or remove it',
  'retry.on': 'set retry.attempts above 0, or remove it',
  'pool.maxRequests': 'remove it',
  'pool.connections': 'set pool.http2: true, or remove it',
};

function warnClients(r: Reader, ctx: Context, src: NoEffectSources): void {
  const s = ctx.s;
  const hops: Hop[] = [{
    callee: s.entry.service, caller: null, name: 'the entry', override: src.entryOverride,
    overrideKeys: ['entry', 'client'], overridePath: 'entry.client', client: s.entry.client,
  }];
  for (const svc of s.services) {
    const overrides = src.callOverrides.get(svc.name) ?? [];
    svc.calls.forEach((c, i) => {
      const at = join(join(join('services', svc.name), 'calls'), i);
      hops.push({
        callee: c.service, caller: svc.name, name: `${svc.name}'s call`, override: overrides[i],
        overrideKeys: ['services', svc.name, 'calls', i, 'client'], overridePath: join(at, 'client'), client: c.client,
      });
    });
  }
  // A hop whose caller no request reaches carries nothing: warnServices names its calls.
  const live = hops.filter((h) => h.caller === null || ctx.reachable.has(h.caller));
  const liveTo = new Map<string, Hop[]>();
  for (const h of live) {
    const list = liveTo.get(h.callee);
    if (list) list.push(h); else liveTo.set(h.callee, [h]);
  }

  // The caller's own block: its fields are the last word on its hop.
  for (const hop of live) {
    for (const f of CLIENT_FIELDS) {
      if (!sets(hop.override, f)) continue;
      const why = unusedOnHop(ctx, hop, f);
      if (why) r.warn(fieldPath(ctx, hop.overrideKeys, hop.overridePath, f), `has no effect: ${why}; ${FIX[f]}`);
    }
  }

  // The callee's block reaches every hop to it whose caller does not set the field itself.
  for (const svc of s.services) {
    const block = src.calleeClients.get(svc.name);
    if (!block) continue;
    const written = CLIENT_FIELDS.filter((f) => sets(block, f));
    if (written.length === 0) continue;
    const keys = ['services', svc.name, 'client'];
    const path = join(join('services', svc.name), 'client');
    if (!ctx.reachable.has(svc.name)) {
      r.warn(path, `has no effect: ${ctx.unreachable(svc.name)}, so no caller uses it; call ${svc.name} from a service on the request path, or remove it`);
      continue;
    }
    const to = liveTo.get(svc.name) ?? [];
    for (const f of written) {
      const reasons = new Set<string>();
      let used = false;
      for (const hop of to) {
        const why = sets(hop.override, f) ? `${hop.name} sets its own (${fieldPath(ctx, hop.overrideKeys, hop.overridePath, f)})` : unusedOnHop(ctx, hop, f);
        if (why === null) { used = true; break; }
        reasons.add(why);
      }
      if (used) continue;
      const shown = [...reasons].slice(0, 3);
      const more = reasons.size > shown.length ? `; and ${reasons.size - shown.length} more call${reasons.size - shown.length === 1 ? '' : 's'} like these` : '';
      r.warn(fieldPath(ctx, keys, path, f), `has no effect on any call to ${svc.name}: ${shown.join('; ')}${more}; ${FIX[f]}`);
    }
  }
}

/** A server's keep-alive settings act only on callers that keep connections to it. */
function warnKeepAlive(r: Reader, ctx: Context): void {
  const s = ctx.s;
  for (const svc of s.services) {
    if (!ctx.given('services', svc.name, 'keepAlive')) continue;
    const callers = [...(s.entry.service === svc.name ? [s.entry.client] : []), ...s.services.flatMap((x) => x.calls.filter((c) => c.service === svc.name).map((c) => c.client))];
    if (callers.some((c) => c.pool !== null)) continue;
    r.warn(join(join('services', svc.name), 'keepAlive'), `has no effect: no caller of ${svc.name} keeps connections (client.pool), so connections are not modelled; set a pool on its callers' client, or remove it`);
  }
}

// ---- traffic -------------------------------------------------------------------------------

function warnTraffic(r: Reader, ctx: Context): void {
  const t = ctx.s.traffic;
  for (const f of ['rampTo', 'rampDuration'] as const) {
    if (ctx.given('traffic', f) && t.arrival !== 'ramp') {
      r.warn(join('traffic', f), `has no effect with arrival: ${t.arrival}: it shapes a ramp only; set arrival: ramp, or remove it`);
    }
  }
  if (ctx.given('traffic', 'trace') && t.arrival !== 'trace') {
    r.warn('traffic.trace', `has no effect with arrival: ${t.arrival}: arrivals follow the trace only with arrival: trace; set it, or remove the trace`);
  }
  // headers[0] is the match any `--strategy ab|lanes` gets, so only later rules can be unused.
  const rel = ctx.s.release;
  if (!rel) return;
  const named = new Set<string>();
  for (const [, rule] of matchRules(ctx)) {
    for (const m of alternatives(rule)) {
      for (const kv of [m.header, m.cookie, m.query]) if (kv) named.add(kv.name.toLowerCase());
      if (m.cookie) named.add(COOKIE_HEADER); // a cookie is sought in the Cookie header too
    }
  }
  if (t.headers.length > 0) named.add(t.headers[0].name.toLowerCase());
  t.headers.forEach((h, k) => {
    if (k === 0) return;
    const name = h.name.toLowerCase();
    if (name === 'x-user-id') {
      r.warn(join('traffic.headers', k), 'has no effect: every request carries x-user-id = its user id, and rules on x-user-id compare that id; remove it');
    } else if (!named.has(name)) {
      r.warn(join('traffic.headers', k), `has no effect: no match rule of the release reads "${h.name}" (headers only steer A/B and lane matches); match on it, or remove it`);
    }
  });
}

// ---- strategy knobs ---------------------------------------------------------------------------

/**
 * Approvals that no pause can use: the strategy never pauses for a promotion, or has fewer
 * pause: {} steps than approvals and no analysis whose inconclusive end could take one;
 * and approvals after the run's end. (Per released service: each takes its own.)
 */
function warnApprovals(r: Reader, ctx: Context, st: StrategySpec): void {
  const rel = ctx.s.release!;
  if (rel.approvals.length === 0) return;
  const services = rel.strategy.name === 'lanes' ? 1 : rel.services.length;
  let pauses = 0;
  let analysed = false;
  if (st.name === 'canary') {
    pauses = st.steps.filter((x) => 'pause' in x && x.pause.duration === null).length;
    analysed = st.analysis !== null || st.steps.some((x) => 'analysis' in x);
  } else if (st.name === 'blue-green') {
    pauses = st.autoPromotionEnabled ? 0 : 1;
    analysed = st.prePromotionAnalysis !== null;
  }
  if (pauses === 0 && !analysed) {
    r.warn('release.approvals', `has no effect: a ${st.name} release never pauses for a promotion (only a canary's pause: {}, a blue-green with autoPromotionEnabled: false, or an inconclusive analysis do); remove it`);
    return;
  }
  if (!analysed && rel.approvals.length > pauses * services) {
    const first = pauses * services;
    r.warn(join('release.approvals', first), `${rel.approvals.length - first === 1 ? 'has' : 'and the ones after it have'} no effect: the release pauses for a promotion ${pauses * services} time(s), and each pause takes one approval; remove the rest`);
  }
  const late = rel.approvals.findIndex((t) => t >= ctx.s.duration);
  if (late >= 0) r.warn(join('release.approvals', late), `has no effect: it comes at or after the end of the run (${formatDuration(ctx.s.duration)}); give an earlier time, or lengthen duration`);
}

/** An abort the release never reaches: lanes (nothing to abort), or after the run's end. */
function warnAbort(r: Reader, ctx: Context, st: StrategySpec): void {
  const at = ctx.s.release!.abortAt;
  if (at === null) return;
  if (st.name === 'lanes') r.warn('release.abortAt', 'has no effect with lanes: a lane release has no rollout to abort (use teardown and duration); remove it');
  else if (at >= ctx.s.duration) r.warn('release.abortAt', `has no effect: it comes at or after the end of the run (${formatDuration(ctx.s.duration)}); give an earlier time, or lengthen duration`);
}

/** onFailure: rollback-all with one released service: there is nothing released before it. */
function warnOnFailure(r: Reader, ctx: Context): void {
  const rel = ctx.s.release!;
  if (ctx.given('release', 'onFailure') && rel.onFailure === 'rollback-all' && (rel.services.length < 2 || rel.strategy.name === 'lanes')) {
    r.warn('release.onFailure', `has no effect: ${rel.strategy.name === 'lanes' ? 'a lane release has no rollout to roll back' : 'only one service is released, so no service is released before one that fails'}; remove it`);
  }
}

/**
 * order: parallel with one service (nothing to run beside it) or lanes (a lane release
 * already starts every lane service at once).
 */
function warnOrder(r: Reader, ctx: Context): void {
  const rel = ctx.s.release!;
  if (rel.order !== 'parallel') return;
  if (rel.strategy.name === 'lanes') r.warn('release.order', 'has no effect with lanes: a lane release already starts every lane service at once; remove it');
  else if (rel.services.length < 2) r.warn('release.order', 'has no effect: only one service is released, so there is nothing to release beside it; remove it');
}

/** progressDeadlineAbort in Flagger's shorthand: Flagger always rolls back at the deadline. */
function warnDeadlineAbort(r: Reader, ctx: Context, st: StrategySpec): void {
  if (st.name === 'canary' && st.sessionAffinity !== null && !st.trafficRouting) {
    r.warn('release.strategy.sessionAffinity', 'has no effect with trafficRouting: false: the weight is a replica ratio, and no router sets or reads a cookie; set trafficRouting: true, or remove it');
  }
  if (st.name === 'canary' && st.flagger !== null && ctx.given('release', 'strategy', 'progressDeadlineAbort')) {
    r.warn('release.strategy.progressDeadlineAbort', 'has no effect with the Flagger shorthand (interval, stepWeight, …): Flagger always rolls back a canary that misses progressDeadlineSeconds; remove it');
  }
}

function warnStrategy(r: Reader, ctx: Context): void {
  const rel = ctx.s.release;
  if (!rel) return;
  const st = rel.strategy;
  const p = 'release.strategy';
  const given = (k: string): boolean => ctx.given('release', 'strategy', k);
  const released = rel.services.map((n) => ctx.byName.get(n)!);
  warnApprovals(r, ctx, st);
  warnAbort(r, ctx, st);
  warnOnFailure(r, ctx);
  warnOrder(r, ctx);
  warnDeadlineAbort(r, ctx, st);
  switch (st.name) {
    case 'rolling': {
      const form = st.takeOutFirst ? 'takeOutFirst' : st.batches ? 'batches' : null;
      if (form) {
        for (const k of ['maxSurge', 'maxUnavailable']) {
          if (given(k)) r.warn(join(p, k), `has no effect with ${form}: ${form === 'batches' ? 'each batch scales to its own count' : 'instances are taken out and replaced one at a time'}, and a rollback restores every old instance at once; remove it`);
        }
      }
      if (given('drainWait') && !st.takeOutFirst) {
        r.warn(join(p, 'drainWait'), 'has no effect without takeOutFirst: it is the wait after taking an old instance out of the upstream; set takeOutFirst: true, or remove it');
      }
      if (st.batches && !st.takeOutFirst) {
        const last = st.batches.length - 1;
        if (ctx.given('release', 'strategy', 'batches', last, 'pause')) {
          r.warn(join(join(join(p, 'batches'), last), 'pause'), 'has no effect: the rollout pauses between batches, not after the last one; remove it, or add a batch after it');
        }
      }
      if (given('minReadySeconds') && st.minReadySeconds > 0 && released.every((x) => x.instance.minReadySeconds >= st.minReadySeconds)) {
        r.warn(join(p, 'minReadySeconds'), `has no effect: ${released.length === 1 ? `${released[0].name}'s own minReadySeconds is` : "every released service's own minReadySeconds is"} at least as long, and the longer one counts; remove one of them`);
      }
      const window = ctx.releaseWindow();
      const dflt = (defaultStrategy('rolling') as { progressDeadlineSeconds: number }).progressDeadlineSeconds;
      if (given('progressDeadlineSeconds') && st.progressDeadlineSeconds > window && dflt > window) {
        r.warn(join(p, 'progressDeadlineSeconds'), `has no effect: the run ends ${formatDuration(window)} after release.startAt, before a ${formatDuration(st.progressDeadlineSeconds)} deadline (or the default ${formatDuration(dflt)}) could pass, so nothing is rolled back for lack of progress; shorten it below ${formatDuration(window)}, or lengthen duration`);
      }
      return;
    }
    case 'blue-green': {
      if (given('previewReplicaCount') && st.previewReplicaCount !== null && released.every((x) => st.previewReplicaCount! >= x.replicas)) {
        r.warn(join(p, 'previewReplicaCount'), `has no effect: it is not below the replicas of ${released.map((x) => `${x.name} (${x.replicas})`).join(', ')}, so the preview is the full green stack, as without it; lower it, or remove it`);
      }
      if (!st.autoPromotionEnabled) {
        if (given('autoPromotionSeconds')) r.warn(join(p, 'autoPromotionSeconds'), 'has no effect with autoPromotionEnabled: false: the countdown to an automatic promotion runs only when it is enabled (a promotion then comes from release.approvals); remove it, or set autoPromotionEnabled: true');
        if (given('scaleDownDelaySeconds') && rel.approvals.length === 0) r.warn(join(p, 'scaleDownDelaySeconds'), 'has no effect with autoPromotionEnabled: false and no release.approvals: the rollout waits for a promotion that never comes, so it never switches or scales blue down; add an approval, remove it, or set autoPromotionEnabled: true');
      }
      return;
    }
    case 'canary': {
      const steps = st.steps;
      const endless = steps.flatMap((x, i) => ('pause' in x && x.pause.duration === null ? [i] : []));
      // The first pause: {} no approval is left for (an inconclusive analysis may use one too).
      const stop = endless[rel.approvals.length] ?? -1;
      const never = rel.approvals.length === 0 ? 'pause: {} waits for a promotion that never comes in a run' : 'pause: {} waits for a promotion, and release.approvals has none left for it';
      if (stop >= 0) {
        const at = `${join(join(p, 'steps'), stop)}`;
        if (stop < steps.length - 1) {
          const after = steps.length - 2 - stop; // steps after the first unreachable one
          const what = after === 0 ? 'this step has' : `this step and the ${after === 1 ? 'one' : after} after it have`;
          r.warn(join(join(p, 'steps'), stop + 1), `${what} no effect: the rollout never gets past ${at} (${never}); give that pause a duration${rel.approvals.length > 0 ? ', add an approval' : ''}, or remove the steps after it`);
        }
        // Without a router, maxSurge also decides the replica counts of each weight step
        // (Argo's basic-canary rounding may surge to R + 1): only promotion uses it otherwise.
        const weighted = steps.slice(0, stop).some((x) => 'setWeight' in x && x.setWeight > 0 && x.setWeight < 100);
        // (Partition style has no scale-down delay at all: warned below.)
        const promotionOnly = st.trafficRouting ? (st.stableScaling === 'partition' ? [] : ['scaleDownDelaySeconds']) : weighted ? ['maxUnavailable'] : ['maxSurge', 'maxUnavailable'];
        for (const k of promotionOnly) {
          if (given(k)) r.warn(join(p, k), `has no effect: it is used when the canary is promoted, and the rollout never gets past ${at} (${never}); give that pause a duration, or remove it`);
        }
      }
      if (!st.trafficRouting && given('stableScaling')) {
        r.warn(join(p, 'stableScaling'), 'has no effect with trafficRouting: false: the canary without a router already moves pods (n canary beside R − n stable, the share following them); remove it, or set trafficRouting: true');
      }
      if (st.trafficRouting && st.stableScaling === 'partition') {
        for (const k of ['scaleDownDelaySeconds', 'abortScaleDownDelaySeconds']) {
          if (given(k)) {
            r.warn(join(p, k), 'has no effect with stableScaling: partition: stable pods are replaced as the canary\'s pods start (and back on a rollback), so no stable is left to scale down after a delay; remove it');
          }
        }
      }
      if (!st.trafficRouting) {
        for (const k of ['scaleDownDelaySeconds', 'abortScaleDownDelaySeconds']) {
          if (given(k)) {
            r.warn(join(p, k), 'has no effect with trafficRouting: false: without a router the stable instances are scaled with the weight, so there is no delay before scaling them down; remove it');
          }
        }
      }
      if (given('analysis') && st.analysis) {
        let paused = 0;
        for (const x of stop >= 0 ? steps.slice(0, stop) : steps) if ('pause' in x) paused += x.pause.duration ?? 0;
        if (paused < st.analysis.interval) {
          const upTo = stop >= 0 ? ` before steps[${stop}] stops the rollout` : ' in all';
          r.warn(join(p, 'analysis'), `has no effect: the background analysis measures after every ${formatDuration(st.analysis.interval)} of pause, and the steps pause ${formatDuration(paused)}${upTo}, so it never measures; shorten its interval, lengthen the pauses, or use an analysis step`);
        }
      }
      warnWebhooks(r, st);
      const checks = st.webhooks.some((h) => (h.type === 'rollout' || h.type === 'pre-rollout') && (h.at !== null || h.probability > 0));
      if (given('threshold') && (st.analysis ? ctx.given('release', 'strategy', 'analysis', 'failureLimit') : !checks)) {
        r.warn(join(p, 'threshold'), st.analysis
          ? 'has no effect: analysis.failureLimit is set, and threshold only sets the failureLimit the analysis does not give; remove one of them'
          : 'has no effect without analysis or a failing webhook: threshold is the number of failed checks before a rollback, and nothing is checked; add analysis: {successRate: …}, or remove it');
      }
      return;
    }
    case 'ab':
      warnWebhooks(r, st);
      if (given('replicas') && st.replicas !== null && released.every((x) => st.replicas! >= x.replicas)) {
        r.warn(join(p, 'replicas'), `has no effect: it is not below the replicas of ${released.map((x) => `${x.name} (${x.replicas})`).join(', ')}, so B is as large as without it; lower it, or remove it`);
      }
      return;
    case 'lanes':
      if (given('teardown') && rel.startAt + st.duration > ctx.s.duration) {
        r.warn(join(p, 'teardown'), `has no effect: the lanes live ${formatDuration(st.duration)}, so they come down after ${formatDuration(rel.startAt + st.duration)} at the earliest, and the run ends at ${formatDuration(ctx.s.duration)}; shorten release.strategy.duration, or remove it`);
      }
      return;
    case 'recreate':
      return;
  }
}

/**
 * Gates the plan never reaches: an A/B test never raises a weight, and one that ends with
 * `then: rollback` is never promoted; a canary asks confirm-traffic-increase only before a
 * setWeight that raises the weight.
 */
function warnWebhooks(r: Reader, st: StrategySpec): void {
  if (st.name !== 'canary' && st.name !== 'ab') return;
  const raises = st.name === 'canary' && st.steps.some((x, i) => 'setWeight' in x && x.setWeight > Math.max(0, ...st.steps.slice(0, i).flatMap((y) => ('setWeight' in y ? [y.setWeight] : []))));
  st.webhooks.forEach((h, i) => {
    const at = join(join('release.strategy.webhooks', i), 'type');
    if (h.type === 'confirm-traffic-increase' && !raises) {
      r.warn(at, st.name === 'ab'
        ? 'has no effect: an A/B test sends its cohort to B at once and never raises a weight, so confirm-traffic-increase is never asked; use confirm-rollout or confirm-promotion'
        : 'has no effect: no setWeight step raises the canary\'s weight, so confirm-traffic-increase is never asked; use confirm-promotion, or remove it');
    }
    if (h.type === 'confirm-promotion' && st.name === 'ab' && st.then === 'rollback') {
      r.warn(at, 'has no effect with then: rollback: the test ends by removing B, never by promoting it, so confirm-promotion is never asked; set then: promote, or remove it');
    }
  });
}

// ---- match rules -------------------------------------------------------------------------------

/** The scenario's own A/B or lane match rules, with their paths. */
function matchRules(ctx: Context): [string, MatchRule][] {
  const st = ctx.s.release?.strategy;
  if (st?.name === 'ab') return [['release.strategy.match', st.match]];
  if (st?.name === 'lanes') return st.lanes.map((l, i): [string, MatchRule] => [join(join('release.strategy.lanes', i), 'match'), l.match]);
  return [];
}

/**
 * Conditions no request meets, so the rule matches nobody (check.ts already names a header,
 * cookie or query name no request carries): a value of a carried header that no user gets,
 * an x-user-id that is no user, user ids beyond traffic.users (ids run from 1 to users).
 */
function warnMatches(r: Reader, ctx: Context): void {
  const t = ctx.s.traffic;
  for (const [path, rule] of matchRules(ctx)) {
    alternatives(rule).forEach((m, k) => warnMatchRule(r, t, m, rule.any ? join(path, k) : path));
  }
}

function warnMatchRule(r: Reader, t: Scenario['traffic'], m: MatchRule, path: string): void {
  for (const kind of ['header', 'cookie', 'query'] as const) {
    const kv = m[kind];
    if (!kv) continue;
    const at = join(join(path, kind), kv.kind ?? 'value');
    const wanted = kv.kind === undefined ? `= "${kv.value}"` : kv.kind === 'prefix' ? `starting with "${kv.value}"` : `matching /${kv.value}/`;
    if (kv.name.toLowerCase() === 'x-user-id') {
      if (userIdsMatching(kv, t.users).length === 0) {
        r.warn(at, `has no effect: no request carries x-user-id ${wanted} (user ids run from 1 to traffic.users, ${t.users}), so this rule matches no request; pick an id in that range, or raise traffic.users`);
      }
      continue;
    }
    if (!nameCarried(t.headers, kind, kv.name)) continue; // check.ts: no request carries the name at all
    const values = valuesCarried(t.headers, kind, kv.name);
    if (!values.some((v) => valueMatches(kv, v))) {
      const shown = values.length > 0 ? values.slice(0, 6).map((v) => JSON.stringify(v)).join(', ') + (values.length > 6 ? ', …' : '') : 'to no user: fraction 0';
      r.warn(at, `has no effect: no request carries ${kv.name} ${wanted} (traffic.headers gives it ${shown}), so this rule matches no request; match a value the traffic carries, or add it to traffic.headers`);
    }
  }
  if (m.userIds) {
    const beyond = m.userIds.filter((u) => u > t.users);
    if (beyond.length > 0) {
      const all = beyond.length === m.userIds.length;
      const shown = beyond.length > 5 ? `${beyond.slice(0, 5).join(', ')}, …` : beyond.join(', ');
      r.warn(join(path, 'userIds'), `${all ? 'has no effect' : `${shown} ${beyond.length === 1 ? 'has' : 'have'} no effect`}: user ids run from 1 to traffic.users (${t.users}), so ${all ? 'no request matches this rule' : `no request carries ${beyond.length === 1 ? 'that id' : 'those ids'}`}; raise traffic.users, or pick ids in range`);
    }
  }
}

// ---- slo --------------------------------------------------------------------------------------

function warnSlo(r: Reader, ctx: Context): void {
  if (ctx.s.release) return;
  if (ctx.given('slo', 'rollout')) {
    r.warn('slo.rollout', 'has no effect without a release: there is no rollout whose ending it could check; add a release, or remove it');
  }
  if (ctx.given('slo', 'maxRollout')) {
    r.warn('slo.maxRollout', 'has no effect without a release: there is no rollout to time, so the check always passes; add a release, or remove it');
  }
}
