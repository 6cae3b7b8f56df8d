// The compare reports' "Why" speaks for every seed of a row, not for its first run: a
// row whose mean is 13 dropped must not read "No requests were dropped".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare, buildRun, type RunSpec } from './fixtures.ts';
import { explain, explainRuns } from '../../reports/explain.ts';
import { renderCompareMarkdown } from '../../reports/markdown.ts';
import { renderCompareHtml } from '../../reports/html.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

const runs = (specs: RunSpec[]): RunResult[] => specs.map((s, i) => buildRun({ seed: i + 1, ...s }));
/** Seeds 1–5; only seed 3 drops (65 refused, during `setWeight 50`). */
const oneBadSeed = () => runs([{}, {}, { drops: [{ bucket: 25, cause: 'refused', count: 65 }], maxStaleSendMs: 2400 }, {}, {}]);

test('drops in one seed of five: not "No requests were dropped", and the seed is named', () => {
  const text = explainRuns(oneBadSeed());
  assert.not.match(text, /No requests were dropped/);
  assert.match(text, /^Drops in 1 of 5 seeds \(seed 3: 65 dropped\); the other 4 dropped nothing\. /);
  assert.match(text, /100% of the 65 drops over all seeds are `refused`/);
  assert.match(text, /step `setWeight 50` \(20 s–30 s\): 65 of 65\./);
});

test('the compare reports explain each row from all of its seeds', () => {
  const cmp = buildCompare([{ strategy: 'rolling', runs: [{}, {}, { drops: [{ bucket: 25, cause: 'refused', count: 65 }] }, {}, {}] }]);
  const md = renderCompareMarkdown(cmp);
  const line = md.split('\n').find((l) => l.startsWith('- **rolling**'))!;
  assert.match(line, /Drops in 1 of 5 seeds \(seed 3: 65 dropped\)/);
  assert.not.match(line, /No requests were dropped/);
  const why = /<h2>Why<\/h2>(.*?)<\/section>/s.exec(renderCompareHtml(cmp))![1];
  assert.match(why, /Drops in 1 of 5 seeds \(seed 3: 65 dropped\)/);
  assert.not.match(why, /No requests were dropped/);
});

test('causes are summed over seeds: the overall top cause, not seed 1\'s', () => {
  const rs = runs([
    { drops: [{ bucket: 15, cause: 'timeout', count: 40 }] },
    ...[2, 3, 4, 5].map((): RunSpec => ({ drops: [{ bucket: 25, cause: 'refused', count: 30 }] })),
  ]);
  assert.match(explain(rs[0]), /of the drops are `timeout`/); // what the first seed alone says
  const text = explainRuns(rs);
  assert.match(text, /^Every seed dropped requests \(30 to 40, median 30\)\. /);
  assert.match(text, /75% of the 160 drops over all seeds are `refused`/);
  assert.match(text, /Next is `timeout` \(25%\)/);
  assert.match(text, /step `setWeight 50` \(20 s–30 s\): 120 of 160\./);
});

test('several seeds with drops are each named; more than three name the worst', () => {
  const few = explainRuns(runs([{ drops: [{ bucket: 12, cause: 'reset', count: 2 }] }, {}, { drops: [{ bucket: 12, cause: 'reset', count: 9 }] }]));
  assert.match(few, /^Drops in 2 of 3 seeds \(seed 3: 9 dropped, seed 1: 2 dropped\); the other seed dropped nothing\./);
  const many = explainRuns(runs([...[1, 2, 3, 4].map((n): RunSpec => ({ drops: [{ bucket: 12, cause: 'reset', count: n }] })), {}]));
  assert.match(many, /^Drops in 4 of 5 seeds \(most in seed 4: 4 dropped\); the other seed dropped nothing\./);
});

test('the stale window: worst and median over seeds; preStop beyond the grace period names it', () => {
  const withGrace = (r: RunResult, graceMs: number) => {
    for (const s of r.meta!.topology!.services) s.gracePeriodMs = graceMs;
    return r;
  };
  const spec = (stale: number): RunSpec => ({ drops: [{ bucket: 25, cause: 'refused', count: 10 }], maxStaleSendMs: stale });
  const rs = runs([spec(1200), spec(4800), spec(2100), spec(1500), spec(3900)]);
  const text = explainRuns(rs.map((r) => withGrace(r, 30_000)));
  assert.match(text, /for up to 4\.8 s after deregistration \(the worst of 5 seeds; 2\.1 s in the median seed\); a preStop of ≥ 5 s would cover the slowest caller in every seed\./);
  const tight = explainRuns(rs.map((r) => withGrace(r, 3000)));
  assert.match(tight, /a preStop of ≥ 5 s would cover the slowest caller in every seed, with terminationGracePeriodSeconds raised above it \(now 3 s; the kubelet ends preStop at the grace period\)/);
});

test('steps matched by index, summed over seeds (a repeated name is not merged)', () => {
  const steps = [
    { name: 'pause', from: 10, to: 20, weight: 0.1 },
    { name: 'setWeight 50', from: 20, to: 30, weight: 0.5 },
    { name: 'pause', from: 30, to: 40, weight: 1 },
  ];
  // step 0 (`pause`, 10–20 s) loses 3 × 20 = 60; step 1 loses 50 + 0 + 0; step 2 (`pause`, 30–40 s) 3 × 15 = 45.
  // Merged by name `pause` would be 105 and win.
  const rs = runs([
    { steps, drops: [{ bucket: 12, cause: 'timeout', count: 20 }, { bucket: 22, cause: 'timeout', count: 50 }, { bucket: 32, cause: 'timeout', count: 15 }] },
    { steps, drops: [{ bucket: 12, cause: 'timeout', count: 20 }, { bucket: 32, cause: 'timeout', count: 15 }] },
    { steps, drops: [{ bucket: 12, cause: 'timeout', count: 20 }, { bucket: 32, cause: 'timeout', count: 15 }] },
  ]);
  assert.match(explainRuns(rs), /Most drops happened during step `pause` \(10 s–20 s\): 60 of 155\.$/);
});

test('seeds without drops: said for all of them', () => {
  assert.is(explainRuns(runs([{}, {}, {}])), 'No requests were dropped in any of the 3 seeds: all 15,000 offered requests were served through the whole rollout (promoted).');
  const mixed = runs([{}, { outcome: 'none' }]);
  assert.match(explainRuns(mixed), /through the whole rollout \(promoted in 1 seed, no rollout in 1 seed\)\.$/);
});

test('one run reads as a single run', () => {
  const r = buildRun({ maxStaleSendMs: 4800, drops: [{ bucket: 21, cause: 'refused', count: 40 }, { bucket: 22, cause: 'timeout', count: 30 }] });
  const text = explainRuns([r]);
  assert.is(text, explain(r));
  assert.is(text, '57% of the drops are `refused`: callers kept sending to instances for up to 4.8 s after deregistration; ' +
    'a preStop of ≥ 5 s would cover the slowest caller. Next is `timeout` (43%). Most drops happened during step `setWeight 50` (20 s–30 s): 70 of 70.');
  assert.not.match(text, /seeds?/);
});

test.run();
