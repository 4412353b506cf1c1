/**
 * New-issue alerts and event details in the real workbench (code-server in Debian Chromium, driven by
 * playwright-core), against the test Sentry server fed by the real @sentry/node SDK (a crashing
 * "payments" service whose event carries breadcrumbs, a user, contexts and a request with credentials):
 * - the first sync shows no alert (no storm);
 * - a sync that brings a new and a regressed fatal issue shows ONE notification for both; Diagnose asks
 *   which and opens the panel; the link syntax Sentry's text carries is not a link;
 * - a regressed issue alone alerts again; Show selects its row; Archive invokes `sentryRca.archiveIssue`;
 * - "Show Event Details" on an event row shows all breadcrumbs, the request with Authorization, Cookie,
 *   X-Api-Key and the token query parameter redacted, the user, contexts and SDK; markup and control
 *   characters from the event are shown as text; the diagnosis panel's "Event Details" opens it too.
 * Screenshots: test/e2e/screenshots/alert-{dark,light}.png, event-details-{dark,light}.png.
 * Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY; a missing tool is a failure.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runCrashApp, startSentryServer, type SentryTestServer } from '../servers/sentry/index';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { clickPanelAction, dismissToasts, EVENT_ROW, runCommand, Steps, treeRow } from '../vscode/ui';
import { openWorkbench, type Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const steps = new Steps();
const step = steps.step.bind(steps);

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** Toasts that are ours and are alerts (not progress or errors). */
const alertToasts = (page: Page) =>
  page.locator('.notification-toast').filter({ hasText: /Sentry RCA: (New|Regressed) |Sentry RCA: \d+ issues \(/ });

async function syncNow(page: Page): Promise<void> {
  await dismissToasts(page);
  await page.locator('.part.sidebar .actions-container [aria-label="Sync Now"]').first().click();
}

/** Takes the keyboard back from a webview (F1 typed into its iframe would not reach the workbench). */
async function focusWorkbench(page: Page): Promise<void> {
  await page.locator('.part.sidebar .composite.title').first().click();
}

async function closeEditors(page: Page): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const close = page.locator('.tabs-container .tab .action-label.codicon-close').first();
    if ((await close.count()) === 0) return;
    await close.click({ force: true });
    await page.waitForTimeout(200);
  }
}

