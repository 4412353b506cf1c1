/**
 * The packaged extension, as a user gets it: `npm run package` builds the .vsix, code-server installs
 * it into a fresh extensions folder (`--install-extension`), and the workbench starts WITHOUT
 * extensionDevelopmentPath, so everything that runs comes from the installed package, never from this
 * source tree. Checks that it activates (view, welcome, commands, log) and that "Try the Demo" works
 * from the package: demo server, scratch workspace with the sample service, tree, a frame opening in
 * the editor, Diagnose. Screenshots go to test/e2e/screenshots/ (demo-*.png).
 *
 *   node out/test/e2e/vsix.js          (SENTRY_RCA_VSIX=FILE tests that .vsix instead of building one)
 * Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DemoState } from '../../src/demo/constants';
import { isAlive } from '../../src/host/demo/demoServer';
import { projectRoot } from '../vscode/codeServer';
import { buildVsix, EXTENSION_ID, findFiles, installVsix, stopDemoServer } from './packagedExtension';
import { skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';
import { EVENT_ROW, runCommand, Steps, treeRow } from '../vscode/ui';
import { openWorkbench, type Workbench } from '../vscode/workbench';
import type { Page } from 'playwright-core';
import { listZip, readZipEntry } from '../../scripts/package-zip.mjs';
import { embeddedImages, readmeImagePaths, readmeProblems } from '../../scripts/package-readme.mjs';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const SSHD_PATH = '/usr/sbin/sshd';

const steps = new Steps();
const check = (name: string, fn: () => Promise<void> | void) =>
  steps.step(name, async () => {
    await fn();
  });

async function main(): Promise<void> {
  if (skipWithoutCodeServer('vsix')) {
    process.exitCode = 1;
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-vsix-'));
  const dataRoot = join(scratch, 'profile');
  let wb: Workbench | undefined;
  let demoWorkspace = '';
  try {
    let vsix = '';
    if (
      !(await check('npm run package builds the .vsix', () => {
        vsix = buildVsix(scratch);
      }))
    )
      return;

    const ok = await check('code-server installs the .vsix into a fresh extensions folder', () => {
      const dir = installVsix(vsix, dataRoot);
      for (const f of ['package.json', 'dist/extension.js', 'dist/webview.js', 'media/sentry.svg', 'media/icon.png']) {
        if (!existsSync(join(dir, f))) throw new Error(`the installed extension lacks ${f}`);
      }
      for (const f of ['src', 'node_modules', 'test', 'tsconfig.json', 'dist/extension.js.map']) {
        if (existsSync(join(dir, f)))
          throw new Error(`the installed extension carries ${f}, which the allowlist should keep out`);
      }
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main: string };
      if (!existsSync(join(dir, manifest.main)))
        throw new Error(`package.json main ${manifest.main} is missing from the package`);
    });
    if (!ok) return;

    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    wb = await openWorkbench({
      workspace,
      dataRoot,
      // A user upgrading from a version whose settings were `sentryRca.*`: activation moves the value.
      settings: { 'workbench.colorTheme': 'Default Dark Modern', 'sentryRca.alerts.minLevel': 'error' },
      viewport: { width: 1280, height: 800 },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
    });
    const page = wb.page;
    if (
      !(await check('the workbench loads with no extension under development', async () => {
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.locator('.activitybar').waitFor({ timeout: 30_000 });
      }))
    )
      return;

    await check('the installed extension contributes its view: the Sentry container shows the welcome', async () => {
      const icon = page.locator('.activitybar [aria-label^="Sentry"]').first();
      await icon.waitFor({ timeout: 30_000 });
      await icon.click();
      await page.getByRole('button', { name: 'Set Auth Token' }).waitFor({ timeout: 20_000 });
      await page
        .locator('.part.sidebar .welcome-view-content')
        .getByText('Try the Demo')
        .first()
        .waitFor({ timeout: 5_000 });
    });

    await check(
      'the installed extension activates: "Show Log" opens its channel with the activation line',
      async () => {
        await runCommand(page, 'Sentry RCA: Show Log');
        await page
          .locator('.part.panel .view-lines')
          .filter({ hasText: /\[app\]\s+activated\s+in/ })
          .first()
          .waitFor({ timeout: 20_000 });
      },
    );

    await check('the extension host loaded it from the extensions folder, not from a development path', () => {
      const logs = findFiles(join(dataRoot, 'data', 'logs'), /exthost.*\.log$/);
      const text = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
      if (!new RegExp(`_doActivateExtension ${EXTENSION_ID.replace('.', '\\.')}\\b`).test(text))
        throw new Error(`no extension host log shows ${EXTENSION_ID} activating (looked at ${logs.length} files)`);
      if (text.includes(projectRoot + '/dist')) throw new Error('the extension host loaded code from the source tree');
    });

    await check("activation moved the user's old-name setting to its new name in settings.json", async () => {
      const file = join(dataRoot, 'data', 'User', 'settings.json');
      await waitFor(async () => {
        const text = readFileSync(file, 'utf8');
        return /"sentryRCA\.alerts\.minLevel":\s*"error"/.test(text) && !text.includes('sentryRca.')
          ? null
          : `the user settings read: ${text}`;
      }, 15_000);
    });

    await check('the .vsix README embeds every image the README shows and links only to packaged files', () => {
      const bytes = readFileSync(vsix);
      const entries = listZip(bytes);
      const entry = entries.find((e) => /^extension\/readme\.md$/i.test(e.name));
      if (!entry) throw new Error('the .vsix has no extension/readme.md');
      const packagedReadme = readZipEntry(bytes, entry.name).toString('utf8');
      const files = new Set(entries.filter((e) => e.name.startsWith('extension/')).map((e) => e.name.slice(10)));
      const problems = readmeProblems(packagedReadme, files);
      if (problems.length) throw new Error(`the packaged README:\n  ${problems.join('\n  ')}`);
      const wanted = readmeImagePaths(readFileSync(join(projectRoot, 'README.md'), 'utf8'));
      if (wanted.length < 3) throw new Error(`the README shows ${wanted.length} images; expected its screenshots`);
      const embedded = embeddedImages(packagedReadme);
      for (const path of wanted) {
        const file = readFileSync(join(projectRoot, path));
        if (!embedded.some((b) => b.equals(file))) throw new Error(`the packaged README does not carry ${path}`);
      }
      if (/Screenshot taken by|npm ci && npm run demo[\s\S]*## Install/.test(packagedReadme))
        throw new Error('the packaged README opens with developer material');
    });

    await check('the extension page shows the icon and the README with all its images loaded', async () => {
      if (await page.locator('.part.panel').isVisible()) await page.keyboard.press('Control+J');
      await openExtensionPage(page);
      const icon = page.locator('.extension-editor .header .icon-container img.icon').first();
      await icon.waitFor({ timeout: 15_000 });
      await waitFor(async () => {
        const [src, width] = await icon.evaluate((el: HTMLImageElement) => [el.src, el.naturalWidth] as const);
        return /icon\.png/.test(src) && width === 256 ? null : `the header icon is ${src} (${width} px wide)`;
      }, 15_000);
      await readmeImagesLoaded(page, readmeImagePaths(readFileSync(join(projectRoot, 'README.md'), 'utf8')).length);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'extension-page-dark.png') });
    });

    await check('"Sentry RCA: Open Settings" shows its settings under "Sentry RCA", in order', async () => {
      await runCommand(page, 'Sentry RCA: Open Settings');
      const editor = page.locator('.settings-editor');
      await editor.locator('.settings-toc-container').getByText('Sentry RCA').first().waitFor({ timeout: 15_000 });
      await editor.locator('.setting-item-label', { hasText: 'Base Url' }).first().waitFor({ timeout: 15_000 });
      const labels = await editor.locator('.setting-item-contents .setting-item-label').allTextContents();
      // The manifest's `order`: where Sentry is and which organization come first.
      if (labels[0] !== 'Base Url' || labels[1] !== 'Organization')
        throw new Error(`the settings start with ${labels.slice(0, 3).join(', ')}`);
      // VS Code makes the label from the key: `sentryRCA.baseUrl` reads "Sentry RCA: Base Url" (the old
      // `sentryRca.*` names, declared deprecated, are hidden unless set).
      const first = editor.locator('.setting-item-contents .setting-item-title').first();
      const title = ((await first.textContent()) ?? '').replace(/\s+/g, ' ').trim();
      if (title !== 'Sentry RCA: Base Url') throw new Error(`the first setting reads "${title}"`);
      const shown = (await editor.locator('.settings-body').textContent()) ?? '';
      if (/Sentry Rca/.test(shown)) throw new Error('the Settings editor still shows "Sentry Rca"');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'settings-dark.png') });
    });

    await check('in the light theme the extension page and the settings read as well (screenshots)', async () => {
      await setColorTheme(page, 'vs');
      await page.screenshot({ path: join(SHOTS, 'settings-light.png') });
      await settingsAt900(page, 'light');
      await openExtensionPage(page);
      await readmeImagesLoaded(page, readmeImagePaths(readFileSync(join(projectRoot, 'README.md'), 'utf8')).length);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'extension-page-light.png') });
      await extensionPageAt900(page, 'light');
      await setColorTheme(page, 'vs-dark');
      await runCommand(page, 'Sentry RCA: Open Settings');
      await settingsAt900(page, 'dark');
      await openExtensionPage(page);
      await extensionPageAt900(page, 'dark');
      await runCommand(page, 'View: Close All Editors');
    });

    await check('the walkthrough opens from "Welcome: Open Walkthrough…" with its first step and button', async () => {
      await runCommand(page, 'Welcome: Open Walkthrough...');
      const pick = page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ hasText: 'Get started with Sentry RCA' })
        .first();
      await pick.waitFor({ timeout: 15_000 });
      await pick.click();
      const editor = page.locator('.gettingStartedContainer');
      await editor.getByText('Connect to Sentry').first().waitFor({ timeout: 15_000 });
      for (const title of [
        'Run the first sync',
        'Diagnose an issue',
        'Read server logs over SSH',
        'Add an AI key (optional)',
      ]) {
        await editor.getByText(title).first().waitFor({ timeout: 5_000 });
      }
      await editor.getByRole('button', { name: 'Set Auth Token' }).first().waitFor({ timeout: 5_000 });
      // The log panel from the step before would cover half of the picture (Ctrl+J toggles it).
      if (await page.locator('.part.panel').isVisible()) await page.keyboard.press('Control+J');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(SHOTS, 'walkthrough.png') });
    });

    if (
      !(await check(
        '"Try the Demo" from the walkthrough opens the demo workspace with the sample service',
        async () => {
          await page.locator('.gettingStartedContainer').getByRole('button', { name: 'Try the Demo' }).first().click();
          // The window reloads into the scratch folder the command prepared.
          await page.waitForURL(/folder=[^&]*orders-service/, { timeout: 60_000 });
          await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
          const folder = new URL(page.url()).searchParams.get('folder') ?? '';
          demoWorkspace = folder.replace(/^vscode-remote:\/\/[^/]+/, '');
          for (const f of ['src/routes/checkout.mjs', 'src/db/pool.mjs', '.vscode/settings.json']) {
            if (!existsSync(join(demoWorkspace, f))) throw new Error(`the demo workspace ${demoWorkspace} lacks ${f}`);
          }
          const settings = JSON.parse(readFileSync(join(demoWorkspace, '.vscode', 'settings.json'), 'utf8')) as Record<
            string,
            string
          >;
          if (
            !/^http:\/\/127\.0\.0\.1:\d+$/.test(settings['sentryRCA.baseUrl'] ?? '') ||
            settings['sentryRCA.organization'] !== 'demo'
          ) {
            throw new Error(`unexpected demo settings: ${JSON.stringify(settings)}`);
          }
          const log = spawnSync('git', ['log', '--format=%s'], { cwd: demoWorkspace, encoding: 'utf8' }).stdout;
          if (!/promo codes/.test(log))
            throw new Error(`the demo workspace has no git history of the 2.4.0 change: ${log}`);
        },
      ))
    )
      return;

    await check('the demo tree fills from the demo server without any account', async () => {
      await treeRow(page, /PoolExhaustedError/)
        .first()
        .waitFor({ timeout: 60_000 });
      await treeRow(page, /ORDERS-\w+/)
        .first()
        .waitFor({ timeout: 10_000 });
    });

    await check("a demo stack frame opens the sample service's file at its line", async () => {
      const issue = treeRow(page, /PoolExhaustedError/).first();
      await issue.click();
      await page.keyboard.press('ArrowRight');
      const event = treeRow(page, EVENT_ROW).first();
      await event.waitFor({ timeout: 10_000 });
      await event.click();
      await page.keyboard.press('ArrowRight');
      // The crash frame: the pool that ran dry (src/db/pool.mjs), the first in-app frame of the newest event.
      const frame = treeRow(page, /pool\.mjs:\d+/).first();
      await frame.waitFor({ timeout: 10_000 });
      const line = /pool\.mjs:(\d+)/.exec((await frame.textContent()) ?? '')?.[1];
      if (!line) throw new Error(`no line number in the frame row: ${await frame.textContent()}`);
      await frame.click();
      await page.locator('.tab', { hasText: 'pool.mjs' }).first().waitFor({ timeout: 15_000 });
      await page
        .locator('.statusbar-item', { hasText: `Ln ${line}` })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(SHOTS, 'demo-frame.png') });
    });

    await check('Diagnose on the demo issue shows the report, with no AI key', async () => {
      const issue = treeRow(page, /PoolExhaustedError/).first();
      await issue.hover();
      await issue.locator('.action-label[aria-label^="Diagnose Issue"]').click();
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await panel.locator('#root-cause').waitFor({ timeout: 60_000 });
      await panel.locator('#hypotheses .hypothesis').first().waitFor({ timeout: 60_000 });
      const report = (await panel.locator('#report').textContent()) ?? '';
      if (!/PoolExhausted|pool/i.test(report))
        throw new Error(`the report does not talk about the pool: ${report.slice(0, 500)}`);
      // The git history the demo workspace carries: the buggy release is the change the report points at.
      if (!/orders@2\.4\.0/.test(report))
        throw new Error(`the report does not name the release orders@2.4.0: ${report.slice(0, 500)}`);
      await page.mouse.move(900, 700);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(SHOTS, 'demo-diagnosis.png') });
    });

    if (existsSync(SSHD_PATH)) {
      await check(
        "the demo diagnosis reads orders-api-1's log over SSH from the demo's local sshd (Logs tab)",
        async () => {
          const settings = JSON.parse(readFileSync(join(demoWorkspace, '.vscode', 'settings.json'), 'utf8')) as Record<
            string,
            unknown
          >;
          const sources = settings['sentryRCA.logs.sources'];
          const config = settings['sentryRCA.ssh.configFile'];
          if (
            typeof config !== 'string' ||
            !existsSync(config) ||
            !Array.isArray(sources) ||
            !sources.some((x) => /^orders-api-1=file:/.test(String(x)))
          ) {
            throw new Error(`the demo settings do not point Diagnose at the demo sshd: ${JSON.stringify(settings)}`);
          }
          const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
          await panel.locator('#sec-logs > summary').click();
          const host = panel.locator('#logs .log-group-head', { hasText: 'orders-api-1' }).first();
          await host.waitFor({ timeout: 30_000 });
          const status = ((await host.locator('.host-status').textContent()) ?? '').trim();
          if (status !== 'ok')
            throw new Error(`orders-api-1 has status "${status}": ${await panel.locator('#logs').textContent()}`);
          await panel
            .locator('#logs .log-line', { hasText: /WARN pool nearly exhausted/ })
            .first()
            .waitFor({ timeout: 10_000 });
          await page.waitForTimeout(500);
          await page.screenshot({ path: join(SHOTS, 'demo-logs.png') });
        },
      );
    } else {
      console.log(`  (no ${SSHD_PATH}: the demo runs without an SSH host, so its Logs tab is not checked)`);
    }

    await check(
      'walkthrough steps are checked off when their goal is met, also goals met before it opened; the AI step stays open',
      async () => {
        await runCommand(page, 'Welcome: Open Walkthrough...');
        await page
          .locator('.quick-input-list .monaco-list-row')
          .filter({ hasText: 'Get started with Sentry RCA' })
          .first()
          .click();
        const editor = page.locator('.gettingStartedContainer');
        await editor.getByText('Connect to Sentry').first().waitFor({ timeout: 15_000 });
        // The demo window has its token, a synced store, log sources and a diagnosis (run above) before
        // the walkthrough opens here: those steps tick when it opens (steps complete on context keys).
        const step = (id: string, done: boolean) =>
          editor.locator(`.getting-started-step[data-step-id$="#${id}"][aria-checked="${done}"]`);
        // Attached, not visible: the step list scrolls, and completed steps sit outside its window.
        await step('setToken', true).waitFor({ state: 'attached', timeout: 10_000 });
        await step('firstSync', true).waitFor({ state: 'attached', timeout: 10_000 });
        await step('openIssue', true).waitFor({ state: 'attached', timeout: 10_000 });
        await step('diagnose', true).waitFor({ state: 'attached', timeout: 10_000 });
        // (The demo sets its log source when it has an SSH host.)
        await step('logSources', existsSync(SSHD_PATH)).waitFor({ state: 'attached', timeout: 10_000 });
        await step('aiKey', false).waitFor({ state: 'attached', timeout: 5_000 });
      },
    );

    await check('after the demo server died, reopening the demo workspace restarts it on the same port', async () => {
      const [stateFile] = findFiles(dataRoot, /^server\.json$/);
      if (!stateFile) throw new Error('no demo server state file in the profile');
      const before = JSON.parse(readFileSync(stateFile, 'utf8')) as DemoState;
      const sshdPidFile = before.ssh ? join(dirname(before.ssh.configFile), 'sshd.pid') : '';
      const oldSshd = sshdPidFile ? Number(readFileSync(sshdPidFile, 'utf8').trim()) : 0;
      process.kill(before.pid, 'SIGKILL');
      for (let i = 0; i < 50 && (await isAlive(before)); i++) await new Promise((r) => setTimeout(r, 100));
      // A browser reload is code-server's window reload: a new extension host activates in the demo folder.
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const deadline = Date.now() + 60_000;
      let after = before;
      while (Date.now() < deadline) {
        try {
          after = JSON.parse(readFileSync(stateFile, 'utf8')) as DemoState;
        } catch {
          /* being rewritten */
        }
        if (after.pid !== before.pid && (await isAlive(after))) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (after.pid === before.pid) throw new Error('the demo server was not restarted');
      if (after.url !== before.url) throw new Error(`restarted on ${after.url}, not ${before.url}`);
      if (before.ssh) {
        // SIGKILL left the old sshd behind; the restarted demo stops it and serves the log with its own.
        if (!after.ssh) throw new Error(`the restarted demo has no sshd: ${after.sshNote ?? 'no note'}`);
        const r = spawnSync('ssh', ['-F', after.ssh.configFile, '-o', 'BatchMode=yes', 'orders-api-1', 'echo ok'], {
          encoding: 'utf8',
          timeout: 15_000,
        });
        if (r.stdout.trim() !== 'ok') throw new Error(`the restarted demo's sshd does not answer: ${r.stderr}`);
        if (Number(readFileSync(sshdPidFile, 'utf8').trim()) === oldSshd)
          throw new Error('the restarted demo did not start its own sshd');
        for (let i = 0; i < 30 && running(oldSshd); i++) await new Promise((res) => setTimeout(res, 100));
        if (running(oldSshd)) throw new Error(`the killed demo's sshd (pid ${oldSshd}) is still running`);
      }
      // The reloaded window restores the Sentry view from the stored data; the icon opens it otherwise.
      const row = treeRow(page, /PoolExhaustedError/).first();
      if (
        !(await row.waitFor({ timeout: 15_000 }).then(
          () => true,
          () => false,
        ))
      ) {
        await page.locator('.activitybar [aria-label^="Sentry"]').first().click();
        await row.waitFor({ timeout: 15_000 });
      }
    });
  } finally {
    stopDemoServer(dataRoot);
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'vsix-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    rmSync(scratch, { recursive: true, force: true });
    console.log(`vsix: ${steps.passed} passed, ${steps.failed} failed`);
    writeSummary(steps);
    process.exitCode = steps.failed > 0 ? 1 : 0;
  }
}

