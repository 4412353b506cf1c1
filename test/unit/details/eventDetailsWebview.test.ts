// The "Event details" bundle in a real browser (Debian Chromium) under the host's CSP: hostile strings
// from Sentry render as text (markup visible, control and bidi characters made visible), nothing runs or
// loads, breadcrumbs get level and category icons, and Refresh posts a valid request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeNeeding } from '../../support/needs';
import { WebviewHarness } from '../investigate/webviewHarness';
import type { DetailsWebviewToHost, EventDetailsView } from '../../../src/shared/eventDetailsProtocol';

const unavailable = WebviewHarness.available();
const XSS = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`;

const view: EventDetailsView = {
  issue: { id: '1', shortId: 'PAY-1', title: XSS, projectSlug: 'payments' },
  event: {
    id: 'a'.repeat(32),
    title: `PaymentDeclined: ${XSS}`,
    message: 'bell\u0007 esc\u001b[31m rlo\u202eevil',
    timestamp: '2026-12-01T10:00:00.000Z',
    level: 'fatal',
    platform: 'node',
    environment: 'production',
    release: 'payments@3.1.0',
  },
  tags: [['note', XSS]],
  tagDistribution: [{ key: 'release', name: 'Release', totalValues: 4, top: [{ value: XSS, count: 3 }] }],
  breadcrumbs: [
    {
      timestamp: '2026-12-01T09:59:59.000Z',
      type: 'http',
      category: 'http',
      level: 'info',
      message: null,
      data: [['url', XSS]],
    },
    {
      timestamp: '2026-12-01T09:59:59.500Z',
      type: 'default',
      category: 'console',
      level: 'warning',
      message: XSS,
      data: [],
    },
  ],
  request: {
    method: 'POST',
    url: 'http://h/pay?access_token=[REDACTED]',
    query: [],
    headers: [
      ['authorization', '[REDACTED]'],
      ['x-note', XSS],
    ],
    cookies: [],
    data: XSS,
  },
  user: [['username', XSS]],
  contexts: [{ name: XSS, fields: [['k', XSS]] }],
  sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
  source: 'sentry',
  notice: XSS,
};

describeNeeding('event details webview in Chromium', unavailable, {}, () => {
  let w: WebviewHarness;
  before(async () => {
    w = await new WebviewHarness({ script: 'eventDetails.js', css: 'eventDetails.css' }).start();
  });
  after(async () => {
    await w?.stop();
  });

  test('says ready first', async () => {
    assert.deepEqual((await w.posted<DetailsWebviewToHost>())[0], { type: 'ready' });
  });

  test('hostile strings render as text; nothing runs, nothing loads', async () => {
    await w.send({ type: 'details', view });
    await w.page.locator('#breadcrumbs table.crumbs').waitFor();
    const page = w.page;
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    assert.equal(await page.locator('#app img, #app script, #app iframe').count(), 0);
    const text = await page.locator('#app').innerText();
    assert.ok(text.split(XSS).length - 1 >= 8, 'every hostile value shown literally');
    assert.match(text, /bell␇ esc␛\[31m rlo<U\+202E>evil/);
    assert.deepEqual(await w.csp(), []);
    assert.equal(await page.locator('#breadcrumbs .icon.cat-http').count(), 1);
    assert.equal(await page.locator('#breadcrumbs .icon.cat-console').count(), 1);
    assert.equal(await page.locator('#breadcrumbs .icon.level-warning').count(), 1);
    assert.match(await page.locator('#headers').innerText(), /authorization\s+\[REDACTED\]/);
  });

  test('a malformed message is ignored; Refresh posts a refresh request', async () => {
    await w.send({ type: 'details', view: { nonsense: true } } as never);
    assert.equal(await w.page.locator('#breadcrumbs tr.crumb').count(), 2, 'the last good view stays');
    await w.page.locator('#btn-refresh').click();
    assert.deepEqual((await w.posted<DetailsWebviewToHost>()).at(-1), { type: 'refresh' });
  });
});
