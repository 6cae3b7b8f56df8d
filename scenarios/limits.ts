/**
 * Upper bounds of scenario integers, set by where the simulator keeps them. A value past
 * one of these used to pass validation and then misbehave silently (3000000000 stored in
 * an Int32Array wraps to a negative number), so the readers reject it with the usual
 * one-line error and relsim.schema.json states the same `maximum`.
 */

/**
 * Largest value an Int32Array slot holds. Replica counts (sim/model/ `desired`),
 * `concurrency` and `queue` (sim/model/topology.ts), retry `attempts` (sim/model/topology.ts
 * `edgeAttempts`) and `traffic.users` (user ids are drawn with `| 0` into an Int32Array)
 * all end in one.
 */
export const INT32_MAX = 2_147_483_647;
/** Why a count stops at INT32_MAX, as the error puts it. */
export const INT32_WHY = 'the simulator stores it as a 32-bit integer';

/**
 * `queue`: every instance reserves an Int32Array of this many slots when it starts
 * (sim/model/instances.ts), so 2^31 − 1 would be 8 GB per instance, which an allocator may refuse
 * outright on a small machine. A million waiting requests per instance is already
 * unbounded for any run (test/sim/mmc.test.ts uses exactly that for "nothing refused").
 */
export const MAX_QUEUE = 1_000_000;
export const QUEUE_WHY = 'each instance reserves its queue when it starts; a million is as good as unbounded';

/**
 * Versions of all services together: lane paths record each hop's global version id + 1
 * as one base-64 digit (sim/model/ `notePath`), so id 63 would carry into the next hop.
 * Checked for every scenario, since any of them can run with `--strategy lanes`.
 */
export const MAX_VERSIONS_TOTAL = 63;

/**
 * Replicas of one service. Every instance costs about a kilobyte plus its queue, and every
 * caller keeps a list of its callees, so the memory budget (memory-budget.ts) is what
 * really bounds a topology; this bound only keeps the arithmetic far from overflow.
 */
export const MAX_REPLICAS = 1_000_000;
export const REPLICAS_WHY = 'and the memory budget bounds the topology as a whole';

/**
 * `versions.<v>.weight`: HAProxy takes server weights 0–256 (and the replay must render the
 * same weight on both proxies); 0 would take the version out of rotation, which is what a
 * router weight or a scale to 0 says, so weights start at 1.
 */
export const MAX_ENDPOINT_WEIGHT = 256;
