/**
 * The editor's own language model as the AI provider, in the real workbench (code-server 1.100 in
 * Debian Chromium): a helper extension (lmStandInExtension.ts) registers a chat model through the
 * proposed chat-provider API, and Diagnose with `sentryRCA.ai.provider` at its default `auto` runs the
 * tool loop through it — even though an OpenAI key is set too (auto prefers the editor's model).
 * VS Code's own consent prompt is refused first (the report stays, the message says why), then allowed:
 * a tool call goes out, the result comes back to the model, its answer streams into the panel. Then a
 * `LanguageModelError` (Blocked) thrown by the model. "Choose AI Model" lists the model and saves it.
 *
 * A missing tool is a failure, never a skip. Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY;
 * screenshots go to test/e2e/screenshots/lm-*.png.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { OpenAiTestServer } from '../servers/openai/openaiTestServer';
import { diagnosePoolIssue, openIncidentWorkbench } from '../unit/investigate/incidentUi';
import { buildRealIncident, realIncidentUnavailable, type RealIncident } from '../unit/investigate/realIncident';
import { projectRoot } from '../vscode/codeServer';
import { runStepSuite, skipWithoutCodeServer } from '../vscode/suiteRunner';
import { runCommand, Steps } from '../vscode/ui';
import type { Workbench } from '../vscode/workbench';

const SHOTS = join(projectRoot, 'test', 'e2e', 'screenshots');
const AI_KEY = 'sk-lm-0123456789abcdefghijkl';
const HELPER_ID = 'sentry-rca-test.lm-stand-in';
const HELPER_JS = join(projectRoot, 'out', 'test', 'e2e', 'lmStandInExtension.js');
const MODEL_LABEL = 'VS Code language model: Stand-in Model (sentry-rca-test/stand-in)';

const steps = new Steps();
const step = steps.step.bind(steps);

function expect(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

interface LoggedRequest {
  tools: string[];
  messages: Array<{
    role: string;
    text: string;
    toolCalls: Array<{ callId: string; name: string; input: unknown }>;
    toolResults: Array<{ callId: string; text: string }>;
  }>;
}

/**
 * A code-server profile with the helper extension installed: its manifest (the `chatProvider` proposal,
 * the `languageModels` vendor VS Code requires) and the built code, in the profile's extensions folder.
 * (Installed rather than a second extension-development path: the web workbench keeps only one.)
 */
function profileWithHelper(dataRoot: string): string {
  if (!existsSync(HELPER_JS)) throw new Error(`${HELPER_JS} is not built: run node esbuild.mjs --tests`);
  const ext = join(dataRoot, 'exts', `${HELPER_ID}-0.0.1`);
  mkdirSync(ext, { recursive: true });
  writeFileSync(
    join(ext, 'package.json'),
    JSON.stringify({
      name: 'lm-stand-in',
      publisher: 'sentry-rca-test',
      displayName: 'Stand-in Chat Models',
      version: '0.0.1',
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: ['*'],
      enabledApiProposals: ['chatProvider'],
      contributes: { languageModels: [{ vendor: 'sentry-rca-test' }] },
    }),
  );
  copyFileSync(HELPER_JS, join(ext, 'extension.js'));
  return dataRoot;
}

/** VS Code's consent dialog for language-model access; answers it with `button`. */
async function answerConsent(page: Page, button: 'Allow' | 'Cancel'): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'wants to access the language models' });
  await dialog.waitFor({ timeout: 60_000 });
  const text = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}

