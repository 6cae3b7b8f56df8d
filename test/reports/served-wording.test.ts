// "Served" means answered ok. A run without drops still has requests in flight when it
// ends (or only those): the explanation counts them apart, never as served.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildRun } from './fixtures.ts';
import { explain } from '../../reports/explain.ts';
import { summarizeRun } from '../../reports/summary.ts';
import { renderRunMarkdown } from '../../reports/markdown.ts';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

/** A run without drops whose requests end as `ok` served and `inFlight` still in flight. */
function noDrops(ok: number, inFlight: number, outcome: RunResult['rollout']['outcome'] = 'none'): RunResult {
  const r = buildRun({ outcome });
  r.requests = { ...r.requests, offered: ok + inFlight, ok, dropped: 0, inFlightAtEnd: inFlight };
  return r;
}

test('none served, 6 in flight: not "all 6 offered requests were served"', () => {
  const text = explain(noDrops(0, 6));
  assert.not.match(text, /all 6/);
  assert.is(text, 'No requests were dropped, but none of the 6 offered requests were served; 6 were still in flight when the run ended.');
});

test('some in flight: served is the ok count, in flight named apart', () => {
  assert.is(explain(noDrops(17_708, 3)),
    'No requests were dropped: 17,708 of 17,711 offered requests were served; 3 were still in flight when the run ended.');
  assert.is(explain(noDrops(4_999, 1, 'promoted')),
    'No requests were dropped: 4,999 of 5,000 offered requests were served through the whole rollout (promoted); 1 was still in flight when the run ended.');
});

test('all served: the wording is unchanged', () => {
  assert.is(explain(noDrops(5_000, 0)), 'No requests were dropped: all 5,000 offered requests were served.');
  assert.is(explain(noDrops(5_000, 0, 'promoted')), 'No requests were dropped: all 5,000 offered requests were served through the whole rollout (promoted).');
});

test('nothing offered: no "all 0 … served"', () => {
  assert.is(explain(noDrops(0, 0)), 'No requests were offered.');
});

test('a simulated run whose every request is still in service when it ends: summary and Markdown', () => {
  const r = simulate(parseScenario(`
seed: 1
duration: 2s
services:
  api: {replicas: 1, concurrency: 64, serviceTime: 10s}
entry: api
traffic: {rate: 3, arrival: constant}
`, 'slow.yaml'));
  assert.is(r.requests.ok, 0);
  assert.is(r.requests.dropped, 0);
  const n = r.requests.inFlightAtEnd;
  assert.ok(n > 0 && n === r.requests.offered, JSON.stringify(r.requests));
  const why = `none of the ${n} offered requests were served; ${n} were still in flight when the run ended.`;
  for (const text of [summarizeRun(r), renderRunMarkdown(r)]) {
    assert.not.ok(text.includes(`all ${n} offered requests were served`), text);
    assert.ok(text.includes(why), text);
  }
});

test.run();
