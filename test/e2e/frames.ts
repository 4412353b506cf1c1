/**
 * Stack frames and crash sites as a person meets them in the real workbench (code-server in Debian
 * Chromium, driven by playwright-core), with the sample service's sources checked out in the opened
 * folder and its real @sentry/node events in the test Sentry server: hovering a frame says where it
 * opens or why it does not, clicking it opens the file at the line, the crashing line carries a
 * CodeLens and a hover with "Open in Sentry" / "Diagnose", the lens opens the diagnosis, and "Add Path
 * Mapping…" from a frame's context menu writes the workspace setting after the confirmation.
 * Screenshots go to test/e2e/screenshots/frames-*.png. Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runSampleApp, startSentryServer } from '../servers/sentry/index';
import { projectRoot } from '../vscode/codeServer';
import { skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';
import { chooseFromContextMenu, EVENT_ROW, runCommand, setColorTheme, Steps, treeRow } from '../vscode/ui';
import { openWorkbench, type Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const SAMPLE_APP = join(projectRoot, 'test', 'fixtures', 'sample-app');

const steps = new Steps();
const step = steps.step.bind(steps);

function hoverWidget(page: Page, text: string | RegExp) {
  return page.locator('.monaco-hover, .workbench-hover').filter({ hasText: text }).first();
}

async function expand(page: Page, text: RegExp): Promise<void> {
  const r = treeRow(page, text).first();
  await r.waitFor({ timeout: 15_000 });
  if ((await r.getAttribute('aria-expanded')) !== 'true') {
    await r.click();
    await page.keyboard.press('ArrowRight');
  }
}

/** Opens a workspace file at a line with Go to File (`path:line`), the editor focused there. */
async function goToLine(page: Page, path: string, line: number): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`${path}:${line}`);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: path.split('/').pop()! })
    .first()
    .waitFor();
  await page.keyboard.press('Enter');
  await page
    .locator('.statusbar-item')
    .filter({ hasText: new RegExp(`Ln ${line}, Col \\d+`) })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.locator('.monaco-editor.focused').first().waitFor({ timeout: 5000 });
}

