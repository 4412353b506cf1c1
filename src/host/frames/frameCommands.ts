/**
 * "Open Frame" (clicking a frame in the tree) and "Add Path Mapping…" (for a frame that did not map).
 * Both take a FrameTarget: the frame and its Sentry project, from a tree row or from a tooltip link.
 */
import * as vscode from 'vscode';
import { RcaError } from '../../core/common/errors';
import type { FrameMapping } from '../../core/frames/frameMapper';
import { describeMapping, type PathMapping } from '../../core/frames/pathMappings';
import type { StoredFrame } from '../../core/store/model';
import { CONFIG_SECTION } from '../ids';
import { canAddMapping, lineNote, localLocation } from './frameNote';
import type { WorkspaceFrames } from './workspaceFrames';

export interface FrameTarget {
  frame: StoredFrame;
  project: string | undefined;
}

/** What "Open Frame" did, returned to callers (tests, other commands). */
export type OpenFrameResult =
  | { opened: true; path: string; line: number; column: number; moved?: { from: number; to: number }; lineStatus: string }
  | { opened: false; reason: string };

/** The frame a command was invoked with: `{ frame, project }` (tree item, tooltip link) or a tree row with `.frame` and `.project`. */
export function resolveFrameTarget(arg: unknown): FrameTarget {
  if (arg && typeof arg === 'object' && 'frame' in arg) {
    const { frame, project } = arg as { frame: unknown; project?: unknown };
    if (frame && typeof frame === 'object') {
      const f = frame as Partial<StoredFrame>;
      // Tooltip links carry only the path fields; fill the rest so the mapper sees a whole frame.
      const full: StoredFrame = {
        filename: str(f.filename), absPath: str(f.absPath), module: str(f.module), package: str(f.package), platform: str(f.platform),
        function: str(f.function), lineNo: num(f.lineNo), colNo: num(f.colNo), inApp: f.inApp === true,
        context: Array.isArray(f.context) ? f.context.filter((c): c is [number, string] => Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'string') : [],
      };
      return { frame: full, project: typeof project === 'string' && project ? project : undefined };
    }
  }
  throw new RcaError('usage', 'No stack frame selected.', 'Run this from a frame in the Sentry view.');
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The path fields of a frame, small enough for a `command:` link in a tooltip. */
export function frameLinkArgs(t: FrameTarget): { frame: Partial<StoredFrame>; project: string | undefined } {
  const f = t.frame;
  return { frame: { filename: f.filename, absPath: f.absPath, module: f.module, package: f.package, platform: f.platform, lineNo: f.lineNo, colNo: f.colNo, inApp: f.inApp }, project: t.project };
}

/** How long the opened line stays highlighted. */
const HIGHLIGHT_MS = 1_500;

export class FrameOpener implements vscode.Disposable {
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  });
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly frames: WorkspaceFrames) {}

  /** Opens the frame's file at its line and column, centred and briefly highlighted; or says why it cannot. */
  readonly open = async (arg?: unknown): Promise<OpenFrameResult> => {
    const target = resolveFrameTarget(arg);
    const m = await this.frames.map(target.frame, target.project);
    if (!m.ok) {
      void this.explainUnmapped(m, target);
      return { opened: false, reason: m.reason };
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.path));
    const pos = doc.validatePosition(new vscode.Position(m.line - 1, m.column - 1));
    const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    this.flash(editor, pos.line);
    const note = lineNote(m);
    if (note) {
      if (m.lineStatus === 'moved') void vscode.window.showInformationMessage(`Sentry RCA: ${note}`);
      else void vscode.window.showWarningMessage(`Sentry RCA: ${note}`);
    }
    return { opened: true, path: m.path, line: pos.line + 1, column: pos.character + 1, lineStatus: m.lineStatus, ...(m.moved ? { moved: m.moved } : {}) };
  };

  /**
   * Pre-fills a mapping from the frame's path prefix, lets the user adjust both sides, asks once
   * more, and appends it to the workspace's `sentryRca.pathMappings`. Returns the mapping written.
   */
  readonly addPathMapping = async (arg?: unknown): Promise<PathMapping | undefined> => {
    const target = resolveFrameTarget(arg);
    const framePath = (target.frame.absPath || target.frame.filename || '').replace(/\\/g, '/');
    if (!framePath) throw new RcaError('usage', 'This frame has no file path to map.', 'Only frames with a file name can be mapped.');
    if (!vscode.workspace.workspaceFolders?.length) throw new RcaError('usage', 'Path mappings are workspace settings, and no folder is open.', 'Open the project\'s folder first.');
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
    const mapping: PathMapping = { from: from.trim(), to: to.trim(), ...(target.project ? { project: target.project } : {}) };
    const ok = await vscode.window.showInformationMessage(
      `Add the path mapping ${describeMapping(mapping)} to this workspace's settings?`,
      { modal: true, detail: 'It is tried before the automatic matching for every frame whose path starts with the prefix.' },
      'Add',
    );
    if (ok !== 'Add') return undefined;
    await writeMapping(mapping);
    // The settings change re-applies the mappings; say where the frame goes now.
    const m = await this.frames.map(target.frame, target.project);
    if (m.ok) void vscode.window.showInformationMessage(`Sentry RCA: the frame now opens ${localLocation(m)}.`);
    else void vscode.window.showWarningMessage(`Sentry RCA: the mapping was added, but the frame still does not map: ${m.reason}`);
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

/** The prefix must be non-empty and start the frame's path (else the mapping would not apply to it). */
export function validateFrom(from: string, framePath: string): string | undefined {
  const f = from.trim().replace(/\\/g, '/');
  if (!f) return 'Enter the start of the frame\'s path, e.g. /app/';
  const ci = /^[A-Za-z]:\//.test(f);
  const hay = ci ? framePath.toLowerCase() : framePath;
  if (!hay.startsWith(ci ? f.toLowerCase() : f)) return `The frame's path does not start with ${f}; the mapping would not apply to it.`;
  return undefined;
}

/** Existing mappings plus the new one, without a duplicate of the same from/to/project. */
export function appendMapping(existing: unknown, mapping: PathMapping): PathMapping[] {
  const list = Array.isArray(existing) ? (existing as PathMapping[]).filter((m) => m && typeof m === 'object') : [];
  const same = (m: PathMapping) => m.from === mapping.from && m.to === mapping.to && (m.project ?? '') === (mapping.project ?? '');
  return list.some(same) ? list : [...list, mapping];
}

async function writeMapping(mapping: PathMapping): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const current = config.inspect<unknown>('pathMappings');
  await config.update('pathMappings', appendMapping(current?.workspaceValue, mapping), vscode.ConfigurationTarget.Workspace);
}
