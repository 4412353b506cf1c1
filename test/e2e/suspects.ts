/**
 * Suspect commits and version skew in the real workbench (code-server in Debian Chromium, driven by
 * playwright-core): a real incident whose crash line was changed after its release. Diagnose (no AI):
 * the panel's "Suspect commits" section names the 2.4.0 commit, clicking it opens its diff in VS Code's
 * diff editor, the skew notice names the later commit, and the CodeLens on the crashing line says it
 * changed after the release. Screenshots go to test/e2e/screenshots/suspect*-dark.png and
 * skew-codelens-dark.png.
 *
 * A missing tool is a failure: this suite never skips. Writes `{passed, failed, skipped}` to
 * SENTRY_RCA_TEST_SUMMARY.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosePoolIssue, openIncidentWorkbench } from '../unit/investigate/incidentUi';
import { buildRealIncident, realIncidentUnavailable, type RealIncident } from '../unit/investigate/realIncident';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { setColorTheme, Steps } from '../vscode/ui';
import type { Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const steps = new Steps();
const step = steps.step.bind(steps);

function expectMatch(text: string | null, re: RegExp, what: string): void {
  if (!re.test(text ?? '')) throw new Error(`${what}: expected ${re}, got ${JSON.stringify(text)}`);
}

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e-suspects')) {
    steps.failed++;
    return;
  }
  const missing = realIncidentUnavailable();
  if (missing) throw new Error(`e2e-suspects needs ${missing}`);
  mkdirSync(SHOTS, { recursive: true });
  let inc: RealIncident | undefined;
  let wb: Workbench | undefined;
  try {
    inc = await buildRealIncident({ hosts: 1, fixAfterRelease: true });
    wb = await openIncidentWorkbench(inc, { env: { OPENAI_API_KEY: '' } });
    const page = wb.page;
    const token = inc.sentry.token;
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const first = panel.locator('#suspects li.suspect').first();

    const shown = await step(
      'Diagnose shows the 2.4.0 commit as the top suspect, citing the early return',
      async () => {
        await diagnosePoolIssue(page, token);
        await panel.locator('#history-section h3', { hasText: 'Suspect commits' }).waitFor({ timeout: 60_000 });
        // The screenshots are named -dark: check the webview really got the dark theme.
        if (!/\bvscode-dark\b/.test((await panel.locator('body').getAttribute('class')) ?? '')) {
          await setColorTheme(page, 'Dark Modern', 'dark');
          await page.locator('.tab', { hasText: 'Diagnose' }).first().click();
          await panel.locator('body.vscode-dark').waitFor({ timeout: 10_000 });
        }
        expectMatch(await first.textContent(), /orders 2\.4\.0: apply promo codes at checkout/, 'top suspect');
        expectMatch(await first.textContent(), /leaves before conn\.release\(\)/, 'top suspect');
      },
    );
    if (!shown) return;

    await step('the skew notice names the commit that changed the crash line after the release', async () => {
      const notice = panel.locator('#skew-notice');
      await notice.waitFor({ state: 'visible', timeout: 10_000 });
      const text = await notice.textContent();
      expectMatch(
        text,
        /Version skew: src\/db\/pool\.mjs:44 changed after orders@2\.4\.0 by [0-9a-f]{12} — not deployed yet\?/,
        'skew notice',
      );
      expectMatch(text, /pool: say how long acquire waited/, 'skew notice');
      await page.screenshot({ path: join(SHOTS, 'suspects-dark.png') });
    });

    await step('clicking the suspect commit opens its diff in the diff editor', async () => {
      await first.locator('.suspect-head a.commit-ref').click();
      await page
        .locator('.tab', { hasText: /checkout\.mjs \([0-9a-f]{7}: orders 2\.4\.0/ })
        .first()
        .waitFor({ timeout: 20_000 });
      // The added early return is on the right-hand (modified) side.
      await page
        .locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'promo code is not valid' })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'suspect-diff-dark.png') });
    });

    await step('the CodeLens on the crashing line says it changed after the release', async () => {
      await page.keyboard.press('Control+P');
      const quick = page.locator('.quick-input-widget input');
      await quick.waitFor({ state: 'visible' });
      await quick.fill('pool.mjs');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'pool.mjs' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'pool.mjs' }).first().waitFor({ timeout: 10_000 });
      // Lenses render for visible lines only: go to the crashing line.
      await page.keyboard.press('Control+G');
      await quick.waitFor({ state: 'visible' });
      await quick.fill(':44');
      await page.keyboard.press('Enter');
      await page
        .locator('.codelens-decoration', {
          hasText: /changed after orders@2\.4\.0 by [0-9a-f]{7} — not deployed yet\?/,
        })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(SHOTS, 'skew-codelens-dark.png') });
    });
  } finally {
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'suspects-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    await inc?.cleanup();
  }
}

runStepSuite('e2e-suspects', steps, main);
