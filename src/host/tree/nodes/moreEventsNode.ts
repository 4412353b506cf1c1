import * as vscode from 'vscode';
import type { StoredIssue } from '../../../core/store/model';
import { Commands, ContextValues } from '../../ids';
import { describeMoreEvents } from '../eventRowFormat';
import { toTreeItem, type TreeNode } from './treeNode';

/**
 * `1 more event in Sentry…` under an issue's events when Sentry counted more than are stored (the sync
 * keeps the newest few per issue). Clicking it opens the issue's event list in Sentry.
 */
export class MoreEventsNode implements TreeNode {
  readonly id: string;

  constructor(
    /** Both kept up to date by the issue node (the node object stays across refreshes). */
    public issue: StoredIssue,
    public stored: number,
    readonly parent: TreeNode,
  ) {
    this.id = `issue:${issue.id}:more`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = toTreeItem(describeMoreEvents(this.issue, this.stored), {
      id: this.id,
      contextValue: ContextValues.moreEvents,
      collapsible: vscode.TreeItemCollapsibleState.None,
    });
    item.command = { command: Commands.openInSentry, title: 'Open Events in Sentry', arguments: [this] };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
