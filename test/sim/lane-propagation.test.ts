// Lanes reach callers as routing changes do: with `routingDelay`, each caller hears of
// them after its own propagation delay (in order with its endpoint changes, as a proxy
// applies a lane rule after the endpoint changes queued before it); without, at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { Model } from '../../sim/model/model.ts';
import { sleep as engineSleep } from '../../sim/kernel/engine.ts';

function laneRun(routingDelay: boolean) {
  const m = new Model(scenario(`
seed: 1
duration: 20s
services:
  a: {replicas: 2, versions: [v1, gray], concurrency: 32, serviceTime: 2ms, calls: [b]}
  b: {replicas: 2, versions: [v1, gray], concurrency: 32, serviceTime: 2ms}
entry: a
registry: {push: {delay: 3s, routingDelay: ${routingDelay}}}
traffic: {rate: 200, users: 1000}
`));
  const lanes = [{ name: 'g', tag: 'g', match: { percent: 100 }, services: { a: 'gray' }, replicas: 1 }];
  const heardAt: number[] = [];
  m.engine.process((function* () {
    yield engineSleep(5_000);
    m.setLanes(lanes as never, 'permissive');
    while (heardAt.length === 0) {
      yield engineSleep(100);
      if (m.views[0].lanes > 0) heardAt.push(m.engine.now);
    }
  })());
  m.run();
  return { m, heardAt: heardAt[0] };
}

test('routingDelay: the entry colours requests only once it has heard of the lanes', () => {
  const delayed = laneRun(true);
  assert.ok(delayed.heardAt >= 8_000 && delayed.heardAt <= 8_100, `heard at ${delayed.heardAt}`);
  const now = laneRun(false);
  assert.ok(now.heardAt <= 5_100, `heard at ${now.heardAt}`);
  // Every caller ends up on the same table either way.
  for (const r of [delayed, now]) assert.ok(r.m.views.filter((v) => v.alive).every((v) => v.lanes === r.m.laneTables.length - 1));
});

test.run();
