import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare, buildRun } from './fixtures.ts';
import { explain } from '../../reports/explain.ts';
import { frequenciesOf } from '../../reports/stats.ts';
import { compareTable, summarizeRun } from '../../reports/summary.ts';
import { renderCompareMarkdown, renderRunMarkdown } from '../../reports/markdown.ts';
import { fmtInterval, fmtMs } from '../../reports/format.ts';

const refusedHeavy = () => buildRun({
  maxStaleSendMs: 4800,
  drops: [
    { bucket: 21, cause: 'refused', count: 40 }, { bucket: 31, cause: 'refused', count: 23 },
    { bucket: 22, cause: 'timeout', count: 30 }, { bucket: 12, cause: 'reset', count: 7 },
  ],
});

test('explain names the biggest cause with its share and the stale-send time', () => {
  const text = explain(refusedHeavy());
  assert.match(text, /^63% of the drops are `refused`/);
  assert.match(text, /up to 4\.8 s after deregistration/);
  assert.match(text, /preStop of ≥ 5 s/);
  assert.match(text, /Next is `timeout` \(30%\)/);
  // step setWeight 50 (buckets 20–29) holds 70 of 100
  assert.match(text, /step `setWeight 50` \(20 s–30 s\): 70 of 100/);
});

test('explain follows the biggest cause when it changes', () => {
  const r = buildRun({ drops: [{ bucket: 15, cause: 'error', count: 90 }, { bucket: 25, cause: 'refused', count: 10 }], outcome: 'rolled-back' });
  const text = explain(r);
  assert.match(text, /^90% of the drops are `error`: .*bad release.*rolled it back/);
  assert.not.match(text, /preStop/);
});

test('explain without drops says so', () => {
  assert.match(explain(buildRun()), /No requests were dropped: all 5,000 offered/);
});

test('summarizeRun prints totals, causes, steps and the explanation', () => {
  const s = summarizeRun(refusedHeavy());
  assert.match(s, /offered 5,000 {2}ok 4,900 {2}dropped 100 \(2%\)/);
  assert.match(s, /refused 63 · timeout 30 · reset 7/);
  assert.match(s, /setWeight 50 +20 s +30 s +70 +refused 40, timeout 30/);
  assert.match(s, /promoted in 30 s/);
  assert.match(s, /why {7}63% of the drops/);
});

test('compareTable shows mean ± half-interval per strategy', () => {
  const cmp = buildCompare([
    { strategy: 'rolling', runs: [{ drops: [{ bucket: 12, cause: 'refused', count: 10 }] }, { drops: [{ bucket: 12, cause: 'refused', count: 20 }] }] },
    { strategy: 'canary', runs: [{}, {}] },
  ]);
  const t = compareTable(cmp);
  const rolling = t.split('\n').find((l) => l.startsWith('rolling'))!;
  // mean 15, half = t(1)=12.706 * sd(7.07)/sqrt(2) = 63.5: cut at 0, so printed as a range
  assert.match(rolling, /15 \(0–78\.5\)/);
  assert.match(t.split('\n').find((l) => l.startsWith('canary'))!, /^canary +– +0 /);
  // seeds with drops / meeting the SLO: both rolling seeds dropped (exact interval of 2/2: 0.025^½ = 15.8% to 100%)
  for (const row of cmp.rows) row.frequencies = frequenciesOf(row.runs);
  const withFreq = compareTable(cmp).split('\n');
  assert.match(withFreq[1], /seeds with drops +seeds meeting SLO$/);
  assert.match(withFreq.find((l) => l.startsWith('rolling'))!, /2\/2 \(16%–100%\) +2\/2 \(16%–100%\)$/);
  assert.match(withFreq.find((l) => l.startsWith('canary'))!, /0\/2 \(0%–84%\) +2\/2 \(16%–100%\)$/);
});

test('markdown: run tables and compare table with the best value bold', () => {
  const md = renderRunMarkdown(refusedHeavy());
  assert.match(md, /\| `refused` \| 63 \| 63% \|/);
  assert.match(md, /\| setWeight 50 \| 20 s \| 30 s \| 70 \|/);
  assert.match(md, /> 63% of the drops/);
  const cmp = buildCompare([
    { strategy: 'rolling', runs: [{ drops: [{ bucket: 12, cause: 'refused', count: 10 }] }] },
    { strategy: 'canary', runs: [{ p99: 50 }] },
  ]);
  const cmd = renderCompareMarkdown(cmp);
  const canaryRow = cmd.split('\n').find((l) => l.startsWith('| canary'))!;
  // the fixture's rows carry no frequencies: those two columns show –
  assert.match(canaryRow, /^\| canary \| – \| \*\*0\*\* \| \*\*0%\*\* \| \*\*50 ms\*\* \| 30 s \| 300 inst·s \| 10 \| – \| – \|$/);
  // equal columns (rollout, cost, peak) mark nobody
  assert.match(cmd.split('\n').find((l) => l.startsWith('| rolling'))!, /^\| rolling \| – \| 10 \| 0\.2% \| 80 ms \| 30 s \| 300 inst·s \| 10 \| – \| – \|$/);
  cmp.rows[0].frequencies = frequenciesOf(cmp.rows[0].runs);
  assert.match(renderCompareMarkdown(cmp), /^\| rolling \| .* \| 1\/1 \(2\.5%–100%\) \| 1\/1 \(2\.5%–100%\) \|$/m);
});

test('format helpers', () => {
  assert.is(fmtMs(4800), '4.8 s');
  assert.is(fmtMs(84), '84 ms');
  assert.is(fmtMs(125000), '2 min 5 s');
  assert.is(fmtInterval('p99', { mean: 84, lo: 80, hi: 88, n: 5 }), '84 ms ± 4 ms');
  assert.is(fmtInterval('instanceSeconds', { mean: 1079, lo: 1078.9, hi: 1079.1, n: 5 }), '1,079 inst·s');
});

test.run();
