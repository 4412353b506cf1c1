/**
 * End-to-end UI test: a person's path through the real workbench (code-server in Debian Chromium,
 * driven by playwright-core). Opens the Sentry view unconfigured, sets the token through the command
 * palette's password box, watches the tree fill from the test Sentry server, expands an issue down to
 * its frames, and saves screenshots in test/e2e/screenshots/ (tree.png is the README's).
 * Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSampleApp, startSentryServer } from '../servers/sentry/index';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { dismissToasts, EVENT_ROW, runCommand, Steps, treeRow } from '../vscode/ui';
import { openWithSentry, shotIfFailed, type Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');

const steps = new Steps();
const step = steps.step.bind(steps);
const row = treeRow;

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e')) {
    steps.failed++;
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-e2e-'));
  const sentry = await startSentryServer({});
  let wb: Workbench | undefined;
  try {
    const { dsn } = sentry.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    await runSampleApp({ dsn, logFile: join(scratch, 'orders.log') });
    sentry.generateSynthetic({ projects: ['billing'], issues: 8, eventsPerIssue: 2, seed: 3 });
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    wb = await openWithSentry(workspace, sentry);
    const page = wb.page;
    const ok = await step('workbench loads', async () => {
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.activitybar').waitFor({ timeout: 30_000 });
    });
    if (!ok) return;

    await step('the Sentry container opens and shows the welcome view when no token is set', async () => {
      const icon = page.locator('.activitybar [aria-label^="Sentry"]').first();
      await icon.waitFor({ timeout: 30_000 });
      await icon.click();
      await page.getByRole('button', { name: 'Set Auth Token' }).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Open Settings' }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'welcome.png') });
    });

    await step('Set Auth Token from the command palette takes the token in a password box', async () => {
      await runCommand(page, 'Sentry RCA: Set Auth Token');
      const input = page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(sentry.token);
      await page.keyboard.press('Enter');
    });

    await step('the tree fills from the test Sentry server', async () => {
      await row(page, 'orders').first().waitFor({ timeout: 30_000 });
      await row(page, 'billing').first().waitFor({ timeout: 10_000 });
      await row(page, /ORDERS-\w+/)
        .first()
        .waitFor({ timeout: 10_000 });
    });

    await step('an issue expands to its events and stack frames', async () => {
      const issue = row(page, /ORDERS-\w+/).first();
      await issue.click();
      await page.keyboard.press('ArrowRight');
      const event = row(page, EVENT_ROW).first();
      await event.waitFor({ timeout: 10_000 });
      await event.click();
      await page.keyboard.press('ArrowRight');
      await row(page, /\.(m?js|ts):\d+/)
        .first()
        .waitFor({ timeout: 10_000 });
      // A wider sidebar so titles and file:line are readable, and no toast over the picture.
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      if (sidebar) {
        const x = sidebar.x + sidebar.width;
        const y = sidebar.y + sidebar.height / 2;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + 60, y, { steps: 3 });
        await page.mouse.move(x + 320, y, { steps: 6 });
        await page.mouse.up();
      }
      await dismissToasts(page);
      await page.mouse.move(1200, 700);
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(SHOTS, 'tree.png') });
    });

    await step('the status bar shows the unresolved count', async () => {
      await page
        .locator('.statusbar-item')
        .filter({ hasText: /Sentry: \d+ issues? · synced (just now|\d+ min ago)/ })
        .first()
        .waitFor({ timeout: 10_000 });
    });

    await step('the issue tooltip shows the details', async () => {
      await row(page, /ORDERS-\w+/)
        .first()
        .hover();
      await page
        .locator('.monaco-hover, .workbench-hover')
        .filter({ hasText: 'First seen' })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'tooltip.png') });
    });

    await step('a revoked token: Sync Now shows one short error with "Show Log", which opens the log', async () => {
      sentry.setToken('sntryu_revoked_on_the_server_0000000000');
      await page.locator('.part.sidebar .actions-container [aria-label="Sync Now"]').first().click();
      const toast = page
        .locator('.notification-toast')
        .filter({ hasText: /Sync failed.*401/ })
        .first();
      await toast.waitFor({ timeout: 20_000 });
      await page
        .locator('.part.statusbar .statusbar-item')
        .filter({ hasText: 'sync failed' })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.mouse.move(1000, 150);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(SHOTS, 'sync-error.png') });
      await toast.getByRole('button', { name: 'Show Log' }).click();
      // The output panel switches to the "Sentry RCA" channel and shows the error with its stack.
      // (The view scrolls to the end, so the visible lines may be the stack rather than the message.)
      await page
        .locator('.part.panel .view-lines')
        .filter({ hasText: /Sync failed|SyncEngine/ })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'log.png') });
    });
  } finally {
    await shotIfFailed(wb, steps.failed, join(SHOTS, 'failure.png'));
    await wb?.close();
    await sentry.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

runStepSuite('e2e', steps, main);
