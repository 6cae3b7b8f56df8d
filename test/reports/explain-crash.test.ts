// A failing version's drops are explained as crashes, never as a deregistration race that
// a longer preStop would fix: the shipped crash-loop example under a Deployment, and with
// pods that look healthy long enough to finish the rollout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario, withStrategy } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { explain, explainRuns } from '../../reports/explain.ts';

const example = loadScenario('scenarios/examples/crash-loop.yaml');

test('refused at a crashed process: counted in meta.crashes, explained as a crash, no preStop advice', () => {
  const r = simulate(withStrategy(example, 'rolling'));
  const c = r.meta!.crashes!;
  assert.ok(c.restarts >= 3, `restarts ${c.restarts}`);
  assert.ok(c.refused > 0 && c.refused <= r.requests.byCause.refused);
  assert.ok(c.refused >= r.requests.byCause.refused * 0.9, `${c.refused} of ${r.requests.byCause.refused} refused owed to crashes`);
  assert.is(r.meta!.maxStaleSendMs, 0, 'no deregistration race: the old pods never left');
  const why = explain(r);
  assert.match(why, /the new version's processes crashed \(\d+ restarts\), and \d+ of \d+ were sent to a crashed process/);
  assert.not.match(why, /a preStop of ≥/);
});

test('pods that crash after the rollout finished: no-endpoint explained as crashes, over every seed', () => {
  const quick = { ...withStrategy(example, 'rolling'), services: example.services.map((s) => ({ ...s, instance: { ...s.instance, minReadySeconds: 0 } })) };
  const runs = [1, 2, 3].map((seed) => simulate(quick, { seed }));
  for (const r of runs) assert.ok(r.requests.byCause['no-endpoint'] > r.requests.dropped / 2);
  const why = explainRuns(runs);
  assert.match(why, /crashed \(\d[\d,]* restarts over 3 seeds\) and left callers no ready instance while they restarted/);
});

test('a run without crashes has no crashes entry (results of healthy scenarios are unchanged)', () => {
  const healthy = { ...example, services: example.services.map((s) => ({ ...s, versions: s.versions.map((v) => ({ ...v, crashAfter: null })) })) };
  assert.is(simulate(healthy).meta!.crashes, undefined);
});

test.run();
