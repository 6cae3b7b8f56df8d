/**
 * Lane-based full-link gray (MSE lanes, ASM flow lanes): each lane deploys its versions
 * of the services it covers, the entry colours matching requests with the lane tag, the
 * tag travels hop to hop, and each hop prefers the lane's version — falling back to the
 * base version where the lane has none (permissive) or failing (strict). Lane versions
 * never take untagged traffic: base weights are pinned before they start. After
 * `duration` the lanes are removed and their instances scaled to 0.
 */
import type { LanesKnobs } from '../scenarios/types.ts';
import { scale, setLanes, setWeights, sleep, step, waitReady, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs } from './common.ts';
import { own } from '../scenarios/dict.ts';

const READY_TIMEOUT_MS = 600_000;

export function* lanesPlan(ctx: StrategyContext): Plan {
  const k = ctx.strategy as LanesKnobs;
  const deployments = laneDeployments(ctx, k);

  yield* step('deploy lanes');
  for (const d of deployments) yield* setWeights(d.service, { [d.base]: 100 });
  for (const d of deployments) yield* scale(d.service, d.version, d.replicas);
  for (const d of deployments) yield* waitReady(d.service, d.version, d.replicas, READY_TIMEOUT_MS);

  yield* step(`lanes active ${formatMs(k.duration)}`);
  yield* setLanes(k.lanes, k.mode);
  yield* sleep(k.duration);
  if (!k.teardown) return;

  yield* step('teardown');
  yield* setLanes([], k.mode);
  for (const d of deployments) yield* scale(d.service, d.version, 0);
}

interface LaneDeployment { service: string; version: string; base: string; replicas: number }

/** One deployment per (service, lane version) in scenario service order; shared versions once. */
function laneDeployments(ctx: StrategyContext, k: LanesKnobs): LaneDeployment[] {
  const out: LaneDeployment[] = [];
  for (const svc of ctx.scenario.services) {
    for (const lane of k.lanes) {
      // own(): a service named `constructor` is not in a lane that does not list it.
      const version = own(lane.services, svc.name);
      if (version === undefined || version === svc.initialVersion) continue;
      const seen = out.find((d) => d.service === svc.name && d.version === version);
      if (seen) seen.replicas = Math.max(seen.replicas, lane.replicas);
      else out.push({ service: svc.name, version, base: svc.initialVersion, replicas: lane.replicas });
    }
  }
  return out;
}
