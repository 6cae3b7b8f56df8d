/**
 * The proxies a replay can run, by name: how to build the adapter and how to check, before
 * anything starts, that a scenario's strings can be carried by that proxy's config. Adding
 * a proxy is its folder (adapter, pure config generator, quoting), its name in `ProxyKind`
 * (replay/proxy.ts) and one entry here, which the compiler then requires; the CLI's
 * `--proxy` choices and the preflight follow.
 */
import type { MatchRule } from '../../scenarios/types.ts';
import type { ProxyAdapter, ProxyKind, RoutingState } from '../proxy.ts';
import { HaproxyProxy } from './haproxy/haproxy.ts';
import { checkHaproxyMatch } from './haproxy/haproxy-config.ts';
import { NginxProxy } from './nginx/nginx.ts';
import { checkNginxMatch } from './nginx/nginx-config.ts';

export interface ProxyEntry {
  /** The executable looked up on PATH (and sbin directories). */
  binary: string;
  create(state: RoutingState, runDir: string): ProxyAdapter;
  /** Throws when the proxy cannot match on this rule (or carry this lane tag); `what` names the field. */
  checkMatch(m: MatchRule, tag: string | null, what: string): void;
  /** Copies requests to a mirror version (Argo's setMirrorRoute): nginx's `mirror`; HAProxy has none built in (an SPOE agent would). */
  mirrors: boolean;
}

export const PROXIES = {
  nginx: { binary: 'nginx', create: (state, runDir) => new NginxProxy(state, runDir), checkMatch: checkNginxMatch, mirrors: true },
  haproxy: { binary: 'haproxy', create: (state, runDir) => new HaproxyProxy(state, runDir), checkMatch: checkHaproxyMatch, mirrors: false },
} satisfies Record<ProxyKind, ProxyEntry>;

export const PROXY_KINDS = Object.keys(PROXIES) as ProxyKind[];
