/**
 * Before a replay starts anything: every scenario string that will reach the proxy's config
 * is rendered by that proxy's own quoting, so what the proxy cannot carry (nginx cannot
 * match a header whose name has `_`; HAProxy reads a lone `}` as the end of a condition) is
 * a one-line refusal naming the scenario field, exit 2, not a run that fails at its first
 * reload with the proxy's words.
 */
import type { MatchRule, Scenario, StrategySpec } from '../scenarios/types.ts';
import { UserError } from '../scenarios/user-error.ts';
import { exactRule } from './match-expansion.ts';
import { stickyCanary } from './affinity.ts';
import { PROXIES } from './proxies/index.ts';
import type { ProxyKind } from './proxy.ts';

export function preflightScenario(scenario: Scenario, proxy: ProxyKind): void {
  const where = scenario.file || scenario.name;
  const st = scenario.release?.strategy;
  if (st?.name === 'canary' && !PROXIES[proxy].mirrors) {
    const k = st.steps.findIndex((x) => 'setMirrorRoute' in x && x.setMirrorRoute.percent > 0);
    if (k >= 0) throw new UserError(`${where}: release.strategy.steps[${k}].setMirrorRoute: cannot be replayed through ${proxy}: it has no built-in traffic mirroring (it would need an SPOE agent); replay it with --proxy nginx, or simulate it with relsim run`, 2);
  }
  if (st?.name === 'canary' || st?.name === 'ab') {
    const k = st.webhooks.findIndex((h) => h.loadTest !== null);
    if (k >= 0) throw new UserError(`${where}: release.strategy.webhooks[${k}].loadTest: cannot be replayed: the replay's load generator sends users' requests through the proxy only, not a load tester's straight to the new version (load tests are simulated only); run it with relsim run, or remove loadTest to replay the other webhooks`, 2);
  }
  const check = PROXIES[proxy].checkMatch;
  for (const { path, match, tag } of routedStrings(scenario)) {
    try {
      check(exactRule(match, scenario.traffic), tag, path);
    } catch (e) {
      const where = scenario.file || scenario.name;
      throw new UserError(`${where}: ${path}: cannot be replayed through ${proxy}: ${(e as Error).message}`, 2);
    }
  }
}

/**
 * Settings the replay runs differently from the simulator, one warning each: the proxies
 * talk HTTP/1.1 keep-alive to backends and notice a backend's close of an idle connection
 * at once, so `pool.http2`, `pool.connections` and `pool.closeNotice` are simulated only;
 * nginx, reloading for every change, empties its pools each time (`survivesUpdates`); and
 * HAProxy answers a crash's in-flight requests with a refusal (`crashAfter`).
 */
export function replayCaveats(scenario: Scenario, proxy: ProxyKind): string[] {
  const out: string[] = [];
  const where = scenario.file || scenario.name;
  const hops = [{ path: 'entry.client.pool', pool: scenario.entry.client.pool },
    ...scenario.services.flatMap((s) => s.calls.map((c, i) => ({ path: `services.${s.name}.calls[${i}].client.pool`, pool: c.client.pool })))];
  for (const { path, pool } of hops) {
    if (!pool) continue;
    if (pool.http2) out.push(`${where}: ${path}.http2: the replay's proxies speak HTTP/1.1 keep-alive to backends; HTTP/2 connections${pool.connections > 0 ? ' and connection-level balancing' : ''} are simulated only`);
    if (proxy === 'nginx' && pool.survivesUpdates) out.push(`${where}: ${path}: nginx reloads on every endpoint change, and its new workers start with empty keep-alive caches; set ${path}.survivesUpdates: false to simulate what nginx does`);
    if (pool.closeNotice !== 1) out.push(`${where}: ${path}.closeNotice: a real proxy notices a backend's close of an idle connection when it happens; the replay cannot lengthen that window`);
  }
  if (proxy === 'haproxy') {
    for (const svc of scenario.services) {
      for (const v of svc.versions) {
        if (!v.crashAfter) continue;
        out.push(`${where}: services.${svc.name}.versions.${v.name}.crashAfter: HAProxy re-sends a request whose reused connection the crash closed, and the dead port refuses it: requests in flight at a crash mostly count as refused, not reset (refused + reset is the simulator's)`);
      }
    }
  }
  for (const svc of scenario.services) {
    for (const v of svc.versions) {
      if (Object.keys(v.requires).length > 0) out.push(`${where}: services.${svc.name}.versions.${v.name}.requires: the replay's backends do not know which version answered them, so calls between versions that do not work together succeed there (simulated only)`);
    }
  }
  const aff = scenario.release?.strategy;
  if (aff?.name === 'canary' && aff.sessionAffinity && aff.trafficRouting) {
    const entry = scenario.entry.service;
    const off = scenario.release!.services.filter((svc) => proxy === 'haproxy' || stickyCanary(scenario, svc) === null);
    if (off.length > 0) {
      const why = proxy === 'haproxy' ? 'the HAProxy replay routes every request by weight and sets no cookie (nginx replays it at the entry service)'
        : `nginx replays it at the entry service (${entry}), whose callers are the load generator's users; ${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} called by backends, which keep no cookie`;
      out.push(`${where}: release.strategy.sessionAffinity: ${why}; there every request is routed by weight`);
    }
  }
  const release = scenario.release;
  if (release && !release.routing.waitApplied && writesRouting(release.strategy)) {
    out.push(`${where}: release.routing.waitApplied: the replay's plan goes on only once the proxy serves by each routing change (an nginx reload, an HAProxy API call), as waitApplied: true simulates; the simulator's plan, as written, goes on at once`);
  }
  return out;
}

/** Whether the strategy as configured writes routing changes (weights, routes, lanes, down marks). */
function writesRouting(k: StrategySpec): boolean {
  switch (k.name) {
    case 'recreate': return false;
    case 'rolling': return k.takeOutFirst;
    case 'canary': return k.trafficRouting;
    default: return true;
  }
}

/** The match rules (and lane tags) a scenario's strategy routes by, with their field paths. */
function routedStrings(s: Scenario): { path: string; match: MatchRule; tag: string | null }[] {
  const strategy = s.release?.strategy;
  if (strategy?.name === 'ab') return [{ path: 'release.strategy.match', match: strategy.match, tag: null }];
  if (strategy?.name === 'lanes') {
    return strategy.lanes.map((lane, i) => ({ path: `release.strategy.lanes[${i}]`, match: lane.match, tag: lane.tag }));
  }
  if (strategy?.name === 'blue-green' && strategy.previewMatch) return [{ path: 'release.strategy.previewMatch', match: strategy.previewMatch, tag: null }];
  if (strategy?.name === 'canary') {
    // Header and mirror routes reach the proxy's config (mirror routes only where the proxy mirrors: refused before this otherwise).
    return strategy.steps.flatMap((x, i) => {
      if ('setHeaderRoute' in x && x.setHeaderRoute.match) return [{ path: `release.strategy.steps[${i}].setHeaderRoute.match`, match: x.setHeaderRoute.match, tag: null }];
      if ('setMirrorRoute' in x && x.setMirrorRoute.match) return [{ path: `release.strategy.steps[${i}].setMirrorRoute.match`, match: x.setMirrorRoute.match, tag: null }];
      return [];
    });
  }
  return [];
}
