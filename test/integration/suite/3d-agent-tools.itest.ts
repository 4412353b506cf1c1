// The agent-mode tools in the real extension host: listed in vscode.lm.tools with their schemas, invoked
// through vscode.lm.invokeTool over data synced from the test Sentry server, hostile titles returned as
// text, and sentry_rca_logs against a real sshd (its confirmation asserted through prepareInvocation, since
// invokeTool outside a chat shows that confirmation as a modal the extension host cannot answer).
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { crashFrame } from '../../../src/core/frames/crashSites';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';
import { AgentToolNames } from '../../../src/host/ids';
import { startSshTestEnv, type SshTestEnv } from '../../ssh/sshTestEnv';
import { repoRoot } from '../../support/paths';
import { api, givenSynced, setSetting, waitFor } from './helpers';

const SAMPLE_APP = join(repoRoot(), 'test', 'fixtures', 'sample-app');
const COPIED = ['src', 'main.mjs', 'README.md'];
const HOSTILE_TITLE = '<img src=x onerror=alert(1)> \u001b[2J\u001b[31m"; rm -rf / # `$(reboot)`';
const HOSTILE_ID = '990001';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

interface ToolManifest {
  name: string;
  toolReferenceName: string;
  canBeReferencedInPrompt: boolean;
  modelDescription: string;
  userDescription: string;
  tags: string[];
  inputSchema: { type: string; required?: string[]; properties: Record<string, unknown> };
}

const manifest = (): ToolManifest[] =>
  (
    JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      contributes: { languageModelTools: ToolManifest[] };
    }
  ).contributes.languageModelTools;

async function invoke(name: string, input: object): Promise<string> {
  const r = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : JSON.stringify(p))).join('');
}

/** The JSON after the tools' one-line heading (sentry_rca_issues) or the whole text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tool output read by shape in the assertions
function json(text: string): any {
  return JSON.parse(text.slice(text.indexOf('{')));
}

/** A confirmation message as the user reads it: markdown escapes and &nbsp; undone. */
function plainText(m: string | vscode.MarkdownString): string {
  return (typeof m === 'string' ? m : m.value).replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1').replace(/&nbsp;/g, ' ');
}

function crashIn(a: SentryRcaTestApi, suffix: string): { issue: StoredIssue; event: StoredEvent } {
  for (const issue of a.app.store.issues()) {
    const event = a.app.store.events(issue.id)[0];
    if (event && crashFrame(event)?.absPath?.endsWith(suffix)) return { issue, event };
  }
  throw new Error(`no synced issue crashed in ${suffix}`);
}

