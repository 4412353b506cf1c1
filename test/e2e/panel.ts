/**
 * The diagnosis panel's layout in the real workbench (code-server in Debian Chromium, driven by
 * playwright-core), on a real incident with no AI key: the verdict card and the culprit link are on the
 * first screen at 1280×800, 900×700 and 600×700 (measured from the webview frame, no scrolling); the
 * action bar is one row at each width, what does not fit in a More menu that works by keyboard; the skip link
 * focuses the verdict; sections collapse and expand by keyboard; log lines wrap instead of overflowing at
 * 900 px; "Set up AI" is offered and opens its quick pick. Screenshots in dark, light and high contrast
 * (each theme checked on the webview's body) go to test/e2e/screenshots/panel-*.png.
 *
 * A missing tool is a failure: this suite never skips. Writes `{passed, failed, skipped}` to
 * SENTRY_RCA_TEST_SUMMARY.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { diagnosePoolIssue, openIncidentWorkbench } from '../unit/investigate/incidentUi';
import { buildRealIncident, realIncidentUnavailable, type RealIncident } from '../unit/investigate/realIncident';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { dismissToasts, setColorTheme, Steps, type ThemeKind } from '../vscode/ui';
import type { Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
/** Berlin in winter (the incident is "now", December in the fixtures' clock or not: the zone name is checked). */
const ZONE = { id: 'Europe/Berlin', names: /^(GMT\+1|GMT\+2|CET|CEST)$/ };
const steps = new Steps();
const step = steps.step.bind(steps);

function expect(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
interface FirstScreen {
  scrollY: number;
  innerWidth: number;
  innerHeight: number;
  verdict: Box;
  cause: Box;
  culprit: Box;
  culpritTag: string;
}

/** Where the verdict, its root-cause sentence and the culprit link sit in the webview's own viewport. */
async function firstScreen(panel: FrameLocator): Promise<FirstScreen> {
  return panel.locator('body').evaluate(() => {
    const box = (sel: string): Box => {
      const el = document.querySelector(sel);
      if (!el) throw new Error(`${sel} is not in the panel`);
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    return {
      scrollY: window.scrollY,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      verdict: box('#verdict'),
      cause: box('#root-cause'),
      culprit: box('#culprit-link'),
      culpritTag: document.querySelector('#culprit-link')?.tagName ?? '',
    };
  });
}

function inside(b: Box, s: FirstScreen): boolean {
  return b.top >= 0 && b.left >= 0 && b.bottom <= s.innerHeight && b.right <= s.innerWidth;
}

/** The verdict card's top, the root cause and the culprit link are visible without scrolling. */
async function expectFirstScreen(panel: FrameLocator, size: string): Promise<FirstScreen> {
  await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
  const s = await firstScreen(panel);
  const where = JSON.stringify(s);
  expect(s.scrollY === 0, `${size}: the panel is scrolled (${where})`);
  expect(s.verdict.top >= 0 && s.verdict.top < s.innerHeight / 2, `${size}: the verdict card starts high up: ${where}`);
  expect(inside(s.cause, s), `${size}: the root cause is on the first screen: ${where}`);
  expect(inside(s.culprit, s), `${size}: the culprit link is on the first screen: ${where}`);
  expect(s.culpritTag === 'A', `${size}: the culprit is a link (it maps to a workspace file): ${s.culpritTag}`);
  return s;
}

const ACTIONS = ['btn-rerun', 'btn-copy', 'btn-sentry', 'btn-event-details', 'btn-note'];

/**
 * The action bar is one row (the tops of its visible buttons are equal, the status text sits in that
 * row and is visible), and every action is either in it or in its More menu. Returns what is in the menu.
 */
async function expectOneRow(panel: FrameLocator, size: string): Promise<string[]> {
  const m = await panel.locator('#actions').evaluate((bar) => {
    const shown = [...bar.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().width > 0);
    const row = shown[0]?.getBoundingClientRect();
    const status = bar.querySelector('#status-text')?.getBoundingClientRect();
    return {
      tops: shown.map((b) => Math.round(b.getBoundingClientRect().top)),
      inBar: shown.map((b) => b.id),
      inMenu: [...bar.querySelectorAll('#actions-menu > button')].map((b) => b.id),
      statusText: bar.querySelector('#status-text')?.textContent ?? '',
      statusInRow: !!row && !!status && status.width > 0 && status.top >= row.top && status.bottom <= row.bottom,
      barRight: bar.getBoundingClientRect().right,
      innerWidth: window.innerWidth,
    };
  });
  const where = `${size}: ${JSON.stringify(m)}`;
  expect(m.tops.length >= 2 && new Set(m.tops).size === 1, `the action bar is one row at ${where}`);
  expect(m.statusInRow && /Done/.test(m.statusText), `the status text is visible in that row at ${where}`);
  expect(m.barRight <= m.innerWidth, `the action bar fits the panel at ${where}`);
  const all = [...m.inBar.filter((id) => id !== 'btn-more'), ...m.inMenu];
  expect(all.join() === ACTIONS.join(), `every action is in the bar or the More menu, in order, at ${where}`);
  expect(m.inBar.includes('btn-more') === m.inMenu.length > 0, `More shows exactly when it holds actions at ${where}`);
  return m.inMenu;
}

async function shot(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  await page.mouse.move(5, 5);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, name) });
}

