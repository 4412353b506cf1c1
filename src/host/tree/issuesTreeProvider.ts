import * as vscode from 'vscode';
import { DisposableBase, toDisposable } from '../../core/common/lifecycle';
import type { IssueTreeModel, ProjectGroup } from './issueTreeModel';
import { FrameNode, type FrameDetails } from './nodes/frameNode';
import { IssueNode } from './nodes/issueNode';
import { ProjectNode } from './nodes/projectNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';
import { changedRows, LookCache, lookHash, NodeCache, ShownRows, type RowReader, type TreeChange } from './treeChanges';

/** How long model changes are gathered into one tree update (a sync writes the store several times). */
const COALESCE_MS = 50;

/**
 * Maps the model to tree rows and nothing else: the model owns data, filters and change events. A
 * change refreshes only the rows that show differently (treeChanges.ts), so a click on a row that did
 * not change is never lost to a re-render; the node objects stay the same across refreshes.
 */
export class IssuesTreeProvider extends DisposableBase implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | TreeNode[] | undefined | void>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly ctx: TreeContext;
  private readonly shown = new ShownRows();
  private readonly looks = new LookCache();
  private readonly projects: NodeCache<ProjectGroup, ProjectNode>;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private readonly reader: RowReader<TreeNode> = {
    id: (node) => node.id,
    look: (node) => this.looks.look(node.id, node.lookKey?.(), () => lookOf(this.itemOf(node))),
    children: (node) => (node ? node.getChildren() : this.roots()),
  };

  constructor(
    readonly model: IssueTreeModel,
    now: () => number = Date.now,
    eventsState: TreeContext['eventsState'] = () => 'ready',
  ) {
    super();
    this.ctx = { model, now, eventsState };
    this.projects = new NodeCache(
      (g) => g.project.id,
      (g) => new ProjectNode(this.ctx, g),
      (node, g) => (node.group = g),
    );
    this.register(model.onDidChange(() => this.update()));
    this.register(toDisposable(() => clearTimeout(this.pending)));
  }

  /** Set by the frames feature: completes a frame row's tooltip with where it opens, or why not. */
  frameDetails: FrameDetails | undefined;

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = this.itemOf(node);
    this.shown.item(
      node.id,
      this.looks.look(node.id, node.lookKey?.(), () => lookOf(item)),
    );
    return item;
  }

  private itemOf(node: TreeNode): vscode.TreeItem {
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
    const children = node ? node.getChildren() : this.roots();
    this.shown.children(
      node?.id,
      children.map((c) => c.id),
    );
    return children;
  }

  private roots(): ProjectNode[] {
    return this.projects.list(this.model.projectGroups());
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** The row of an issue as the view shows it now, or undefined when the filters hide it. */
  issueNode(issueId: string): TreeNode | undefined {
    for (const project of this.roots())
      for (const node of project.getChildren()) if (node instanceof IssueNode && node.issue.id === issueId) return node;
    return undefined;
  }

  /**
   * Refreshes the rows that show differently from what VS Code was given (after a store, view-state,
   * loading-state change, or as time passes), gathering a burst of changes into one update.
   */
  update(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.updateNow();
    }, COALESCE_MS);
  }

  /** Refreshes the changed rows now; returns what it fired (tests and the benchmark read it). */
  updateNow(): TreeChange<TreeNode> {
    clearTimeout(this.pending);
    this.pending = undefined;
    const change = changedRows(this.shown, this.reader);
    if (change.all) this.refresh();
    else if (change.rows.length) {
      for (const node of change.rows) this.shown.refreshed(node.id, this.reader.look(node));
      this.changed.fire(change.rows);
    }
    return change;
  }

  /** Every row again: for what no row's look says (frame tooltips resolved on hover, after new path mappings). */
  refresh(): void {
    this.shown.clear();
    this.looks.clear();
    this.changed.fire();
  }
}

/** What a row shows, hashed: label, description, tooltip, icon, state, and what a click runs. */
function lookOf(item: vscode.TreeItem): number {
  const label = typeof item.label === 'string' ? item.label : item.label?.label;
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
  const icon = item.iconPath instanceof vscode.ThemeIcon ? [item.iconPath.id, item.iconPath.color?.id] : null;
  return lookHash(
    JSON.stringify([
      label,
      item.description,
      tooltip,
      icon,
      item.collapsibleState,
      item.contextValue,
      item.command?.command,
    ]),
  );
}