async function main(): Promise<void> {
  if (skipWithoutCodeServer('e2e-lm')) {
    steps.failed++;
    return;
  }
  const missing = realIncidentUnavailable();
  if (missing) throw new Error(`e2e-lm needs ${missing}`);
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-e2e-lm-'));
  const script = join(scratch, 'script.json');
  const requestLog = join(scratch, 'requests.jsonl');
  const release = join(scratch, 'release');
  const setScript = (replies: unknown[]) => writeFileSync(script, JSON.stringify(replies));
  const requests = (): LoggedRequest[] =>
    existsSync(requestLog)
      ? readFileSync(requestLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LoggedRequest)
      : [];
  setScript([]);
  let inc: RealIncident | undefined;
  let openai: OpenAiTestServer | undefined;
  let wb: Workbench | undefined;
  try {
    inc = await buildRealIncident({ hosts: 1 });
    // An OpenAI key is set as well: `auto` must still choose the editor's model (this server stays unused).
    openai = await new OpenAiTestServer({ apiKey: AI_KEY }).start();
    wb = await openIncidentWorkbench(inc, {
      env: {
        OPENAI_API_KEY: AI_KEY,
        OPENAI_BASE_URL: openai.baseUrl,
        SENTRY_RCA_TEST_LM_SCRIPT: script,
        SENTRY_RCA_TEST_LM_LOG: requestLog,
        SENTRY_RCA_TEST_LM_RELEASE: release,
      },
      onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
      more: {
        dataRoot: profileWithHelper(join(scratch, 'profile')),
        extraArgs: ['--enable-proposed-api', HELPER_ID],
      },
    });
    const page = wb.page;
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const settingsFile = join(wb.server.dataRoot, 'data', 'User', 'settings.json');

    await step('"Choose AI Model" lists the chat model the helper registered and saves the choice', async () => {
      // Sentry RCA's view container shows once the extension is up.
      await page.locator('.activitybar [aria-label^="Sentry"]').first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'Sentry RCA: Choose AI Model');
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Stand-in Model' }).first();
      await row.waitFor({ timeout: 30_000 });
      expect(/sentry-rca-test\/stand-in/.test((await row.textContent()) ?? ''), 'the row names vendor/family');
      await row.click();
      const deadline = Date.now() + 10_000;
      while (!/"sentryRCA\.ai\.vscodeModel":\s*"sentry-rca-test\/stand-in"/.test(readFileSync(settingsFile, 'utf8'))) {
        expect(Date.now() < deadline, `the choice was not saved to ${settingsFile}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(!/sentryRCA\.ai\.provider/.test(readFileSync(settingsFile, 'utf8')), 'the provider stays at its default');
    });

    await step(
      "refusing VS Code's consent prompt: nothing reaches the model, the report stays, the message says why",
      async () => {
        await diagnosePoolIssue(page, inc!.sentry.token);
        const asked = await answerConsent(page, 'Cancel');
        expect(/Sentry RCA/.test(asked), `the prompt names the extension: ${asked}`);
        await panel.locator('#ai-error', { hasText: 'consent prompt was refused' }).waitFor({ timeout: 30_000 });
        const err = (await panel.locator('#ai-error').textContent()) ?? '';
        expect(err.includes(MODEL_LABEL), `the message names the model: ${err}`);
        expect(err.includes('choose "Allow"'), `the message says what to do: ${err}`);
        // The rule-based diagnosis stays: the verdict on screen, the full report (a closed section) in the page.
        await panel.locator('#verdict .verdict-body').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
        await panel
          .locator('#report', { hasText: 'Hypotheses (ranked)' })
          .waitFor({ state: 'attached', timeout: 10_000 });
        expect(requests().length === 0, `no request reached the model, got ${requests().length}`);
        await page.screenshot({ path: join(SHOTS, 'lm-consent-refused.png') });
      },
    );

    await step('allowed: a tool call round trip, then the answer streams into the panel', async () => {
      setScript([
        {
          kind: 'tools',
          calls: [{ name: 'read_file', input: { path: 'src/routes/checkout.mjs', startLine: 1, endLine: 30 } }],
        },
        {
          kind: 'text',
          quoteToolResult: true,
          holdAfter: 1,
          chunks: [
            '## Root cause\n',
            'The promo-code branch in `src/routes/checkout.mjs:15` returns before `conn.release()`.\n',
            '## Evidence\n- `src/routes/checkout.mjs:15`\n',
            '## Fix\nMove the early return inside the `try … finally`.\n',
            '## Confidence\nhigh',
          ],
        },
      ]);
      await panel.locator('#btn-rerun').click();
      await answerConsent(page, 'Allow');
      await panel.locator('#ai', { hasText: 'read_file result began with' }).waitFor({ timeout: 60_000 });
      const partial = (await panel.locator('#ai').textContent()) ?? '';
      await page.screenshot({ path: join(SHOTS, 'lm-streaming.png') });
      writeFileSync(release, '');
      await panel.locator('#ai', { hasText: 'Confidence' }).waitFor({ timeout: 30_000 });
      expect(!partial.includes('Confidence'), `half the answer was on screen first: ${partial.slice(0, 200)}`);
      const sent = requests();
      expect(sent.length === 2, `2 model requests, got ${sent.length}`);
      expect(sent[0]!.tools.includes('read_file'), `the tools were offered: ${sent[0]!.tools.join(', ')}`);
      const call = sent[1]!.messages.flatMap((m) => m.toolCalls)[0];
      const result = sent[1]!.messages.flatMap((m) => m.toolResults)[0];
      expect(call?.name === 'read_file' && result?.callId === call.callId, 'the tool result answers the call');
      expect(/src\/routes\/checkout\.mjs lines 1-/.test(result!.text), `the result is the file: ${result?.text}`);
      const answer = (await panel.locator('#ai').textContent()) ?? '';
      expect(
        answer.includes(`began with "${result!.text.split('\n')[0]}"`),
        'the answer quotes the tool result the model received',
      );
      expect(
        ((await panel.locator('#ai-model').textContent()) ?? '').includes(MODEL_LABEL),
        'the AI section names the model',
      );
      // Tool calls are listed in the AI investigation section, open by default.
      const tools = (await panel.locator('#tools').textContent()) ?? '';
      expect(/read_file.*→ ok/.test(tools), `the read_file call is listed as ok: ${tools.slice(0, 200)}`);
      const aiText = (await panel.locator('#sec-ai').textContent()) ?? '';
      expect(
        aiText.split(MODEL_LABEL).length === 2,
        `the model is named once in the AI section: ${aiText.slice(0, 300)}`,
      );
      await page.screenshot({ path: join(SHOTS, 'lm-tools.png') });
      expect(openai!.requests.length === 0, `auto chose the editor model, yet OpenAI got ${openai!.requests.length}`);
      expect(
        !requests().some((r) => JSON.stringify(r).includes(inc!.sentry.token)),
        'the Sentry token never reached the model',
      );
    });

    await step('a LanguageModelError (Blocked) from the model is worded plainly; the report stays', async () => {
      setScript([{ kind: 'error', code: 'Blocked', message: 'Request blocked by the provider policy' }]);
      await panel.locator('#btn-rerun').click();
      await panel.locator('#ai-error', { hasText: 'Stand-in Model' }).waitFor({ timeout: 60_000 });
      const err = (await panel.locator('#ai-error').textContent()) ?? '';
      expect(
        /blocked the request \(Request blocked by the provider policy\)\. .*Choose AI Model/.test(err),
        `plain words: ${err}`,
      );
      expect(!/LanguageModelError|at .*\.js/.test(err), `no stack or class names: ${err}`);
      // The rule-based diagnosis stays: the verdict on screen, the full report (a closed section) in the page.
      await panel.locator('#verdict .verdict-body').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
      await panel
        .locator('#report', { hasText: 'Hypotheses (ranked)' })
        .waitFor({ state: 'attached', timeout: 10_000 });
      expect(requests().length === 3, `the third request reached the model, got ${requests().length}`);
    });
  } finally {
    writeFileSync(release, '');
    if (steps.failed > 0 && wb) {
      try {
        await wb.page.screenshot({ path: join(SHOTS, 'lm-failure.png') });
      } catch {
        /* the page may be gone */
      }
    }
    await wb?.close();
    await openai?.stop();
    await inc?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
}

runStepSuite('e2e-lm', steps, main);
