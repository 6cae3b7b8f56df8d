// Little's law, checked from the RunResult alone (meta.meanInSystem, meta.services,
// latencyMs.mean): on the shipped M/M/8 model, L = λ·W for the whole system, L_q = λ·W_q
// for the queue and mean occupied slots = λ·E[S] (ρ·c). These are identities of the
// time-integrals, not estimates, so they hold to within the requests still in flight at
// the end (a few of ~95,000): 0.5% tolerance. The per-bucket series average to the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';

const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b}`);

test('L = λ·W, L_q = λ·W_q and busy slots = λ·E[S] from the output', () => {
  const sc = loadScenario('scenarios/examples/mmc.yaml');
  const r = simulate(sc, { seed: 1 });
  const seconds = sc.duration / 1000;
  const api = r.meta!.services!.api;
  const lambda = api.starts / seconds;
  close(r.meta!.meanInSystem!, (r.requests.offered / seconds) * (r.latencyMs.mean! / 1000), 0.005, 'L vs λ·W');
  close(api.meanQueueLength, lambda * (api.meanQueueWaitMs / 1000), 0.005, 'L_q vs λ·W_q');
  close(api.meanBusySlots, lambda * 0.020, 0.02, 'busy slots vs λ·E[S] (E[S] = 20 ms, sampled)');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  close(mean(r.timeline.series['slots.api']), api.meanBusySlots, 0.005, 'bucket means of slots');
  close(mean(r.timeline.series['queue.api']), api.meanQueueLength, 0.005, 'bucket means of queue');
});

test.run();
