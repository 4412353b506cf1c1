import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/host/ids';
import { api, givenSynced, waitFor } from './helpers';

// Closed diagnosis panels must leave nothing behind: each one holds its webview and its run's whole
// message history, and they used to stay registered until the extension deactivated.
describe('diagnosis panels', () => {
  it('opening and closing 50 panels retains none of them', async () => {
    const a = await api();
    await givenSynced(a);
    const issue = await waitFor('a synced issue', () => a.app.store.issues()[0], 30_000);
    const panels = (await waitFor('the investigation feature', () => a.app.investigation)).panels;
    assert.deepEqual(
      [...a.app.commands.ids].sort(),
      Object.values(Commands).sort(),
      'the command table registered every id',
    );
    assert.deepEqual(
      a.app.log.tail.filter((l) => l.includes('loaded without providing')),
      [],
      'the features provided all their commands',
    );
    const registrations = panels.registrations;
    for (let i = 0; i < 50; i++) {
      await vscode.commands.executeCommand(Commands.diagnoseIssue, issue.id);
      assert.equal(panels.open.size, 1, `panel ${i + 1} is open`);
      assert.equal(panels.retained, 1);
      // Closed the way a user closes it: the editor tab goes, VS Code disposes the webview panel.
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await waitFor(`panel ${i + 1} to close`, () => panels.open.size === 0, 10_000);
    }
    assert.equal(panels.retained, 0, 'no closed panel is still held');
    assert.equal(panels.registrations, registrations, 'the panels object registered nothing per panel');
  });
});
