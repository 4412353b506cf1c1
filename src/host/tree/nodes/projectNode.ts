import * as vscode from 'vscode';
import type { StoredIssue } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import { describeProject } from '../issueTreeFormat';
import type { ProjectGroup } from '../issueTreeModel';
import { IssueNode } from './issueNode';
import { NodeCache } from '../treeChanges';
import { toTreeItem, type TreeContext, type TreeNode } from './treeNode';

export class ProjectNode implements TreeNode {
  readonly parent = undefined;
  readonly id: string;
  private readonly issues = new NodeCache<StoredIssue, IssueNode>(
    (issue) => issue.id,
    (issue) => new IssueNode(this.ctx, issue, this),
    (node, issue) => (node.issue = issue),
  );

  constructor(
    private readonly ctx: TreeContext,
    /** Replaced by the provider when the model regroups (the node object stays). */
    public group: ProjectGroup,
  ) {
    this.id = `project:${group.project.id}`;
  }

  getTreeItem(): vscode.TreeItem {
    const { project, issues, total } = this.group;
    return toTreeItem(describeProject(project, issues.length, total), {
      id: this.id,
      contextValue: ContextValues.project,
      collapsible: issues.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    });
  }

  /** Built when the project is expanded; 10k issues become 10k light objects, TreeItems only on demand. */
  getChildren(): TreeNode[] {
    return this.issues.list(this.group.issues);
  }
}
