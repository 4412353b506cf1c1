// The panel bundle in a real browser (Debian Chromium) under the host's CSP: hostile strings from Sentry,
// logs and the model stay inert, references post validated requests, streaming renders as it arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { describeNeeding } from '../../support/needs';
import { WebviewHarness } from './webviewHarness';
import type { DiagnosisView, HostToWebview, IssueHeader } from '../../../src/shared/protocol';

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
  hypothesis: `Pool <img src=x onerror="window.__pwned='hyp'"> exhausted`,
  exception: `PoolExhaustedError: <script>window.__pwned='exc'</script>`,
  event: `<iframe src="javascript:window.__pwned='event'"></iframe>`,
};

/** A diagnosis as the host sends it, with hostile text in every string a user sees. */
const DIAGNOSIS: DiagnosisView = {
  hypotheses: [
    {
      title: HOSTILE.hypothesis,
      kind: 'infrastructure',
      confidence: 'high',
      score: 0.8,
      evidence: [
        'log app1 file:/var/lib/very/long/global/storage/path/orders.log (before, −2 min from the first error): `WARN <svg onload="window.__pwned=\'log\'"></svg> pool exhausted`',
        'first seen 2026-11-25T14:02:00.228Z <b onmouseover=alert(1)>x</b>',
      ],
      check: 'Check `src/db/pool.ts:44` <script>window.__pwned="check"</script>',
    },
    {
      title: 'Unhandled TypeError at src/routes/orders.ts:14',
      kind: 'data',
      confidence: 'medium',
      score: 0.5,
      evidence: ['`src/routes/orders.ts:14` raises TypeError'],
      check: 'Reproduce with the input of event 0123456789abcdef0123456789abcdef.',
    },
  ],
  culprit: {
    path: 'src/db/pool.ts',
    line: 44,
    column: 11,
    mapped: true,
    function: '<b>acquire</b>',
    exception: HOSTILE.exception,
    why: 'Innermost in-app frame <i>x</i>.',
    excerpt: [
      [43, 'if (!conn) {'],
      [44, '  throw new PoolExhaustedError("<img src=x>");'],
    ],
  },
  frames: [{ path: 'src/routes/orders.ts', line: 14, function: 'handle' }],
  changes: ['`a1b2c3d` 2026-11-20T10:00:00Z by Ana: <script>x</script> — `src/db/pool.ts` lines 40-45'],
  related: [
    {
      shortId: 'BILLING-2',
      projectSlug: 'billing',
      title: '<img src=x onerror="window.__pwned=\'rel\'">',
      relation: 'first-seen-in-window',
      minutesFromThis: -3,
      links: [],
    },
  ],
  notes: ['2 warning line(s) <u>periodic</u>'],
  logTerms: ['pool exhausted'],
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
      {
        type: 'init',
        issue,
        aiEnabled: true,
        model: 'gpt-test',
        restoredFrom: null,
        events: [
          {
            id: '0123456789abcdef0123456789abcdef',
            timestamp: '2026-11-25T14:06:00Z',
            environment: '<b>prod</b>',
            release: 'orders@1.4.2',
            message: HOSTILE.event,
            request: 'GET /orders/<b>1</b>',
          },
        ],
      },
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
      { type: 'diagnosis', runId: run, diagnosis: DIAGNOSIS },
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
        document.querySelector('.log-line .text')?.textContent?.includes('pool exhausted') &&
        document.querySelector('#root-cause')?.textContent?.includes('exhausted') &&
        document.querySelector('#events')?.textContent?.includes('iframe') &&
        document.querySelector('#related')?.textContent?.includes('BILLING-2'),
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
      cause: document.querySelector('#root-cause')?.textContent ?? '',
      culprit: document.querySelector('#culprit')?.textContent ?? '',
      hypotheses: document.querySelector('#hypotheses')?.textContent ?? '',
      code: document.querySelector('#code')?.textContent ?? '',
      changes: document.querySelector('#changes')?.textContent ?? '',
      related: document.querySelector('#related')?.textContent ?? '',
      events: document.querySelector('#events')?.textContent ?? '',
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
    // The diagnosis' strings (verdict, sections, events) show literally too.
    assert.equal(result.cause, `${HOSTILE.hypothesis}.`);
    assert.ok(result.culprit.includes(HOSTILE.exception) && result.culprit.includes('<b>acquire</b>'), result.culprit);
    assert.ok(result.hypotheses.includes('<b onmouseover=alert(1)>x</b>'), result.hypotheses);
    assert.ok(result.hypotheses.includes('<script>window.__pwned="check"</script>'), result.hypotheses);
    assert.ok(result.code.includes('throw new PoolExhaustedError("<img src=x>");'), result.code);
    assert.ok(result.changes.includes('<script>x</script>'), result.changes);
    assert.ok(result.related.includes(`<img src=x onerror="window.__pwned='rel'">`), result.related);
    assert.ok(result.related.includes('<u>periodic</u>'), result.related);
    assert.ok(result.events.includes(HOSTILE.event) && result.events.includes('<b>prod</b>'), result.events);
    assert.ok(result.events.includes('GET /orders/<b>1</b>'), result.events);
    // Open every section too: their hostile content must also stay text.
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
    const refs = await w.page.$$eval('#report a.ref', (as) => as.map((a) => a.textContent));
    assert.deepEqual(refs, ['src/db/orders.ts:9', 'src/routes/orders.ts:14:3', '0123456789abcdef0123456789abcdef']);
    // `src/db/orders.ts:9` (a code span that is only a reference) reads as a link, not a boxed quote.
    assert.equal(await w.page.locator('#report code a.ref, #report code:has(a.ref)').count(), 0);
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
      await w.page.evaluate(() => (document.querySelector('#sec-logs') as HTMLDetailsElement).open),
      true,
      'the Logs section opened to show the line',
    );
    // The quote itself stays a quote (monospace text), not link text.
    assert.equal(await w.page.locator('#ai code.log-quote').count(), 1);
    assert.equal(await w.page.locator('#ai a.log-ref code').count(), 0);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null);
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

  test('the action bar is one row at every width; what does not fit is in a keyboard-operable More menu', async () => {
    await w.send({ type: 'phase', runId: 1, phase: 'done' });
    /** The tops of the bar's visible parts, which actions are in the bar and which in the menu. */
    const bar = () =>
      w.page.evaluate(() => {
        const visible = (e: Element) => e.getBoundingClientRect().width > 0;
        const buttons = [...document.querySelectorAll('#actions > button, #btn-more')].filter(visible);
        const status = document.querySelector('#status-text')!.getBoundingClientRect();
        const first = buttons[0]!.getBoundingClientRect();
        return {
          tops: buttons.map((e) => Math.round(e.getBoundingClientRect().top)),
          statusInRow: status.top >= first.top && status.bottom <= first.bottom,
          inBar: [...document.querySelectorAll('#actions > button')].filter(visible).map((e) => e.id),
          inMenu: [...document.querySelectorAll('#actions-menu > [role="menuitem"]')].map((e) => e.id),
          more: visible(document.querySelector('#btn-more')!),
          status: document.querySelector('#status-text')!.getBoundingClientRect().width,
          overflow: Math.max(
            document.querySelector('#actions')!.scrollWidth - document.querySelector('#actions')!.clientWidth,
            Math.max(...buttons.map((e) => e.getBoundingClientRect().right)) - document.documentElement.clientWidth,
          ),
        };
      });
    const secondary = ['btn-copy', 'btn-sentry', 'btn-event-details', 'btn-note'];
    const seen: Record<number, Awaited<ReturnType<typeof bar>>> = {};
    for (const width of [1280, 900, 600, 420, 320]) {
      await w.page.setViewportSize({ width, height: 700 });
      await w.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const b = (seen[width] = await bar());
      assert.ok(b.tops.length >= 2 && new Set(b.tops).size === 1, `${width} px: one row: ${JSON.stringify(b)}`);
      assert.ok(b.statusInRow, `${width} px: the status is in the same row: ${JSON.stringify(b)}`);
      assert.ok(b.status > 20, `${width} px: the status stays visible: ${JSON.stringify(b)}`);
      assert.ok(b.overflow <= 0, `${width} px: nothing overflows sideways: ${JSON.stringify(b)}`);
      assert.equal(b.inBar[0], 'btn-rerun', `${width} px: Re-run (not the disabled Stop) leads`);
      assert.ok(!b.inBar.includes('btn-stop'), `${width} px: Stop shows only while running`);
      assert.deepEqual(
        [...b.inBar.filter((id) => secondary.includes(id)), ...b.inMenu],
        secondary,
        `${width} px: every action is in the bar or the menu, in order: ${JSON.stringify(b)}`,
      );
      assert.equal(b.more, b.inMenu.length > 0, `${width} px: More shows exactly when something is in it`);
    }
    assert.equal(seen[1280]!.inMenu.length, 0, 'at 1280 px everything fits');
    assert.equal(seen[320]!.inMenu.length, secondary.length, 'at 320 px every secondary action is in the menu');
    // The toolbar's arrows: Right from Re-run reaches More (all else is in the menu at 320 px), Home goes back.
    await w.page.focus('#btn-rerun');
    await w.page.keyboard.press('ArrowRight');
    assert.equal(await w.page.evaluate(() => document.activeElement?.id), 'btn-more');
    await w.page.keyboard.press('Home');
    assert.equal(await w.page.evaluate(() => document.activeElement?.id), 'btn-rerun');
    // Keyboard: Enter opens on the first item, arrows move, Escape closes and gives focus back.
    const active = () => w.page.evaluate(() => document.activeElement?.id ?? '');
    const expanded = () => w.page.getAttribute('#btn-more', 'aria-expanded');
    assert.equal(await w.page.getAttribute('#btn-more', 'aria-haspopup'), 'menu');
    assert.equal(await expanded(), 'false');
    await w.page.focus('#btn-more');
    await w.page.keyboard.press('Enter');
    assert.equal(await expanded(), 'true');
    assert.equal(await active(), 'btn-copy', 'Enter opens the menu on its first item');
    const box = await w.page.$eval('#actions-menu', (m) => {
      const r = m.getBoundingClientRect();
      return { left: r.left, right: r.right, page: document.documentElement.clientWidth };
    });
    assert.ok(
      box.left >= 0 && box.right <= box.page,
      `the open menu is inside the 320 px panel: ${JSON.stringify(box)}`,
    );
    await w.page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'btn-sentry');
    await w.page.keyboard.press('End');
    assert.equal(await active(), 'btn-note', 'End: the last item (enabled once the run is done)');
    await w.page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'btn-copy', 'ArrowDown wraps around');
    await w.page.keyboard.press('Escape');
    assert.equal(await expanded(), 'false');
    assert.equal(await active(), 'btn-more', 'Escape gives focus back to More');
    assert.equal(await w.page.locator('#actions-menu').isVisible(), false);
    // ArrowUp opens on the last item; Enter runs the focused action, closes the menu, focus back on More.
    await w.page.keyboard.press('ArrowUp');
    assert.equal(await active(), 'btn-note');
    await w.page.keyboard.press('ArrowUp');
    await w.page.keyboard.press('ArrowUp');
    assert.equal(await active(), 'btn-sentry');
    const before = (await w.posted()).length;
    await w.page.keyboard.press('Enter');
    const after = (await w.posted()).slice(before).map((m) => m.type);
    assert.deepEqual(after, ['openInSentry'], 'Enter on the item runs that action once');
    assert.equal(await expanded(), 'false');
    assert.equal(await active(), 'btn-more');
    // A click elsewhere closes an open menu.
    await w.page.click('#btn-more');
    assert.equal(await expanded(), 'true');
    await w.page.mouse.click(5, 690);
    assert.equal(await expanded(), 'false');
    // The menu is placed through the CSSOM, which the CSP allows (a style attribute it would block).
    assert.deepEqual(await w.csp(), [], 'no CSP violation from opening the menu');
    // While a run is busy, Stop replaces Re-run in the same place; the note waits for the finished run.
    await w.send({ type: 'phase', runId: 1, phase: 'analyzing' });
    await w.page.locator('#btn-stop').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await w.page.locator('#btn-rerun').isVisible(), false);
    assert.equal(await w.page.locator('#btn-note').isDisabled(), true);
    await w.send({ type: 'phase', runId: 1, phase: 'done' });
    await w.page.locator('#btn-rerun').waitFor({ state: 'visible', timeout: 5000 });
    // Fewer events stored than counted: the Events section links to Sentry itself (More may hold the button).
    await w.page.evaluate(() => ((document.querySelector('#sec-events') as HTMLDetailsElement).open = true));
    const n = (await w.posted()).length;
    await w.page.click('#events-in-sentry');
    await w.page.focus('#events-in-sentry');
    await w.page.keyboard.press('Enter');
    assert.deepEqual(
      (await w.posted()).slice(n).map((m) => m.type),
      ['openInSentry', 'openInSentry'],
    );
    await w.page.evaluate(() => ((document.querySelector('#sec-events') as HTMLDetailsElement).open = false));
    await w.page.setViewportSize({ width: 1280, height: 720 });
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

  test('the AI section says once which provider and model ran; a hostile name stays text', async () => {
    const model = 'VS Code language model: <img src=x onerror="window.__pwned=\'model\'"> (vendor/family)';
    await w.send({ type: 'init', issue, aiEnabled: true, model, restoredFrom: null }, { type: 'runStarted', runId: 4 });
    await w.page.waitForFunction((m) => document.querySelector('#ai-model')?.textContent === `by ${m}`, model);
    // Said once, in the section's heading: not again in the body or above the tool calls.
    const times = await w.page.evaluate(
      (m) => (document.querySelector('#sec-ai')?.textContent ?? '').split(m).length - 1,
      model,
    );
    assert.equal(times, 1, 'the model is named once in the AI section');
    assert.ok(await w.page.locator('#sec-ai > summary #ai-model').isVisible());
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

  test('the verdict card: root cause, kind, confidence, the culprit link, what to check next', async () => {
    await w.send({ type: 'runStarted', runId: 6 }, { type: 'diagnosis', runId: 6, diagnosis: DIAGNOSIS });
    await w.page.locator('#verdict #culprit-link').waitFor({ timeout: 5000 });
    const card = await w.page.$eval('#verdict', (e) => e.textContent ?? '');
    assert.match(card, /Most likely cause/);
    assert.match(card, /Infrastructure/);
    assert.match(card, /high confidence/);
    assert.match(card, /What to check next/);
    // The second hypothesis' check is listed too (medium confidence), and the rest are counted.
    assert.equal(await w.page.locator('#verdict .next-checks li').count(), 2);
    assert.match(card, /1 other hypothesis under Hypotheses/);
    // "Hypotheses" there goes somewhere: it opens that section.
    await w.page.evaluate(() => ((document.querySelector('#sec-hypotheses') as HTMLDetailsElement).open = false));
    await w.page.click('#verdict a.section-ref');
    assert.equal(await w.page.$eval('#sec-hypotheses', (d) => (d as HTMLDetailsElement).open), true);
    assert.equal(await w.page.textContent('#culprit-link'), 'src/db/pool.ts:44');
    await w.page.click('#culprit-link');
    const open = (await w.posted()).filter((m) => m.type === 'openRef').at(-1);
    assert.ok(open && open.type === 'openRef' && open.path === 'src/db/pool.ts' && open.line === 44);
    // A culprit outside the workspace is not dressed as a link: it goes nowhere.
    await w.send({
      type: 'diagnosis',
      runId: 6,
      diagnosis: { ...DIAGNOSIS, culprit: { ...DIAGNOSIS.culprit!, mapped: false, path: '/app/node_modules/x.js' } },
    });
    await w.page.waitForFunction(() => document.querySelector('#culprit')?.textContent?.includes('/app/node_modules'));
    assert.equal(await w.page.locator('#culprit a').count(), 0);
    assert.equal(await w.page.$eval('#culprit-link', (e) => e.tagName), 'SPAN');
  });

  test('keyboard: the skip link is the first stop and focuses the verdict; sections toggle with Enter and Space', async () => {
    // A fresh page, so Tab starts from the top as it does when the panel opens.
    await w.reload();
    await w.send(
      { type: 'init', issue, aiEnabled: false, model: null, restoredFrom: null },
      { type: 'runStarted', runId: 1 },
      { type: 'diagnosis', runId: 1, diagnosis: DIAGNOSIS },
    );
    await w.page.locator('#root-cause').waitFor({ timeout: 5000 });
    await w.page.keyboard.press('Tab');
    assert.equal(await w.page.evaluate(() => document.activeElement?.id), 'skip-link');
    await w.page.keyboard.press('Enter');
    assert.equal(await w.page.evaluate(() => document.activeElement?.id), 'verdict');
    const summary = w.page.locator('#sec-hypotheses > summary');
    const isOpen = () => w.page.$eval('#sec-hypotheses', (d) => (d as HTMLDetailsElement).open);
    const before = await isOpen();
    await summary.focus();
    await w.page.keyboard.press('Enter');
    await w.page.waitForFunction(
      (b) => (document.querySelector('#sec-hypotheses') as HTMLDetailsElement).open !== b,
      before,
    );
    await w.page.keyboard.press('Space');
    await w.page.waitForFunction(
      (b) => (document.querySelector('#sec-hypotheses') as HTMLDetailsElement).open === b,
      before,
    );
  });

  test('log viewer: local time (the zone once per day) and millis, no repeated timestamp, terms marked, no sideways overflow at 600 px', async () => {
    await w.page.setViewportSize({ width: 600, height: 700 });
    const long = `ERROR pool exhausted while acquiring a connection for request ${'x'.repeat(12)} ${'word '.repeat(60)}`;
    await w.send(
      { type: 'runStarted', runId: 7 },
      {
        type: 'logs',
        runId: 7,
        hosts: [
          {
            host: 'orders-api-1',
            source: 'file:/root/.local/share/code-server/User/globalStorage/sentry-rca/demo/logs/orders.log',
            status: 'ok',
            totalLines: 2,
            counts: { before: 1, during: 1, after: 0, unknown: 0 },
            lines: [
              {
                text: `2026-12-03T07:59:12.228Z ${long}`,
                time: '2026-12-03T07:59:12.228Z',
                phase: 'during',
                marks: ['message'],
              },
              {
                text: '2026-12-03T07:58:00Z WARN pool nearly exhausted',
                time: '2026-12-03T07:58:00Z',
                phase: 'before',
                marks: [],
              },
            ],
          },
        ],
      },
      { type: 'diagnosis', runId: 7, diagnosis: { ...DIAGNOSIS, logTerms: ['pool exhausted'] } },
    );
    await w.page.evaluate(() => ((document.querySelector('#sec-logs') as HTMLDetailsElement).open = true));
    await w.page.locator('.log-viewer .log-line').first().waitFor({ timeout: 5000 });
    const r = await w.page.evaluate(() => {
      const block = document.querySelector('.log-viewer') as HTMLElement;
      const lines = [...document.querySelectorAll('.log-viewer .log-line')];
      return {
        scrollWidth: block.scrollWidth,
        clientWidth: block.clientWidth,
        times: lines.map((l) => l.querySelector('time')?.textContent ?? ''),
        timeTitle: lines[0]?.querySelector('time')?.getAttribute('title') ?? '',
        days: [...document.querySelectorAll('.log-viewer .log-day')].map((d) => d.textContent),
        texts: lines.map((l) => l.querySelector('.text')?.textContent ?? ''),
        marks: [...document.querySelectorAll('.log-viewer mark')].map((m) => m.textContent),
        source: document.querySelector('.log-group-head .path')?.textContent ?? '',
        sourceTitle: document.querySelector('.log-group-head .path')?.getAttribute('title') ?? '',
        height: (lines[0] as HTMLElement).getBoundingClientRect().height,
        lineHeight: parseFloat(getComputedStyle(lines[0]!.querySelector('.text')!).lineHeight),
      };
    });
    assert.ok(
      r.scrollWidth <= r.clientWidth,
      `log lines wrap: scrollWidth ${r.scrollWidth} > clientWidth ${r.clientWidth}`,
    );
    assert.ok(r.height > 2 * r.lineHeight, 'the long line wrapped onto several lines');
    assert.deepEqual(r.times, ['08:59:12.228', '08:58:00'], 'local time of day, millis kept');
    assert.deepEqual(r.days, ['2026-12-03 (GMT+1)'], 'one row names the local day and zone, once');
    assert.match(r.timeTitle, /^while the errors happened · .* · 2026-12-03 08:59:12\.228 GMT\+1$/);
    assert.equal(r.texts[1], 'WARN pool nearly exhausted', 'the line’s own timestamp is not repeated');
    assert.ok(r.texts[0]!.startsWith('ERROR pool exhausted while'), r.texts[0]);
    assert.deepEqual(r.marks, ['pool exhausted']);
    assert.equal(r.source, '…/orders.log');
    assert.match(r.sourceTitle, /globalStorage\/sentry-rca\/demo\/logs\/orders\.log$/);
    // The same long path in a hypothesis bullet is shortened there too, full on hover.
    await w.send({
      type: 'diagnosis',
      runId: 7,
      diagnosis: {
        ...DIAGNOSIS,
        hypotheses: [
          {
            ...DIAGNOSIS.hypotheses[0]!,
            evidence: [
              'log orders-api-1 file:/root/.local/share/code-server/User/globalStorage/sentry-rca/demo/logs/orders.log (before): `2026-12-03T07:58:00Z WARN pool nearly exhausted`',
              'log orders-api-1 file:/root/.local/share/code-server/User/globalStorage/sentry-rca/demo/logs/orders.log (during): `ERROR pool exhausted while acquiring`',
            ],
          },
        ],
      },
    });
    await w.page.locator('#hypotheses .evidence .path').waitFor({ timeout: 5000 });
    const bullets = await w.page.$$eval('#hypotheses .evidence li', (es) => es.map((e) => e.textContent ?? ''));
    assert.ok(!bullets[0]!.includes('globalStorage') && bullets[0]!.includes('…/orders.log'), bullets[0]);
    assert.ok(!bullets[1]!.includes('orders.log'), `the path is said once per list: ${bullets[1]}`);
    // The quoted line's own ISO time reads as local time with zone, outside the quote; the quote stays text.
    const quote = await w.page.$eval('#hypotheses .evidence li', (e) => ({
      time: e.querySelector('time')?.textContent ?? '',
      code: e.querySelector('code.log-quote')?.textContent ?? '',
      link: e.querySelector('a.log-ref')?.textContent ?? '',
    }));
    assert.deepEqual(quote, { time: '2026-12-03 08:58:00 GMT+1', code: 'WARN pool nearly exhausted', link: 'in Logs' });
    await w.page.setViewportSize({ width: 1280, height: 720 });
  });

  test('the header: relative first/last seen with the local time on hover; the chart only with several buckets', async () => {
    const now = Date.now();
    const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
    await w.send(
      {
        type: 'init',
        issue: { ...issue, firstSeen: iso(3 * 3600_000), lastSeen: iso(12 * 60_000) },
        aiEnabled: false,
        model: null,
        restoredFrom: null,
      },
      { type: 'runStarted', runId: 8 },
      {
        type: 'trend',
        runId: 8,
        trend: {
          verdict: 'rising',
          why: 'one spike',
          hourly24h: [
            [1764072000, 0],
            [1764075600, 6],
          ],
          daily14d: [],
          firstSeenVsRelease: null,
        },
      },
    );
    await w.page.waitForFunction(() => document.querySelector('#issue-facts')?.textContent?.includes('12 min ago'));
    const facts = await w.page.$eval('#issue-facts', (e) => e.textContent ?? '');
    assert.match(facts, /first seen 3 h ago/);
    const tip = await w.page.$eval('#issue-facts time', (e) => e.getAttribute('title') ?? '');
    assert.match(tip, /^3 h ago · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+1$/);
    assert.equal(await w.page.locator('#trend-chart svg').count(), 0, 'one bar says nothing: no chart');
    await w.send({
      type: 'trend',
      runId: 8,
      trend: {
        verdict: 'rising',
        why: 'three hours',
        hourly24h: [
          [1764072000, 2],
          [1764075600, 0],
          [1764079200, 4],
          [1764082800, 9],
        ],
        daily14d: [],
        firstSeenVsRelease: null,
      },
    });
    await w.page.locator('#trend-chart svg').waitFor({ timeout: 5000 });
    const chart = await w.page.evaluate(() => ({
      bars: [...document.querySelectorAll('#trend-chart rect')].map((r) => r.querySelector('title')?.textContent ?? ''),
      axis: [...document.querySelectorAll('#trend-chart text.axis')].map((t) => t.textContent),
    }));
    assert.equal(chart.bars.length, 4);
    assert.equal(chart.bars[3], '2025-11-25 16:00 GMT+1 (1 h): 9 events');
    assert.deepEqual(chart.axis.slice(0, 2), ['9', '0']);
    assert.equal(chart.axis.length, 4, 'count axis and first/last time labels');
  });

  test('without an AI, "Set up AI" asks the host and shows its answer', async () => {
    await w.page.locator('#btn-setup-ai').waitFor({ state: 'visible', timeout: 5000 });
    await w.page.click('#btn-setup-ai');
    const req = (await w.posted()).filter((m) => m.type === 'setUpAi').at(-1);
    assert.ok(req && req.type === 'setUpAi');
    await w.send({
      type: 'setUpAiResult',
      requestId: req.requestId,
      ok: true,
      message: 'AI set up (gpt-x): Re-run to investigate with it.',
    });
    await w.page.waitForFunction(() => document.querySelector('#ai-setup-status')?.textContent?.includes('Re-run'));
    // An answer to a request never made is ignored.
    await w.send({ type: 'setUpAiResult', requestId: 99999, ok: false, message: 'STALE' });
    await w.page.waitForTimeout(50);
    assert.ok(!((await w.page.textContent('#ai-setup-status')) ?? '').includes('STALE'));
  });

  test('sections remember open and closed across a reload of the panel', async () => {
    const openOf = () =>
      w.page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('details.section')].map((d) => [d.id, (d as HTMLDetailsElement).open]),
        ),
      );
    await w.page.evaluate(() => {
      (document.querySelector('#sec-code') as HTMLDetailsElement).open = false;
      (document.querySelector('#sec-events') as HTMLDetailsElement).open = true;
    });
    await w.page.waitForFunction(() => !!sessionStorage.getItem('vscodeState')?.includes('sec-events'));
    const before = await openOf();
    await w.reload();
    const after = await openOf();
    assert.equal(after['sec-code'], false);
    assert.equal(after['sec-events'], true);
    assert.deepEqual(after, before);
  });
});
