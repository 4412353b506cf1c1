#!/usr/bin/env node
// Renders the extension icon media/icon.png (256×256, transparent corners) from media/icon.svg with
// Debian Chromium through playwright-core (both are what the UI tests use). The PNG is committed, so
// packaging needs no browser; run this after editing the SVG:
//   node scripts/icon.mjs [--preview FILE]   (--preview also writes the icon on light and dark tiles)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({ options: { preview: { type: 'string' } } });
const svg = readFileSync(`${root}media/icon.svg`, 'utf8');
const SIZE = 256;

const browser = await chromium.launch({
  executablePath: process.env.SENTRY_RCA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block" `)}</body></html>`,
  );
  const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
  writeFileSync(`${root}media/icon.png`, png);
  console.log(`media/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
  if (args.preview) {
    // How it reads where users see it: the extension list on the light and the dark theme, at 128 and 42 px.
    const tile = (bg) =>
      `<div style="background:${bg};padding:16px;display:flex;gap:16px;align-items:center">` +
      `<img src="data:image/png;base64,${png.toString('base64')}" width="128">` +
      `<img src="data:image/png;base64,${png.toString('base64')}" width="42"></div>`;
    const prev = await browser.newPage({ viewport: { width: 400, height: 340 } });
    await prev.setContent(`<body style="margin:0">${tile('#ffffff')}${tile('#1f1f1f')}</body>`);
    await prev.screenshot({ path: args.preview });
    console.log(`preview: ${args.preview}`);
  }
} finally {
  await browser.close();
}
