// UI test in a real VS Code (code-server + Debian Chromium): a real incident whose crash line was changed
// after its release. Diagnose (no AI): the panel's "Suspect commits" section names the 2.4.0 commit,
// clicking it opens its diff in VS Code's diff editor, the skew notice names the later commit, and the
// CodeLens on the crashing line says it changed after the release.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { codeServerInstalled, projectRoot } from '../../vscode/codeServer';
import type { Workbench } from '../../vscode/workbench';
import { diagnosePoolIssue, openIncidentWorkbench } from './incidentUi';
import { buildRealIncident, realIncidentUnavailable, type RealIncident } from './realIncident';

const SHOTS = join(projectRoot, 'out', 'screenshots');
const root = (() => {
  for (let d = __dirname; dirname(d) !== d; d = dirname(d))
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'esbuild.mjs'))) return d;
  return process.cwd();
})();
const unavailable =
  realIncidentUnavailable() ??
  (root !== projectRoot ? `projectRoot (${projectRoot}) differs from the repository root (${root})` : null) ??
  (codeServerInstalled() ? null : 'code-server is not installed in .tools (scripts/ensure-test-env.sh installs it)');

describe('Suspect commits and version skew in a real VS Code', { skip: unavailable ?? false, timeout: 240_000 }, () => {
  let inc: RealIncident;
  let wb: Workbench;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    inc = await buildRealIncident({ hosts: 1, fixAfterRelease: true });
    wb = await openIncidentWorkbench(inc, { env: { OPENAI_API_KEY: '' } });
  });
  after(async () => {
    await wb?.close();
    await inc?.cleanup();
  });

  test('the Suspect commits section opens the diff; skew shows in the panel and the CodeLens', async () => {
    const page = wb.page;
    await diagnosePoolIssue(page, inc.sentry.token);

    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#history-section h2', { hasText: 'Suspect commits' }).waitFor({ timeout: 60_000 });
    const first = panel.locator('#suspects li.suspect').first();
    assert.match((await first.textContent()) ?? '', /orders 2\.4\.0: apply promo codes at checkout/);
    assert.match((await first.textContent()) ?? '', /leaves before conn\.release\(\)/);
    const notice = panel.locator('#skew-notice');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(
      (await notice.textContent()) ?? '',
      /Version skew: src\/db\/pool\.mjs:44 changed after orders@2\.4\.0 by [0-9a-f]{12} — not deployed yet\?/,
    );
    assert.match((await notice.textContent()) ?? '', /pool: say how long acquire waited/);
    await page.screenshot({ path: join(SHOTS, 'suspects-dark.png') });

    // Clicking the commit opens its diff (one file: checkout.mjs) in VS Code's diff editor.
    await first.locator('.suspect-head a.commit-ref').click();
    await page
      .locator('.tab', { hasText: /checkout\.mjs \([0-9a-f]{7}: orders 2\.4\.0/ })
      .first()
      .waitFor({ timeout: 20_000 });
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SHOTS, 'suspect-diff-dark.png') });
    // The added early return is on the right-hand (modified) side.
    await page
      .locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'promo code is not valid' })
      .first()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'suspect-diff-dark.png') });

    // The CodeLens on the crashing line says it plainly.
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
      .locator('.codelens-decoration', { hasText: /changed after orders@2\.4\.0 by [0-9a-f]{7} — not deployed yet\?/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'skew-codelens-dark.png') });
  });
});
