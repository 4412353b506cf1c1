/**
 * The narrow views of other modules that an investigation needs. The store, the frame mapper and the SSH
 * log fetcher each satisfy one of these through a small adapter (see adapters.ts), so the investigation
 * and its tests do not depend on how those modules are built.
 */
import type { StoredEvent, StoredFrame, StoredIssue } from '../store/model';
import type { BlameLine, GitRunner } from '../history/gitHistory';
import type { ReleaseLookup } from '../history/release';
import type { Resolved } from './workspaceFiles';

/** Fetches the issue's newest event from Sentry (used when the stored events are older than its last sighting). */
export type LatestEventFetcher = (issue: StoredIssue, signal?: AbortSignal) => Promise<StoredEvent | null>;

/** Read access to synced issues and their events. */
export interface IssueSource {
  getIssue(issueId: string): StoredIssue | undefined;
  /** Stored events of one issue, newest first. */
  getEvents(issueId: string): StoredEvent[];
  /** Every stored issue in every synced project (for related-issue detection). */
  listIssues(): StoredIssue[];
}

export type ResolvedFrame = { path: string; line: number; column: number | null } | { reason: string };

/** Maps a Sentry frame to a workspace file; `path` is absolute. `project` is the Sentry project slug. */
export interface FrameResolver {
  resolve(frame: StoredFrame, project?: string): ResolvedFrame | Promise<ResolvedFrame>;
}

export interface TimeWindow {
  since: Date;
  until: Date;
}

/** One log line as fetched; the timestamp is parsed later by the investigation. */
export interface FetchedLogs {
  host: string;
  /** Which recipe produced it, e.g. `file:/var/log/app.log` or `journal:api`. */
  source: string;
  /** `ok`, or what went wrong in the log module's words (`unreachable`, `auth-failed`, `timeout`, `no-such-file`…). */
  status: string;
  /** Why the status is not ok, in words the user can act on. */
  message?: string;
  lines: string[];
  /** Parallel to `lines`: the time the log module parsed from each line (ISO), when it did. */
  times?: Array<string | null>;
  truncated?: boolean;
  /** Exactly what ran on the host, for the panel. */
  command?: string;
}

export interface LogQuery {
  window: TimeWindow;
  /** Restrict to these configured hosts/sources (by name), when the AI asks for one. */
  host?: string;
  source?: string;
  /** Literal text to keep lines containing it; validated and quoted by the log module, never a shell fragment. */
  grep?: string;
  /** Event times: when output must be cut, the lines nearest these survive. */
  around?: Date[];
  /** Terms the log module may use to prefer lines when it cuts (exception type, trace id…). */
  markTerms?: string[];
}

/** Fetches logs only through the configured, validated recipes. */
export interface LogProvider {
  /** Configured `host` → `source` names, so the AI tool can refuse anything else before asking. */
  sources(): Array<{ host: string; source: string }>;
  fetch(query: LogQuery, signal?: AbortSignal): Promise<FetchedLogs[]>;
}

/** Workspace files, read only inside the workspace (WorkspaceFiles has it). */
export interface CodeFiles {
  resolve(requested: string): Promise<Resolved>;
  readLines(abs: string, start: number, end: number): Promise<{ lines: Array<[number, string]>; total: number }>;
}

/** The workspace's git (GitHistory has it): raw questions for the history module, plus line history. */
export interface RepoHistory extends GitRunner {
  blame(relPath: string, start: number, end: number, signal?: AbortSignal, sinceMs?: number): Promise<BlameLine[]>;
  logLines(
    relPath: string,
    start: number,
    end: number,
    maxCommits?: number,
    signal?: AbortSignal,
    sinceMs?: number,
  ): Promise<string>;
}

/** Everything an investigation reads from the outside world. */
export interface InvestigationDeps {
  issues: IssueSource;
  frames: FrameResolver;
  /** Absent when no log sources are configured. */
  logs?: LogProvider;
  /** Absolute workspace root; code, git and the AI's file tools stay inside it. */
  workspaceRoot: string;
  /** Absent offline (or without a token): the stored events are used as they are. */
  latestEvent?: LatestEventFetcher;
  /** The workspace's files and git history (see adapters.ts `workspaceAccess`). */
  files: CodeFiles;
  git: RepoHistory;
  /** Sentry's releases API; absent offline or when the token may not read releases. */
  releases?: ReleaseLookup;
}
