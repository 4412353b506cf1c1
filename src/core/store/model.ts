/**
 * What the store keeps: Sentry data trimmed to what the product uses. Shapes are plain JSON so the
 * store file is readable and the tree, frame mapper, investigation and CLI all read the same thing.
 */

export const LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
export type Level = (typeof LEVELS)[number];

/** Rank for filtering: higher is more severe; unknown levels rank with `error` (Sentry's default). */
export function levelRank(level: string | null | undefined): number {
  switch (level) {
    case 'fatal':
      return 5;
    case 'error':
      return 4;
    case 'warning':
      return 3;
    case 'info':
      return 2;
    case 'debug':
      return 1;
    case 'sample':
      return 1;
    default:
      return 4;
  }
}

export function isLevel(v: unknown): v is Level {
  return typeof v === 'string' && (LEVELS as readonly string[]).includes(v);
}

export interface StoredProject {
  id: string;
  slug: string;
  name: string;
  platform: string | null;
}

export interface StoredIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  permalink: string;
  level: string;
  status: string;
  substatus: string | null;
  platform: string | null;
  projectId: string;
  projectSlug: string;
  /** Events in the issue list's window (ISSUE_COUNT_PERIOD); Sentry sends `count` as a string, stored as a number. */
  count: number;
  /** Users in the same window. */
  userCount: number;
  /** All-time events and users (the list's `lifetime`), when Sentry sent them. */
  lifetimeCount?: number | null;
  lifetimeUserCount?: number | null;
  /** When the issue was first seen, ever (from `lifetime` when sent; the top-level value is the window's). */
  firstSeen: string;
  lastSeen: string;
  /** Exception type/value, and the culprit file/function, as Sentry derived them. */
  metadata: { type?: string; value?: string; filename?: string; function?: string; title?: string };
  isUnhandled: boolean;
  /** Events per hour over the last 24 h: `[epochSeconds, count]`, when Sentry sent stats. */
  stats24h: Array<[number, number]>;
  /** First release the issue was seen in, when known. */
  firstRelease: string | null;
  /** When this issue was last refreshed by a sync (ISO). */
  syncedAt: string;
  /**
   * The issue's `lastSeen` when its stored events were fetched; null when they never were. Events are
   * due when this differs from `lastSeen` (new issue, new events since, or a sync stopped before them).
   * Absent in stores written before progressive sync: then the stored events count as current.
   */
  eventsLastSeen?: string | null;
  /** Who the issue is assigned to (Sentry's `assignedTo` actor); absent when unassigned. */
  assignedTo?: IssueAssignee | null;
  /** The token's user bookmarked / is subscribed to the issue; absent means false. */
  isBookmarked?: boolean;
  isSubscribed?: boolean;
  /**
   * How the issue was resolved or archived, as Sentry says (`statusDetails`: `inNextRelease`,
   * `inRelease`, `ignoreUntilEscalating`, `ignoreUntil`, `ignoreCount`, `ignoreUserCount`…); absent when empty.
   */
  statusDetails?: Record<string, string | number | boolean>;
}

/** An issue's assignee (Sentry's ActorSerializer: `{type, id, name, email?}`). */
export interface IssueAssignee {
  type: 'user' | 'team';
  id: string;
  name: string;
  email?: string | null;
}

/** Archived in Sentry's words: status `ignored` (archived forever, until escalating, or until a condition). */
export function isArchived(issue: Pick<StoredIssue, 'status'>): boolean {
  return issue.status === 'ignored';
}

/** The window of the issue list's `count`/`userCount` (Sentry's default for the endpoint, sent explicitly). */
export const ISSUE_COUNT_PERIOD = '90d';

/** Whether an issue's events still have to be fetched (see `eventsLastSeen`). */
export function eventsDue(issue: StoredIssue, storedEvents: number): boolean {
  if (issue.status !== 'unresolved') return false;
  if (issue.eventsLastSeen === undefined) return storedEvents === 0;
  return issue.eventsLastSeen !== issue.lastSeen;
}

export interface StoredFrame {
  filename: string | null;
  absPath: string | null;
  module: string | null;
  package: string | null;
  platform: string | null;
  function: string | null;
  lineNo: number | null;
  colNo: number | null;
  inApp: boolean;
  /** Source lines around the frame as Sentry has them: `[lineNo, text]`. */
  context: Array<[number, string]>;
}

export interface StoredException {
  type: string;
  value: string;
  module: string | null;
  handled: boolean | null;
  mechanism: string | null;
  /** Oldest call first, crashing frame last (Sentry's order). */
  frames: StoredFrame[];
}

export interface StoredBreadcrumb {
  timestamp: string | null;
  type: string | null;
  category: string | null;
  level: string | null;
  message: string | null;
  data: Record<string, string> | null;
}

export interface StoredEvent {
  id: string;
  issueId: string;
  projectId: string;
  /** When the event happened (ISO). */
  timestamp: string;
  level: string;
  title: string;
  message: string;
  platform: string | null;
  environment: string | null;
  release: string | null;
  /** Chained exceptions oldest first; the last one is the one raised last. */
  exceptions: StoredException[];
  tags: Record<string, string>;
  /** The last breadcrumbs before the event (at most 30), oldest first. */
  breadcrumbs: StoredBreadcrumb[];
  traceId: string | null;
  requestId: string | null;
  request: { method: string | null; url: string | null } | null;
  /** One line per context: `runtime: node v20.1.0`, `os: Linux 6.1`… */
  contexts: Record<string, string>;
}

export interface SyncSummary {
  kind: 'full' | 'incremental';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  projects: number;
  issuesNew: number;
  issuesUpdated: number;
  issuesResolved: number;
  eventsAdded: number;
  requests: number;
  retries: number;
  /** Responses that were 429 (each was retried). */
  rateLimited: number;
  /** Events skipped because they were malformed, pagination anomalies… */
  warnings: string[];
  /** Unresolved issues stored, and how many have current events, when the sync ended. */
  issuesWithEvents?: number;
  issuesTotal?: number;
  /** Issues beyond the eager cap (`eagerEventIssues`), whose events are fetched when opened. */
  eventsOnDemand?: number;
}

export interface StoreMeta {
  baseUrl: string | null;
  org: string | null;
  /** API base actually used after region discovery. */
  regionUrl: string | null;
  /** Filters the stored data was synced with; a change means the next sync must be full. */
  filterKey: string | null;
  /** Start time of the last sync that completed (incremental syncs ask for changes since then). */
  lastSuccessfulSync: string | null;
  /** Start time of the last full sync (a full listing also finds issues resolved without new events). */
  lastFullSync: string | null;
  /**
   * Start time of the last sync whose issue listing was committed, finished or not; the next
   * incremental listing asks for changes since then. Absent in older stores (then lastSuccessfulSync).
   */
  lastListing?: string | null;
  lastSync: SyncSummary | null;
}

export interface StoreData {
  schemaVersion: number;
  /** Marks the file as ours, so a foreign JSON file is never taken for a store. */
  app: 'sentry-rca';
  meta: StoreMeta;
  projects: StoredProject[];
  issues: StoredIssue[];
  /** Newest first, capped per issue. */
  events: Record<string, StoredEvent[]>;
  /** Saved investigations by issue id (the investigation module owns the shape). */
  investigations: Record<string, unknown[]>;
}