describe('agent-mode tools (vscode.lm.invokeTool)', () => {
  let ws: string;
  let ssh: SshTestEnv | undefined;

  before(async () => {
    const a = await api();
    await givenSynced(a);
    await waitFor('the frames feature', () => a.app.framesFeature);
    ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    for (const name of COPIED) cpSync(join(SAMPLE_APP, name), join(ws, name), { recursive: true });
    // A hostile issue beside the synced ones: a copy of a real event under a title made to break markup,
    // terminals and shells, at the time of the SSH fixture log's TypeError (for the logs tool).
    const { event } = crashIn(a, '/src/db/pool.mjs');
    const store = await a.app.store.ready;
    await store.update((d) => {
      const base = d.issues.find((i) => i.id === event.issueId)!;
      d.issues.push({
        ...base,
        id: HOSTILE_ID,
        shortId: 'ORDERS-HOSTILE',
        title: HOSTILE_TITLE,
        culprit: HOSTILE_TITLE,
      });
      d.events[HOSTILE_ID] = [
        {
          ...event,
          id: 'hostile1',
          issueId: HOSTILE_ID,
          title: HOSTILE_TITLE,
          timestamp: '2026-11-25T10:05:00.000Z',
          traceId: TRACE,
        },
      ];
    });
  });

  after(async () => {
    await setSetting('logs.sources', undefined);
    await setSetting('ssh.configFile', undefined);
    await ssh?.stop();
    if (ws) for (const name of COPIED) rmSync(join(ws, name), { recursive: true, force: true });
  });

  it('vscode.lm.tools lists the four tools with the manifest schemas and tags', async () => {
    const listed = await waitFor(
      'the tools listed',
      () => {
        const mine = vscode.lm.tools.filter((t) => t.name.startsWith('sentry_rca_'));
        return mine.length === 4 ? mine : undefined;
      },
      10_000,
    );
    const declared = manifest();
    assert.deepEqual(listed.map((t) => t.name).sort(), Object.values(AgentToolNames).sort());
    assert.deepEqual(declared.map((t) => t.name).sort(), Object.values(AgentToolNames).sort());
    for (const d of declared) {
      const t = listed.find((x) => x.name === d.name)!;
      assert.equal(t.description, d.modelDescription, d.name);
      assert.deepEqual(t.inputSchema, d.inputSchema, d.name);
      assert.deepEqual([...t.tags].sort(), [...d.tags].sort(), d.name);
      assert.ok(d.canBeReferencedInPrompt && /^sentry[A-Z]\w+$/.test(d.toolReferenceName), d.name);
      if (d.name !== AgentToolNames.issues) assert.deepEqual(d.inputSchema.required, ['issue'], d.name);
    }
  });

  it('sentry_rca_issues: searches the synced issues by text, level and project, a page at a time', async () => {
    const a = await api();
    const unresolved = a.app.store.issues().filter((i) => i.status === 'unresolved');
    const all = json(await invoke(AgentToolNames.issues, {}));
    assert.equal(all.total, unresolved.length);
    assert.ok(all.issues.length <= 25);
    const byProject = json(await invoke(AgentToolNames.issues, { project: 'billing', limit: 3 }));
    assert.equal(byProject.total, unresolved.filter((i) => i.projectSlug === 'billing').length);
    assert.equal(byProject.issues.length, 3);
    assert.ok(byProject.issues.every((i: { project: string }) => i.project === 'billing'));
    const page2 = json(
      await invoke(AgentToolNames.issues, { project: 'billing', limit: 3, offset: byProject.nextOffset }),
    );
    assert.equal(page2.offset, 3);
    assert.ok(!page2.issues.some((i: { id: string }) => byProject.issues.some((j: { id: string }) => j.id === i.id)));
    const { issue } = crashIn(a, '/src/db/pool.mjs');
    const text = await invoke(AgentToolNames.issues, { query: issue.shortId.toLowerCase(), minLevel: 'error' });
    assert.match(text, /^Issues 1–\d+ of \d+ matching, most recently seen first\./);
    assert.ok(
      json(text).issues.some((i: { id: string }) => i.id === issue.id),
      text,
    );
    const none = await invoke(AgentToolNames.issues, { query: 'no such error anywhere' });
    assert.match(none, /^No stored issue matches\. \d+ issues are stored/);
  });

  it('sentry_rca_issue: facts, the latest event and the crash frame mapped to the workspace file', async () => {
    const a = await api();
    const { issue, event } = crashIn(a, '/src/db/pool.mjs');
    const crash = crashFrame(event)!;
    await waitFor(
      'the crash frame to map',
      async () => (await a.app.framesFeature!.frames.map(crash, issue.projectSlug)).ok,
      20_000,
    );
    const j = json(await invoke(AgentToolNames.issue, { issue: issue.shortId }));
    assert.equal(j.issue.id, issue.id);
    assert.equal(j.latestEventId, event.id);
    assert.equal(j.event.id, event.id);
    assert.equal(j.frames[0].local, `src/db/pool.mjs:${crash.lineNo}`);
    assert.equal(j.frames[0].function, crash.function);
    assert.ok(
      j.frames.some(
        (f: { inApp: boolean; local: string | null; reason: string | null }) => !f.inApp && !f.local && f.reason,
      ),
      'a library frame says why it does not map',
    );
  });

  it('sentry_rca_diagnose: the deterministic report of a synced issue', async () => {
    const a = await api();
    const { issue } = crashIn(a, '/src/db/pool.mjs');
    const md = await invoke(AgentToolNames.diagnose, { issue: issue.id });
    assert.match(md, new RegExp(`^# ${issue.shortId}`));
    assert.match(md, /src\/db\/pool\.mjs/);
    const j = json(await invoke(AgentToolNames.diagnose, { issue: issue.id, format: 'json' }));
    assert.equal(j.issue.id, issue.id);
    assert.equal(j.culprit.path, 'src/db/pool.mjs');
    assert.ok(j.hypotheses.length >= 1);
    assert.ok('suspects' in j && 'skew' in j && 'release' in j);
    assert.equal(j.ai, null);
  });

  it("keeps a result within the caller's token budget, saying it was cut", async () => {
    const a = await api();
    const { issue } = crashIn(a, '/src/db/pool.mjs');
    const full = await invoke(AgentToolNames.diagnose, { issue: issue.id });
    assert.ok(full.length > 2_500, `the report is long enough to cut (${full.length})`);
    const r = await vscode.lm.invokeTool(AgentToolNames.diagnose, {
      input: { issue: issue.id },
      toolInvocationToken: undefined,
      tokenizationOptions: { tokenBudget: 700, countTokens: async (t: string) => Math.ceil(t.length / 4) },
    });
    const text = r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    assert.equal(text.length, 2_100, 'about 3 characters a token');
    assert.ok(full.startsWith(text.slice(0, 1_000)));
    assert.match(text, /… \[cut: \d+ more characters; ask for less/);
  });

  it('hostile titles come back as text; unknown issues and bad input are errors that quote the input', async () => {
    const j = json(await invoke(AgentToolNames.issue, { issue: 'orders-hostile' }));
    assert.equal(j.issue.title, HOSTILE_TITLE);
    const listed = await invoke(AgentToolNames.issues, { query: 'onerror' });
    assert.ok(!listed.includes('\u001b'), 'no raw escape characters');
    assert.equal(json(listed).issues[0].title, HOSTILE_TITLE);
    await assert.rejects(invoke(AgentToolNames.issue, { issue: HOSTILE_TITLE }), (e: Error) => {
      assert.ok(!e.message.includes('\u001b'), e.message);
      assert.ok(e.message.includes('\\u001b[2J'), e.message);
      assert.match(e.message, /is not in the store\. Call sentry_rca_issues/);
      return true;
    });
    await assert.rejects(
      invoke(AgentToolNames.issues, { limit: 'lots' }),
      /^Error: sentry_rca_issues: `limit` must be a whole number from 1 to 100 \(got "lots"\)\.$/,
    );
    await assert.rejects(invoke(AgentToolNames.diagnose, {}), /^Error: sentry_rca_diagnose: `issue` is required\.$/);
  });

  it('sentry_rca_logs: refused without configured sources and for an unconfigured host, with no confirmation asked', async () => {
    const a = await api();
    const tool = a.app.agentTools.tools.get(AgentToolNames.logs)!;
    const ct = new vscode.CancellationTokenSource().token;
    await setSetting('logs.sources', undefined);
    assert.equal(await tool.prepareInvocation!({ input: { issue: HOSTILE_ID } }, ct), undefined);
    await assert.rejects(
      invoke(AgentToolNames.logs, { issue: HOSTILE_ID }),
      /No log sources are configured for Sentry RCA \(sentryRCA\.logs\.sources\)[\s\S]*Add HOST=SPEC entries/,
    );
    await setSetting('logs.sources', ['web1=file:/var/log/app.log']);
    await waitFor('the setting applied', () => a.app.config.settings.logSources.length === 1);
    assert.equal(await tool.prepareInvocation!({ input: { issue: HOSTILE_ID, host: 'db9' } }, ct), undefined);
    await assert.rejects(
      invoke(AgentToolNames.logs, { issue: HOSTILE_ID, host: 'db9; cat /etc/passwd' }),
      /Host "db9; cat \/etc\/passwd" is not a configured log source\. Configured: web1 \(file:\/var\/log\/app\.log\)/,
    );
  });

  it('sentry_rca_logs: the confirmation names the hosts and sources; the call reads them over a real sshd, redacted', async function () {
    this.timeout(60_000);
    const a = await api();
    ssh = await startSshTestEnv();
    // The user's own SSH config for this host (the extension host's HOME is not the fixture's).
    const config = join(ssh.home, 'agent-tools-ssh-config');
    writeFileSync(
      config,
      `Host target\n  HostName 127.0.0.1\n  Port ${ssh.target.port}\n  User root\n  IdentityFile ${ssh.home}/.ssh/id_test\n  IdentitiesOnly yes\n  UserKnownHostsFile ${ssh.knownHostsPath}\n`,
    );
    await setSetting('ssh.configFile', config);
    await setSetting('logs.sources', [`target=file:${ssh.logDir}/app.log`]);
    await waitFor('the settings applied', () => a.app.config.settings.sshConfigFile === config);
    const tool = a.app.agentTools.tools.get(AgentToolNames.logs)!;
    const cts = new vscode.CancellationTokenSource();
    const prepared = await tool.prepareInvocation!({ input: { issue: HOSTILE_ID } }, cts.token);
    assert.ok(prepared?.confirmationMessages, 'an SSH fetch asks first');
    assert.equal(prepared.confirmationMessages.title, 'Fetch server logs from target?');
    const message = prepared.confirmationMessages.message;
    const plain = plainText(message);
    assert.ok(plain.includes(`to target and read target (file:${ssh.logDir}/app.log)`), plain);
    assert.ok(plain.includes('from 2026-11-25T10:00:00.000Z to 2026-11-25T10:07:00.000Z'), plain);
    assert.ok(plain.includes('(around the latest event of ORDERS-HOSTILE)'), plain);
    const byEvent = await tool.prepareInvocation!(
      { input: { issue: 'orders-hostile', eventId: 'hostile1', before: '1m' } },
      cts.token,
    );
    assert.ok(byEvent?.confirmationMessages);
    const body2 = plainText(byEvent.confirmationMessages.message);
    assert.ok(body2.includes('from 2026-11-25T10:04:00.000Z'), body2);
    assert.ok(body2.includes('(around event hostile1 of ORDERS-HOSTILE)'), body2);
    assert.equal(
      await tool.prepareInvocation!({ input: { issue: 'NOPE-1' } }, cts.token),
      undefined,
      'an unknown issue: nothing to confirm, the call is refused',
    );
    const r = await tool.invoke(
      { input: { issue: HOSTILE_ID, before: '2m', after: '1m' }, toolInvocationToken: undefined },
      cts.token,
    );
    const text = (r as vscode.LanguageModelToolResult).content
      .map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : ''))
      .join('');
    const j = JSON.parse(text);
    assert.equal(j.event.id, 'hostile1');
    const h = j.hosts[0];
    assert.equal(h.host, 'target');
    assert.equal(h.status, 'ok', h.message);
    assert.equal(h.since, '2026-11-25T10:03:00.000Z');
    const hit = h.lines.find((l: { text: string }) => l.text.includes('TypeError'));
    assert.ok(hit?.match.includes(TRACE), JSON.stringify(hit));
    assert.ok(!text.includes('hunter2') && !text.includes('AKIAIOSFODNN7EXAMPLE'), 'secrets in the log are redacted');
  });
});
