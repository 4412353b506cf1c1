import * as vscode from 'vscode';
import { ContextValues } from '../../ids';
import { describeProject } from '../issueTreeFormat';
import type { ProjectGroup } from '../issueTreeModel';
import { IssueNode } from './issueNode';
import { toTreeItem, type TreeContext, type TreeNode } from './treeNode';

export class ProjectNode implements TreeNode {
  readonly parent = undefined;

  constructor(
    private readonly ctx: TreeContext,
    readonly group: ProjectGroup,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const { project, issues, total } = this.group;
    return toTreeItem(describeProject(project, issues.length, total), {
      id: `project:${project.id}`,
      contextValue: ContextValues.project,
      collapsible: issues.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    });
  }

  /** Built when the project is expanded; 10k issues become 10k light objects, TreeItems only on demand. */
  getChildren(): TreeNode[] {
    return this.group.issues.map((issue) => new IssueNode(this.ctx, issue, this));
  }
}
