import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, givenSynced, waitFor } from './helpers';

describe('Clear Auth Token', () => {
  before(async () => {
    await givenSynced(await api());
  });
  it('removes the token from SecretStorage, stops the timer and keeps the synced data', async () => {
    const a = await api();
    const issues = a.app.store.issues().length;
    await vscode.commands.executeCommand('sentryRca.clearAuthToken');
    await waitFor(
      'the token to be gone',
      async () => (await a.app.context.secrets.get('sentryRca.authToken')) === undefined,
    );
    await waitFor('the app to stop the timer', () => !a.app.configured && !a.app.scheduler.isStarted);
    assert.equal(a.app.scheduler.state.nextRunAt, null);
    assert.equal(a.app.store.issues().length, issues);
    await waitFor('the status bar', () => /not set up/.test(a.app.statusBar.item.text));
  });
});