async function theme(page: Page, panel: FrameLocator, name: string, kind: ThemeKind): Promise<void> {
  const bodyClass = await setColorTheme(page, name, kind);
  await page.locator('.tab', { hasText: 'Diagnose' }).first().click();
  // The theme reached the webview (not only the workbench chrome).
  await panel.locator(`body.${bodyClass}`).waitFor({ timeout: 10_000 });
}

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e-panel')) {
    steps.failed++;
    return;
  }
  const missing = realIncidentUnavailable();
  if (missing) throw new Error(`e2e-panel needs ${missing}`);
  mkdirSync(SHOTS, { recursive: true });
  let inc: RealIncident | undefined;
  let wb: Workbench | undefined;
  try {
    inc = await buildRealIncident({ hosts: 1 });
    wb = await openIncidentWorkbench(inc, {
      env: { OPENAI_API_KEY: '' },
      viewport: { width: 1280, height: 800 },
      // A zone that is not UTC, so every time the panel shows is checked as local time with its zone.
      more: { timezoneId: ZONE.id },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
    });
    const page = wb.page;
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

    const opened = await step('Diagnose opens the panel with a verdict (dark theme on the webview)', async () => {
      await diagnosePoolIssue(page, inc!.sentry.token);
      await panel.locator('#root-cause').waitFor({ timeout: 60_000 });
      await panel.locator('#culprit-link').waitFor({ timeout: 10_000 });
      const cls = await panel.locator('body').getAttribute('class');
      if (!/\bvscode-dark\b/.test(cls ?? '')) {
        console.log(`  (the webview came up as "${cls}", not dark: switching with the theme picker)`);
        await theme(page, panel, 'Dark Modern', 'dark');
      }
      // Let the run finish (history, logs) so the card is complete.
      await panel.locator('#status-text', { hasText: /Done/ }).waitFor({ timeout: 60_000 });
    });
    if (!opened) return;

    await step('1280×800: the verdict and the culprit are on the first screen', async () => {
      const s = await expectFirstScreen(panel, '1280×800');
      const menu = await expectOneRow(panel, '1280×800');
      expect(menu.length === 0, `at 1280 px every action is a button: ${menu.join()}`);
      expect(inside(s.verdict, s), `1280×800: the whole verdict card fits: ${JSON.stringify(s)}`);
      const cause = (await panel.locator('#root-cause').textContent()) ?? '';
      expect(/pool|commit/i.test(cause), `the root cause names the pool or the commit: ${cause}`);
      expect(
        /src\/db\/pool\.mjs:44/.test((await panel.locator('#culprit-link').textContent()) ?? ''),
        'the culprit is src/db/pool.mjs:44',
      );
      await shot(page, 'panel-1280-dark.png');
    });

    await step('900×700: the verdict and the culprit are on the first screen, without scrolling', async () => {
      await page.setViewportSize({ width: 900, height: 700 });
      await page.waitForTimeout(500);
      await expectFirstScreen(panel, '900×700');
      await expectOneRow(panel, '900×700');
      await shot(page, 'panel-900-dark.png');
      // Below the card: the sections (for the reviewer's eyes).
      await panel.locator('#sec-hypotheses').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot(page, 'panel-900-dark-sections.png');
      await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
    });

    await step(
      '600×700: one row of actions, the rest in More (by keyboard); verdict and culprit on the first screen',
      async () => {
        await page.setViewportSize({ width: 600, height: 700 });
        await page.waitForTimeout(500);
        await expectFirstScreen(panel, '600×700');
        const menu = await expectOneRow(panel, '600×700');
        expect(menu.includes('btn-event-details'), `Event Details is in the More menu at 600 px: ${menu.join()}`);
        // Nothing in the panel (hypotheses, code, evidence included) runs off its right edge.
        const wide = await panel.locator('body').evaluate(() => {
          const page = document.documentElement.clientWidth;
          return {
            scroll: document.documentElement.scrollWidth - page,
            over: [...document.querySelectorAll('main *')]
              .filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > page + 1)
              .filter((e) => !e.closest('pre, .log-viewer, details:not([open])'))
              .slice(0, 5)
              .map(
                (e) =>
                  `#${e.closest('[id]')?.id} ${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? '').slice(0, 40)}" right ${Math.round(e.getBoundingClientRect().right)}`,
              ),
          };
        });
        expect(
          wide.scroll <= 0 && wide.over.length === 0,
          `nothing overflows sideways at 600 px: ${JSON.stringify(wide)}`,
        );
        await shot(page, 'panel-600-dark.png');
        // The menu by keyboard: ArrowDown opens it on its first item, arrows move, Escape closes it and
        // gives focus back; Enter on an item runs it.
        const more = panel.locator('#btn-more');
        const active = () => panel.locator('body').evaluate(() => document.activeElement?.id ?? '');
        expect((await more.getAttribute('aria-haspopup')) === 'menu', 'More says it opens a menu');
        await more.focus();
        await page.keyboard.press('ArrowDown');
        expect((await more.getAttribute('aria-expanded')) === 'true', 'ArrowDown opens the menu');
        expect((await active()) === menu[0], `focus is on the first item (${menu[0]}), not ${await active()}`);
        const box = await panel.locator('#actions-menu').evaluate((m) => {
          const r = m.getBoundingClientRect();
          return { left: r.left, right: r.right, innerWidth: window.innerWidth };
        });
        expect(
          box.left >= 0 && box.right <= box.innerWidth,
          `the open menu is inside the panel: ${JSON.stringify(box)}`,
        );
        await shot(page, 'panel-600-dark-menu.png');
        await page.keyboard.press('Escape');
        expect((await more.getAttribute('aria-expanded')) === 'false', 'Escape closes the menu');
        expect((await active()) === 'btn-more', `Escape gives focus back to More, not ${await active()}`);
        await page.keyboard.press('Enter');
        for (let i = menu.indexOf('btn-event-details'); i > 0; i--) await page.keyboard.press('ArrowDown');
        expect((await active()) === 'btn-event-details', `arrows reach Event Details, not ${await active()}`);
        await page.keyboard.press('Enter');
        const tab = page
          .locator('.tab')
          .filter({ hasText: /Event ORDERS-\w+ · [0-9a-f]{8}/ })
          .first();
        await tab.waitFor({ timeout: 30_000 });
        await tab.hover();
        await tab.locator('.tab-actions .action-label').first().click();
        await tab.waitFor({ state: 'detached', timeout: 10_000 });
        await page.locator('.tab', { hasText: 'Diagnose' }).first().click();
        await page.setViewportSize({ width: 900, height: 700 });
        await page.waitForTimeout(500);
      },
    );

    await step('the culprit link opens the file at the crash line', async () => {
      await panel.locator('#culprit-link').click();
      await page.locator('.tab', { hasText: 'pool.mjs' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.statusbar-item', { hasText: 'Ln 44' }).first().waitFor({ timeout: 10_000 });
      // Close the editor it opened beside the panel, so the panel has its width back.
      const tab = page.locator('.tab', { hasText: 'pool.mjs' }).first();
      await tab.hover();
      await tab.locator('.tab-actions .action-label').first().click();
      await tab.waitFor({ state: 'detached', timeout: 10_000 });
      await page.locator('.tab', { hasText: 'Diagnose' }).first().click();
      await panel.locator('#verdict').waitFor();
    });

    await step('keyboard: the skip link is first and focuses the verdict; sections toggle with Enter', async () => {
      // Nothing precedes the skip link in the panel; from the title, one Shift+Tab reaches it.
      const firstChild = await panel.locator('#app').evaluate((e) => e.firstElementChild?.id ?? '');
      expect(firstChild === 'skip-link', `the panel starts with the skip link, not #${firstChild}`);
      await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
      await panel.locator('#issue-short').click();
      await page.keyboard.press('Shift+Tab');
      const active = await panel.locator('body').evaluate(() => document.activeElement?.id ?? '');
      expect(active === 'skip-link', `Shift+Tab from the title lands on the skip link, not #${active}`);
      const skipVisible = await panel.locator('#skip-link').evaluate((e) => e.getBoundingClientRect().top >= 0);
      expect(skipVisible, 'the focused skip link is on screen');
      await page.keyboard.press('Enter');
      expect(
        (await panel.locator('body').evaluate(() => document.activeElement?.id ?? '')) === 'verdict',
        'Enter on the skip link focuses the verdict',
      );
      const summary = panel.locator('#sec-hypotheses > summary');
      const open = () => panel.locator('#sec-hypotheses').evaluate((d) => (d as HTMLDetailsElement).open);
      const was = await open();
      await summary.focus();
      await page.keyboard.press('Enter');
      expect((await open()) === !was, 'Enter toggles the Hypotheses section');
      await page.keyboard.press('Enter');
      expect((await open()) === was, 'Enter toggles it back');
      // And the Logs section (closed at first) opens by keyboard.
      await panel.locator('#sec-logs > summary').focus();
      await page.keyboard.press('Enter');
      expect(
        await panel.locator('#sec-logs').evaluate((d) => (d as HTMLDetailsElement).open),
        'Enter opens the Logs section',
      );
    });

    await step('900 px: log lines wrap at spaces, nothing overflows sideways', async () => {
      const viewer = panel.locator('#logs .log-viewer').first();
      await viewer.waitFor({ timeout: 10_000 });
      const m = await viewer.evaluate((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
        host: document.querySelector('#logs .log-group-head')?.textContent ?? '',
        times: [...el.querySelectorAll('.log-line time')].slice(0, 3).map((t) => t.textContent ?? ''),
        days: [...el.querySelectorAll('.log-day')].map((d) => d.textContent ?? ''),
        zone: [...el.querySelectorAll('.log-line time')].slice(0, 1).map((t) => t.getAttribute('title') ?? '')[0] ?? '',
      }));
      expect(m.scrollWidth <= m.clientWidth, `log block overflows: ${m.scrollWidth} > ${m.clientWidth}`);
      expect(/orders-api-1/.test(m.host), `the host is named once above its lines: ${m.host}`);
      // The local date and zone once (a row per day), the time of day on each line, all of it on hover.
      expect(
        m.times.length > 0 && m.times.every((t) => /^\d\d:\d\d:\d\d(\.\d{3})?$/.test(t)),
        `log lines show the local time of day: ${JSON.stringify(m.times)}`,
      );
      expect(
        m.days.length >= 1 && m.days.every((d) => /^\d{4}-\d\d-\d\d \(\S+\)$/.test(d)),
        `a row names the day and zone: ${JSON.stringify(m.days)}`,
      );
      expect(/ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})? \S+$/.test(m.zone), `the full local time on hover: ${m.zone}`);
      await panel
        .locator('#logs .log-line', { hasText: /pool nearly exhausted/ })
        .first()
        .scrollIntoViewIfNeeded();
      await shot(page, 'panel-logs-900-dark.png');
      await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
    });

    await step('the Events section lists the stored events in local time; no chart for a single bucket', async () => {
      expect((await panel.locator('#trend-chart svg').count()) === 0, 'one busy hour: no chart in the header');
      await panel.locator('#sec-events > summary').click();
      const rows = panel.locator('#events .event-row');
      await rows.first().waitFor({ timeout: 10_000 });
      const times = await rows.locator('.event-head > time').allTextContents();
      const requests = await rows.locator('.event-head .request').allTextContents();
      expect(
        requests.length === times.length && requests.every((r) => /^(GET|POST) \//.test(r)),
        `each event says its request: ${JSON.stringify(requests)}`,
      );
      expect(times.length >= 2, `several events are listed: ${times.length}`);
      expect(
        times.every((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/.test(t.trim())),
        `events show local time with zone: ${JSON.stringify(times)}`,
      );
      expect([...times].sort().reverse().join() === times.join(), `latest first: ${JSON.stringify(times)}`);
      await panel.locator('#sec-events').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shot(page, 'panel-900-dark-events.png');
      await panel.locator('#sec-events > summary').click();
      await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
    });

    await step('every time shown is local with its zone (Europe/Berlin): none in UTC, none raw ISO', async () => {
      const found = await panel.locator('#app').evaluate((app) => {
        const stray: string[] = [];
        const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          // Quoted log lines (code) and what is sent to the model (#evidence) stay verbatim.
          if (n.parentElement?.closest('code, pre, #evidence')) continue;
          const t = (n as Text).data;
          if (/\bUTC\b|\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t)) stray.push(t.trim().slice(0, 160));
        }
        const zoned = [...app.querySelectorAll('time')]
          .map((e) => /^\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d(?:\.\d+)?)? (\S+)$/.exec(e.textContent ?? '')?.[1])
          .filter((z): z is string => !!z);
        const days = [...app.querySelectorAll('.log-day')].map(
          (d) => /\((\S+)\)$/.exec(d.textContent ?? '')?.[1] ?? '',
        );
        return { stray, zoned, days };
      });
      expect(found.stray.length === 0, `times said in UTC or raw ISO: ${JSON.stringify(found.stray)}`);
      expect(found.zoned.length >= 5, `absolute times in the events and evidence: ${JSON.stringify(found.zoned)}`);
      expect(
        [...found.zoned, ...found.days].every((z) => ZONE.names.test(z)),
        `every zone shown is Berlin's: ${JSON.stringify(found)}`,
      );
    });

    await step('no AI key: "Set up AI" is offered and opens its quick pick', async () => {
      const button = panel.locator('#btn-setup-ai');
      await button.scrollIntoViewIfNeeded();
      await button.waitFor({ state: 'visible', timeout: 10_000 });
      await button.click();
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Set an OpenAI-compatible API key' })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.keyboard.press('Escape');
      await panel
        .locator('#ai-setup-status', { hasText: 'Closed without setting up an AI' })
        .waitFor({ timeout: 10_000 });
      await panel.locator('body').evaluate(() => window.scrollTo(0, 0));
    });

    await step('light theme: first screen at 900×700 and 1280×800', async () => {
      await panel.locator('#sec-logs > summary').click(); // back to the first screen a user sees
      await theme(page, panel, 'Light Modern', 'light');
      await expectFirstScreen(panel, '900×700 light');
      await shot(page, 'panel-900-light.png');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForTimeout(500);
      await expectFirstScreen(panel, '1280×800 light');
      await shot(page, 'panel-1280-light.png');
    });

    await step('high contrast: first screen at 900×700', async () => {
      await page.setViewportSize({ width: 900, height: 700 });
      await theme(page, panel, 'Dark High Contrast', 'high-contrast');
      await expectFirstScreen(panel, '900×700 high contrast');
      await shot(page, 'panel-900-hc.png');
      // Quoted code reads in the page's text colour (the webview default made it invisible in high contrast).
      const colors = await panel
        .locator('#hypotheses code')
        .first()
        .evaluate((c) => ({
          code: getComputedStyle(c).color,
          body: getComputedStyle(document.body).color,
          background: getComputedStyle(c).backgroundColor,
        }));
      expect(
        colors.code === colors.body && colors.code !== colors.background,
        `code text is readable in high contrast: ${JSON.stringify(colors)}`,
      );
    });

    await step('the header shrinks once the panel scrolls', async () => {
      const tall = await panel.locator('#issue-header').evaluate((e) => e.getBoundingClientRect().height);
      await panel.locator('body').evaluate(() => window.scrollTo(0, 400));
      await panel.locator('body.scrolled').waitFor({ timeout: 5000 });
      const m = await panel.locator('#issue-header').evaluate((e) => ({
        height: e.getBoundingClientRect().height,
        top: e.getBoundingClientRect().top,
      }));
      expect(m.top === 0, `the header stays at the top: ${m.top}`);
      expect(m.height < tall, `the header is smaller when scrolled: ${m.height} vs ${tall}`);
      await shot(page, 'panel-900-hc-scrolled.png');
    });
  } finally {
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'panel-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    await inc?.cleanup();
  }
}

runStepSuite('e2e-panel', steps, main);
