/**
 * The issue "Diagnose Issue" means when run without an argument (palette, key binding): the issue of
 * the tree's selected row, else the issue whose crash site (CodeLens, hover) is on the cursor's line.
 */
import * as vscode from 'vscode';
import type { CrashSite } from '../../core/frames/crashSites';
import type { StoredIssue } from '../../core/store/model';
import { sitesByLine } from '../editor/crashSiteIndex';
import { issueOfSelection } from './diagnoseTarget';

export interface DiagnoseContextDeps {
  findIssue(idOrShortId: string): StoredIssue | undefined;
  /** The issue tree's selected rows. */
  treeSelection(): readonly unknown[];
  /** The crash-site index of the editor (absent until the frames feature has loaded). */
  crashSites(): { sitesIn(path: string): Promise<readonly CrashSite[]> } | undefined;
}

export async function currentIssue(deps: DiagnoseContextDeps): Promise<StoredIssue | undefined> {
  const selected = issueOfSelection(deps.treeSelection(), (id) => deps.findIssue(id));
  if (selected) return selected;
  const editor = vscode.window.activeTextEditor;
  const sites = deps.crashSites();
  if (!editor || !sites || editor.document.uri.scheme !== 'file') return undefined;
  // The busiest issue crashing on the cursor's line (the one its CodeLens lists first).
  const onLine = sitesByLine(await sites.sitesIn(editor.document.uri.fsPath)).get(editor.selection.active.line + 1);
  return onLine?.[0] ? deps.findIssue(onLine[0].issueId) : undefined;
}
