import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/host/ids';
import { api, givenSynced, rows, waitFor } from './helpers';

/** The default key bindings of this VS Code (and its built-in extensions), as "Open Default Keyboard Shortcuts (JSON)" shows them. */
async function defaultKeybindings(): Promise<Array<{ key: string; command: string }>> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('vscode://defaultsettings/keybindings.json'));
  // JSON with comments: drop whole-line comments, then parse.
  const text = doc
    .getText()
    .split('\n')
    .filter((l) => !/^\s*\/\//.test(l))
    .join('\n');
  return JSON.parse(text) as Array<{ key: string; command: string }>;
}

describe('Diagnose from the palette and its key', () => {
  it('the Diagnose key binding is no default key binding of VS Code', async () => {
    const ext = vscode.extensions.getExtension('sentry-rca.sentry-rca')!;
    const ours = (
      ext.packageJSON.contributes.keybindings as Array<{ command: string; key: string; when?: string }>
    ).find((k) => k.command === Commands.diagnoseIssue);
    assert.ok(ours, 'Diagnose has a key binding');
    assert.ok(ours.when, 'with a when clause');
    const all = await defaultKeybindings();
    assert.ok(all.length > 300, `read the default key bindings (${all.length})`);
    const clashes = all.filter((k) => k.key === ours.key && k.command !== Commands.diagnoseIssue);
    assert.deepEqual(clashes, [], `${ours.key} is already bound`);
    // A chord's first part must not be a single-key binding of its own (it would fire before the chord).
    const first = ours.key.split(' ')[0]!;
    if (ours.key.includes(' '))
      assert.deepEqual(
        all.filter((k) => k.key === first),
        [],
        `${first} alone is bound`,
      );
  });

  it('with a row selected in the tree, Diagnose Issue opens that issue without asking', async () => {
    const a = await api();
    await givenSynced(a);
    const panels = (await waitFor('the investigation feature', () => a.app.investigation)).panels;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const [project] = await rows(a);
    const issues = await rows(a, project!.node);
    const target = issues[issues.length - 1]!;
    const events = await rows(a, target.node);
    // An event row under the issue: the issue above it is meant.
    await a.app.issues.view.reveal(events[0]!.node, { select: true, focus: true, expand: false });
    const eventId = (events[0]!.node as unknown as { event: { id: string } }).event.id;
    await waitFor(
      'the event row selected',
      () => (a.app.issues.view.selection[0] as { event?: { id: string } } | undefined)?.event?.id === eventId,
    );
    // A quick pick would wait for an answer: the command would not finish and no panel would open.
    const ran = vscode.commands.executeCommand(Commands.diagnoseIssue);
    const finished = await Promise.race([
      Promise.resolve(ran).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 20_000)),
    ]);
    if (!finished) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(finished, 'Diagnose Issue finished without asking which issue');
    const issueId = (target.node as unknown as { issue: { id: string } }).issue.id;
    await waitFor('the panel of the selected issue', () => panels.open.has(issueId), 20_000);
    assert.equal(panels.open.size, 1, "only that issue's panel");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
