import * as vscode from 'vscode';
import type { StoredIssue } from '../../../core/store/model';
import type { EventsState, RowDescriptor } from '../issueTreeFormat';
import type { IssueTreeModel } from '../issueTreeModel';

/** What every row of the issue tree offers the provider. One class per node kind implements it. */
export interface TreeNode {
  readonly parent: TreeNode | undefined;
  /** The TreeItem id: the same for the same issue, event or frame across refreshes. */
  readonly id: string;
  getTreeItem(): vscode.TreeItem;
  getChildren(): TreeNode[];
  /** A cheap summary of what the row shows (treeChanges.ts LookCache); rows without one are described again. */
  lookKey?(): string;
}

export interface TreeContext {
  model: IssueTreeModel;
  now(): number;
  /** Whether an issue's events are here, loading, or fetched when opened (all 'ready' without a sync service). */
  eventsState(issue: StoredIssue): EventsState;
}

/** The one place a plain row descriptor becomes a TreeItem. */
export function toTreeItem(
  d: RowDescriptor,
  opts: { id: string; contextValue: string; collapsible: vscode.TreeItemCollapsibleState },
): vscode.TreeItem {
  const item = new vscode.TreeItem(d.label, opts.collapsible);
  item.id = opts.id;
  item.contextValue = opts.contextValue;
  if (d.description !== undefined) item.description = d.description;
  if (d.tooltip !== undefined) {
    const md = new vscode.MarkdownString(d.tooltip);
    // Links in tooltips are plain https links to Sentry; no command URIs from event data.
    md.isTrusted = false;
    md.supportHtml = false;
    item.tooltip = md;
  }
  if (d.icon)
    item.iconPath = new vscode.ThemeIcon(d.icon.id, d.icon.color ? new vscode.ThemeColor(d.icon.color) : undefined);
  return item;
}
