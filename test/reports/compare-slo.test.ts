/**
 * compare judges every strategy against the scenario's SLO and points at the cheapest one
 * that meets it, in all three reports; a "best" mark needs a difference beyond the seeds'
 * noise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare, type RunSpec } from './fixtures.ts';
import { judgeSlo, combine } from '../../reports/verdict.ts';
import { bestRows, cheapestMeetingSlo, compareTable, pickSentence, sloVerdictText } from '../../reports/summary.ts';
import { renderCompareMarkdown } from '../../reports/markdown.ts';
import { renderCompareHtml } from '../../reports/html.ts';
import type { CompareResult } from '../../sim/result/run-result.ts';
import type { SloSpec } from '../../scenarios/types.ts';

const slo: SloSpec = { maxDropped: 20, maxErrorRate: null, maxP99Ms: null, maxRolloutMs: null, lanePaths: {}, rollout: 'finished' };
const drops = (counts: number[]): RunSpec[] => counts.map((n) => ({ drops: n ? [{ bucket: 15, cause: 'refused', count: n }] : [] }));

/** Rows judged as compare judges them; cost set per row (instance-seconds). */
function judged(rows: { strategy: string; runs: RunSpec[]; cost: number }[]): CompareResult {
  const cmp = buildCompare(rows);
  cmp.rows.forEach((row, i) => {
    const checks = judgeSlo(row.runs, slo);
    row.slo = { verdict: combine(checks.map((c) => c.verdict)), checks };
    row.stats.instanceSeconds = { ...row.stats.instanceSeconds, mean: rows[i].cost, lo: rows[i].cost, hi: rows[i].cost };
  });
  return cmp;
}

test('the cheapest strategy that meets the SLO is picked, not the cheapest overall', () => {
  const cmp = judged([
    { strategy: 'recreate', runs: drops([900, 950, 1000]), cost: 100 }, // fails
    { strategy: 'rolling', runs: drops([0, 0, 0]), cost: 300 }, // meets
    { strategy: 'blue-green', runs: drops([0, 0, 0]), cost: 600 }, // meets, dearer
    { strategy: 'canary', runs: drops([0, 0, 60]), cost: 200 }, // unclear: 20 (0–106)
  ]);
  assert.equal(cmp.rows.map((r) => r.slo!.verdict), ['fail', 'pass', 'pass', 'inconclusive']);
  assert.is(cheapestMeetingSlo(cmp), 1);
  assert.is(pickSentence(cmp), 'Cheapest strategy meeting the SLO: rolling (300 inst·s, rollout 30 s); 1 other also meets it.');
  assert.equal(cmp.rows.map(sloVerdictText), ['fails: dropped requests', 'meets', 'meets', 'unclear: dropped requests']);

  const text = compareTable(cmp).split('\n');
  assert.match(text.find((l) => l.startsWith('rolling'))!, /^rolling ✓ +meets /);
  assert.match(text.find((l) => l.startsWith('canary'))!, /^canary +unclear: dropped requests /);
  assert.match(text.at(-1)!, /^Cheapest strategy meeting the SLO: rolling .*\(✓\)$/);
  const md = renderCompareMarkdown(cmp);
  assert.match(md, /^\*\*Cheapest strategy meeting the SLO: rolling/m);
  assert.match(md, /^\| rolling ✓ \| meets \| /m);
  const html = renderCompareHtml(cmp);
  assert.match(html, /<tr data-strategy="rolling" class="pick"><td><b>rolling<\/b> <span class="badge pass"[^>]*>✓ pick<\/span><\/td><td class="slo-verdict pass" data-slo="pass">meets<br><small data-frequency="sloMet">[^<]*<\/small><\/td>/);
  assert.match(html, /<td class="slo-verdict inconclusive" data-slo="inconclusive">unclear: dropped requests<br>/);
  assert.is((html.match(/<tr [^>]*class="pick"/g) ?? []).length, 1);
});

test('no strategy meets it: the reports say so, naming the undecided ones', () => {
  const cmp = judged([
    { strategy: 'recreate', runs: drops([900, 950, 1000]), cost: 100 },
    { strategy: 'canary', runs: drops([0, 0, 60]), cost: 200 },
  ]);
  assert.is(cheapestMeetingSlo(cmp), null);
  assert.is(pickSentence(cmp), 'No strategy meets the SLO for certain; undecided with these seeds: canary (more seeds, or --seeds auto, would decide).');
  const failing = judged([{ strategy: 'recreate', runs: drops([900, 950, 1000]), cost: 100 }]);
  assert.is(pickSentence(failing), 'No strategy meets the SLO.');
  assert.not.match(renderCompareHtml(cmp), /<tr [^>]*class="pick"/);
});

test('best in a column only beyond noise: overlapping intervals mark nothing', () => {
  const noisy = buildCompare([
    { strategy: 'rolling', runs: drops([10, 30, 20]) },
    { strategy: 'canary', runs: drops([15, 25, 22]) },
  ]);
  assert.is(bestRows(noisy).dropped, undefined);
  const clear = buildCompare([
    { strategy: 'rolling', runs: drops([100, 110, 105]) },
    { strategy: 'canary', runs: drops([10, 12, 11]) },
  ]);
  assert.equal([...bestRows(clear).dropped], [1]);
});

test.run();
