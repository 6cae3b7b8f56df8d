/**
 * Argo Rollouts' getting-started canary pasted into a scenario's strategy loads: a bare
 * pause duration is seconds, as in Argo, and canaryService/stableService are accepted with a
 * warning (they name Kubernetes Services, which relsim does not model).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';

const scenario = (strategy: string) => parseScenario(`
duration: 2m
services:
  a: {replicas: 4, versions: [v1, v2], serviceTime: 10ms}
traffic: {rate: 10}
release:
  to: v2
  strategy:
${strategy.trim().split('\n').map((l) => `    ${l}`).join('\n')}
`, 's.yaml');

test("Argo's own canary steps and Service names paste in", () => {
  const s = scenario(`
name: canary
canaryService: rollouts-demo-canary
stableService: rollouts-demo-stable
steps:
  - setWeight: 20
  - pause: {duration: 10}
  - setWeight: 40
  - pause: {duration: "1m"}
  - pause: 5
  - pause: {}
`);
  const strategy = s.release!.strategy;
  assert.is(strategy.name, 'canary');
  if (strategy.name !== 'canary') return;
  assert.equal(strategy.steps, [{ setWeight: 20 }, { pause: { duration: 10_000 } }, { setWeight: 40 }, { pause: { duration: 60_000 } }, { pause: { duration: 5000 } }, { pause: { duration: null } }]);
  assert.is(s.warnings!.filter((w) => /canaryService|stableService/.test(w)).length, 2);
  assert.match(s.warnings!.find((w) => /canaryService/.test(w))!, /release\.strategy\.canaryService: has no effect: it names a Kubernetes Service/);
});

test('a bare number elsewhere is still refused with the unit hint', () => {
  assert.throws(() => scenario(`
name: rolling
batches: [{replicas: 2, pause: 10}]
`), /release\.strategy\.batches\[0\]\.pause: expected a duration like 250ms, 5s, 2m, got 10 \(a bare number is only allowed in \*Seconds fields/);
});

test.run();