async function clearHover(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.mouse.move(1200, 780);
  await page.waitForTimeout(300);
}

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e-frames')) {
    process.exitCode = 1;
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-e2e-frames-'));
  const sentry = await startSentryServer({});
  let wb: Workbench | undefined;
  try {
    const { dsn } = sentry.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    await runSampleApp({ dsn, logFile: join(scratch, 'orders.log') });
    // The service's repository as a developer has it checked out (the events were made from SAMPLE_APP).
    const workspace = join(scratch, 'orders-service');
    mkdirSync(workspace);
    for (const name of ['src', 'main.mjs', 'README.md'])
      cpSync(join(SAMPLE_APP, name), join(workspace, name), { recursive: true });
    wb = await openWorkbench({
      workspace,
      extensionDevelopmentPath: projectRoot,
      settings: {
        'sentryRCA.baseUrl': sentry.url,
        'sentryRCA.organization': sentry.org,
        'workbench.colorTheme': 'Default Dark Modern',
      },
      viewport: { width: 1400, height: 850 },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
    });
    const page = wb.page;

    const ready = await step("the workbench loads and syncs the sample service's issues", async () => {
      await page.locator('.activitybar').waitFor({ timeout: 60_000 });
      await page.locator('.activitybar [aria-label^="Sentry"]').first().click();
      await runCommand(page, 'Sentry RCA: Set Auth Token');
      const password = page.locator('.quick-input-widget input[type="password"]');
      await password.waitFor({ timeout: 10_000 });
      await password.fill(sentry.token);
      await page.keyboard.press('Enter');
      await expand(page, /PoolExhaustedError/);
      await expand(page, EVENT_ROW);
      await expand(page, /\d+ library frames?/);
      await treeRow(page, /pool\.mjs:\d+/)
        .first()
        .waitFor({ timeout: 10_000 });
    });
    if (!ready) return;

    let crashLine = 0;
    /** The short id of the issue crashing at pool.mjs:crashLine (its hover names it). */
    let crashIssue = '';
    await step('hovering an application frame says which local file and line it opens', async () => {
      const frame = treeRow(page, /pool\.mjs:\d+/).first();
      crashLine = Number(/pool\.mjs:(\d+)/.exec((await frame.textContent()) ?? '')?.[1]);
      await frame.hover();
      const tip = hoverWidget(page, 'Opens');
      await tip.waitFor({ timeout: 10_000 });
      const text = (await tip.textContent()) ?? '';
      if (!new RegExp(`Opens\\s*src/db/pool\\.mjs:${crashLine}:\\d+`).test(text)) throw new Error(`tooltip: ${text}`);
      await page.screenshot({ path: join(SHOTS, 'frames-tooltip-mapped.png') });
      await clearHover(page);
    });

    await step('hovering a runtime frame says why it does not open', async () => {
      const frame = treeRow(page, /node:[\w/]+:\d+|node:\w+/).first();
      await frame.hover();
      const tip = hoverWidget(page, 'Not mapped to a local file');
      await tip.waitFor({ timeout: 10_000 });
      const text = (await tip.textContent()) ?? '';
      if (!/Node\.js runtime/.test(text)) throw new Error(`tooltip: ${text}`);
      await page.screenshot({ path: join(SHOTS, 'frames-tooltip-unmapped.png') });
      await clearHover(page);
    });

    await step('clicking the frame opens src/db/pool.mjs at the crashing line, centred', async () => {
      await treeRow(page, /pool\.mjs:\d+/)
        .first()
        .click();
      await page.locator('.tabs-container .tab').filter({ hasText: 'pool.mjs' }).first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'frames-opened.png') });
      await page
        .locator('.statusbar-item')
        .filter({ hasText: new RegExp(`Ln ${crashLine}, Col \\d+`) })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.locator('.view-line').filter({ hasText: 'throw new PoolExhaustedError' }).first().waitFor();
    });

    await step('the crashing line carries a CodeLens: ⚠ error · events · age', async () => {
      const lens = page.locator('.codelens-decoration').filter({ hasText: '⚠' }).first();
      await lens.waitFor({ timeout: 20_000 });
      const text = ((await lens.textContent()) ?? '').trim();
      if (
        !/^⚠ PoolExhaustedError: connection pool exhausted \(\d+\/\d+ in use\) · \d+(\.\d)?k? events? · (just now|\d+ min ago)$/.test(
          text,
        )
      )
        throw new Error(`lens: ${text}`);
      // Right above the crashing line.
      const lensBox = await lens.boundingBox();
      const lineBox = await page
        .locator('.view-line')
        .filter({ hasText: 'throw new PoolExhaustedError' })
        .first()
        .boundingBox();
      if (!lensBox || !lineBox || lensBox.y >= lineBox.y || lineBox.y - lensBox.y > 2 * lineBox.height)
        throw new Error(`lens at y=${lensBox?.y}, line at y=${lineBox?.y}`);
      await page.screenshot({ path: join(SHOTS, 'frames-codelens.png') });
    });

    await step('hovering the crashing line shows the issue with Open in Sentry and Diagnose', async () => {
      await page
        .locator('.view-line')
        .filter({ hasText: 'throw new PoolExhaustedError' })
        .first()
        .locator('span')
        .filter({ hasText: 'PoolExhaustedError' })
        .first()
        .hover();
      const hover = page.locator('.monaco-hover').filter({ hasText: 'Open in Sentry' }).first();
      await hover.waitFor({ timeout: 10_000 });
      const text = (await hover.textContent()) ?? '';
      if (!/ORDERS-\w+/.test(text) || !text.includes('Diagnose')) throw new Error(`hover: ${text}`);
      crashIssue = /ORDERS-\w+/.exec(text)![0];
      await page.screenshot({ path: join(SHOTS, 'frames-hover.png') });
      await clearHover(page);
    });

    await step(
      '"Add Path Mapping…" on a frame pre-fills the prefix and writes the workspace setting after confirming',
      async () => {
        await chooseFromContextMenu(page, /pool\.mjs:\d+/, 'Add Path Mapping');
        const box = page.locator('.quick-input-widget input');
        await box.waitFor({ timeout: 10_000 });
        const from = await box.inputValue();
        // The learned stack root: everything before the folders the workspace has (src/…).
        if (from !== `${SAMPLE_APP}/`) throw new Error(`pre-filled prefix: ${from}`);
        await page.keyboard.press('Enter');
        await page.waitForFunction(
          () =>
            (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ===
            '${workspaceFolder}/',
          undefined,
          { timeout: 10_000 },
        );
        await page.keyboard.press('Enter');
        const add = page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: /^Add$/ }).first();
        await add.waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(SHOTS, 'frames-add-mapping.png') });
        await add.click();
        const settings = join(workspace, '.vscode', 'settings.json');
        const deadline = Date.now() + 10_000;
        while (
          !(existsSync(settings) && readFileSync(settings, 'utf8').includes('sentryRCA.pathMappings')) &&
          Date.now() < deadline
        )
          await page.waitForTimeout(100);
        const written = JSON.parse(readFileSync(settings, 'utf8')) as Record<string, unknown>;
        const expected = [{ from: `${SAMPLE_APP}/`, to: '${workspaceFolder}/', project: 'orders' }];
        if (JSON.stringify(written['sentryRCA.pathMappings']) !== JSON.stringify(expected))
          throw new Error(`settings.json: ${JSON.stringify(written)}`);
        // The frame still opens (now through the mapping) and the user is told where.
        await page
          .locator('.notification-toast')
          .filter({ hasText: /the frame now opens src\/db\/pool\.mjs:\d+:\d+/ })
          .first()
          .waitFor({ timeout: 10_000 });
      },
    );
    await step('clicking the CodeLens opens the diagnosis of that issue', async () => {
      await page.locator('.codelens-decoration a').filter({ hasText: '⚠' }).first().click();
      await page
        .locator('.tabs-container .tab')
        .filter({ hasText: /Diagnose ORDERS-\w+/ })
        .first()
        .waitFor({ timeout: 20_000 });
    });

    await step(
      "Diagnose key at the cursor, tree closed (another issue selected there): that issue's panel, no pick",
      async () => {
        if (!crashIssue) throw new Error('the hover step did not name the crashing issue');
        await page.setViewportSize({ width: 1280, height: 800 });
        // Focus back in the workbench (the diagnosis panel's webview had it), so F1 opens the palette.
        await page.locator('.tabs-container .tab').first().click();
        await runCommand(page, 'View: Close All Editors');
        // Another issue selected in the tree, then the side bar closed: a selection the user no longer
        // sees must not win over the line the cursor is on.
        // (The Sentry view may be open already: clicking its icon again would close the side bar.)
        if (
          !(await page
            .locator('.part.sidebar .title-label', { hasText: /Sentry/i })
            .first()
            .isVisible())
        )
          await page.locator('.activitybar [aria-label^="Sentry"]').first().click();
        // Folded, so the other issue's row is on screen (the list renders only visible rows).
        await page.locator('.part.sidebar .action-label[aria-label^="Collapse All"]').first().click();
        await page.locator('.part.sidebar .monaco-list-row[aria-level="1"][aria-expanded="false"]').first().click();
        const other = page
          .locator('.part.sidebar .monaco-list-row[aria-level="2"]')
          .filter({ hasNotText: 'PoolExhaustedError' })
          .first();
        await other.click();
        await page.locator('.part.sidebar .monaco-list-row.selected[aria-level="2"]').first().waitFor();
        await runCommand(page, 'View: Close Primary Side Bar');
        await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
        // No toast (the path mapping's) over the picture.
        await runCommand(page, 'Notifications: Clear All Notifications');
        await goToLine(page, 'src/db/pool.mjs', crashLine);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+Alt+D');
        await page
          .locator('.tabs-container .tab')
          .filter({ hasText: `Diagnose ${crashIssue}` })
          .first()
          .waitFor({ timeout: 20_000 });
        const tabs = await page
          .locator('.tabs-container .tab')
          .filter({ hasText: /^Diagnose / })
          .allTextContents();
        if (tabs.length !== 1) throw new Error(`Diagnose tabs: ${JSON.stringify(tabs)}`);
        if (await page.locator('.quick-input-widget').isVisible()) throw new Error('a quick pick asked for the issue');
        // The panel in front is that issue's (its tab title), and its page has loaded.
        await page
          .locator('.tabs-container .tab.active')
          .filter({ hasText: `Diagnose ${crashIssue}` })
          .waitFor({ timeout: 5000 });
        const panel = page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
        await panel.locator('body', { hasText: crashIssue }).first().waitFor({ state: 'attached', timeout: 60_000 });
        await setColorTheme(page, 'Dark Modern', 'dark');
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(SHOTS, 'diagnose-at-cursor-1280-dark.png') });
      },
    );

    await step('Diagnose key on a line no issue crashes at: the pick of issues appears', async () => {
      await runCommand(page, 'View: Close All Editors');
      await goToLine(page, 'src/db/pool.mjs', 1);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+Alt+D');
      const pick = page.locator('.quick-input-widget');
      await pick.waitFor({ state: 'visible', timeout: 10_000 });
      await pick.locator('.monaco-list-row').filter({ hasText: crashIssue }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Escape');
      const tabs = await page
        .locator('.tabs-container .tab')
        .filter({ hasText: /^Diagnose / })
        .count();
      if (tabs !== 0) throw new Error(`${tabs} Diagnose tabs opened without a pick`);
    });
  } finally {
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'frames-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    await sentry.close();
    rmSync(scratch, { recursive: true, force: true });
    console.log(`e2e-frames: ${steps.passed} passed, ${steps.failed} failed`);
    writeSummary(steps);
    process.exitCode = steps.failed > 0 ? 1 : 0;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  steps.failed++;
  writeSummary(steps);
  process.exitCode = 1;
});
