import type { ReleaseInfo } from '../history/release';
import type { Skew } from '../history/skew';
import type { Suspect } from '../history/suspects';

/**
 * The evidence an investigation gathers for one issue: structured for the analyzer, the panel and
 * the CLI's JSON, and rendered (within a token budget) into the text the model receives.
 * Every string in here has already been through secret redaction.
 */

export interface IssueFacts {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: string;
  projectSlug: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
  userCount: number;
  /** The release the issue first appeared in, else the release of its oldest stored event. */
  release: string | null;
  environment: string | null;
  permalink: string;
}

export type TrendVerdict = 'rising' | 'steady' | 'falling' | 'unknown';

export interface TrendEvidence {
  /** Events per hour over the 24 h ending at `endsAt`: `[epochSeconds, count]`, oldest first. */
  hourly24h: Array<[number, number]>;
  /** Events per day over 14 days (from stored events, a sample when the store caps events). */
  daily14d: Array<[number, number]>;
  source: 'sentry-stats' | 'stored-events';
  endsAt: string;
  verdict: TrendVerdict;
  /** One sentence giving the numbers behind the verdict. */
  why: string;
  /** How the first occurrence relates to the release it appeared in; null when there is no release. */
  firstSeenVsRelease: string | null;
  /** Minutes between the release's first event in the store and this issue's first occurrence. */
  minutesAfterRelease: number | null;
}

export interface EventSummary {
  id: string;
  timestamp: string;
  release: string | null;
  environment: string | null;
  exception: string;
  message: string;
  traceId: string | null;
  request: string | null;
}

export interface CodeFrame {
  function: string | null;
  /** Workspace-relative, forward slashes. */
  path: string;
  line: number;
  column: number | null;
  inApp: boolean;
  /** Index in the exception's frame list (0 = oldest call); the crashing frame has the highest. */
  frameIndex: number;
  /** `[lineNo, text]` around `line`, from the workspace file. */
  excerpt: Array<[number, string]>;
}

export interface UnmappedFrame {
  function: string | null;
  filename: string | null;
  line: number | null;
  inApp: boolean;
  reason: string;
}

export interface Culprit {
  function: string | null;
  /** Workspace-relative when `mapped`, else the frame's own filename. */
  path: string;
  mapped: boolean;
  line: number;
  column: number | null;
  exceptionType: string;
  exceptionValue: string;
  /** Why this frame, in one sentence. */
  why: string;
}

export interface GitChange {
  commit: string;
  author: string;
  date: string;
  summary: string;
  path: string;
  /** Lines of the excerpt this commit last touched (from blame). */
  lines: number[];
  touchesCrashLine: boolean;
  /** Minutes from this commit to the issue's first occurrence: positive = before the issue appeared. */
  minutesBeforeFirstSeen: number;
}

export interface GitEvidence {
  available: boolean;
  /** Why there is no history (not a git repo, file untracked, git missing). */
  reason?: string;
  changes: GitChange[];
  /** `git log -L` output for the crash lines of the culprit, trimmed. */
  history: string;
}

export type LogPhase = 'before' | 'during' | 'after' | 'unknown';

export interface LogLineEvidence {
  text: string;
  /** ISO, when a timestamp could be parsed from the line. */
  time: string | null;
  phase: LogPhase;
  level: 'error' | 'warn' | 'info' | 'debug' | null;
  /** Why the line stands out: `exception-type`, `message`, `trace-id`, `request-id`, `error-level`. */
  marks: string[];
  /** Minutes from the first event in the window (negative = before). */
  minutesFromFirstEvent: number | null;
}

export interface HostLogEvidence {
  host: string;
  source: string;
  status: string;
  message?: string;
  totalLines: number;
  lines: LogLineEvidence[];
  counts: Record<LogPhase, number>;
  /** Warnings/errors or marked lines per phase: what "coincides" with the errors. */
  notable: Record<LogPhase, number>;
}

export interface RelatedIssue {
  id: string;
  shortId: string;
  title: string;
  projectSlug: string;
  firstSeen: string;
  relation: 'first-seen-in-window' | 'spiked-in-window';
  /** Minutes from this issue's start in the window to the related one's (negative = it began first). */
  minutesFromThis: number;
  /** Links beyond timing: a shared trace id, its service or host named in this issue's data, a dependency failure. */
  links: string[];
}

export interface BreadcrumbEvidence {
  timestamp: string | null;
  category: string | null;
  level: string | null;
  message: string;
}

export interface EvidenceSection {
  name: string;
  text: string;
  chars: number;
  tokens: number;
  /** What was left out to stay in budget, in words. */
  cut?: string;
}

export interface EvidenceBudget {
  limitTokens: number;
  usedTokens: number;
  sections: EvidenceSection[];
  cuts: string[];
}

/** The suspect commits of the release range, best first. */
export interface SuspectEvidence {
  /** How the range was chosen, e.g. `orders@2.3.0..orders@2.4.0`, or `14 days before first seen`. */
  range: string | null;
  rangeCommits: number;
  scanned: number;
  list: Suspect[];
  notes: string[];
}

/** What the git history says about the cause: the release's commit, suspects, and version skew. */
export interface HistoryEvidence {
  release: ReleaseInfo;
  suspects: SuspectEvidence;
  /** Null when the release has no commit or there is no git; `note` says why. */
  skew: Skew | null;
  skewNote: string | null;
}

export interface Evidence {
  issue: IssueFacts;
  /** Newest first. */
  events: EventSummary[];
  /** First and last event times among the stored events (ISO). */
  eventWindow: { first: string; last: string } | null;
  /** The window logs were fetched for. */
  logWindow: { since: string; until: string } | null;
  trend: TrendEvidence;
  culprit: Culprit | null;
  code: { frames: CodeFrame[]; unmapped: UnmappedFrame[] };
  git: GitEvidence;
  history: HistoryEvidence;
  logs: HostLogEvidence[];
  breadcrumbs: BreadcrumbEvidence[];
  /** Tag → values seen across the events, most frequent first, with counts. */
  tags: Record<string, Array<[string, number]>>;
  related: RelatedIssue[];
  budget: EvidenceBudget;
  /** Things the user should know about how the evidence was gathered (a refreshed event, a failed fetch). */
  notes: string[];
  /** The evidence text the model receives (the budgeted sections joined). */
  rendered: string;
  timings: Record<string, number>;
}
