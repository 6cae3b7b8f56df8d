/**
 * Lanes (a request coloured at the entry and preferred per hop) and the paths requests
 * take through service versions, the evidence of whether a lane held. Paths are packed
 * into one number per request so the hot path records them without allocating; they are
 * only decoded to names for the result.
 */
import type { LaneTable, Model } from './model.ts';

/** Hop count marking a request whose path is not recorded. */
export const UNTRACKED = 255;

/**
 * Why a request left its lane (`RequestPool.misrouted`, 0: it did not), in the order of
 * MISROUTE_KINDS (code − 1): untagged at a hop where its lane has a version (a service
 * did not propagate the tag); tagged, but this caller did not list the registered lane
 * instances yet; tagged, but the lane version had no usable instance; base traffic
 * served by a lane-only version.
 */
export const MISROUTE_TAG_LOST = 1, MISROUTE_LANE_UNSEEN = 2, MISROUTE_LANE_DOWN = 3, MISROUTE_BASE_TO_LANE = 4;

/** The lane the entry proxy colours a user's request with, under the lanes it has heard of. */
export function laneOf(m: Model, L: LaneTable, user: number): number {
  for (let k = 0; k < L.matches.length; k++) if (m.users.test(user, L.matches[k])) return k + 1;
  return 0;
}

export function notePath(m: Model, r: number, gv: number): void {
  const R = m.reqs;
  if (R.hops[r] < 8) {
    R.path[r] = R.path[r] * 64 + gv + 1;
    R.hops[r]++;
  }
}

export function countPath(m: Model, r: number): void {
  if (m.reqs.hops[r] === UNTRACKED) return;
  const lane = m.reqs.lane[r];
  const usage = m.laneUsage[lane];
  const key = m.reqs.path[r];
  usage.set(key, (usage.get(key) ?? 0) + 1);
  m.laneRequests[lane]++;
}

/** Decodes a path key into `a:v2>b:v1>c:v2` (`-` when no instance accepted it). */
export function pathName(m: Model, key: number): string {
  if (key === 0) return '-';
  const parts: string[] = [];
  let k = key;
  while (k > 0) {
    const gv = (k % 64) - 1;
    parts.unshift(`${m.topo.gvNames[gv].service}:${m.topo.gvNames[gv].version}`);
    k = Math.floor(k / 64);
  }
  return parts.join('>');
}
