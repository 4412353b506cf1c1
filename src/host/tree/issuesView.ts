import * as vscode from 'vscode';
import { DisposableBase, toDisposable } from '../../core/common/lifecycle';
import { ContextKeys, StateKeys, Views } from '../ids';
import { IssuesTreeProvider } from './issuesTreeProvider';
import { toViewState, type IssueSource, IssueTreeModel, type TreeViewState } from './issueTreeModel';
import type { TreeNode } from './nodes/treeNode';

const SORT_LABELS = { lastSeen: 'last seen', count: 'event count', level: 'level' } as const;

/**
 * The "Issues" view of the Sentry container: owns the model, the provider and the TreeView, keeps
 * the view's description and empty message in step with the filters, and remembers sort and filters
 * per workspace.
 */
export class IssuesView extends DisposableBase {
  readonly model: IssueTreeModel;
  readonly provider: IssuesTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(store: IssueSource, private readonly state: vscode.Memento) {
    super();
    this.model = this.register(new IssueTreeModel(store, toViewState(state.get(StateKeys.treeView))));
    this.provider = this.register(new IssuesTreeProvider(this.model));
    this.view = this.register(vscode.window.createTreeView(Views.issues, { treeDataProvider: this.provider, showCollapseAll: true }));
    this.register(this.model.onDidChange(() => this.updateChrome()));
    this.updateChrome();
    // "5m ago" ages: re-render the rows while the view is on screen. Only shown rows are asked again;
    // the model's cache stays, so this costs a few TreeItems a minute.
    const tick = setInterval(() => { if (this.view.visible) this.provider.refresh(); }, 60_000);
    this.register(toDisposable(() => clearInterval(tick)));
  }

  async setViewState(patch: Partial<TreeViewState>): Promise<void> {
    this.model.setState(patch);
    await this.state.update(StateKeys.treeView, this.model.state);
  }

  private updateChrome(): void {
    const s = this.model.state;
    const filters: string[] = [];
    if (s.minLevel) filters.push(`≥ ${s.minLevel}`);
    if (s.project) filters.push(s.project);
    if (s.text.trim()) filters.push(`"${s.text.trim()}"`);
    const total = this.model.totalCount();
    this.view.description = filters.length ? `${filters.join(' · ')} · by ${SORT_LABELS[s.sort]}` : s.sort !== 'lastSeen' ? `by ${SORT_LABELS[s.sort]}` : undefined;
    this.view.message = total > 0 && this.model.visibleCount() === 0 ? `No issue matches the filters (${total} stored). Clear them from the view's title bar.` : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.filtered, this.model.isFiltered);
  }
}
