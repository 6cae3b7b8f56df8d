// Reports of a canary with 200,000 steps and of a run with 200,000 time buckets: no row
// or value list may be spread into a call's arguments (Math.max(...xs), push(...xs)),
// which overflows the stack at about a hundred thousand; every row is still printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare, buildRun } from './fixtures.ts';
import { summarizeRun, table } from '../../reports/summary.ts';
import { renderRunMarkdown } from '../../reports/markdown.ts';

const STEPS = 200_000;

/** 200,000 steps of 5 ms each, one of them with drops. */
function manySteps() {
  const steps = Array.from({ length: STEPS }, (_, i) => ({ name: `setWeight ${i % 100}`, from: 10 + i / 40_000, to: 10 + (i + 1) / 40_000, weight: (i % 100) / 100 }));
  return buildRun({ steps, drops: [{ bucket: 12, cause: 'refused', count: 3 }] });
}

test('the run summary lists all 200,000 steps', () => {
  const r = manySteps();
  const text = summarizeRun(r);
  const stepLines = text.split('\n').filter((l) => /^ {2}setWeight /.test(l));
  assert.is(stepLines.length, STEPS);
  // One width for the whole column: the longest name sets it.
  assert.ok(stepLines.every((l) => l.length >= '  setWeight 99'.length));
  assert.match(text, /^why {7}/m);
});

test('the Markdown report lists all 200,000 steps', () => {
  const md = renderRunMarkdown(manySteps());
  assert.is(md.split('\n').filter((l) => l.startsWith('| setWeight ')).length, STEPS);
});

test('table() sizes a column of 200,000 rows', () => {
  const rows = Array.from({ length: STEPS }, (_, i) => [String(i)]);
  const lines = table(['n'], rows, [true]);
  assert.is(lines.length, STEPS + 2);
  assert.is(lines[1], '─'.repeat(String(STEPS - 1).length));
  assert.is(lines[2], '0'.padStart(String(STEPS - 1).length));
});

test('the compare HTML scales latency over 200,000 time buckets', async () => {
  const { renderCompareHtml } = await import('../../reports/html.ts');
  const cmp = buildCompare([{ strategy: 'canary', runs: [{}] }]);
  // Only the latency series (the others would take long to draw and are not the subject).
  cmp.rows[0].runs[0].timeline.series = { p99Ms: Array.from({ length: STEPS }, (_, i) => (i === 7 ? 950 : i % 100)) };
  const html = renderCompareHtml(cmp);
  assert.match(html, /<h2>Comparison<\/h2>/);
  assert.match(html, /data-series="p99Ms"/);
});

test.run();
