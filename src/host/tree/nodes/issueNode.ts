import * as vscode from 'vscode';
import type { StoredEvent, StoredIssue } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import { describeIssue, type RowDescriptor } from '../issueTreeFormat';
import { describeEvents, missingEventCount } from '../eventRowFormat';
import { EventNode } from './eventNode';
import { MessageNode } from './messageNode';
import { MoreEventsNode } from './moreEventsNode';
import { issueLookKey, NodeCache } from '../treeChanges';
import { toTreeItem, type TreeContext, type TreeNode } from './treeNode';

export class IssueNode implements TreeNode {
  readonly id: string;
  private readonly events = new NodeCache<{ event: StoredEvent; row: RowDescriptor }, EventNode>(
    ({ event }) => event.id,
    ({ event, row }) => new EventNode(this.ctx, event, this, row),
    (node, { event, row }) => {
      node.event = event;
      node.row = row;
    },
  );
  private readonly notes = new NodeCache<{ id: string; text: string; icon?: string }, MessageNode>(
    (m) => m.id,
    (m) => new MessageNode(this, m.id, m.text, m.icon),
    () => {},
  );
  private more: MoreEventsNode | undefined;

  constructor(
    private readonly ctx: TreeContext,
    /** Replaced by the project node when the store has a newer copy of the issue (the node object stays). */
    public issue: StoredIssue,
    readonly parent: TreeNode,
  ) {
    this.id = `issue:${issue.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const triage = { viewerId: this.ctx.model.viewerId, unavailable: this.ctx.model.triageUnavailable };
    return toTreeItem(describeIssue(this.issue, this.ctx.now(), this.ctx.eventsState(this.issue), triage), {
      id: this.id,
      contextValue: ContextValues.issue,
      collapsible: vscode.TreeItemCollapsibleState.Collapsed,
    });
  }

  lookKey(): string {
    const m = this.ctx.model;
    const minute = Math.floor(this.ctx.now() / 60_000);
    return issueLookKey(this.issue, this.ctx.eventsState(this.issue), m.viewerId, m.triageUnavailable, minute);
  }

  getChildren(): TreeNode[] {
    const events = this.ctx.model.events(this.issue.id);
    if (events.length === 0) {
      // Expanding the issue asked for its events (IssuesView); they replace this row when stored.
      if (this.ctx.eventsState(this.issue) !== 'ready')
        return this.notes.list([{ id: `${this.id}:loading`, text: 'Events loading…', icon: 'loading~spin' }]);
      return this.notes.list([{ id: `${this.id}:none`, text: 'No events synced for this issue yet' }]);
    }
    const rows: TreeNode[] = this.events.list(describeEvents(events, this.ctx.now()));
    if (missingEventCount(this.issue, events.length) > 0) {
      this.more ??= new MoreEventsNode(this.issue, events.length, this);
      this.more.issue = this.issue;
      this.more.stored = events.length;
      rows.push(this.more);
    }
    return rows;
  }
}
