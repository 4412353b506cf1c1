import * as vscode from 'vscode';
import type { StoredEvent } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import type { RowDescriptor } from '../issueTreeFormat';
import { ExceptionNode, frameRowNodes } from './exceptionNode';
import { MessageNode } from './messageNode';
import { toTreeItem, type TreeContext, type TreeNode } from './treeNode';

export class EventNode implements TreeNode {
  readonly id: string;

  constructor(
    private readonly ctx: TreeContext,
    /** Both kept up to date by the issue node (the node object stays across refreshes). */
    public event: StoredEvent,
    readonly parent: TreeNode,
    /** Worded against the other events (describeEvents), so the row says what differs. */
    public row: RowDescriptor,
  ) {
    this.id = `event:${event.issueId}:${event.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    return toTreeItem(this.row, {
      id: this.id,
      contextValue: ContextValues.event,
      collapsible: vscode.TreeItemCollapsibleState.Collapsed,
    });
  }

  /** One exception: its frames directly. Chained exceptions: one node each, the one raised last first. */
  getChildren(): TreeNode[] {
    const excs = this.event.exceptions;
    const idBase = this.id;
    if (excs.length === 0)
      return [
        new MessageNode(
          this,
          `${idBase}:nostack`,
          this.event.message ? `No stack trace: ${this.event.message.slice(0, 200)}` : 'No stack trace in this event',
        ),
      ];
    if (excs.length === 1) return frameRowNodes(excs[0]!, `${idBase}:0`, this);
    return excs.map((exc, i) => new ExceptionNode(exc, i, excs.length, `${idBase}:${i}`, this)).reverse();
  }
}
