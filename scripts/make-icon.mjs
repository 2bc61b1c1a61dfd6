// Renders the marketplace icon, media/icon.png (128×128), from media/quay.svg, the activity-bar glyph, with the
// Chromium the E2E tests drive (playwright-core). Run by `npm run icon`; `npm run icon -- --check` renders it again
// and fails if the committed PNG differs (same Chromium build: anti-aliasing may change between versions).
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync(new URL('../media/quay.svg', import.meta.url), 'utf8');
const out = new URL('../media/icon.png', import.meta.url);
// The glyph strokes with currentColor: white on a rounded blue tile (Quay's blue), readable on light and dark pages.
const html = `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:128px;height:128px;border-radius:24px;background:#2c6fbf;color:#fff;display:flex;align-items:center;justify-content:center">
${svg.replace('width="24" height="24"', 'width="100" height="100"')}
</div></body></html>`;

const browser = await chromium.launch({ executablePath: process.env.QUAY_E2E_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--font-render-hinting=none'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(html);
  const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
  if (process.argv.includes('--check')) {
    const same = Buffer.compare(png, readFileSync(out)) === 0;
    console.log(same ? 'media/icon.png matches media/quay.svg' : 'media/icon.png differs from a fresh render of media/quay.svg: run npm run icon');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(out, png);
    console.log(`media/icon.png written (${png.length} bytes, 128×128)`);
  }
} finally {
  await browser.close();
}
