import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SetTokenResult } from '../../../src/host/commands/tokenCommands';
import { api, givenSignedOut, sentryEnv, waitFor } from './helpers';

describe('auth token (Set / Clear Auth Token, SecretStorage)', () => {
  before(async () => {
    await givenSignedOut(await api());
  });

  it('rejects a token the server answers with 401 and stores nothing', async () => {
    const a = await api();
    const r = await vscode.commands.executeCommand<SetTokenResult>(
      'sentryRca.setAuthToken',
      'sntryu_wrong_token_0123456789abcdef',
    );
    assert.equal(r.stored, false);
    assert.match(r.message, /rejected/i);
    assert.equal(await a.app.tokens.get(), undefined);
    assert.equal(a.app.configured, false);
  });

  it('validates a good token with one API call, stores it in SecretStorage and starts syncing', async () => {
    const a = await api();
    const { token } = sentryEnv();
    const r = await vscode.commands.executeCommand<SetTokenResult>('sentryRca.setAuthToken', token);
    assert.equal(r.stored, true, r.message);
    assert.equal(await a.app.context.secrets.get('sentryRca.authToken'), token);
    await waitFor('configured', () => a.app.configured);
    assert.equal(a.app.scheduler.isStarted, true);
    // Setting the token triggers a sync; the store fills from the test server.
    await waitFor('the first sync', () => a.app.store.meta().lastSuccessfulSync !== null, 30_000);
    assert.ok(a.app.store.issues().length > 0);
  });

  it('never writes the token to the log', async () => {
    const a = await api();
    const { token } = sentryEnv();
    const lines = a.app.log.tail;
    assert.ok(lines.length > 0);
    assert.ok(
      lines.some((l) => /sync/.test(l)),
      'the sync was logged',
    );
    assert.ok(!lines.some((l) => l.includes(token)), 'token found in the log');
  });
});
