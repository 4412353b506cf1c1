/**
 * Diagnose in the real workbench (code-server in Debian Chromium, driven by playwright-core): the built
 * extension, a real incident (SDK events, the service's log over sshd, a git workspace) and the OpenAI
 * test server. Diagnose from the issue's inline action, watch the panel stream, read the logs, tools and
 * evidence sections, click a file:line and land in the editor; screenshots in dark and light theme go to
 * test/e2e/screenshots/investigate-*.png.
 *
 * "… not available …" (what a broken dynamic import of the investigation feature shows) is a failure,
 * as is any missing tool: this suite never skips. Writes `{passed, failed, skipped}` to
 * SENTRY_RCA_TEST_SUMMARY.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAiTestServer } from '../servers/openai/openaiTestServer';
import { diagnosePoolIssue, openIncidentWorkbench } from '../unit/investigate/incidentUi';
import { buildRealIncident, realIncidentUnavailable, type RealIncident } from '../unit/investigate/realIncident';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { setColorTheme, Steps } from '../vscode/ui';
import type { Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const AI_KEY = 'sk-ui-0123456789abcdefghijkl';

let seeHalf!: () => void;
const halfSeen = new Promise<void>((resolve) => {
  seeHalf = resolve;
});

const steps = new Steps();
const step = steps.step.bind(steps);

function expect(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e-diagnose')) {
    steps.failed++;
    return;
  }
  const missing = realIncidentUnavailable();
  if (missing) throw new Error(`e2e-diagnose needs ${missing}`);
  mkdirSync(SHOTS, { recursive: true });
  let inc: RealIncident | undefined;
  let ai: OpenAiTestServer | undefined;
  let wb: Workbench | undefined;
  try {
    inc = await buildRealIncident({ hosts: 1 });
    ai = await new OpenAiTestServer({ apiKey: AI_KEY }).start();
    ai.enqueue(
      {
        kind: 'tools',
        calls: [{ name: 'read_file', arguments: { path: 'src/routes/checkout.mjs', startLine: 1, endLine: 30 } }],
      },
      // The stream holds after its second chunk until the test has seen the half answer on screen.
      {
        kind: 'text',
        delayMs: 120,
        pause: { afterChunk: 1, until: halfSeen },
        chunks: [
          '## Root cause\n',
          'The promo-code branch in `src/routes/checkout.mjs:15` returns ',
          'before `conn.release()`, leaking a pooled connection per rejected code; ',
          'after ten the pool is empty and `src/db/pool.mjs:44` throws.\n',
          '## Evidence\n- log orders-api-1: `WARN pool nearly exhausted (9/10 in use)`\n',
          '## Fix\nMove the early return inside the `try … finally`.\n',
          '## Confidence\nhigh',
        ],
      },
    );
    wb = await openIncidentWorkbench(inc, {
      env: { OPENAI_API_KEY: AI_KEY, OPENAI_BASE_URL: ai.baseUrl },
      settings: { 'sentryRCA.ai.model': 'gpt-test' },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
    });
    const page = wb.page;
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

    const opened = await step('Diagnose on the issue row opens the panel (not "not available")', async () => {
      await diagnosePoolIssue(page, inc!.sentry.token);
      // The command table's words when the investigation feature did not load ("… not available: …").
      const notWired = page
        .locator('.notification-toast')
        .filter({ hasText: /not available/ })
        .first();
      const first = await Promise.race([
        notWired.waitFor({ timeout: 30_000 }).then(() => 'not-wired' as const),
        panel
          .locator('#root-cause')
          .waitFor({ timeout: 30_000 })
          .then(() => 'panel' as const),
      ]);
      expect(
        first === 'panel',
        `the investigation feature did not load: VS Code says "${(await notWired.innerText().catch(() => '')).replace(/\s+/g, ' ')}" (see the Sentry RCA log)`,
      );
    });
    if (!opened) return;

    await step("the deterministic report shows first, then the model's answer streams in", async () => {
      await panel.locator('#hypotheses .hypothesis').first().waitFor({ timeout: 30_000 });
      expect(
        /Hypotheses \(ranked\)/.test((await panel.locator('#report').textContent()) ?? ''),
        'the full report (collapsed section) has the ranked hypotheses',
      );
      // The screenshots are named -dark: check the webview really got the dark theme.
      if (!/\bvscode-dark\b/.test((await panel.locator('body').getAttribute('class')) ?? '')) {
        await setColorTheme(page, 'Dark Modern', 'dark');
        await page.locator('.tab', { hasText: 'Diagnose' }).first().click();
        await panel.locator('body.vscode-dark').waitFor({ timeout: 10_000 });
      }
      await panel.locator('#ai', { hasText: 'returns' }).waitFor({ timeout: 30_000 });
      const partial = (await panel.locator('#ai').textContent()) ?? '';
      await page.screenshot({ path: join(SHOTS, 'investigate-streaming-dark.png') });
      seeHalf();
      await panel.locator('#ai', { hasText: 'Confidence' }).waitFor({ timeout: 30_000 });
      expect(
        /Root cause/.test(partial) && !partial.includes('Confidence'),
        `the half answer was on screen before the rest came: ${JSON.stringify(partial.slice(0, 200))}`,
      );
      expect(
        /Connection pool exhausted shortly before the errors/.test(
          (await panel.locator('#hypotheses').textContent()) ?? '',
        ),
        'the hypotheses name the pool exhaustion',
      );
      await page.screenshot({ path: join(SHOTS, 'investigate-dark.png') });
    });

    await step('the logs, tools and evidence sections show what was read and sent', async () => {
      await panel.locator('#sec-logs > summary').click();
      await panel.locator('.host-status.ok').first().waitFor({ timeout: 10_000 });
      expect(
        /WARN pool nearly exhausted/.test((await panel.locator('#logs').textContent()) ?? ''),
        'the log line read over SSH is shown',
      );
      expect(
        /read_file.*→ ok/.test((await panel.locator('#tools').textContent()) ?? ''),
        'the read_file call is listed as ok',
      );
      await panel.locator('#sec-sent > summary').click();
      await panel.locator('#evidence', { hasText: 'Request 1: 2 messages' }).waitFor({ timeout: 10_000 });
      // Closed again: the next step reads the answer near the top.
      await panel.locator('#sec-logs > summary').click();
      await panel.locator('#sec-sent > summary').click();
    });

    await step(
      'a file:line in the answer opens the editor at that line; the token never reached the model',
      async () => {
        // The answer's own link (the checked-citations list below it links the same line too).
        await panel.locator('#ai a.file-ref', { hasText: 'src/routes/checkout.mjs:15' }).first().click();
        expect(
          /Citations checked \(\d+ of \d+ verified\)/.test((await panel.locator('#ai').textContent()) ?? ''),
          'the citations of the answer were checked',
        );
        await page.locator('.tab', { hasText: 'checkout.mjs' }).first().waitFor({ timeout: 15_000 });
        await page.locator('.statusbar-item', { hasText: 'Ln 15' }).first().waitFor({ timeout: 10_000 });
        expect(ai!.requests.length === 2, `2 model requests, got ${ai!.requests.length}`);
        expect(!ai!.allReceivedText().includes(inc!.sentry.token), 'the Sentry token never reached the model');
      },
    );

    await step('the panel follows a switch to the light theme', async () => {
      await setColorTheme(page, 'Light Modern', 'light');
      await page.locator('.tab', { hasText: 'Diagnose' }).first().click();
      await panel.locator('body.vscode-light').waitFor({ timeout: 10_000 });
      await panel.locator('#ai', { hasText: 'Confidence' }).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'investigate-light.png') });
    });
  } finally {
    seeHalf();
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'investigate-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    await ai?.stop();
    await inc?.cleanup();
  }
}

runStepSuite('e2e-diagnose', steps, main);
