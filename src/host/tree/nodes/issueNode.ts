import * as vscode from 'vscode';
import type { StoredIssue } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import { describeIssue } from '../issueTreeFormat';
import { describeEvents, missingEventCount } from '../eventRowFormat';
import { EventNode } from './eventNode';
import { MessageNode } from './messageNode';
import { MoreEventsNode } from './moreEventsNode';
import { toTreeItem, type TreeContext, type TreeNode } from './treeNode';

export class IssueNode implements TreeNode {
  constructor(
    private readonly ctx: TreeContext,
    readonly issue: StoredIssue,
    readonly parent: TreeNode,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const triage = { viewerId: this.ctx.model.viewerId, unavailable: this.ctx.model.triageUnavailable };
    return toTreeItem(describeIssue(this.issue, this.ctx.now(), this.ctx.eventsState(this.issue), triage), {
      id: `issue:${this.issue.id}`,
      contextValue: ContextValues.issue,
      collapsible: vscode.TreeItemCollapsibleState.Collapsed,
    });
  }

  getChildren(): TreeNode[] {
    const events = this.ctx.model.events(this.issue.id);
    if (events.length === 0) {
      // Expanding the issue asked for its events (IssuesView); they replace this row when stored.
      if (this.ctx.eventsState(this.issue) !== 'ready')
        return [new MessageNode(this, `issue:${this.issue.id}:loading`, 'Events loading…', 'loading~spin')];
      return [new MessageNode(this, `issue:${this.issue.id}:none`, 'No events synced for this issue yet')];
    }
    const rows: TreeNode[] = describeEvents(events, this.ctx.now()).map(
      ({ event, row }) => new EventNode(this.ctx, event, this, row),
    );
    if (missingEventCount(this.issue, events.length) > 0)
      rows.push(new MoreEventsNode(this.issue, events.length, this));
    return rows;
  }
}
