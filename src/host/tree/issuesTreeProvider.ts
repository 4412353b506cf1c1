import * as vscode from 'vscode';
import { DisposableBase } from '../../core/common/lifecycle';
import type { IssueTreeModel } from './issueTreeModel';
import { ProjectNode } from './nodes/projectNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';

/** Maps the model to tree rows and nothing else: the model owns data, filters and change events. */
export class IssuesTreeProvider extends DisposableBase implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined | void>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly ctx: TreeContext;

  constructor(readonly model: IssueTreeModel, now: () => number = Date.now) {
    super();
    this.ctx = { model, now };
    this.register(model.onDidChange(() => this.changed.fire()));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.getChildren();
    return this.model.projectGroups().map((g) => new ProjectNode(this.ctx, g));
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  refresh(): void {
    this.changed.fire();
  }
}
