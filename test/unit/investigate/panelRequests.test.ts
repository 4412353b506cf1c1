// Requests from the panel carry an id and the panel matches the host's answer to it: an answer to an
// id it did not ask (stale, repeated, forged) changes nothing; a failed request says why.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewHarness } from './webviewHarness';
import type { WebviewToHost } from '../../../src/shared/protocol';

const unavailable = WebviewHarness.available();

describe('panel requests and their answers', { skip: unavailable ?? false }, () => {
  let w: WebviewHarness;
  before(async () => {
    w = await new WebviewHarness().start();
  });
  after(async () => {
    await w?.stop();
  });

  const status = () => w.page.evaluate(() => document.getElementById('status-text')?.textContent ?? '');

  test('the copy answer is matched by request id; unknown and repeated ids are ignored', async () => {
    await w.send({ type: 'runStarted', runId: 1 }, { type: 'phase', runId: 1, phase: 'done', message: 'Done here.' });
    await w.page.click('#btn-copy');
    const copy = (await w.posted()).find(
      (m): m is Extract<WebviewToHost, { type: 'copyMarkdown' }> => m.type === 'copyMarkdown',
    );
    assert.ok(copy && Number.isInteger(copy.requestId), 'the request carries an id');

    await w.send({ type: 'copyResult', requestId: copy.requestId + 1000, ok: true });
    await w.page.waitForTimeout(50);
    assert.equal(await status(), 'Done here.', 'an answer to a request the panel never made changes nothing');

    await w.send({
      type: 'copyResult',
      requestId: copy.requestId,
      ok: false,
      message: 'the clipboard is not available',
    });
    await w.page.waitForFunction(() => document.getElementById('status-text')?.textContent?.startsWith('Copy failed'));
    assert.equal(await status(), 'Copy failed: the clipboard is not available');

    await w.send({ type: 'copyResult', requestId: copy.requestId, ok: true });
    await w.page.waitForTimeout(50);
    assert.equal(
      await status(),
      'Copy failed: the clipboard is not available',
      'a second answer to the same request is ignored',
    );
  });

  test("a failed open of a file:line reference shows the host's reason", async () => {
    await w.send({ type: 'report', runId: 1, markdown: 'Crash at `src/db/orders.ts:9`.' });
    await w.page.click('#sec-report > summary'); // the full report is a collapsed section
    await w.page.waitForSelector('#report a.file-ref');
    await w.page.click('#report a.file-ref');
    const open = (await w.posted())
      .filter((m): m is Extract<WebviewToHost, { type: 'openRef' }> => m.type === 'openRef')
      .at(-1);
    assert.ok(open);
    assert.equal(open.path, 'src/db/orders.ts');
    await w.send({
      type: 'openRefResult',
      requestId: open.requestId,
      ok: false,
      message: 'Cannot open src/db/orders.ts:9: permission denied',
    });
    await w.page.waitForFunction(() =>
      document.getElementById('status-text')?.textContent?.includes('permission denied'),
    );
  });
});
