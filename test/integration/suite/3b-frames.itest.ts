import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { crashFrame } from '../../../src/core/frames/crashSites';
import type { StoredFrame, StoredIssue } from '../../../src/core/store/model';
import type { OpenFrameResult } from '../../../src/host/frames/frameTarget';
import { StateKeys } from '../../../src/host/ids';
import type { FrameNode } from '../../../src/host/tree/nodes/frameNode';
import type { TreeNode } from '../../../src/host/tree/nodes/treeNode';
import { canAddMapping } from '../../../src/host/frames/frameNote';
import { repoRoot } from '../../support/paths';
import { api, givenSynced, rows, setSetting, waitFor } from './helpers';

/** The sample app's sources as the user would have them checked out: the events' real SDK frames point at them. */
const SAMPLE_APP = join(repoRoot(), 'test', 'fixtures', 'sample-app');
const COPIED = ['src', 'main.mjs', 'README.md'];

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration run opens a folder');
  return folder.uri.fsPath;
}

async function synced(a: SentryRcaTestApi): Promise<void> {
  await givenSynced(a);
  await waitFor('the frames feature', () => a.app.framesFeature);
}

/** The issue whose newest event crashed in the file, and that crash frame. */
function crashIn(a: SentryRcaTestApi, fileSuffix: string): { issue: StoredIssue; frame: StoredFrame } {
  for (const issue of a.app.store.issues()) {
    const event = a.app.store.events(issue.id)[0];
    const frame = event && crashFrame(event);
    if (frame?.absPath?.endsWith(fileSuffix)) return { issue, frame };
  }
  throw new Error(`no synced issue crashed in ${fileSuffix}`);
}

/** Every frame row of the issue's newest event, read through the real provider (library groups opened too). */
async function frameRows(a: SentryRcaTestApi, issue: StoredIssue): Promise<FrameNode[]> {
  const projects = await rows(a);
  const project = projects.find((p) => p.label === issue.projectSlug);
  assert.ok(project, `project row ${issue.projectSlug}`);
  const issueRow = (await rows(a, project.node)).find(
    (r) => (r.node as { issue?: StoredIssue }).issue?.id === issue.id,
  );
  assert.ok(issueRow, `issue row ${issue.shortId}`);
  const [event] = await rows(a, issueRow.node);
  assert.ok(event);
  const out: FrameNode[] = [];
  const walk = async (node: TreeNode): Promise<void> => {
    for (const r of await rows(a, node)) {
      // Frame rows by shape: this bundle's FrameNode class is not the extension's (separate bundles).
      if (r.contextValue === 'sentryRca.frame') out.push(r.node as FrameNode);
      else await walk(r.node);
    }
  };
  await walk(event.node);
  return out;
}

async function click(a: SentryRcaTestApi, node: FrameNode): Promise<OpenFrameResult> {
  const item = await a.app.issues.provider.getTreeItem(node);
  assert.equal(item.command?.command, 'sentryRca.openFrame');
  return await vscode.commands.executeCommand<OpenFrameResult>(item.command.command, ...(item.command.arguments ?? []));
}

function sameFrame(a: StoredFrame, b: StoredFrame): boolean {
  return a.absPath === b.absPath && a.lineNo === b.lineNo && a.colNo === b.colNo && a.function === b.function;
}

