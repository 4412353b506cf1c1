/**
 * "Open Frame" (clicking a frame in the tree) and "Add Path Mapping…" (for a frame that did not map).
 * Both take a FrameTarget (frameTarget.ts): the frame and its Sentry project, from a tree row or a tooltip link.
 */
import * as vscode from 'vscode';
import { RcaError } from '../../core/common/errors';
import type { FrameMapping } from '../../core/frames/frameMapper';
import { relocateLine } from '../../core/frames/relocateLine';
import { describeMapping, type PathMapping } from '../../core/frames/pathMappings';
import { CONFIG_SECTION, LEGACY_CONFIG_SECTION } from '../ids';
import { renamedLayers } from '../renamedSettings';
import { SettingKeys } from '../settings';
import { appendMapping, resolveFrameTarget, validateFrom, type FrameTarget, type OpenFrameResult } from './frameTarget';
import { canAddMapping, lineNote, localLocation } from './frameNote';
import type { WorkspaceFrames } from './workspaceFrames';

/** How long the opened line stays highlighted. */
const HIGHLIGHT_MS = 2_000;

export class FrameOpener implements vscode.Disposable {
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    // The find-match colour: the range-highlight colour "Go to Line" uses is too faint in dark themes to catch the eye.
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  });
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly frames: WorkspaceFrames) {}

  /** Opens the frame's file at its line and column, centred and briefly highlighted; or says why it cannot. */
  readonly open = async (arg?: unknown): Promise<OpenFrameResult> => {
    const target = resolveFrameTarget(arg);
    const mapped = await this.frames.map(target.frame, target.project);
    if (!mapped.ok) {
      void this.explainUnmapped(mapped, target);
      return { opened: false, reason: mapped.reason };
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(mapped.path));
    // The document is the truth (unsaved edits included, and a file watcher may not have reported
    // the latest save yet): check the frame's line against it rather than the mapper's cached text.
    // The mapping itself is memoised by the mapper, so it is copied, never changed.
    const rel = relocateLine(doc.getText(), target.frame);
    const { moved: _stale, ...rest } = mapped;
    const m =
      rel.status === 'unknown'
        ? mapped
        : { ...rest, line: rel.line, lineStatus: rel.status, ...(rel.moved ? { moved: rel.moved } : {}) };
    const pos = doc.validatePosition(new vscode.Position(m.line - 1, m.column - 1));
    const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    this.flash(editor, pos.line);
    const note = lineNote(m);
    if (note) {
      if (m.lineStatus === 'moved') void vscode.window.showInformationMessage(`Sentry RCA: ${note}`);
      else void vscode.window.showWarningMessage(`Sentry RCA: ${note}`);
    }
    return {
      opened: true,
      path: m.path,
      line: pos.line + 1,
      column: pos.character + 1,
      lineStatus: m.lineStatus,
      ...(m.moved ? { moved: m.moved } : {}),
    };
  };

  /**
   * Pre-fills a mapping from the frame's path prefix, lets the user adjust both sides, asks once
   * more, and appends it to the workspace's `sentryRCA.pathMappings`. Returns the mapping written.
   */
  readonly addPathMapping = async (arg?: unknown): Promise<PathMapping | undefined> => {
    const target = resolveFrameTarget(arg);
    const framePath = (target.frame.absPath || target.frame.filename || '').replace(/\\/g, '/');
    if (!framePath)
      throw new RcaError('usage', 'This frame has no file path to map.', 'Only frames with a file name can be mapped.');
    if (!vscode.workspace.workspaceFolders?.length)
      throw new RcaError(
        'usage',
        'Path mappings are workspace settings, and no folder is open.',
        "Open the project's folder first.",
      );
    const suggested = await this.frames.suggestMapping(target.frame, target.project);
    const from = await vscode.window.showInputBox({
      title: 'Add Path Mapping (1/2): the path prefix as Sentry shows it',
      prompt: `Frame path: ${framePath}`,
      value: suggested?.from ?? framePath.slice(0, framePath.lastIndexOf('/') + 1),
      ignoreFocusOut: true,
      validateInput: (v) => validateFrom(v, framePath),
    });
    if (from === undefined) return undefined;
    const to = await vscode.window.showInputBox({
      title: 'Add Path Mapping (2/2): the local folder it stands for',
      prompt: 'Use ${workspaceFolder}/ or ${workspaceFolder:name}/ so the setting works on every machine.',
      value: suggested?.to ?? '${workspaceFolder}/',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a folder, e.g. ${workspaceFolder}/'),
    });
    if (to === undefined) return undefined;
    const mapping: PathMapping = {
      from: from.trim(),
      to: to.trim(),
      ...(target.project ? { project: target.project } : {}),
    };
    const ok = await vscode.window.showInformationMessage(
      `Add the path mapping ${describeMapping(mapping)} to this workspace's settings?`,
      {
        modal: true,
        detail: 'It is tried before the automatic matching for every frame whose path starts with the prefix.',
      },
      'Add',
    );
    if (ok !== 'Add') return undefined;
    await writeMapping(mapping);
    // The settings change re-applies the mappings; say where the frame goes now.
    const m = await this.frames.map(target.frame, target.project);
    if (m.ok) void vscode.window.showInformationMessage(`Sentry RCA: the frame now opens ${localLocation(m)}.`);
    else
      void vscode.window.showWarningMessage(
        `Sentry RCA: the mapping was added, but the frame still does not map: ${m.reason}`,
      );
    return mapping;
  };

  private async explainUnmapped(m: Extract<FrameMapping, { ok: false }>, target: FrameTarget): Promise<void> {
    if (!canAddMapping(m)) {
      void vscode.window.showWarningMessage(`Sentry RCA: ${m.reason}`);
      return;
    }
    const pick = await vscode.window.showWarningMessage(`Sentry RCA: ${m.reason}`, 'Add Path Mapping…');
    if (pick) await this.addPathMapping(target);
  }

  private flash(editor: vscode.TextEditor, line: number): void {
    if (this.highlightTimer) clearTimeout(this.highlightTimer);
    editor.setDecorations(this.highlight, [new vscode.Range(line, 0, line, 0)]);
    this.highlightTimer = setTimeout(() => {
      this.highlightTimer = undefined;
      editor.setDecorations(this.highlight, []);
    }, HIGHLIGHT_MS);
  }

  dispose(): void {
    if (this.highlightTimer) clearTimeout(this.highlightTimer);
    this.highlight.dispose();
  }
}

/**
 * Appends to the workspace's own value (not the merged one Config reads), so user-level mappings are not
 * copied into it. A workspace still on the old name gets the list under the new name, without the old entry.
 */
export async function writeMapping(mapping: PathMapping): Promise<void> {
  const current = renamedLayers()(SettingKeys.pathMappings).workspaceValue;
  await vscode.workspace
    .getConfiguration(CONFIG_SECTION)
    .update(SettingKeys.pathMappings, appendMapping(current, mapping), vscode.ConfigurationTarget.Workspace);
  const legacy = vscode.workspace.getConfiguration(LEGACY_CONFIG_SECTION);
  if (legacy.inspect(SettingKeys.pathMappings)?.workspaceValue !== undefined)
    await legacy.update(SettingKeys.pathMappings, undefined, vscode.ConfigurationTarget.Workspace);
}