/** Switches the color theme with "Preferences: Color Theme" (the picker's own filter box). */
async function setTheme(page: Page, theme: 'Light Modern' | 'Dark Modern'): Promise<void> {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill('>Preferences: Color Theme');
  // Click the entry itself: Enter would take the first fuzzy match ("Developer: Generate Color Theme…").
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: 'Preferences: Color Theme' })
    .first()
    .click();
  // The theme picker replaces the command palette: wait until it lists themes before filtering.
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: /Modern|High Contrast/ })
    .first()
    .waitFor();
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: theme }).first().waitFor();
  await page.keyboard.press('Enter');
  await page
    .locator(theme === 'Dark Modern' ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs')
    .waitFor({ timeout: 15_000 });
  await page.waitForTimeout(800);
}

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e-alerts')) {
    steps.failed++;
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-e2e-alerts-'));
  const sentry: SentryTestServer = await startSentryServer({});
  let wb: Workbench | undefined;
  try {
    const { dsn } = sentry.addProject({ slug: 'payments', name: 'Payments', platform: 'node' });
    // Two fatal issues before the first sync: it must still stay quiet.
    await runCrashApp({ dsn, kind: 'declined', release: 'payments@3.0.0' });
    await runCrashApp({ dsn, kind: 'timeout', release: 'payments@3.0.0' });
    const issueOf = (re: RegExp) => sentry.issues().find((i) => re.test(i.title ?? ''))!;
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    wb = await openWorkbench({
      workspace,
      extensionDevelopmentPath: projectRoot,
      settings: {
        'sentryRCA.baseUrl': sentry.url,
        'sentryRCA.organization': sentry.org,
        'sentryRCA.ai.provider': 'none',
        'workbench.colorTheme': 'Default Dark Modern',
      },
      viewport: { width: 1280, height: 800 },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
    });
    const page = wb.page;
    const ready = await step('the first sync fills the tree and shows no alert (no storm)', async () => {
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const icon = page.locator('.activitybar [aria-label^="Sentry"]').first();
      await icon.waitFor({ timeout: 30_000 });
      await icon.click();
      await runCommand(page, 'Sentry RCA: Set Auth Token');
      const input = page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(sentry.token);
      await page.keyboard.press('Enter');
      await treeRow(page, /PAYMENTS-\w+.*GatewayTimeout|GatewayTimeout/)
        .first()
        .waitFor({ timeout: 30_000 });
      await treeRow(page, /PaymentDeclined/)
        .first()
        .waitFor({ timeout: 10_000 });
      await page.waitForTimeout(3000);
      expect((await alertToasts(page).count()) === 0, 'no alert after the first sync');
    });
    if (!ready) return;

    await step('a sync bringing a new and a regressed fatal issue shows one notification for both', async () => {
      // PaymentDeclined was resolved and comes back in the new release; RefundFailed is new.
      sentry.resolveIssue(issueOf(/PaymentDeclined/).id);
      await runCrashApp({ dsn, kind: 'declined', release: 'payments@3.1.0' });
      await runCrashApp({ dsn, kind: 'refund', release: 'payments@3.1.0' });
      await syncNow(page);
      const toast = alertToasts(page).first();
      await toast.waitFor({ timeout: 30_000 });
      const text = (await toast.innerText()).replace(/\s+/g, ' ');
      expect(/Sentry RCA: 2 issues \(1 new, 1 regressed\)/.test(text), `summary: ${text}`);
      expect(
        /PAYMENTS-\w+ PaymentDeclined/.test(text) && /PAYMENTS-\w+ RefundFailed/.test(text),
        `names both: ${text}`,
      );
      expect((await alertToasts(page).count()) === 1, 'exactly one alert notification');
      // Sentry's text carried `[retry](command:…)`: shown as text, not as a link.
      expect(text.includes('[retry] (command:'), `link syntax broken: ${text}`);
      expect((await toast.locator('.notification-list-item-message a').count()) === 0, 'no link in the alert');
      await page.mouse.move(1000, 150);
      await page.screenshot({ path: join(SHOTS, 'alert-dark.png') });
    });

    await step('Diagnose asks which issue and opens its diagnosis panel', async () => {
      await alertToasts(page).first().getByRole('button', { name: 'Diagnose' }).click();
      const rows = page.locator('.quick-input-list .monaco-list-row');
      const row = rows.filter({ hasText: 'PaymentDeclined' }).first();
      await row.waitFor({ timeout: 10_000 });
      expect((await rows.count()) === 2, 'both issues to pick from');
      await row.click();
      await page
        .locator('.tab')
        .filter({ hasText: /Diagnose PAYMENTS-\w+/ })
        .first()
        .waitFor({ timeout: 30_000 });
    });

    await step("the diagnosis panel's Event Details button opens the event's details", async () => {
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await clickPanelAction(panel, 'btn-event-details');
      await page
        .locator('.tab')
        .filter({ hasText: /Event PAYMENTS-\w+ · [0-9a-f]{8}/ })
        .first()
        .waitFor({ timeout: 30_000 });
      await closeEditors(page);
    });

    await step('a regressed issue alerts again, alone; Show selects its row in the tree', async () => {
      await setTheme(page, 'Light Modern');
      sentry.resolveIssue(issueOf(/GatewayTimeout/).id);
      await runCrashApp({ dsn, kind: 'timeout', release: 'payments@3.1.0' });
      await syncNow(page);
      const toast = alertToasts(page).first();
      await toast.waitFor({ timeout: 30_000 });
      const text = (await toast.innerText()).replace(/\s+/g, ' ');
      expect(/Sentry RCA: Regressed fatal issue in payments: PAYMENTS-\w+ GatewayTimeout/.test(text), text);
      await page.mouse.move(1000, 150);
      await page.screenshot({ path: join(SHOTS, 'alert-light.png') });
      await toast.getByRole('button', { name: 'Show' }).click();
      await page
        .locator('.part.sidebar .monaco-list-row.selected')
        .filter({ hasText: 'GatewayTimeout' })
        .first()
        .waitFor({ timeout: 10_000 });
    });

    await step('Archive on an alert invokes sentryRca.archiveIssue with the issue id', async () => {
      const refund = issueOf(/RefundFailed/);
      sentry.resolveIssue(refund.id);
      await runCrashApp({ dsn, kind: 'refund', release: 'payments@3.1.0' });
      await syncNow(page);
      const toast = alertToasts(page).first();
      await toast.waitFor({ timeout: 30_000 });
      expect(
        /Regressed fatal issue in payments: PAYMENTS-\w+ RefundFailed/.test(await toast.innerText()),
        'refund alert',
      );
      await toast.getByRole('button', { name: 'Archive' }).click();
      await focusWorkbench(page);
      await runCommand(page, 'Sentry RCA: Show Log');
      await page
        .locator('.part.panel .view-lines')
        .filter({ hasText: `sentryRca.archiveIssue {"issueId":"${refund.id}"}` })
        .first()
        .waitFor({ timeout: 10_000 });
      await focusWorkbench(page);
      await page.keyboard.press('Control+J');
      await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 5000 });
    });

    const detailsOpen = await step('Show Event Details on an event row opens the details', async () => {
      await dismissToasts(page);
      const issue = treeRow(page, /PaymentDeclined/).first();
      await issue.click();
      await page.keyboard.press('ArrowRight');
      const event = treeRow(page, EVENT_ROW).first();
      await event.waitFor({ timeout: 10_000 });
      await event.hover();
      await event.locator('.action-label[aria-label="Show Event Details"]').click();
      await page
        .locator('.tab')
        .filter({ hasText: /Event PAYMENTS-\w+/ })
        .first()
        .waitFor({ timeout: 30_000 });
    });
    if (!detailsOpen) return;
    const details = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

    await step('all breadcrumbs with level and category icons; hostile text shown as text', async () => {
      await details.locator('#breadcrumbs table.crumbs').waitFor({ timeout: 30_000 });
      const crumbs = details.locator('#breadcrumbs tr.crumb');
      expect((await crumbs.count()) >= 5, `breadcrumbs: ${await crumbs.count()}`);
      const text = (await details.locator('#breadcrumbs').innerText()).replace(/\s+/g, ' ');
      for (const s of ['checkout -> pay', 'SELECT * FROM orders', 'charging ord_9001', 'status_code'])
        expect(text.includes(s), `breadcrumbs show ${s}: ${text.slice(0, 400)}`);
      expect((await details.locator('#breadcrumbs .icon.cat-http').count()) >= 1, 'an http icon');
      expect((await details.locator('#breadcrumbs .icon.cat-navigation').count()) >= 1, 'a navigation icon');
      expect((await details.locator('#breadcrumbs .icon.level-warning').count()) >= 1, 'a warning level icon');
      // The hostile breadcrumb: markup as text, the bell and escape as control pictures, the bidi override named.
      expect(text.includes(`retrying with <img src=x onerror="document.title='pwned'">`), `markup as text: ${text}`);
      expect(text.includes('␇bell') && text.includes('␛[31mred') && text.includes('<U+202E>evil'), 'controls visible');
      expect((await details.locator('img').count()) === 0, 'no element made from Sentry text');
      const user = await details.locator('#user').innerText();
      expect(user.includes('<script>alert("user")</script>') && user.includes('cus_77'), `user: ${user}`);
      expect(
        (await details.locator('#tags i, #request b, #user script, #contexts img').count()) === 0,
        'markup in tags, headers, user and contexts stays text',
      );
    });

    await step(
      'the request shows method and URL with secrets redacted in URL, query, headers and cookies',
      async () => {
        const req = (await details.locator('#request').innerText()).replace(/\s+/g, ' ');
        expect(/POST http:\/\/127\.0\.0\.1:\d+\/pay\?order=ord_9001&access_token=\[REDACTED\]&page=1/.test(req), req);
        for (const h of ['authorization', 'cookie', 'x-api-key'])
          expect(new RegExp(`${h} \\[REDACTED\\]`).test(req), `${h} redacted: ${req}`);
        for (const secret of ['sk_live_payments', 's3cr3t-session', 'key_payments_secret', 'qs_secret_777'])
          expect(!req.includes(secret), `${secret} must not show`);
        expect(req.includes('x-request-note <b>hello</b>'), `a harmless header keeps its (markup) value: ${req}`);
        await page.screenshot({ path: join(SHOTS, 'event-details-light.png') });
      },
    );

    await step('tags with the issue tag distribution, contexts and SDK', async () => {
      const tags = (await details.locator('#tags').innerText()).replace(/\s+/g, ' ');
      expect(tags.includes('customer_note <i>vip</i> & "friends"'), `tag value as text: ${tags.slice(0, 300)}`);
      expect(/The issue's tag distribution/.test(tags) && /Release · \d+ events/.test(tags), `distribution: ${tags}`);
      expect(/payments@3\.1\.0 \d+%/.test(tags), `release distribution: ${tags}`);
      const contexts = await details.locator('#contexts').innerText();
      for (const c of ['runtime', 'os', 'trace', 'order']) expect(contexts.includes(c), `context ${c}`);
      expect(contexts.includes('<img src=x onerror=alert(1)>'), 'custom context as text');
      expect((await details.locator('#sdk').innerText()).includes('sentry.javascript.node'), 'SDK');
      const requests = sentry.requests.filter((r) => /\/issues\/\d+\/tags\/$/.test(r.path));
      expect(requests.length >= 1, 'the tag distribution was read from Sentry');
    });

    await step('the details follow the theme (dark screenshot)', async () => {
      await setTheme(page, 'Dark Modern');
      await details.locator('#breadcrumbs').scrollIntoViewIfNeeded();
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(SHOTS, 'event-details-dark.png') });
      await details.locator('#request').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'event-details-request-dark.png') });
    });
  } finally {
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'alerts-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    await sentry.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

runStepSuite('e2e-alerts', steps, main);
