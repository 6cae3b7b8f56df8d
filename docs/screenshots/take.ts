/**
 * Screenshot an HTML report the way the browser test does (headless Debian chromium):
 *   node --import tsx docs/screenshots/take.ts relsim-report.html docs/screenshots/default-report.png
 */
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';

const [html, png] = process.argv.slice(2);
if (!html || !png) {
  console.error('usage: take.ts <report.html> <out.png>');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`file://${resolve(html)}`, { waitUntil: 'load' });
  await page.screenshot({ path: png, fullPage: true });
  console.log(png);
} finally {
  await browser.close();
}
