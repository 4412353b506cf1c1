// The same hostile repository with workspace trust on: it opens in Restricted Mode. Stored data and the
// tree work; syncing (and so the token), SSH and AI are off, with one message offering to trust it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { api, rows, waitFor } from '../../integration/suite/helpers';
import { emptyStore } from '../../../src/core/store/issueStore';
import { event, issue, T0 } from '../../unit/investigate/scenario';

const cfg = JSON.parse(process.env.SENTRY_RCA_TRUST_TEST ?? '{}') as { sentryUrl: string; token: string };
let a: SentryRcaTestApi;

describe('a hostile repository in Restricted Mode', () => {
  before(async () => {
    a = await api();
    a.app.trust.confirm = async (q) => {
      throw new Error(`no question may be asked in Restricted Mode: ${q.message}`);
    };
    await fetch(`${cfg.sentryUrl}/__control/reset-requests`, { method: 'POST', body: '{}' });
  });

  it('the workspace is untrusted and the extension knows it', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(a.app.restricted.active, true);
  });

  it("the repository's restricted settings are not even read, and no token leaves", async () => {
    assert.equal(a.app.config.settings.baseUrl, 'http://127.0.0.1:9');
    assert.deepEqual(a.app.config.settings.logSources, []);
    // Under its old name too (restrictedConfigurations lists both names): VS Code does not hand it over.
    assert.equal(a.app.trust.layers('logSources').workspaceValue, undefined);
    // An untrusted repository's files are not offered an update (nor rewritten).
    assert.equal((await a.app.settingsMigration.started)?.workspace, 'untrusted');
    assert.equal(await a.app.tokens.get(), undefined, 'the demo marker stored no token');
    await a.app.tokens.set(cfg.token);
    const shownBefore = a.app.restricted.shown;
    const outcome = await vscode.commands.executeCommand('sentryRca.syncNow');
    assert.equal(outcome, undefined);
    assert.equal(a.app.restricted.shown, shownBefore + 1, 'Sync Now shows the Restricted Mode message');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(a.app.scheduler.isStarted, false);
    const seen = (await (await fetch(`${cfg.sentryUrl}/__control/requests`)).json()) as unknown[];
    assert.deepEqual(seen, []);
  });

  it("Set Auth Token checks nothing against the repository's server and stores nothing", async () => {
    const shown = a.app.restricted.shown;
    const r = await vscode.commands.executeCommand<{ stored: boolean; message: string }>(
      'sentryRca.setAuthToken',
      'sntryu_other_token',
    );
    assert.equal(r?.stored, false);
    assert.match(r?.message ?? '', /Restricted Mode/);
    assert.equal(a.app.restricted.shown, shown + 1);
    assert.equal(await a.app.tokens.get(), cfg.token);
  });

  it('stored issues show in the tree, frames map, and a saved diagnosis reopens without a new run', async () => {
    const store = await a.app.store.ready;
    const data = emptyStore();
    data.issues = [issue('101')];
    data.events = { '101': [event('e1', T0)] };
    data.investigations = {
      '101': [
        {
          version: 1,
          id: 'r1',
          issueId: '101',
          shortId: 'ORDERS-101',
          startedAt: new Date(T0).toISOString(),
          finishedAt: new Date(T0 + 5000).toISOString(),
          status: 'done',
          reportMarkdown: '# ORDERS-101\nsaved',
          trend: { verdict: 'unknown', why: '', hourly24h: [], daily14d: [], firstSeenVsRelease: null },
          hypotheses: [],
          evidence: { rendered: 'saved evidence', usedTokens: 10, limitTokens: 12000, sections: [], cuts: [] },
          logs: [],
          ai: null,
        },
      ],
    };
    await store.replace(data);
    const projects = await waitFor('the stored issue in the tree', async () => {
      const r = await rows(a);
      return r.length > 0 && r;
    });
    const issues = await rows(a, projects[0]!.node);
    assert.ok(
      issues.some((r) => r.label.includes('ORDERS-101') || r.description.includes('ORDERS-101')),
      JSON.stringify(issues.map((r) => [r.label, r.description])),
    );
    const mapper = await a.app.framesFeature?.frames.mapper();
    assert.ok(mapper, 'the frame mapper is available');
    const mapped = await mapper.map(
      {
        filename: 'src/index.js',
        absPath: '/srv/app/src/index.js',
        module: null,
        package: null,
        platform: 'node',
        function: 'f',
        lineNo: 1,
        colNo: 1,
        inApp: true,
        context: [],
      },
      'orders-api',
    );
    assert.ok(mapped.ok && mapped.path.endsWith('/src/index.js'), JSON.stringify(mapped));
    const shown = a.app.restricted.shown;
    await vscode.commands.executeCommand('sentryRca.diagnoseIssue', '101');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(a.app.restricted.shown, shown, 'the saved diagnosis reopened; no new (restricted) run started');
  });

  it('trusting the folder turns syncing on without a reload', async () => {
    // From now on the repository's values are asked about again; this user declines them.
    const asked: string[] = [];
    a.app.trust.confirm = async (q) => {
      asked.push(q.message);
      return false;
    };
    await vscode.commands.executeCommand('workbench.trust.manage');
    await waitFor('the user to trust the folder', () => vscode.workspace.isTrusted, 60_000);
    await waitFor('the scheduler to start', () => a.app.scheduler.isStarted, 10_000);
    assert.equal(a.app.restricted.active, false);
    // Now the repository's settings are read, and its Sentry URL is asked about before any sync.
    const shown = a.app.restricted.shown;
    await vscode.commands.executeCommand('sentryRca.syncNow');
    assert.equal(a.app.restricted.shown, shown, 'no Restricted Mode message any more');
    assert.deepEqual(asked, [`Send your Sentry auth token to ${new URL(cfg.sentryUrl).origin}?`]);
  });
});
