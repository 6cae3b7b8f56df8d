/**
 * The balancer registry: algorithm name → factory. The scenario format takes its list of
 * `lb.algorithm` names from here (scenarios/types.ts `LbAlgorithm` is this map's keys,
 * scenarios/read-client.ts `LB_ALGORITHMS` lists them in this order), so a name exists
 * exactly when something implements it.
 *
 * Layering: sim/model/ imports scenarios/, and scenarios/ imports this registry, so
 * sim/balancers/** imports nothing outside sim/balancers/ and sim/kernel/ (and of
 * sim/kernel/ only files that import nothing from scenarios/); types the scenario format
 * shares with a balancer (SlowStartSpec, LbOptions) are declared here and re-exported by
 * scenarios/types.ts. test/sim/balancers/registry.test.ts checks the imports.
 *
 * Adding a balancer:
 *   1. sim/balancers/<name>.ts: a class implementing `Balancer` (balancer.ts) and an
 *      exported factory. `pick` runs once per request per hop: allocate nothing, and draw
 *      random numbers only from the `u` it is given, so streams stay independent.
 *   2. One line below. Registration order is the order error messages list the names in.
 *   3. test/sim/balancers/<name>.test.ts: its choices on a stub view (see helpers.ts there).
 *      registry.test.ts then fails until the name is added to the `lb.algorithm` enums of
 *      scenarios/relsim.schema.json and to docs/scenario-format.md.
 * The replay proxies (replay/proxies/<kind>/*-config.ts) map names to their own balancer
 * config and fall back to round robin for a name they do not know; map the new one there
 * if the proxy has an equivalent.
 */
import type { BalancerFactory } from './balancer.ts';
import { consistentHash } from './consistent-hash.ts';
import { leastRequest } from './least-request.ts';
import { random } from './random.ts';
import { roundRobin } from './round-robin.ts';
import { smoothWrr } from './smooth-wrr.ts';

export const BALANCERS = {
  'round-robin': roundRobin,
  'smooth-wrr': smoothWrr,
  random,
  'least-request': leastRequest,
  'consistent-hash': consistentHash,
} as const satisfies Record<string, BalancerFactory>;

export type BalancerName = keyof typeof BALANCERS;

export const BALANCER_NAMES = Object.keys(BALANCERS) as readonly BalancerName[];

export type { Balancer, BalancerFactory, LbOptions, Members } from './balancer.ts';
export type { SlowStartSpec } from './slow-start.ts';
