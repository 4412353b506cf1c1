// The same hostile repository with workspace trust on: it opens in Restricted Mode. Stored data and the
// tree work; syncing (and so the token), SSH and AI are off, with one message offering to trust it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { api, rows } from '../../integration/suite/helpers';

const cfg = JSON.parse(process.env.SENTRY_RCA_TRUST_TEST ?? '{}') as { sentryUrl: string; token: string };
let a: SentryRcaTestApi;

describe('a hostile repository in Restricted Mode', () => {
  before(async () => {
    a = await api();
    a.app.trust.confirm = async (q) => { throw new Error(`no question may be asked in Restricted Mode: ${q.message}`); };
    await fetch(`${cfg.sentryUrl}/__control/reset-requests`, { method: 'POST', body: '{}' });
  });

  it('the workspace is untrusted and the extension knows it', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(a.app.restricted.active, true);
  });

  it('the repository\'s restricted settings are not even read, and no token leaves', async () => {
    assert.equal(a.app.config.settings.baseUrl, 'http://127.0.0.1:9');
    assert.deepEqual(a.app.config.settings.logSources, []);
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

  it('the tree still works', async () => {
    assert.ok(Array.isArray(await rows(a)));
  });
});
