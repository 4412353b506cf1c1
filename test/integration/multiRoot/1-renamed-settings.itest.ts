// A multi-root workspace whose `.code-workspace` file and both folders' .vscode/settings.json still use
// the old setting names (run.ts writes them). The workspace file's values apply through the fallback and
// "Update" moves them; the folders' files are left alone: these settings are window-scoped, so VS Code
// reads folder values of them only when that folder is opened by itself (where it gets the offer).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseJsonc } from '../../../src/core/frames/workspaceSettings';
import { api, waitFor } from '../suite/helpers';
import { MULTI_ROOT_TITLE } from './title';

const read = (file: string) => parseJsonc(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe(MULTI_ROOT_TITLE, () => {
  it("moves the workspace file's old names on Update and leaves the folders' files as they are", async () => {
    const a = await api();
    const file = vscode.workspace.workspaceFile;
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.ok(file && folders.length === 2, 'opened as a multi-root workspace with two folders');
    const folderFile = (i: number) => join(folders[i]!.uri.fsPath, '.vscode', 'settings.json');
    const before = [read(folderFile(0)), read(folderFile(1))];
    // The workspace file's old name applies; the folders' (window-scoped) values are not read by VS Code.
    assert.equal(a.app.config.settings.alertsRelease, 'from-workspace');
    assert.equal(
      vscode.workspace.getConfiguration('sentryRca', folders[1]!.uri).inspect('ai.model')?.workspaceFolderValue,
      undefined,
    );
    assert.equal(a.app.config.settings.aiModel, 'gpt-4o-mini');

    // Activation offered the update as a notification: its first button ("Update") is taken the way a
    // user's click is, through the workbench's notification command.
    const started = a.app.settingsMigration.started;
    assert.ok(started, 'activation started the migration');
    let outcome: Awaited<typeof started> | undefined;
    void started.then((o) => (outcome = o));
    await waitFor('the offer answered', async () => {
      if (!outcome) await vscode.commands.executeCommand('notification.acceptPrimaryAction');
      return outcome;
    });
    assert.equal(outcome?.workspace, 'updated');
    assert.ok(
      a.app.log.tail.some((l) =>
        l.endsWith(
          "[settings] asking: This workspace's settings use the old names `sentryRca.*`. Update multi.code-workspace?",
        ),
      ),
      'the notification named the workspace file',
    );
    assert.ok(
      a.app.log.tail.some((l) => l.includes(`[settings] ${file.fsPath}: moved 1 setting(s) to sentryRCA.*`)),
      'the log names the file it updated',
    );
    const settings = read(file.fsPath).settings as Record<string, unknown>;
    assert.deepEqual(settings, { 'sentryRCA.alerts.release': 'from-workspace', 'editor.tabSize': 2 });
    assert.deepEqual([read(folderFile(0)), read(folderFile(1))], before, "the folders' files are untouched");
    assert.equal(a.app.config.settings.alertsRelease, 'from-workspace');
    assert.deepEqual(a.app.settingsMigration.workspaceScopes(), []);
  });
});
