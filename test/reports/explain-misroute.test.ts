// A misroute's explanation names its real cause, from the simulator's misroute kinds:
// callers that had not heard of the lane's instances yet are not a tag-propagation bug.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { explain, explainRuns } from '../../reports/explain.ts';
import { buildRun } from './fixtures.ts';
import type { MisrouteKind, RunResult } from '../../sim/result/run-result.ts';

const lanesAbc = readFileSync('scenarios/examples/lanes-abc.yaml', 'utf8');
const variant = (from: string, to: string) => {
  const text = lanesAbc.replace(from, to);
  assert.ok(text !== lanesAbc, `lanes-abc.yaml still contains ${from}`);
  return parseScenario(text, 'lanes-abc.yaml');
};

const PROPAGATION = /does not propagate the lane tag/;
const UNSEEN = /callers had not yet heard of the lane's instances when lane traffic arrived/;

test('lane traffic opened before callers heard of the lane (3–5 s registry delay > 2 s minReadySeconds): names the callers, not propagation', () => {
  const sc = variant('registry: {push: {delay: {uniform: {min: 200ms, max: 1s}}}}', 'registry: {push: {delay: {uniform: {min: 3s, max: 5s}}}}');
  const rs = [1, 2, 3].map((seed) => simulate(sc, { seed }));
  for (const r of rs) assert.ok(r.meta!.misrouteBy!.laneUnseen > 0, JSON.stringify(r.meta!.misrouteBy));
  for (const text of [explain(rs[0]), explainRuns(rs)]) {
    assert.match(text, /of the( \d+)? drops( over all seeds)? are `misroute`: callers had not yet heard of the lane's instances/);
    assert.match(text, /wait at least the registry propagation delay before routing lane traffic/);
    assert.not.match(text, PROPAGATION);
  }
});

test('a service that does not propagate the tag: names propagation', () => {
  const sc = variant('    serviceTime: {lognormal: {median: 5ms, p99: 30ms}}\n    calls: [c]',
    '    serviceTime: {lognormal: {median: 5ms, p99: 30ms}}\n    propagatesLane: false\n    calls: [c]');
  const r = simulate(sc);
  assert.ok(r.meta!.misrouteBy!.tagLost > 0, JSON.stringify(r.meta!.misrouteBy));
  const text = explain(r);
  assert.match(text, /of the drops are `misroute`: a service on the path does not propagate the lane tag/);
  assert.not.match(text, UNSEEN);
});

const misrouted = (seed: number, kinds?: Partial<Record<MisrouteKind, number>>): RunResult => {
  const total = Object.values(kinds ?? {}).reduce((a, b) => a + (b ?? 0), 0) || 20;
  const r = buildRun({ seed, drops: [{ bucket: 25, cause: 'misroute', count: total }] });
  if (kinds) r.meta!.misrouteBy = { tagLost: 0, laneUnseen: 0, laneDown: 0, baseToLane: 0, ...kinds };
  return r;
};

test('kinds are summed over seeds: the overall dominant kind leads, the others are counted', () => {
  const rs = [misrouted(1, { tagLost: 5 }), misrouted(2, { laneUnseen: 9 }), misrouted(3, { laneUnseen: 8, laneDown: 1 })];
  assert.match(explain(rs[0]), PROPAGATION);
  const text = explainRuns(rs);
  assert.match(text, /`misroute`: callers had not yet heard of the lane's instances when lane traffic arrived \(17 of 23 misroutes/);
  assert.match(text, /; of the others, 5 lost the lane tag on the way, 1 found no ready lane instance\./);
});

test('lane down and base-to-lane have their own wording', () => {
  assert.match(explain(misrouted(1, { laneDown: 4 })), /`misroute`: the lane's version had no ready instance when lane traffic reached it \(4 of 4 misroutes/);
  assert.match(explain(misrouted(1, { baseToLane: 4 })), /`misroute`: base traffic reached a lane-only version \(4 of 4 misroutes\)/);
});

test('without kinds (replay, older JSON): a neutral wording naming both causes', () => {
  const text = explainRuns([misrouted(1), misrouted(2)]);
  assert.match(text, /either a service on the path does not propagate the lane tag, or the caller did not know a ready instance of the lane's version yet/);
  assert.not.match(text, UNSEEN);
});

test.run();
