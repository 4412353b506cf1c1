import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api } from './helpers';

describe('activation', () => {
  it('activates and returns the test API', async () => {
    const a = await api();
    assert.ok(a.app, 'activate() returned the App in test mode');
    assert.ok(a.activationMs > 0 && a.activationMs < 5000, `activation took ${a.activationMs} ms`);
    console.log(`    activation in the real extension host: ${a.activationMs.toFixed(1)} ms`);
  });

  it('registers every command declared in package.json', async () => {
    const ext = vscode.extensions.getExtension('sentry-rca.sentry-rca')!;
    const declared = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
    assert.ok(declared.length >= 10);
  });
});
