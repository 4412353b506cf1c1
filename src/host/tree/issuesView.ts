import * as vscode from 'vscode';
import type { Event } from '../../core/common/emitter';
import { DisposableBase, toDisposable } from '../../core/common/lifecycle';
import { eventsDue, type StoredIssue } from '../../core/store/model';
import { ContextKeys, StateKeys, Views } from '../ids';
import { IssuesTreeProvider } from './issuesTreeProvider';
import { toViewState, type IssueSource, IssueTreeModel, type TreeViewState } from './issueTreeModel';
import type { EventsState } from './issueTreeFormat';
import { IssueNode } from './nodes/issueNode';
import type { TreeNode } from './nodes/treeNode';

/** The sync service as the tree sees it: which issues' events are on their way, and asking for them. */
export interface IssueEventsSource {
  isLoading(issueId: string): boolean;
  /** Fetches the issue's events now (jumping a running sync's queue); reports its own failures. */
  loadEvents(issueId: string): void;
  readonly onDidChangeLoading: Event<void>;
}

const SORT_LABELS = { lastSeen: 'last seen', count: 'event count', level: 'level' } as const;
const SHOW_LABELS = {
  open: 'open',
  assignedToMe: 'assigned to me',
  unassigned: 'unassigned',
  bookmarked: 'bookmarked',
  archived: 'archived',
  resolved: 'resolved',
  all: 'all statuses',
} as const;

/**
 * The "Issues" view of the Sentry container: owns the model, the provider and the TreeView, keeps
 * the view's description and empty message in step with the filters, and remembers sort and filters
 * per workspace.
 */
export class IssuesView extends DisposableBase {
  readonly model: IssueTreeModel;
  readonly provider: IssuesTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(
    store: IssueSource,
    private readonly state: vscode.Memento,
    private readonly events?: IssueEventsSource,
  ) {
    super();
    this.model = this.register(new IssueTreeModel(store, toViewState(state.get(StateKeys.treeView))));
    this.provider = this.register(new IssuesTreeProvider(this.model, Date.now, (issue) => this.eventsState(issue)));
    this.view = this.register(
      vscode.window.createTreeView(Views.issues, {
        treeDataProvider: this.provider,
        showCollapseAll: true,
        // Several issues at once for the triage actions (bulk requests).
        canSelectMany: true,
      }),
    );
    if (events) {
      this.register(events.onDidChangeLoading(() => this.provider.update()));
      // Expanding or selecting an issue whose events are not there yet fetches them first.
      this.register(this.view.onDidExpandElement((e) => this.wantEvents(e.element)));
      this.register(
        this.view.onDidChangeSelection((e) => {
          for (const node of e.selection) this.wantEvents(node);
        }),
      );
    }
    this.register(this.model.onDidChange(() => this.updateChrome()));
    this.updateChrome();
    // "5m ago" ages: re-render the rows whose age text changed while the view is on screen. Only rows
    // VS Code was given are looked at; the model's cache stays.
    const tick = setInterval(() => {
      if (this.view.visible) this.provider.update();
    }, 60_000);
    this.register(toDisposable(() => clearInterval(tick)));
  }

  /** 'ready' when the issue has events (or needs none), else whether they are loading or wait to be opened. */
  eventsState(issue: StoredIssue): EventsState {
    if (!this.events) return 'ready';
    const n = this.model.events(issue.id).length;
    if (n > 0 || !eventsDue(issue, n)) return 'ready';
    return this.events.isLoading(issue.id) ? 'loading' : 'onOpen';
  }

  /** An issue the user expands or selects jumps the queue (or is fetched now) when its events are not there. */
  private wantEvents(node: TreeNode): void {
    if (node instanceof IssueNode && this.events && this.eventsState(node.issue) !== 'ready')
      this.events.loadEvents(node.issue.id);
  }

  /** Reveals, selects and focuses an issue's row; says so when the view's filters hide it. */
  async revealIssue(issueId: string): Promise<boolean> {
    const node = this.provider.issueNode(issueId);
    if (!node) {
      void vscode.window.showInformationMessage(
        "Sentry RCA: the issue is hidden by the Issues view's filters; clear them to see it.",
      );
      return false;
    }
    await this.view.reveal(node, { select: true, focus: true, expand: false });
    return true;
  }

  async setViewState(patch: Partial<TreeViewState>): Promise<void> {
    this.model.setState(patch);
    await this.state.update(StateKeys.treeView, this.model.state);
  }

  private updateChrome(): void {
    const s = this.model.state;
    const filters: string[] = [];
    if (s.show && s.show !== 'open') filters.push(SHOW_LABELS[s.show]);
    if (s.minLevel) filters.push(`≥ ${s.minLevel}`);
    if (s.project) filters.push(s.project);
    if (s.text.trim()) filters.push(`"${s.text.trim()}"`);
    const total = this.model.totalCount();
    const description = filters.length
      ? `${filters.join(' · ')} · by ${SORT_LABELS[s.sort]}`
      : s.sort !== 'lastSeen'
        ? `by ${SORT_LABELS[s.sort]}`
        : undefined;
    const message =
      total > 0 && this.model.visibleCount() === 0
        ? this.model.isFiltered
          ? `No issue matches the filters (${total} stored). Clear them from the view's title bar.`
          : `No open issues: the ${total} stored are resolved or archived. "Show Issues…" in the title bar lists them.`
        : undefined;
    // Set only when they change: each set is a message to the workbench, which lays the view out again.
    if (this.view.description !== description) this.view.description = description;
    if (this.view.message !== message) this.view.message = message;
    if (this.filtered !== this.model.isFiltered) {
      this.filtered = this.model.isFiltered;
      void vscode.commands.executeCommand('setContext', ContextKeys.filtered, this.filtered);
    }
  }

  private filtered: boolean | undefined;
}
