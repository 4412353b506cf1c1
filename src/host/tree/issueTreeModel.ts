/**
 * What the issue tree shows, without the VS Code API: filtering, sorting and grouping by project,
 * cached until the store or the view state changes. The provider maps this to TreeItems; a plain-Node
 * benchmark and unit tests drive it directly.
 */
import { Emitter, type Event } from '../../core/common/emitter';
import { DisposableBase } from '../../core/common/lifecycle';
import {
  isLevel,
  levelRank,
  type Level,
  type StoredEvent,
  type StoredIssue,
  type StoredProject,
} from '../../core/store/model';

export const SORT_KEYS = ['lastSeen', 'count', 'level'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/**
 * Which issues by triage state: `open` (the default: unresolved, so resolved and archived issues leave
 * the tree), assigned to the token's user, unassigned, bookmarked, archived, resolved, or all.
 */
export const TRIAGE_FILTERS = [
  'open',
  'assignedToMe',
  'unassigned',
  'bookmarked',
  'archived',
  'resolved',
  'all',
] as const;
export type TriageFilter = (typeof TRIAGE_FILTERS)[number];

export interface TreeViewState {
  sort: SortKey;
  /** Show only issues at or above this level. */
  minLevel: Level | null;
  /** Show only this project (slug). */
  project: string | null;
  /** Case-insensitive text in title, culprit, short id or message. */
  text: string;
  /** Triage state shown (absent in states saved before triage: open). */
  show?: TriageFilter;
}

export const DEFAULT_VIEW_STATE: TreeViewState = {
  sort: 'lastSeen',
  minLevel: null,
  project: null,
  text: '',
  show: 'open',
};

/** Sanitises a persisted view state (it may come from an older version or be hand-edited). */
export function toViewState(v: unknown): TreeViewState {
  const o = (v && typeof v === 'object' ? v : {}) as Partial<Record<keyof TreeViewState, unknown>>;
  return {
    sort: (SORT_KEYS as readonly unknown[]).includes(o.sort) ? (o.sort as SortKey) : DEFAULT_VIEW_STATE.sort,
    minLevel: isLevel(o.minLevel) ? o.minLevel : null,
    project: typeof o.project === 'string' && o.project ? o.project : null,
    text: typeof o.text === 'string' ? o.text : '',
    show: (TRIAGE_FILTERS as readonly unknown[]).includes(o.show) ? (o.show as TriageFilter) : 'open',
  };
}

/** Whether an issue passes a triage filter; `viewerId` is the token's user (null: unknown). */
export function passesTriageFilter(issue: StoredIssue, show: TriageFilter, viewerId: string | null): boolean {
  switch (show) {
    case 'open':
      return issue.status === 'unresolved';
    case 'assignedToMe':
      return (
        issue.status === 'unresolved' &&
        viewerId !== null &&
        issue.assignedTo?.type === 'user' &&
        issue.assignedTo.id === viewerId
      );
    case 'unassigned':
      return issue.status === 'unresolved' && !issue.assignedTo;
    case 'bookmarked':
      return issue.isBookmarked === true;
    case 'archived':
      return issue.status === 'ignored';
    case 'resolved':
      return issue.status === 'resolved';
    case 'all':
      return true;
  }
}

/** The part of IssueStore the tree reads. */
export interface IssueSource {
  readonly onDidChange: Event<void>;
  projects(): StoredProject[];
  issues(): StoredIssue[];
  events(issueId: string): StoredEvent[];
}

export interface ProjectGroup {
  project: StoredProject;
  /** Issues that pass the filters, in display order. */
  issues: StoredIssue[];
  /** All stored issues of the project, before filters. */
  total: number;
}

export class IssueTreeModel extends DisposableBase {
  private readonly changed = this.register(new Emitter<void>());
  /** Fires when what the tree shows may have changed (store data or view state). */
  readonly onDidChange: Event<void> = this.changed.event;
  private cache: ProjectGroup[] | null = null;
  private viewState: TreeViewState;

  constructor(
    private readonly source: IssueSource,
    state: TreeViewState = DEFAULT_VIEW_STATE,
  ) {
    super();
    this.viewState = { ...state };
    this.register(source.onDidChange(() => this.invalidate()));
  }

  get state(): Readonly<TreeViewState> {
    return this.viewState;
  }

  get isFiltered(): boolean {
    return (
      this.viewState.minLevel !== null ||
      this.viewState.project !== null ||
      this.viewState.text.trim() !== '' ||
      (this.viewState.show ?? 'open') !== 'open'
    );
  }

  private viewer: string | null = null;
  private writeNote: string | null = null;

  /** The token's user id ("Assigned to me"), when known. */
  get viewerId(): string | null {
    return this.viewer;
  }

  /** Why triage actions are off (the token lacks event:write), shown in issue tooltips; null when they are on. */
  get triageUnavailable(): string | null {
    return this.writeNote;
  }

  setTriageContext(viewerId: string | null, unavailable: string | null): void {
    if (viewerId === this.viewer && unavailable === this.writeNote) return;
    this.viewer = viewerId;
    this.writeNote = unavailable;
    this.invalidate();
  }

  setState(patch: Partial<TreeViewState>): void {
    this.viewState = { ...this.viewState, ...patch };
    this.invalidate();
  }

  /** Projects with their filtered, sorted issues; projects with no stored issue are left out. */
  projectGroups(): ProjectGroup[] {
    this.cache ??= this.build();
    return this.cache;
  }

  group(projectId: string): ProjectGroup | undefined {
    return this.projectGroups().find((g) => g.project.id === projectId);
  }

  events(issueId: string): StoredEvent[] {
    return this.source.events(issueId);
  }

  /** Issues shown after filters, across projects. */
  visibleCount(): number {
    return this.projectGroups().reduce((n, g) => n + g.issues.length, 0);
  }

  totalCount(): number {
    return this.source.issues().length;
  }

  private invalidate(): void {
    this.cache = null;
    this.changed.fire();
  }

  private build(): ProjectGroup[] {
    const { sort, minLevel, project, text } = this.viewState;
    const show = this.viewState.show ?? 'open';
    const needle = text.trim().toLowerCase();
    const minRank = minLevel ? levelRank(minLevel) : 0;
    const byProject = new Map<string, { all: number; shown: StoredIssue[] }>();
    for (const issue of this.source.issues()) {
      let entry = byProject.get(issue.projectId);
      if (!entry) byProject.set(issue.projectId, (entry = { all: 0, shown: [] }));
      entry.all++;
      if (!passesTriageFilter(issue, show, this.viewer)) continue;
      if (project && issue.projectSlug !== project) continue;
      if (minRank && levelRank(issue.level) < minRank) continue;
      if (needle && !matches(issue, needle)) continue;
      entry.shown.push(issue);
    }
    const compare = comparator(sort);
    const known = new Map(this.source.projects().map((p) => [p.id, p]));
    const groups: ProjectGroup[] = [];
    for (const [projectId, { all, shown }] of byProject) {
      // A project whose issues are all resolved or archived (or filtered out) leaves the tree with them.
      if ((project || show !== 'all') && shown.length === 0) continue;
      const first = shown[0] ?? this.source.issues().find((i) => i.projectId === projectId);
      const p = known.get(projectId) ?? {
        id: projectId,
        slug: first?.projectSlug ?? projectId,
        name: first?.projectSlug ?? projectId,
        platform: null,
      };
      groups.push({ project: p, issues: shown.sort(compare), total: all });
    }
    return groups.sort((a, b) => a.project.slug.localeCompare(b.project.slug));
  }
}

function matches(issue: StoredIssue, needle: string): boolean {
  return (
    issue.title.toLowerCase().includes(needle) ||
    issue.shortId.toLowerCase().includes(needle) ||
    issue.culprit.toLowerCase().includes(needle) ||
    (issue.metadata.value?.toLowerCase().includes(needle) ?? false)
  );
}

/** ISO timestamps from Sentry vary in fraction digits, so they are compared as numbers, parsed once. */
const timeCache = new WeakMap<StoredIssue, number>();
function lastSeenMs(i: StoredIssue): number {
  let t = timeCache.get(i);
  if (t === undefined) {
    t = Date.parse(i.lastSeen) || 0;
    timeCache.set(i, t);
  }
  return t;
}

function comparator(sort: SortKey): (a: StoredIssue, b: StoredIssue) => number {
  const byTime = (a: StoredIssue, b: StoredIssue) => lastSeenMs(b) - lastSeenMs(a);
  switch (sort) {
    case 'count':
      return (a, b) => b.count - a.count || byTime(a, b);
    case 'level':
      return (a, b) => levelRank(b.level) - levelRank(a.level) || byTime(a, b);
    default:
      return byTime;
  }
}
