/**
 * The "why" never advises a preStop the kubelet would cut off: when the preStop that would
 * cover the slowest caller does not fit in the grace period, it says to raise that too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { explain } from '../../reports/explain.ts';

const text = readFileSync('scenarios/examples/rolling-default.yaml', 'utf8');

test('preStop advice within the grace period stands alone; beyond it, the grace period is named', () => {
  const fits = explain(simulate(parseScenario(text, 'rolling-default.yaml')));
  assert.match(fits, /a preStop of ≥ \d+ s would cover the slowest caller\./);
  assert.not.match(fits, /terminationGracePeriodSeconds/);

  const tight = text.replace('terminationGracePeriodSeconds: 30', 'terminationGracePeriodSeconds: 3');
  assert.ok(tight !== text, 'the fixture still sets terminationGracePeriodSeconds: 30');
  const why = explain(simulate(parseScenario(tight, 'rolling-default.yaml')));
  assert.match(why, /a preStop of ≥ (\d+) s would cover the slowest caller, with terminationGracePeriodSeconds raised above it \(now 3 s; the kubelet ends preStop at the grace period\)/);
});

test.run();
