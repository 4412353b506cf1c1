// The panel bundle in a real browser (Debian Chromium) under the host's CSP: hostile strings from Sentry,
// logs and the model stay inert, references post validated requests, streaming renders as it arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeNeeding } from '../../support/needs';
import { WebviewHarness } from './webviewHarness';
import type { HostToWebview, IssueHeader } from '../../../src/shared/protocol';

const unavailable = WebviewHarness.available();
const HOSTILE = {
  title: `<img src=x onerror="window.__pwned='title'"><script>window.__pwned='title2'</script>`,
  report: [
    '# Report <script>window.__pwned="report"</script>',
    '<img src=x onerror="window.__pwned=\'img\'">',
    "[click me](javascript:window.__pwned='link')",
    '<a href="javascript:window.__pwned=1">raw</a> <iframe src="javascript:window.__pwned=2"></iframe>',
    'Culprit at `src/db/orders.ts:9` and src/routes/orders.ts:14:3, event 0123456789abcdef0123456789abcdef, time 14:02:00.',
    '[ok](https://example.com/x) ![pic](https://example.com/x.png)',
  ].join('\n\n'),
  log: `2026-11-25T14:01:00Z WARN <svg onload="window.__pwned='log'"></svg> pool exhausted`,
};

const issue: IssueHeader = {
  id: '101',
  shortId: 'ORDERS-101',
  title: HOSTILE.title,
  level: 'error',
  status: 'unresolved',
  projectSlug: 'orders-api',
  count: 37,
  userCount: 12,
  firstSeen: '2026-11-25T14:02:00Z',
  lastSeen: '2026-11-25T14:06:00Z',
  release: 'orders@1.4.2',
  environment: 'production',
  permalink: 'https://sentry.example.com/issues/101/',
};

