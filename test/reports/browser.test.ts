/**
 * The HTML report in a real browser: Debian's chromium through playwright-core. Checks the
 * page loads without console errors, every chart SVG has a non-zero rendered size, and
 * saves a screenshot. A missing browser is a failure (CI installs it), never a skip.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { buildCompare, buildRun } from './fixtures.ts';
import { renderCompareHtml, renderRunHtml } from '../../reports/html.ts';

const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const drops = [
  { bucket: 21, cause: 'refused' as const, count: 40 }, { bucket: 31, cause: 'refused' as const, count: 23 },
  { bucket: 22, cause: 'timeout' as const, count: 30 }, { bucket: 12, cause: 'reset' as const, count: 7 },
];

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'relsim-browser-'));

test.before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with 'apt-get install -y chromium' (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
test.after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function check(html: string, name: string, expectedCharts: number) {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const sizes = await page.$$eval('svg.chart', (els) => els.map((e) => { const b = e.getBoundingClientRect(); return [e.getAttribute('data-chart'), b.width, b.height] as const; }));
  assert.equal(errors, [], 'console errors');
  assert.equal(requests, [], 'network requests');
  assert.is(sizes.length, expectedCharts);
  for (const [kind, w, h] of sizes) assert.ok(w > 100 && h > 50, `chart ${kind} rendered ${w}×${h}`);
  // Readable at 1280 px: the page does not scroll sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  const shot = join(dir, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(statSync(shot).size > 20_000, 'screenshot has content');
  await page.close();
  return shot;
}

test('run report renders in chromium with every chart visible', async () => {
  await check(renderRunHtml(buildRun({ drops, maxStaleSendMs: 4800 })), 'run', 6);
});

test('compare report renders in chromium with every small multiple visible', async () => {
  const cmp = buildCompare([{ strategy: 'rolling', runs: [{ drops }, { drops }] }, { strategy: 'canary', runs: [{}, {}] }]);
  await check(renderCompareHtml(cmp), 'compare', 1 + 2 * 5);
});

test.run();
