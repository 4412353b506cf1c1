import * as vscode from 'vscode';
import { DisposableBase } from '../../core/common/lifecycle';
import type { IssueTreeModel } from './issueTreeModel';
import { FrameNode, type FrameDetails } from './nodes/frameNode';
import { IssueNode } from './nodes/issueNode';
import { ProjectNode } from './nodes/projectNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';

/** Maps the model to tree rows and nothing else: the model owns data, filters and change events. */
export class IssuesTreeProvider extends DisposableBase implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined | void>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly ctx: TreeContext;

  constructor(
    readonly model: IssueTreeModel,
    now: () => number = Date.now,
    eventsState: TreeContext['eventsState'] = () => 'ready',
  ) {
    super();
    this.ctx = { model, now, eventsState };
    this.register(model.onDidChange(() => this.changed.fire()));
  }

  /** Set by the frames feature: completes a frame row's tooltip with where it opens, or why not. */
  frameDetails: FrameDetails | undefined;

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = node.getTreeItem();
    // Left empty so VS Code asks resolveTreeItem on hover: frames are mapped only when looked at.
    if (this.frameDetails && node instanceof FrameNode) item.tooltip = undefined;
    return item;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
    const details = this.frameDetails;
    if (!details || !(node instanceof FrameNode)) return item;
    try {
      item.tooltip = await node.resolveTooltip(details);
    } catch {
      // Mapping failed unexpectedly (the frames feature logs it); the frame's own tooltip still helps.
      item.tooltip = node.getTreeItem().tooltip;
    }
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.getChildren();
    return this.model.projectGroups().map((g) => new ProjectNode(this.ctx, g));
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** The row of an issue as the view shows it now, or undefined when the filters hide it. */
  issueNode(issueId: string): TreeNode | undefined {
    for (const project of this.getChildren())
      for (const node of project.getChildren()) if (node instanceof IssueNode && node.issue.id === issueId) return node;
    return undefined;
  }

  refresh(): void {
    this.changed.fire();
  }
}
