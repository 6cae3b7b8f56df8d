// The by-cause columns of the compare reports (Markdown and HTML) from a fixture whose
// numbers are chosen here, so each cell can be checked by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCompare } from '../reports/fixtures.ts';
import { dropsByCause, renderCompareMarkdown } from '../../reports/markdown.ts';
import { renderCompareHtml } from '../../reports/html.ts';

// rolling: refused 10 and 20 ⇒ mean 15, half = t(1) 12.706 × sd 7.07 / √2 = 63.5.
// canary: timeout 4 and 0 ⇒ mean 2, half = 12.706 × 2.83 / √2 = 25.4. No other cause occurs.
const cmp = buildCompare([
  { strategy: 'rolling', runs: [{ drops: [{ bucket: 12, cause: 'refused', count: 10 }] }, { drops: [{ bucket: 12, cause: 'refused', count: 20 }] }] },
  { strategy: 'canary', runs: [{ drops: [{ bucket: 15, cause: 'timeout', count: 4 }] }, {}] },
]);

test('dropsByCause: only causes that occur in some run, the mean per strategy', () => {
  const d = dropsByCause(cmp);
  assert.equal(d.causes, ['refused', 'timeout']);
  assert.equal(d.rows.map((r) => r.label), ['rolling', 'canary']);
  assert.equal(d.rows.map((r) => r.byCause.map((i) => i?.mean)), [[15, 0], [0, 2]]);
});

test('Markdown: a dropped-by-cause table with one column per occurring cause', () => {
  const md = renderCompareMarkdown(cmp);
  assert.match(md, /^\| strategy \| `refused` \| `timeout` \|$/m);
  assert.match(md, /^\| rolling \| 15 \(0–78\.5\) \| 0 \|$/m);
  assert.match(md, /^\| canary \| 0 \| 2 \(0–27\.4\) \|$/m);
  assert.not.match(md, /`reset`|`no-endpoint`/);
});

test('HTML: the same cells, zero cells muted', () => {
  const html = renderCompareHtml(cmp);
  assert.match(html, /<h2>Dropped by cause<\/h2>/);
  assert.match(html, /<tr data-strategy="rolling"><td><b>rolling<\/b><\/td><td class="" data-cause="refused">15 \(0–78\.5\)<\/td><td class="zero" data-cause="timeout">0<\/td><\/tr>/);
  assert.match(html, /<tr data-strategy="canary"><td><b>canary<\/b><\/td><td class="zero" data-cause="refused">0<\/td><td class="" data-cause="timeout">2 \(0–27\.4\)<\/td><\/tr>/);
  assert.not.match(html, /data-cause="(reset|no-endpoint|queue-full|error|misroute)"/);
});

test('no drops in any run: both reports say so instead of an empty table', () => {
  const quiet = buildCompare([{ strategy: 'blue-green', runs: [{}, {}] }]);
  assert.equal(dropsByCause(quiet).causes, []);
  assert.match(renderCompareMarkdown(quiet), /^Dropped by cause: no drops in any run\.$/m);
  assert.match(renderCompareHtml(quiet), /<h2>Dropped by cause<\/h2><p class="note">[^<]*<\/p><p>No drops in any run\.<\/p>/);
});

test.run();