describe('frames in the editor (clickable frames, crash sites on the crashing line)', () => {
  let ws: string;

  before(async () => {
    const a = await api();
    await synced(a);
    ws = workspaceDir();
    for (const name of COPIED) cpSync(join(SAMPLE_APP, name), join(ws, name), { recursive: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('editor.problems', undefined);
    for (const name of COPIED) rmSync(join(ws, name), { recursive: true, force: true });
  });

  it('clicking a mapped frame opens its file at the frame line and column', async () => {
    const a = await api();
    const { issue, frame } = crashIn(a, '/src/db/pool.mjs');
    const node = (await frameRows(a, issue)).find((n) => sameFrame(n.frame, frame));
    assert.ok(node, 'the crash frame has a row');
    // The copied files reach the index through the file watcher (or the first build).
    await waitFor(
      'the frame to map',
      async () => (await a.app.framesFeature!.frames.map(frame, issue.projectSlug)).ok,
      20_000,
    );
    const r = await click(a, node);
    assert.equal(r.opened, true, JSON.stringify(r));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.fsPath, join(ws, 'src', 'db', 'pool.mjs'));
    assert.equal(editor.selection.active.line, frame.lineNo! - 1);
    assert.equal(editor.selection.active.character, (frame.colNo ?? 1) - 1);
    const contextLine = frame.context.find(([n]) => n === frame.lineNo)![1];
    assert.equal(editor.document.lineAt(frame.lineNo! - 1).text.trim(), contextLine.trim());
    assert.ok(
      editor.visibleRanges.some((v) => v.contains(editor.selection.active)),
      'the line is revealed',
    );
  });

  it('keeps the learned path prefix in workspace state for the next session', async () => {
    const a = await api();
    const saved = await waitFor(
      'learned prefixes saved',
      () => {
        const v = a.app.context.workspaceState.get<
          Array<{ project: string; stackRoot: string; rootName: string; localDir: string }>
        >(StateKeys.learnedPrefixes);
        return v?.length ? v : undefined;
      },
      10_000,
    );
    const orders = saved.find((p) => p.project === 'orders');
    assert.ok(orders, JSON.stringify(saved));
    assert.equal(orders.stackRoot, `${SAMPLE_APP}/`);
    assert.equal(orders.rootName, vscode.workspace.workspaceFolders![0]!.name);
    assert.equal(orders.localDir, '');
  });

  it('re-applies sentryRCA.pathMappings when they change (mappings win over the automatic match)', async () => {
    const a = await api();
    const { issue, frame } = crashIn(a, '/src/db/pool.mjs');
    const frames = a.app.framesFeature!.frames;
    let changes = 0;
    let treeRefreshes = 0;
    const sub = frames.onDidChange(() => changes++);
    const treeSub = a.app.issues.provider.onDidChangeTreeData(() => treeRefreshes++);
    try {
      // The release's db folder mapped onto a second copy: the mapping wins over the automatic suffix match.
      cpSync(join(ws, 'src', 'db'), join(ws, 'moved-db'), { recursive: true });
      await setSetting('pathMappings', [
        { from: `${SAMPLE_APP}/src/db/`, to: '${workspaceFolder}/moved-db/', project: 'orders' },
      ]);
      const m = await waitFor('the mapping to apply', async () => {
        const r = await frames.map(frame, issue.projectSlug);
        return r.ok && r.via === 'mapping' ? r : undefined;
      });
      assert.equal(m.path, join(ws, 'moved-db', 'pool.mjs'));
      assert.equal(m.line, frame.lineNo);
      assert.ok(changes >= 1, 'views are told to map again');
      assert.ok(treeRefreshes >= 1, 'the tree refreshes, so frame tooltips are resolved again');
      const node = (await frameRows(a, issue)).find((n) => sameFrame(n.frame, frame))!;
      const provider = a.app.issues.provider;
      const tip = (await provider.resolveTreeItem(await provider.getTreeItem(node), node))
        .tooltip as vscode.MarkdownString;
      assert.ok(tip.value.startsWith(`**Opens** \`moved-db/pool.mjs:${frame.lineNo}:`), tip.value);
      // Limited to its project: another project's frame ignores it.
      const other = await frames.map(frame, 'billing');
      assert.ok(other.ok && other.path === join(ws, 'src', 'db', 'pool.mjs'), JSON.stringify(other));
    } finally {
      await setSetting('pathMappings', undefined);
      rmSync(join(ws, 'moved-db'), { recursive: true, force: true });
      sub.dispose();
      treeSub.dispose();
    }
    await waitFor('the automatic match again', async () => {
      const r = await frames.map(frame, issue.projectSlug);
      return r.ok && r.path === join(ws, 'src', 'db', 'pool.mjs');
    });
  });

  it('a frame whose line moved locally opens at the relocated line and says it moved', async () => {
    const a = await api();
    const { issue, frame } = crashIn(a, '/src/routes/receipts.mjs');
    const file = join(ws, 'src', 'routes', 'receipts.mjs');
    writeFileSync(
      file,
      `// two lines added since the release\n// so the crashing line moved down\n${readFileSync(file, 'utf8')}`,
    );
    const node = (await frameRows(a, issue)).find((n) => sameFrame(n.frame, frame));
    assert.ok(node);
    const r = await waitFor(
      'the moved line to be found',
      async () => {
        const res = await click(a, node);
        return res.opened && res.moved ? res : undefined;
      },
      20_000,
    );
    assert.deepEqual(r.opened && r.moved, { from: frame.lineNo, to: frame.lineNo! + 2 });
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, frame.lineNo! + 1);
  });

  it('an unmapped frame says why in its tooltip and links "Add Path Mapping…"', async () => {
    const a = await api();
    const { issue } = crashIn(a, '/src/db/pool.mjs');
    const provider = a.app.issues.provider;
    let unmapped: { node: FrameNode; reason: string } | undefined;
    // A frame a path mapping could fix (an absolute path outside the workspace, not a node: internal).
    for (const node of await frameRows(a, issue)) {
      const m = await a.app.framesFeature!.frames.map(node.frame, issue.projectSlug);
      if (!m.ok && canAddMapping(m)) {
        unmapped = { node, reason: m.reason };
        break;
      }
    }
    assert.ok(unmapped, 'the SDK event has frames outside the workspace that a mapping could fix (node_modules)');
    const item = await provider.getTreeItem(unmapped.node);
    assert.equal(item.tooltip, undefined, 'the tooltip is resolved on hover');
    const resolved = await provider.resolveTreeItem(item, unmapped.node);
    const md = resolved.tooltip;
    assert.ok(md instanceof vscode.MarkdownString);
    assert.match(md.value, /^\*\*Not mapped to a local file:\*\* /);
    // The reason's words are there (escaped for markdown).
    const firstWords = unmapped.reason
      .split(/\s+/)
      .slice(0, 3)
      .map((w) => w.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&'))
      .join(' ');
    assert.ok(md.value.includes(firstWords), `${md.value} contains ${firstWords}`);
    assert.deepEqual(md.isTrusted, { enabledCommands: ['sentryRca.addPathMapping'] });
    assert.match(md.value, /\[Add Path Mapping…\]\(command:sentryRca\.addPathMapping\?/);
  });

  it('shows a CodeLens and a hover on the crashing line of src/db/pool.mjs', async () => {
    const a = await api();
    const { issue, frame } = crashIn(a, '/src/db/pool.mjs');
    const uri = vscode.Uri.file(join(ws, 'src', 'db', 'pool.mjs'));
    await vscode.window.showTextDocument(uri);
    const lens = await waitFor(
      'the crash-site CodeLens',
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        return lenses.find(
          (l) => l.command?.command === 'sentryRca.diagnoseIssue' && l.command.arguments?.[0] === issue.id,
        );
      },
      20_000,
    );
    assert.equal(lens.range.start.line, frame.lineNo! - 1);
    assert.match(
      lens.command!.title,
      /^⚠ .+ · [\d.]+[kMB]? events? · (just now|\d+ (min|h|days|weeks|months) ago|yesterday)$/,
    );
    assert.ok(lens.command!.title.includes(issue.title.slice(0, 40)), lens.command!.title);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(frame.lineNo! - 1, 0),
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.ok(text.includes(issue.shortId.replace(/-/g, '\\-')), text);
    assert.ok(text.includes(`command:sentryRca.openInSentry?${encodeURIComponent(JSON.stringify([issue.id]))}`), text);
    assert.ok(text.includes(`command:sentryRca.diagnoseIssue?${encodeURIComponent(JSON.stringify([issue.id]))}`), text);
    // Lenses sit only on lines some synced issue crashed on.
    const crashLines = new Set(
      a.app.store
        .issues()
        .map((i) => a.app.store.events(i.id)[0])
        .map((e) => e && crashFrame(e))
        .filter((f) => f?.absPath?.endsWith('/src/db/pool.mjs'))
        .map((f) => f!.lineNo! - 1),
    );
    const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = all.filter((l) => l.command?.title.startsWith('⚠'));
    assert.ok(ours.length >= 1);
    assert.ok(
      ours.every((l) => crashLines.has(l.range.start.line)),
      JSON.stringify(ours.map((l) => l.range.start.line)),
    );
  });

  it('lists the crash site in the Problems panel only when sentryRCA.editor.problems is on', async () => {
    const a = await api();
    const { issue, frame } = crashIn(a, '/src/db/pool.mjs');
    const uri = vscode.Uri.file(join(ws, 'src', 'db', 'pool.mjs'));
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Sentry');
    assert.equal(ours().length, 0, 'off by default');
    await setSetting('editor.problems', true);
    const diag = await waitFor('a Sentry diagnostic', () => ours().find((d) => d.code === issue.shortId), 20_000);
    assert.equal(diag.range.start.line, frame.lineNo! - 1);
    assert.ok(diag.message.startsWith(`${issue.shortId}: `), diag.message);
    await setSetting('editor.problems', false);
    await waitFor('the diagnostics to go', () => ours().length === 0);
  });
});