/** Opens the installed extension's page from the Extensions view (the list of installed extensions). */
async function openExtensionPage(page: Page): Promise<void> {
  await runCommand(page, 'Extensions: Show Enabled Extensions');
  const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Sentry RCA' }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator('.extension-editor .header .name', { hasText: 'Sentry RCA' }).first().waitFor({ timeout: 15_000 });
}

/** The README on the extension page (a webview) shows `count` images, each decoded (not a broken image). */
async function readmeImagesLoaded(page: Page, count: number): Promise<void> {
  const readme = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await readme.locator('h2', { hasText: 'Install' }).first().waitFor({ timeout: 20_000 });
  await waitFor(async () => {
    const imgs = await readme.locator('img').evaluateAll((els) =>
      els.map((e) => ({
        ok: (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth > 0,
        alt: (e as HTMLImageElement).alt,
      })),
    );
    const broken = imgs.filter((i) => !i.ok).map((i) => i.alt);
    if (imgs.length !== count) return `the extension page shows ${imgs.length} images, the README has ${count}`;
    return broken.length ? `broken images on the extension page: ${broken.join('; ')}` : null;
  }, 20_000);
  const text = (await readme.locator('body').textContent()) ?? '';
  if (/Screenshot taken by/.test(text)) throw new Error('the extension page still says "Screenshot taken by…"');
}

/** The Settings editor at 900×700 (the labels still read "Sentry RCA: …"), then back to 1280×800. */
async function settingsAt900(page: Page, theme: 'dark' | 'light'): Promise<void> {
  await page.setViewportSize({ width: 900, height: 700 });
  try {
    const editor = page.locator('.settings-editor');
    const first = editor.locator('.setting-item-contents .setting-item-title').first();
    await waitFor(async () => {
      const title = ((await first.textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
      return title === 'Sentry RCA: Base Url' ? null : `the first setting at 900 px reads "${title}"`;
    }, 15_000);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `settings-900-${theme}.png`) });
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

/** The extension page at 900×700: name, icon and the README's first image stay on screen (screenshot). */
async function extensionPageAt900(page: Page, theme: 'dark' | 'light'): Promise<void> {
  await page.setViewportSize({ width: 900, height: 700 });
  try {
    const name = page.locator('.extension-editor .header .name').first();
    await name.waitFor({ timeout: 15_000 });
    await waitFor(async () => {
      const box = await name.boundingBox();
      return box && box.x >= 0 && box.x + box.width <= 900 && box.y + box.height <= 700
        ? null
        : `the extension's name at 900 px is at ${JSON.stringify(box)}`;
    }, 15_000);
    await readmeImagesLoaded(page, readmeImagePaths(readFileSync(join(projectRoot, 'README.md'), 'utf8')).length);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `extension-page-900-${theme}.png`) });
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

/** Switches between the light and dark theme with VS Code's own command and waits until the workbench
 *  really wears `cls` (the theme picker searches the unreachable gallery here). */
async function setColorTheme(page: Page, cls: 'vs' | 'vs-dark'): Promise<void> {
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await waitFor(async () => {
    const classes = (await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '';
    return classes.split(/\s+/).includes(cls) ? null : `the workbench classes are "${classes}", not ${cls}`;
  }, 15_000);
  await page.waitForTimeout(500);
}

/** Polls `probe` (null = done, else the reason it is not yet) until the deadline; throws the last reason. */
async function waitFor(probe: () => Promise<string | null>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let why: string | null = 'not checked';
  while (Date.now() < deadline) {
    why = await probe();
    if (why === null) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(why ?? 'timed out');
}

/** Alive and not a zombie (an orphan that init has not reaped yet is gone for our purposes). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  steps.failed++;
  writeSummary(steps);
  process.exitCode = 1;
});
