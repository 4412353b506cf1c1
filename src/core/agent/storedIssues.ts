/**
 * Reads of the local store shaped for an agent — the MCP server's tools and VS Code's agent-mode tools
 * both use them: find an issue by id or short id (with an error that says what to do), search the
 * stored issues by text, level, project and status a page at a time, an issue's facts with its stored
 * events, and the frames of an event mapped to workspace files.
 */
import { RcaError } from '../common/errors';
import type { FrameMapping } from '../frames/frameMapper';
import { levelRank, type StoredEvent, type StoredFrame, type StoredIssue } from '../store/model';
import { quoted } from './resultText';

/** The store reads the tools need (the IssueStore and the host's StoreHandle both have them). */
export interface AgentStore {
  findIssue(idOrShortId: string): StoredIssue | undefined;
  issues(): StoredIssue[];
  /** Newest first. */
  events(issueId: string): StoredEvent[];
}

/** How the caller names things in its hints: the list tool and the way to sync. */
export interface ToolHints {
  /** e.g. `list_issues` (MCP) or `sentry_rca_issues` (agent mode). */
  listTool: string;
  /** e.g. `run \`sentry-rca sync\`` or `run "Sentry RCA: Sync Now"`. */
  sync: string;
}

export const LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
export const STATUSES = ['unresolved', 'resolved', 'ignored', 'all'] as const;
export type IssueStatusFilter = (typeof STATUSES)[number];

export function findIssueOrThrow(store: AgentStore, id: string, hints: ToolHints): StoredIssue {
  const issue = store.findIssue(id.trim());
  if (issue) return issue;
  const count = store.issues().length;
  throw new RcaError(
    'usage',
    `Issue ${quoted(id)} is not in the store.`,
    count ? `Call ${hints.listTool} to see the ${count} stored issues.` : `The store is empty: ${hints.sync} first.`,
  );
}

/** The stored event `eventId` of the issue, or its latest; a usage error naming the stored ones otherwise. */
export function pickEvent(store: AgentStore, issue: StoredIssue, eventId: string | undefined, hints: ToolHints) {
  const events = store.events(issue.id);
  const event = eventId ? events.find((e) => e.id === eventId) : events[0];
  if (event) return event;
  throw new RcaError(
    'usage',
    eventId
      ? `Event ${quoted(eventId)} of ${issue.shortId} is not in the store.`
      : `No events of ${issue.shortId} are stored.`,
    events.length
      ? `Stored events: ${events
          .slice(0, 10)
          .map((e) => e.id)
          .join(', ')}.`
      : `${hints.sync[0]!.toUpperCase()}${hints.sync.slice(1)} to fetch events.`,
  );
}

export interface IssueSearch {
  /** Case-insensitive text to find in the short id, title or culprit. */
  query?: string | undefined;
  project?: string | undefined;
  minLevel?: (typeof LEVELS)[number] | undefined;
  /** Default `unresolved`. */
  status?: IssueStatusFilter | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface IssueRow {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: string;
  project: string;
  count: number;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  storedEvents: number;
}

export interface IssuePage {
  total: number;
  offset: number;
  shown: number;
  /** Pass as `offset` for the next page; null on the last one. */
  nextOffset: number | null;
  issues: IssueRow[];
}

/** Matching issues, most recently seen first, one page (default 50) from `offset`. */
export function searchIssues(store: AgentStore, s: IssueSearch, defaultLimit = 50): IssuePage {
  const q = s.query?.trim().toLowerCase();
  const min = s.minLevel ? levelRank(s.minLevel) : 0;
  const status = s.status ?? 'unresolved';
  const all = store
    .issues()
    .filter((i) => status === 'all' || i.status === status)
    .filter((i) => !s.project || i.projectSlug === s.project)
    .filter((i) => levelRank(i.level) >= min)
    .filter((i) => !q || `${i.shortId}\n${i.title}\n${i.culprit}`.toLowerCase().includes(q))
    .sort((x, y) => y.lastSeen.localeCompare(x.lastSeen));
  const offset = Math.max(0, s.offset ?? 0);
  const shown = all.slice(offset, offset + (s.limit ?? defaultLimit));
  return {
    total: all.length,
    offset,
    shown: shown.length,
    nextOffset: offset + shown.length < all.length ? offset + shown.length : null,
    issues: shown.map((i) => issueRow(i, store.events(i.id).length)),
  };
}

/** One issue as a row of a list (`sentry-rca issues --json` adds its permalink and latest event). */
export function issueRow(i: StoredIssue, storedEvents: number): IssueRow {
  return {
    id: i.id,
    shortId: i.shortId,
    title: i.title,
    culprit: i.culprit,
    level: i.level,
    status: i.status,
    project: i.projectSlug,
    count: i.count,
    userCount: i.userCount,
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    storedEvents,
  };
}

/** An issue's stored facts and a summary line per stored event, newest first. */
export function issueFacts(store: AgentStore, issue: StoredIssue, extra: Record<string, unknown> = {}) {
  const events = store.events(issue.id);
  return {
    issue: { ...issue, stats24h: undefined, ...extra },
    latestEventId: events[0]?.id ?? null,
    events: events.map((e) => ({
      id: e.id,
      timestamp: e.timestamp,
      level: e.level,
      release: e.release,
      environment: e.environment,
      message: e.message,
      exception: e.exceptions.at(-1) ? `${e.exceptions.at(-1)!.type}: ${e.exceptions.at(-1)!.value}` : null,
    })),
  };
}

export interface MappedFrameRow {
  exception: string;
  function: string | null;
  /** The frame's own file as Sentry sent it. */
  file: string | null;
  line: number | null;
  inApp: boolean;
  /** `path:line` relative to the workspace when the frame maps; null otherwise. */
  local: string | null;
  /** Why it does not map (null when mapped). */
  reason: string | null;
}

/**
 * The event's frames, innermost (the crash) first, each mapped by `map` (the window's or the run's
 * FrameMapper). `relativeTo` turns a mapped absolute path into the workspace-relative form. At most
 * `max` frames; library frames beyond the first few are left out first.
 */
export async function mapEventFrames(
  event: StoredEvent,
  project: string,
  map: (frame: StoredFrame, project: string) => Promise<FrameMapping>,
  relativeTo: (absPath: string) => string,
  max = 40,
): Promise<{ frames: MappedFrameRow[]; omitted: number }> {
  const all: Array<{ frame: StoredFrame; exception: string }> = [];
  for (const ex of [...event.exceptions].reverse())
    for (const frame of [...ex.frames].reverse()) all.push({ frame, exception: ex.type });
  const keep = all.filter((x, i) => x.frame.inApp || i < 5).slice(0, max);
  const rows: MappedFrameRow[] = [];
  for (const { frame, exception } of keep) {
    const m = await map(frame, project);
    rows.push({
      exception,
      function: frame.function,
      file: frame.filename ?? frame.absPath,
      line: frame.lineNo,
      inApp: frame.inApp,
      local: m.ok ? `${relativeTo(m.path)}:${m.line}` : null,
      reason: m.ok ? null : m.reason,
    });
  }
  return { frames: rows, omitted: all.length - rows.length };
}
