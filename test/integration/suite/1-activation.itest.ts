import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, control, EXTENSION_ID, givenSignedOut } from './helpers';

describe('activation', () => {
  it('activates on start-up and returns the test API', async () => {
    const a = await api();
    assert.ok(a.app, 'activate() returned the App in test mode');
    assert.ok(a.activationMs >= 0 && a.activationMs < 5000, `activation took ${a.activationMs} ms`);
    console.log(`    activation in the real extension host: ${a.activationMs.toFixed(1)} ms`);
  });

  it('runs as a workspace extension (code-server runs it in its remote extension host, where the files are)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.deepEqual(ext.packageJSON.extensionKind, ['workspace']);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
    assert.ok(ext.isActive);
    console.log(
      `    extension host: ${vscode.env.remoteName ?? 'local'}, ui kind ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}`,
    );
  });

  it('registers every command declared in package.json', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const declared = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
    assert.ok(declared.length >= 10);
  });

  it('unconfigured: no token, no timer, Sync Now asks for setup instead of failing', async () => {
    const a = await api();
    await givenSignedOut(a);
    assert.equal(await a.app.tokens.get(), undefined);
    assert.equal(a.app.configured, false);
    assert.equal(a.app.scheduler.isStarted, false);
    assert.match(a.app.statusBar.item.text, /not set up/);
    // The warning waits for the user: this stands in for the user closing it, and records what it said.
    const shown: string[][] = [];
    const win = vscode.window as { showWarningMessage: unknown };
    const original = win.showWarningMessage;
    win.showWarningMessage = (...args: unknown[]) => {
      shown.push(args.map(String));
      return Promise.resolve(undefined);
    };
    const apiCalls = async () =>
      ((await control('requests')) as Array<{ path: string }>).filter((r) => r.path.startsWith('/api/0/')).length;
    const callsBefore = await apiCalls();
    let outcome: unknown;
    try {
      outcome = await vscode.commands.executeCommand('sentryRca.syncNow');
    } finally {
      win.showWarningMessage = original;
    }
    assert.deepEqual(shown, [['Sentry RCA: set the auth token first.', 'Set Auth Token']]);
    assert.equal(outcome, undefined, 'no sync ran');
    assert.equal(await apiCalls(), callsBefore, 'nothing was asked of Sentry');
    assert.equal(a.app.store.issues().length, 0);
  });
});
