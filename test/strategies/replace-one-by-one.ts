/**
 * The simplest rollout there is: replace the instances of one service one at a time —
 * start a new one, wait until it is available, then delete an old one. The model's tests
 * use it to produce the deregistration race without any strategy knobs in the way.
 */
import { scale, step, waitReady, outcome, type Plan } from '../../strategies/protocol.ts';

export function* replaceOneByOne(service: string, from: string, to: string, replicas: number): Plan {
  for (let k = 1; k <= replicas; k++) {
    yield* step(`replace ${k}/${replicas}`);
    yield* scale(service, to, k);
    yield* waitReady(service, to, k);
    yield* scale(service, from, replicas - k);
  }
  yield* outcome('promoted');
}
