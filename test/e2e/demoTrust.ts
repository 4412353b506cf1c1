/**
 * "Try the Demo" with workspace trust as users have it (on, with VS Code's start-up prompt), from the
 * packaged .vsix in code-server driven by Chromium:
 *   1. before the window switches to the demo folder, Sentry RCA says what VS Code is about to ask;
 *   2. VS Code's own trust prompt appears; the user answers "No, I don't trust the authors";
 *   3. the demo folder opens in Restricted Mode, Sentry RCA says why nothing syncs and offers "Trust…";
 *   4. "Trust…" → the trust editor's "Trust" → the tree fills from the demo server;
 *   5. Source Control shows no change in the demo repository.
 * Screenshots: test/e2e/screenshots/demo-trust-*.png.
 *
 *   node out/test/e2e/demoTrust.js     (SENTRY_RCA_VSIX=FILE tests that .vsix instead of building one)
 * Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TRUST_NOTICE, DEMO_UNTRUSTED_MESSAGE, OPEN_DEMO_ACTION } from '../../src/host/demo/demoMessages';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { runCommand, setColorTheme, Steps, treeRow } from '../vscode/ui';
import { openWorkbench, type Workbench } from '../vscode/workbench';
import { buildVsix, installVsix, stopDemoServer } from './packagedExtension';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
/** The manifest's strings (the welcome views' texts). */
const NLS = JSON.parse(readFileSync(join(projectRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
const steps = new Steps();
const step = steps.step.bind(steps);

async function main(): Promise<void> {
  if (skipWithoutCodeServer('demo-trust')) {
    steps.failed++;
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-demo-trust-'));
  const dataRoot = join(scratch, 'profile');
  let wb: Workbench | undefined;
  try {
    let vsix = '';
    if (
      !(await step('the .vsix builds and installs into a fresh profile', async () => {
        vsix = buildVsix(scratch);
        installVsix(vsix, dataRoot);
      }))
    )
      return;
    const start = join(scratch, 'start');
    mkdirSync(start);
    wb = await openWorkbench({
      workspace: start,
      dataRoot,
      workspaceTrust: true,
      settings: {
        // As a user has it: VS Code asks once per folder when it opens.
        'security.workspace.trust.startupPrompt': 'once',
        // Source Control as users have it (the other suites turn git off).
        'git.enabled': true,
        'workbench.colorTheme': 'Default Dark Modern',
      },
      viewport: { width: 1280, height: 800 },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
    });
    const page = wb.page;
    const dialog = page.locator('.monaco-dialog-box');

    if (
      !(await step('the first folder opens trusted (the user says yes to its prompt)', async () => {
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await dialog.getByRole('button', { name: /Yes, I trust the authors/ }).click({ timeout: 60_000 });
        await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      }))
    )
      return;

    if (
      !(await step('"Try the Demo" first says what the trust prompt will be about', async () => {
        // The palette lists what was registered when it opened: wait for the extension to be up.
        await page.locator('.statusbar-item', { hasText: 'Sentry' }).first().waitFor({ timeout: 60_000 });
        await page.waitForTimeout(1000);
        await runCommand(page, 'Sentry RCA: Try the Demo');
        await dialog.getByText(DEMO_TRUST_NOTICE).waitFor({ timeout: 60_000 });
        await dialog
          .getByText(/holds only the sample service/)
          .first()
          .waitFor();
        await page.screenshot({ path: join(SHOTS, 'demo-trust-notice.png') });
        await dialog.getByRole('button', { name: OPEN_DEMO_ACTION }).click();
      }))
    )
      return;

    let demoWorkspace = '';
    if (
      !(await step("VS Code's trust prompt for the demo folder follows; the user does not trust it", async () => {
        await page.waitForURL(/folder=[^&]*orders-service/, { timeout: 60_000 });
        demoWorkspace = (new URL(page.url()).searchParams.get('folder') ?? '').replace(/^vscode-remote:\/\/[^/]+/, '');
        await dialog
          .getByText(/trust the authors/i)
          .first()
          .waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(SHOTS, 'demo-trust-prompt.png') });
        await dialog.getByRole('button', { name: /No, I don't trust the authors/ }).click();
        await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      }))
    )
      return;

    const toast = page.locator('.notification-toast', { hasText: DEMO_UNTRUSTED_MESSAGE.slice(0, 60) });
    if (
      !(await step(
        'in Restricted Mode the demo says why nothing syncs and offers Trust… and Close the Demo',
        async () => {
          await toast.waitFor({ timeout: 60_000 });
          await toast.getByRole('button', { name: 'Trust…' }).waitFor();
          await toast.getByRole('button', { name: 'Close the Demo' }).waitFor();
          // The Sentry view is open (not a silent Explorer), waiting for the folder to be trusted.
          await page
            .locator('.part.sidebar .title-label', { hasText: /Sentry/i })
            .first()
            .waitFor({ timeout: 10_000 });
          // The view itself says so too (its Restricted Mode welcome, not "No issues synced yet. [Sync Now]").
          const said = (NLS['viewsWelcome.issues.4'] ?? '').split('\n')[0]!;
          if (!said.startsWith('Restricted Mode')) throw new Error(`the demo's Restricted Mode welcome: ${said}`);
          const welcome = page.locator('.part.sidebar .welcome-view-content').filter({ hasText: said }).first();
          await welcome.waitFor({ timeout: 10_000 });
          await welcome.getByRole('button', { name: 'Trust…' }).waitFor();
          await welcome.getByRole('button', { name: 'Close the Demo' }).waitFor();
          const sidebar = (await page.locator('.part.sidebar').innerText()).replace(/\s+/g, ' ');
          if (/No issues synced yet|Sync Now|Set Auth Token/.test(sidebar))
            throw new Error(`the trusted welcome shows in Restricted Mode: ${sidebar}`);
          await page.waitForTimeout(500);
          await page.screenshot({ path: join(SHOTS, 'demo-trust-untrusted.png') });
          // The same in the light theme: the welcome and its actions still read.
          await setColorTheme(page, 'Light Modern', 'light');
          await welcome.getByRole('button', { name: 'Close the Demo' }).waitFor();
          await page.waitForTimeout(500);
          await page.screenshot({ path: join(SHOTS, 'demo-trust-untrusted-light.png') });
          await setColorTheme(page, 'Dark Modern', 'dark');
        },
      ))
    )
      return;

    await step('"Trust…" then "Trust" in the trust editor: the demo syncs and the tree fills', async () => {
      await toast.getByRole('button', { name: 'Trust…' }).click();
      await page.getByRole('button', { name: 'Trust', exact: true }).first().click({ timeout: 30_000 });
      const row = treeRow(page, /PoolExhaustedError/).first();
      if (
        !(await row.waitFor({ timeout: 30_000 }).then(
          () => true,
          () => false,
        ))
      ) {
        await page.locator('.activitybar [aria-label^="Sentry"]').first().click();
        await row.waitFor({ timeout: 60_000 });
      }
    });

    await step('Source Control shows no change in the demo repository', async () => {
      // What the user sees: VS Code's git extension has read the repository (the branch in the status
      // bar) and the Source Control icon counts no pending change ("N pending changes" in its label).
      await page.locator('.statusbar-item', { hasText: 'main' }).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1500);
      const label =
        (await page.locator('.activitybar [aria-label^="Source Control"]').first().getAttribute('aria-label')) ?? '';
      if (/pending change/i.test(label)) throw new Error(`Source Control says: ${label}`);
      const status = spawnSync('git', ['status', '--porcelain', '-uall'], { cwd: demoWorkspace, encoding: 'utf8' });
      if (status.status !== 0 || status.stdout !== '')
        throw new Error(`git status in ${demoWorkspace}: ${status.stdout}${status.stderr}`);
    });
  } finally {
    stopDemoServer(dataRoot);
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'demo-trust-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

runStepSuite('demo-trust', steps, main);