describeNeeding('investigation panel webview in Chromium', unavailable, {}, () => {
  let w: WebviewHarness;
  before(async () => {
    w = await new WebviewHarness().start();
  });
  after(async () => {
    await w?.stop();
  });

  test('says ready first', async () => {
    const posted = await w.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
  });

  test('hostile strings everywhere render as text; nothing runs, nothing loads', async () => {
    const run = 1;
    const msgs: HostToWebview[] = [
      { type: 'init', issue, aiEnabled: true, model: 'gpt-test', restoredFrom: null },
      { type: 'runStarted', runId: run },
      {
        type: 'trend',
        runId: run,
        trend: {
          verdict: 'rising',
          why: '<b onmouseover=alert(1)>why</b>',
          hourly24h: [
            [1764072000, 0],
            [1764075600, 3],
          ],
          daily14d: [],
          firstSeenVsRelease: null,
        },
      },
      {
        type: 'evidence',
        runId: run,
        sections: [
          { name: '<img src=x onerror=alert(1)>', text: '<script>window.__pwned="ev"</script>', chars: 10, tokens: 3 },
        ],
        usedTokens: 3,
        limitTokens: 12000,
        cuts: [],
      },
      {
        type: 'logs',
        runId: run,
        hosts: [
          {
            host: 'app1',
            source: 'file:/var/log/<x>.log',
            status: 'ok',
            totalLines: 1,
            counts: { before: 1, during: 0, after: 0, unknown: 0 },
            lines: [{ text: HOSTILE.log, time: null, phase: 'before', marks: ['warn-level'] }],
          },
        ],
      },
      { type: 'report', runId: run, markdown: HOSTILE.report },
      {
        type: 'sent',
        runId: run,
        step: 1,
        messages: [{ role: 'user', chars: 20, content: '<img src=x onerror="window.__pwned=\'sent\'">' }],
      },
      {
        type: 'toolCall',
        runId: run,
        call: {
          id: 'c1',
          step: 1,
          name: 'read_file',
          args: '{"path":"<iframe src=javascript:alert(1)>"}',
          status: 'refused',
          resultChars: 5,
          sentChars: 5,
          truncated: false,
          preview: '<script>window.__pwned="tool"</script>',
          durationMs: 1,
        },
      },
      { type: 'aiDelta', runId: run, step: 2, text: '## Root cause\n<img src=x onerror="window.__pwned=\'ai\'">' },
      { type: 'aiDelta', runId: run, step: 2, text: ' see [x](javascript:alert(1))' },
    ];
    await w.send(...msgs);
    // Wait until every hostile string is on the page (the last message included), so the checks below
    // look at rendered text, not at a page that has not drawn it yet.
    await w.page.waitForFunction(
      () =>
        document.querySelector('#report')?.textContent?.includes('Culprit at') &&
        document.querySelector('#ai')?.textContent?.includes('see [x]') &&
        document.querySelector('.log-line .text')?.textContent?.includes('pool exhausted'),
    );
    const result = await w.page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      scripts: document.querySelectorAll('script').length,
      imgs: document.querySelectorAll('img').length,
      iframes: document.querySelectorAll('iframe').length,
      svgOnload: document.querySelectorAll('svg[onload]').length,
      handlers: [...document.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on')),
      ).length,
      jsLinks: document.querySelectorAll('a[href^="javascript"], a[href]').length,
      title: document.querySelector('#issue-title')?.textContent ?? '',
      logText: document.querySelector('.log-line .text')?.textContent ?? '',
      ai: document.querySelector('#ai')?.textContent ?? '',
    }));
    assert.equal(result.pwned, null);
    assert.equal(result.scripts, 2, 'only the two page scripts exist');
    assert.equal(result.imgs, 0);
    assert.equal(result.iframes, 0);
    assert.equal(result.svgOnload, 0);
    assert.equal(result.handlers, 0, 'no element carries an on* attribute');
    assert.equal(result.jsLinks, 0, 'no link navigates anywhere');
    assert.equal(result.title, HOSTILE.title, 'the title shows literally');
    assert.equal(result.logText, HOSTILE.log);
    assert.match(result.ai, /Root cause/);
    assert.ok(
      result.ai.includes(`<img src=x onerror="window.__pwned='ai'">`),
      `the model's markup shows as text: ${result.ai}`,
    );
    assert.ok(result.ai.includes('see [x](javascript:alert(1))'), `the javascript: link shows as text: ${result.ai}`);
    // Open the Evidence and Tool tabs too: their hostile content must also stay text.
    await w.page.click('vscode-tab-header[data-tab=evidence]');
    await w.page.click('vscode-tab-header[data-tab=tools]');
    await w.page.evaluate(() =>
      document.querySelectorAll('details').forEach((d) => {
        d.open = true;
      }),
    );
    await w.page.waitForFunction(
      () =>
        document.querySelector('#tools')?.textContent?.includes('<script>window.__pwned="tool"</script>') &&
        document.querySelector('#evidence')?.textContent?.includes('<img src=x onerror=alert(1)>') &&
        document.querySelector('#evidence')?.textContent?.includes(`<img src=x onerror="window.__pwned='sent'">`),
    );
    assert.equal(
      await w.page.evaluate(
        () => document.querySelectorAll('#tools script, #evidence script, #tools iframe, #evidence img').length,
      ),
      0,
    );
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    assert.deepEqual(await w.csp(), [], 'the bundle and the element styles work under the CSP');
    assert.deepEqual(
      w.consoleErrors.filter((e) => !/favicon/.test(e)),
      [],
    );
  });

  test('file:line and event references post requests to the host', async () => {
    await w.page.click('vscode-tab-header[data-tab=analysis]');
    const refs = await w.page.$$eval('#report a.ref', (as) => as.map((a) => a.textContent));
    assert.deepEqual(refs, ['src/db/orders.ts:9', 'src/routes/orders.ts:14:3', '0123456789abcdef0123456789abcdef']);
    await w.page.click('#report a.file-ref >> nth=1');
    await w.page.click('#report a.event-ref');
    const posted = await w.posted();
    const open = posted.find((m) => m.type === 'openRef');
    assert.ok(open && open.type === 'openRef');
    assert.equal(open.path, 'src/routes/orders.ts');
    assert.equal(open.line, 14);
    assert.equal(open.column, 3);
    assert.ok(posted.some((m) => m.type === 'openEvent' && m.eventId === '0123456789abcdef0123456789abcdef'));
  });

  test('a quoted log line in the analysis links to that line in the Logs tab', async () => {
    await w.send({
      type: 'aiDelta',
      runId: 1,
      step: 2,
      text: '\n\n- the warning `WARN <svg onload="window.__pwned=\'log\'"></svg> pool exhausted` came first',
    });
    const link = w.page.locator('#ai a.log-ref');
    await link.waitFor({ timeout: 5000 });
    await link.click();
    await w.page.locator('.log-line.highlight').waitFor({ timeout: 5000 });
    assert.equal(await w.page.locator('.log-line.highlight .text').textContent(), HOSTILE.log);
    assert.equal(
      await w.page.evaluate(
        () => (document.querySelector('#tabs') as HTMLElement & { selectedIndex: number }).selectedIndex,
      ),
      2,
    );
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    await w.page.click('vscode-tab-header[data-tab=analysis]');
  });

  test('buttons post stop, rerun, copy (with the markdown) and open in Sentry', async () => {
    await w.send({ type: 'phase', runId: 1, phase: 'ai' });
    await w.page.click('#btn-stop');
    await w.send({ type: 'phase', runId: 1, phase: 'done' });
    await w.page.click('#btn-rerun');
    await w.page.click('#btn-copy');
    await w.page.click('#btn-sentry');
    const types = (await w.posted()).map((m) => m.type);
    for (const t of ['stop', 'rerun', 'copyMarkdown', 'openInSentry'])
      assert.ok(types.includes(t as never), `${t} in ${types.join(',')}`);
    const copy = (await w.posted()).find((m) => m.type === 'copyMarkdown');
    assert.ok(
      copy &&
        copy.type === 'copyMarkdown' &&
        copy.markdown.includes('Culprit at') &&
        copy.markdown.includes('Root cause'),
    );
  });

  test('messages of an older run are ignored after a new run starts; malformed ones too', async () => {
    await w.send(
      { type: 'runStarted', runId: 2 },
      { type: 'report', runId: 1, markdown: 'STALE' },
      { type: 'report', runId: 2, markdown: 'fresh report' },
    );
    await w.page.evaluate(() => window.postMessage({ type: 'report', runId: 2, markdown: 42 }, '*'));
    await w.page.waitForFunction(() => document.querySelector('#report')?.textContent?.includes('fresh report'));
    const text = await w.page.$eval('#report', (e) => e.textContent ?? '');
    assert.ok(!text.includes('STALE'));
  });

  test('streamed deltas show up as they arrive', async () => {
    await w.send({ type: 'runStarted', runId: 3 }, { type: 'aiDelta', runId: 3, step: 1, text: 'first-piece ' });
    const t0 = Date.now();
    await w.page.waitForFunction(() => document.querySelector('#ai')?.textContent?.includes('first-piece'));
    assert.ok(Date.now() - t0 < 1000);
    await w.send({ type: 'aiDelta', runId: 3, step: 1, text: 'second-piece' });
    await w.page.waitForFunction(() =>
      document.querySelector('#ai')?.textContent?.includes('first-piece second-piece'),
    );
  });

  test('the Analysis and Tools tabs say which provider and model ran; a hostile name stays text', async () => {
    const model = 'VS Code language model: <img src=x onerror="window.__pwned=\'model\'"> (vendor/family)';
    await w.send({ type: 'init', issue, aiEnabled: true, model, restoredFrom: null }, { type: 'runStarted', runId: 4 });
    await w.page.waitForFunction((m) => document.querySelector('#ai-model')?.textContent === `By ${m}`, model);
    assert.equal(
      await w.page.evaluate(() => document.querySelector('#tools .ai-provider')?.textContent),
      `Model: ${model}`,
    );
    assert.equal(await w.page.evaluate(() => document.querySelectorAll('#ai-model img, #tools img').length), 0);
    await w.send({ type: 'init', issue, aiEnabled: false, model: null, restoredFrom: null });
    await w.page.waitForFunction(() => document.querySelector('#ai-model')?.textContent === '');
    assert.equal(await w.page.evaluate(() => document.querySelector('#tools .ai-provider')), null);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
  });

  test('suspect commits: clickable commits and files, hostile summaries as text, the skew notice', async () => {
    const sha = 'a1b2c3d4e5f6';
    await w.send(
      { type: 'runStarted', runId: 4 },
      {
        type: 'history',
        runId: 4,
        history: {
          release: {
            version: 'orders@3.1.0',
            commit: `${sha}0000000000000000000000000000`,
            previousVersion: 'orders@3.0.0',
            resolvedBy: 'tag',
          },
          range: 'orders@3.0.0..orders@3.1.0',
          rangeCommits: 2,
          suspects: [
            {
              commit: sha,
              summary: 'checkout: promo codes <img src=x onerror="window.__pwned=1">',
              author: 'Ana',
              date: '2026-11-20T10:00:00Z',
              files: ['src/routes/checkout.mjs'],
              score: 8,
              why: ['src/routes/checkout.mjs:16 leaves before conn.release()'],
              cites: [{ path: 'src/routes/checkout.mjs', line: 16, text: 'return 422;' }],
            },
            {
              commit: 'ffffeeee0000',
              summary: 'docs',
              author: 'Bo',
              date: '2026-11-19T10:00:00Z',
              files: ['README.md'],
              score: -5,
              why: ['touches only docs, lockfiles, CI or lint config'],
              cites: [],
            },
          ],
          skew: {
            summary: 'src/db/pool.mjs:44 changed after orders@3.1.0 by 0123456789ab — not deployed yet?',
            changedSinceRelease: true,
            relation: 'ahead',
            commits: [{ commit: '0123456789ab', summary: 'pool: wait for a connection', changedCrashLine: true }],
          },
          skewNote: null,
        },
      },
    );
    await w.page.waitForFunction(() => !document.querySelector('#history-section')?.classList.contains('hidden'));
    const text = await w.page.$eval('#history-section', (e) => e.textContent ?? '');
    assert.match(text, /Suspect commits/);
    assert.match(text, /checkout: promo codes <img src=x/);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
    assert.match(
      await w.page.$eval('#skew-notice', (e) => e.textContent ?? ''),
      /Version skew: src\/db\/pool.mjs:44 changed after orders@3.1.0 by 0123456789ab — not deployed yet\?/,
    );
    await w.page.click(`#suspects li[data-sha="${sha}"] .suspect-head a.commit-ref`);
    await w.page.click(`#suspects li[data-sha="${sha}"] .files a.commit-ref`);
    await w.page.click(`#suspects li[data-sha="${sha}"] .cites a.file-ref`);
    await w.page.click('#skew-notice a.commit-ref');
    const posted = (await w.posted()).filter((m) => m.type === 'openCommit' || m.type === 'openRef').slice(-4);
    assert.deepEqual(
      posted.map((m) =>
        m.type === 'openCommit'
          ? ['commit', m.commit, m.path ?? null]
          : m.type === 'openRef'
            ? ['ref', m.path, m.line]
            : [],
      ),
      [
        ['commit', sha, null],
        ['commit', sha, 'src/routes/checkout.mjs'],
        ['ref', 'src/routes/checkout.mjs', 16],
        ['commit', '0123456789ab', null],
      ],
    );
    // Without skew the notice is hidden.
    await w.send(
      { type: 'runStarted', runId: 5 },
      {
        type: 'history',
        runId: 5,
        history: {
          release: { version: null, commit: null, previousVersion: null, resolvedBy: null },
          range: null,
          rangeCommits: 0,
          suspects: [],
          skew: null,
          skewNote: 'No git history in the workspace.',
        },
      },
    );
    await w.page.waitForFunction(() =>
      document.querySelector('#release-line')?.textContent?.includes('No git history'),
    );
    assert.equal(await w.page.$eval('#skew-notice', (e) => e.classList.contains('hidden')), true);
  });
});
