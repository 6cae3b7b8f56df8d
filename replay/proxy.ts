/**
 * The proxy adapter interface (one implementation per provider, like Argo Rollouts'
 * traffic routers) and the provider-neutral routing state both adapters render.
 *
 * The harness owns the desired state; an adapter's job is to make the real proxy match it
 * and to resolve only when the proxy actually serves the change (nginx: reload confirmed by
 * a generation probe; HAProxy: the runtime API answered).
 */
import type { HeaderRoute, MirrorRoute } from '../strategies/protocol-types.ts';
import type { LaneSpec, LbAlgorithm, MatchRule, RetrySpec } from '../scenarios/types.ts';

/** The proxies a replay can run (each registered in replay/proxies/index.ts). */
export type ProxyKind = 'nginx' | 'haproxy';

export interface ProxyAdapter {
  readonly kind: ProxyKind;
  /** Starts the proxy with the current state; resolves once it serves. */
  start(): Promise<void>;
  applyWeights(service: string, weights: Record<string, number> | null): Promise<void>;
  applyRoutes(service: string, routes: HeaderRoute[]): Promise<void>;
  applyLanes(lanes: LaneSpec[], mode: 'permissive' | 'strict'): Promise<void>;
  /**
   * Sets (null: removes) the service's mirror route. Only proxies that can copy requests
   * implement it (nginx); preflight refuses mirroring for the others before anything starts.
   */
  applyMirror?(service: string, mirror: MirrorRoute | null): Promise<void>;
  /** Mirrored copies finished since the last call, oldest first (a proxy that mirrors nothing has none). */
  takeCopies?(): MirroredCopy[];
  markDown(instanceId: string, down: boolean): Promise<void>;
  addServer(endpoint: Endpoint): Promise<void>;
  removeServer(instanceId: string): Promise<void>;
  stop(): Promise<void>;
  /**
   * Resolves once no proxy process with an earlier configuration serves requests any more
   * (its keep-alive connections closed), or after a bounded wait. The harness calls it
   * before judging requests by a new rule (lanes), so a request is never held to a rule
   * the process that served it had not loaded.
   */
  settled(): Promise<void>;
  /** Configuration changes that needed a reload (nginx: all of them). */
  readonly reloads: number;
  /** Real ms each change took from request to "the proxy serves it". */
  readonly changeMs: number[];
  /**
   * Per change, real ms from its start until no request can still be routed by the old
   * state (nginx: the old workers have exited; HAProxy: as changeMs, its runtime API has
   * no old workers). Changes overlapped by a later one are left out.
   */
  readonly staleMs: number[];
  /**
   * Per reload, real ms from its start until every old worker had begun shutting down and
   * took no new request (nginx; HAProxy's runtime API has none, so it is empty).
   */
  readonly quitMs: number[];
  /** settled() calls that gave up while an old worker still served (its 3 s bound ran out). */
  readonly unsettled: number;
}

/** A registered backend instance as the proxy sees it. */
export interface Endpoint {
  id: string;
  service: string;
  version: string;
  port: number;
  down: boolean;
  /** Balancer weight (`versions.<v>.weight`, 1–256): nginx `weight=`, HAProxy `weight`. */
  weight: number;
}

/**
 * One request copy the proxy sent to a mirror version and nobody waited for, as the
 * proxy logged it when the copy finished.
 */
export interface MirroredCopy {
  /** Epoch ms (wall clock) the copy finished. */
  at: number;
  /** The path it took, as the backend reported it (`a:v2>b:v1`); empty when no backend answered. */
  hops: string[];
  ok: boolean;
  /** Real ms from sending the copy to its answer (0 when it never reached a backend). */
  latencyMs: number;
}

/** One proxied service: a listener ("front") in the proxy and its client policy. */
export interface FrontSpec {
  service: string;
  port: number;
  versions: string[];
  /** The entry service's front assigns lane tags from the lanes' match rules. */
  isEntry: boolean;
  lb: LbAlgorithm;
  retry: RetrySpec;
  /** Per-try timeout, real ms (already divided by speed); 0 = none. */
  timeoutMs: number;
  maxFails: number;
  /** Real ms. */
  failTimeoutMs: number;
  /** Slow-start window, real ms (0 = none). */
  slowStartMs: number;
  /** The callers' keep-alive pool (`client.pool`), durations in real ms; null: the proxy's own defaults. */
  pool: { idleTimeoutMs: number; maxRequests: number } | null;
  /**
   * Session affinity (the canary's `sessionAffinity`, entry front only): while `canary` has
   * weight, a request carrying the AFFINITY_COOKIE goes to it, and one the weights send
   * there gets the cookie set (the load generator keeps it for the scenario's maxAge).
   */
  affinity?: { canary: string } | null;
}

/** The cookie a sticky canary sets (a name nginx can read as $cookie_relsim_affinity). */
export const AFFINITY_COOKIE = 'relsim_affinity';

/** Desired routing state, shared by the adapters. */
export class RoutingState {
  readonly endpoints = new Map<string, Endpoint>();
  readonly weights = new Map<string, Record<string, number> | null>();
  readonly routes = new Map<string, HeaderRoute[]>();
  /** Per service, its mirror route (match rules already exact: match-expansion.ts). */
  readonly mirrors = new Map<string, MirrorRoute>();
  lanes: LaneSpec[] = [];
  laneMode: 'permissive' | 'strict' = 'permissive';

  constructor(readonly fronts: FrontSpec[]) {}

  front(service: string): FrontSpec {
    const f = this.fronts.find((x) => x.service === service);
    if (!f) throw new Error(`no proxy front for service ${service}`);
    return f;
  }

  frontIndex(service: string): number {
    return this.fronts.findIndex((x) => x.service === service);
  }

  /** Versions of a service known to the proxy: declared ones, then any seen since. */
  versionsOf(service: string): string[] {
    const vs = [...this.front(service).versions];
    for (const e of this.endpoints.values()) if (e.service === service && !vs.includes(e.version)) vs.push(e.version);
    for (const l of this.lanes) { const v = l.services[service]; if (v && !vs.includes(v)) vs.push(v); }
    for (const r of this.routes.get(service) ?? []) if (!vs.includes(r.version)) vs.push(r.version);
    const mirror = this.mirrors.get(service);
    if (mirror && !vs.includes(mirror.version)) vs.push(mirror.version);
    for (const v of Object.keys(this.weights.get(service) ?? {})) if (!vs.includes(v)) vs.push(v);
    return vs;
  }

  endpointsOf(service: string, version?: string): Endpoint[] {
    return [...this.endpoints.values()].filter((e) => e.service === service && (version === undefined || e.version === version));
  }
}

/** The header (lower case) and value a match rule tests, for header/cookie/query rules. */
export function describeMatch(m: MatchRule): string {
  if (m.header) return `header ${m.header.name}=${m.header.value}`;
  if (m.cookie) return `cookie ${m.cookie.name}=${m.cookie.value}`;
  if (m.query) return `query ${m.query.name}=${m.query.value}`;
  if (m.userIds) return `user ids ${m.userIds.join(',')}`;
  if (m.percent !== undefined) return `${m.percent}% of users`;
  return 'everything';
}
