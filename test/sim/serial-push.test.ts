// registry.push.serial (with batch: false, one delay per change): a caller applies changes one at a time. In a maxSurge 0 rolling
// update of two instances, the second step publishes two changes at once (v2's first
// instance ready, v1's last one stopped): applied in parallel both land after one delay D,
// applied one after the other the removal lands after 2D, and meanwhile half the traffic
// still goes to the stopped instance. So serial costs rate·D/2 more refusals, no more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { simulate } from '../../sim/simulate.ts';
import { Model } from '../../sim/model/model.ts';
import { sleep } from '../../sim/kernel/engine.ts';

const RATE = 400; // req/s, constant arrivals: the counts below are then nearly exact
const DELAY_MS = 500;

const yaml = (serial: boolean) => `
name: serial-push
seed: 1
duration: 20s
services:
  app:
    replicas: 2
    versions: [v1, v2]
    concurrency: 64
    serviceTime: 1ms
    startup: 3s
    readinessProbe: {initialDelaySeconds: 0, periodSeconds: 1}
    shutdown: abrupt
entry: {service: app, client: {lb: round-robin, retry: 0}}
registry: {push: {delay: ${DELAY_MS}ms, serial: ${serial}, batch: false}}
traffic: {rate: ${RATE}, arrival: constant, users: 100}
release:
  startAt: 2s
  services: [app]
  to: v2
  strategy: {name: rolling, maxSurge: 0, maxUnavailable: 1}
`;

test('serial push: two changes at once cost one more delay at half the traffic', () => {
  const parallel = simulate(scenario(yaml(false)));
  const serial = simulate(scenario(yaml(true)));
  assert.is(parallel.rollout.outcome, 'promoted');
  assert.is(serial.rollout.outcome, 'promoted');
  const extra = serial.requests.byCause.refused - parallel.requests.byCause.refused;
  const expected = (RATE * DELAY_MS) / 1000 / 2;
  // round-robin alternates exactly; allow a few requests for the edges of each window
  assert.ok(Math.abs(extra - expected) <= 5, `serial refused ${serial.requests.byCause.refused}, parallel ${parallel.requests.byCause.refused}: extra ${extra}, expected ≈ ${expected}`);
});

test('serial push: a lone change (the first stop, nothing queued) costs the same as in parallel', () => {
  const parallel = simulate(scenario(yaml(false)));
  const serial = simulate(scenario(yaml(true)));
  const firstStep = (r: typeof parallel) => r.timeline.series['dropped.refused'].slice(0, 5).reduce((a, b) => a + b, 0);
  assert.ok(firstStep(parallel) > 0, 'the first stop refuses for one delay');
  assert.is(firstStep(serial), firstStep(parallel));
});

test('serial push is per caller: changes to two services it calls land one delay apart', () => {
  const landings = (serial: boolean): number[] => {
    const m = new Model(scenario(`
seed: 1
duration: 10s
services:
  web: {replicas: 1, concurrency: 8, serviceTime: 1ms, calls: [a, b]}
  a: {replicas: 2, concurrency: 8, serviceTime: 1ms}
  b: {replicas: 2, concurrency: 8, serviceTime: 1ms}
entry: web
registry: {push: {delay: 1s, serial: ${serial}}}
traffic: {rate: 1}
`));
    m.engine.process((function* () { yield sleep(5000); m.scale('a', 'v1', 1); m.scale('b', 'v1', 1); })());
    m.run();
    // web's own views (its caller is an instance, not the gateway), a then b
    return m.views.filter((v) => v.caller >= 0).map((v) => v.lastDelivery).sort((x, y) => x - y);
  };
  assert.equal(landings(false), [6000, 6000]);
  assert.equal(landings(true), [6000, 7000]);
});

test.run();
