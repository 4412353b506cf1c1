// A hostile repository in a trusted window: its Sentry URL, AI endpoint and cmd: log source are used
// only after the user allowed exactly them (the modal's text is checked), and asked about again when
// the value changes. The demo marker it carries does not replace the user's token.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import type { ConsentQuestion } from '../../../src/core/trust/consentQuestion';
import { SECRET_AI_KEY } from '../../../src/host/ids';
import { OpenAiTestServer } from '../../servers/openai/openaiTestServer';
import { api, rows, waitFor } from '../../integration/suite/helpers';

const cfg = JSON.parse(process.env.SENTRY_RCA_TRUST_TEST ?? '{}') as {
  sentryUrl: string;
  token: string;
  org: string;
  marker: string;
  workspace: string;
};
const AI_KEY = 'sk-trust-0123456789abcdefghijklmn';
const asked: ConsentQuestion[] = [];
let answer = false;
let a: SentryRcaTestApi;

async function sentryRequests(): Promise<Array<{ path: string; headers: Record<string, string> }>> {
  const r = await fetch(`${cfg.sentryUrl}/__control/requests`);
  return (await r.json()) as Array<{ path: string; headers: Record<string, string> }>;
}

function writeRepoSettings(values: Record<string, unknown>): void {
  const file = join(cfg.workspace, '.vscode', 'settings.json');
  writeFileSync(
    file,
    JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...values }, null, 2),
  );
}

async function investigationsOf(issueId: string): Promise<number> {
  return (await a.app.store.ready).investigations(issueId).length;
}

describe('a hostile repository (trusted window)', () => {
  before(async () => {
    a = await api();
    a.app.trust.confirm = async (q) => {
      asked.push(q);
      return answer;
    };
  });

  it("before any question, the user's own values apply and the demo marker stores no token", async () => {
    assert.equal(a.app.config.settings.baseUrl, 'http://127.0.0.1:9');
    assert.equal(a.app.config.settings.aiBaseUrl, 'http://127.0.0.1:9/v1');
    assert.deepEqual(a.app.config.settings.logSources, []);
    assert.equal(a.app.config.settings.allowHttp, false, 'sentryRCA.allowHttp is never taken from a workspace');
    // The log source is under its old name: read as the workspace's value, still waiting for a yes.
    assert.equal(a.app.trust.decision('logSources', []).state, 'pending');
    // The repository's file keeps its old names until the user picks "Update" in the offer.
    assert.equal(a.app.settingsMigration.workspaceScopes().length, 1);
    assert.ok(
      readFileSync(join(cfg.workspace, '.vscode', 'settings.json'), 'utf8').includes('"sentryRca.logs.sources"'),
    );
    assert.equal(
      await a.app.tokens.get(),
      undefined,
      'the marker file of a folder that is not the demo stores nothing',
    );
    assert.deepEqual(asked, []);
  });

  it("the token goes to the repository's Sentry only after yes; the modal names the host", async () => {
    await a.app.tokens.set(cfg.token);
    await waitFor('the question about the Sentry URL', () => asked.length >= 1);
    const origin = new URL(cfg.sentryUrl).origin;
    assert.equal(asked[0]!.message, `Send your Sentry auth token to ${origin}?`);
    assert.match(asked[0]!.detail, /\.vscode\/settings\.json/);
    assert.match(asked[0]!.detail, /your own setting \(http:\/\/127\.0\.0\.1:9\) is used/);
    await waitFor('the declined sync to end', () => !a.app.scheduler.state.running);
    assert.deepEqual(
      (await sentryRequests()).filter((r) => r.headers.authorization),
      [],
      'the listener received no token',
    );

    answer = true;
    const outcome = await vscode.commands.executeCommand<{ ok: boolean }>('sentryRca.syncNow');
    assert.equal(asked.length, 2, 'Sync Now asks again about a value declined before');
    assert.ok(outcome?.ok, JSON.stringify(outcome));
    assert.equal(a.app.config.settings.baseUrl, cfg.sentryUrl);
    assert.ok((await sentryRequests()).some((r) => r.headers.authorization === `Bearer ${cfg.token}`));
    assert.ok((await rows(a)).length > 0, 'the synced issues show in the tree');
  });

  it('a changed value asks again, naming the new host', async () => {
    const changed = cfg.sentryUrl.replace('127.0.0.1', 'localhost');
    answer = false;
    const before = asked.length;
    writeRepoSettings({ 'sentryRCA.baseUrl': changed });
    // The settings change starts a sync, which asks about the new value first.
    await waitFor('the question about the changed value', () => asked.length > before, 15_000);
    assert.equal(asked[before]!.message, `Send your Sentry auth token to ${new URL(changed).origin}?`);
    assert.equal(a.app.config.settings.baseUrl, 'http://127.0.0.1:9', "declined: the user's own value again");
    await waitFor('the declined sync to end', () => !a.app.scheduler.state.running);
    answer = true;
    const outcome = await vscode.commands.executeCommand<{ ok: boolean }>('sentryRca.syncNow');
    assert.ok(outcome?.ok, JSON.stringify(outcome));
    assert.equal(a.app.config.settings.baseUrl, changed);
  });

  it("the AI key and the log command reach the repository's endpoint and host only after yes", async () => {
    const ai = await new OpenAiTestServer({ apiKey: AI_KEY }).start();
    try {
      writeRepoSettings({ 'sentryRCA.ai.baseUrl': ai.baseUrl });
      await a.app.context.secrets.store(SECRET_AI_KEY, AI_KEY);
      const [first, second] = (await a.app.store.ready).issues();
      assert.ok(first && second);
      answer = false;
      asked.length = 0;
      await waitFor(
        'the AI setting change',
        () => JSON.stringify(a.app.trust.layers('aiBaseUrl')).includes(ai.baseUrl),
        10_000,
      );
      await vscode.commands.executeCommand('sentryRca.diagnoseIssue', first.id);
      await waitFor('the declined diagnosis to finish', async () => (await investigationsOf(first.id)) > 0, 60_000);
      const aiQ = asked.find((q) => /AI API key/.test(q.message));
      assert.equal(aiQ?.message, `Send your AI API key and the diagnosis evidence to ${new URL(ai.baseUrl).origin}?`);
      const logQ = asked.find((q) => /log commands/.test(q.message));
      assert.equal(logQ?.message, 'Run log commands on host buildhost over SSH?');
      assert.ok(logQ!.detail.includes(`• buildhost: \`touch ${cfg.marker}\``), logQ!.detail);
      assert.equal(ai.requests.length, 0, 'the AI endpoint received nothing');
      assert.equal(existsSync(cfg.marker), false, 'the command did not run');

      answer = true;
      ai.enqueue({ kind: 'text', chunks: ['## Root cause\nx\n## Evidence\n- y\n## Fix\n- z\n## Confidence\nlow'] });
      await vscode.commands.executeCommand('sentryRca.diagnoseIssue', second.id);
      await waitFor('the allowed diagnosis to finish', async () => (await investigationsOf(second.id)) > 0, 60_000);
      assert.equal(ai.requests.length, 1);
      assert.equal(ai.requests[0]!.headers.authorization, `Bearer ${AI_KEY}`);
      assert.equal(existsSync(cfg.marker), true, "after yes, the repository's log source ran on the host");
    } finally {
      await ai.stop();
    }
  });
});
