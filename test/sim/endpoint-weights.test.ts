// Endpoint weights through the whole model, on the shipped gray-by-server-weight example:
// one v2 server at weight 1 beside three v1 servers at weight 3 behind a smooth-WRR entry
// takes 1/(1 + 3·3) = 10% of requests. Smooth WRR is deterministic, so over the pause's
// ~12,000 requests the share is 10% to within a pick or two per cycle (±0.2 points); a
// per-request random draw would miss that band about half the time (its sd is 0.27 points).
// With the weights removed the same step gives v2 its replica share, 25%.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';
import { shareBetween } from '../replay/helpers.ts';

function pauseShare(r: RunResult, bucketMs: number): number {
  const pause = r.rollout.steps.find((s) => s.name.startsWith('pause'))!;
  // Skip the pause's first bucket: the new server may still be reaching some callers.
  return shareBetween(r.timeline.series, bucketMs, 'web', 'v2', pause.startMs + 2 * bucketMs, pause.endMs).share;
}

test('one weight-1 server beside three weight-3 ones takes exactly 10% (and 25% unweighted)', () => {
  const sc = loadScenario('scenarios/examples/gray-by-server-weight.yaml');
  for (const seed of [1, 2]) {
    const share = pauseShare(simulate(sc, { seed }), sc.bucketMs);
    assert.ok(Math.abs(share - 0.1) <= 0.002, `seed ${seed}: v2 took ${(share * 100).toFixed(2)}%`);
  }
  const unweighted = { ...sc, services: sc.services.map((s) => ({ ...s, versions: s.versions.map((v) => ({ ...v, weight: 1 })) })) };
  const share = pauseShare(simulate(unweighted, { seed: 1 }), sc.bucketMs);
  assert.ok(Math.abs(share - 0.25) <= 0.003, `unweighted: v2 took ${(share * 100).toFixed(2)}%`);
});

test('a weight is validated: an integer from 1 to 256, named by its field', async () => {
  const { parseScenario } = await import('../../scenarios/load.ts');
  const base = 'name: w\nduration: 1s\nservices: {a: {serviceTime: 5ms, versions: {v1: {weight: WEIGHT}}}}\nentry: a\ntraffic: {rate: 1}\n';
  for (const [w, msg] of [['0', /services\.a\.versions\.v1\.weight: expected a positive integer, got 0/], ['257', /weight: expected an integer between 1 and 256 \(HAProxy's largest server weight\)/], ['1.5', /v1\.weight: expected a positive integer, got 1\.5/]] as const) {
    assert.throws(() => parseScenario(base.replace('WEIGHT', w), 'x.yaml'), (e: Error) => msg.test(e.message), `weight ${w}`);
  }
  assert.is(parseScenario(base.replace('WEIGHT', '256'), 'x.yaml').services[0].versions[0].weight, 256);
});

test.run();
