/**
 * Traffic mirroring (Argo's setMirrorRoute): a share of the requests a service's router
 * sends elsewhere is copied to the mirror version. A copy is a fire-and-forget call: it
 * loads the canary, is measured there (so analysis sees it), makes the canary's own
 * downstream calls, and its answer is thrown away — its failures are never a user's drop,
 * they are counted apart (`meta.mirrored`). The mirror takes effect at every caller at once.
 */
import type { Model } from './model.ts';
import type { CompiledMatch } from './traffic.ts';
import type { MirrorRoute } from '../../strategies/protocol-types.ts';
import type { Uniform } from '../kernel/random.ts';
import { hashString } from '../balancers/hash.ts';

export interface Mirror {
  /** Local version index copies go to. */
  version: number;
  percent: number;
  match: CompiledMatch | null;
}


/** Installs (or with null removes) the service's mirror. */
export function setMirror(m: Model, service: string, mirror: MirrorRoute | null): void {
  const s = m.topo.index(service);
  m.mirrors[s] = mirror === null ? null : {
    version: m.topo.versionIndex(s, mirror.version),
    percent: mirror.percent,
    match: mirror.match ? m.users.compile(mirror.match, hashString(`mirror/${service}`)) : null,
  };
  m.mirrorsOn = m.mirrors.some((x) => x !== null);
}

/** Whether a request of `user` the router sent to `routed` is copied (draws only when it could be). */
export function mirrors(mr: Mirror, routed: number, user: number, u: Uniform, m: Model): boolean {
  if (routed === mr.version) return false;
  if (mr.match !== null && !m.users.test(user, mr.match)) return false;
  return mr.percent >= 100 || u() * 100 < mr.percent;
}
