/**
 * Every message between the investigation panel (webview) and the extension host, declared once.
 * The webview sends `ready` first; the host answers with `init` and replays the current state.
 * Requests that expect an answer carry a `requestId`; streamed messages carry the `runId` of the run
 * they belong to, so output of a stopped run never lands in a new one.
 * Both sides validate what they receive with the guards below: the webview renders untrusted text,
 * and the host must not act on a malformed message.
 */

export type Phase = 'collecting' | 'analyzing' | 'ai' | 'done' | 'error' | 'cancelled';
export type LogPhase = 'before' | 'during' | 'after' | 'unknown';

export interface IssueHeader {
  id: string;
  shortId: string;
  title: string;
  level: string;
  status: string;
  projectSlug: string;
  count: number;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  release: string | null;
  environment: string | null;
  permalink: string;
}

export interface TrendView {
  verdict: 'rising' | 'steady' | 'falling' | 'unknown';
  why: string;
  /** `[epochSeconds, count]`, oldest first. */
  hourly24h: Array<[number, number]>;
  daily14d: Array<[number, number]>;
  firstSeenVsRelease: string | null;
}

export interface EvidenceSectionView {
  name: string;
  text: string;
  chars: number;
  tokens: number;
  cut?: string;
}

export interface SentMessageView {
  role: string;
  chars: number;
  /** Exactly what the model received (already redacted). */
  content: string;
}

export interface LogLineView {
  text: string;
  time: string | null;
  phase: LogPhase;
  marks: string[];
}

export interface HostLogsView {
  host: string;
  source: string;
  status: string;
  message?: string;
  totalLines: number;
  counts: Record<LogPhase, number>;
  lines: LogLineView[];
}

export interface ToolCallView {
  id: string;
  step: number;
  name: string;
  args: string;
  status: 'running' | 'ok' | 'error' | 'refused';
  resultChars: number;
  sentChars: number;
  truncated: boolean;
  preview: string;
  durationMs: number;
}

export interface SuspectView {
  /** 12-character SHA. */
  commit: string;
  summary: string;
  author: string;
  date: string;
  files: string[];
  score: number;
  why: string[];
  cites: Array<{ path: string; line: number; text: string }>;
}

/** The release, its suspect commits and version skew, for the "Suspect commits" section. */
export interface HistoryView {
  release: { version: string | null; commit: string | null; previousVersion: string | null; resolvedBy: string | null };
  range: string | null;
  rangeCommits: number;
  suspects: SuspectView[];
  /** Set when the workspace could be compared with the release. */
  skew: {
    summary: string;
    changedSinceRelease: boolean;
    relation: string;
    commits: Array<{ commit: string; summary: string; changedCrashLine: boolean }>;
  } | null;
  skewNote: string | null;
}

/** One ranked hypothesis of the rule-based diagnosis; `evidence` items are short markdown. */
export interface HypothesisView {
  title: string;
  kind: string;
  confidence: 'high' | 'medium' | 'low';
  score: number;
  evidence: string[];
  check: string;
}

/** The frame the diagnosis blames, with the workspace lines around it. */
export interface CulpritView {
  path: string;
  line: number;
  column: number | null;
  /** False when the frame could not be mapped to a workspace file (the link then cannot open it). */
  mapped: boolean;
  function: string | null;
  exception: string;
  why: string;
  /** `[lineNo, text]` around `line`. */
  excerpt: Array<[number, string]>;
}

export interface RelatedIssueView {
  shortId: string;
  projectSlug: string;
  title: string;
  relation: string;
  minutesFromThis: number;
  links: string[];
}

/** The structured rule-based diagnosis the verdict card and the sections are drawn from. */
export interface DiagnosisView {
  /** Ranked, best first; the first is the verdict. */
  hypotheses: HypothesisView[];
  culprit: CulpritView | null;
  /** Other in-app frames of the stack, innermost first. */
  frames: Array<{ path: string; line: number; function: string | null }>;
  /** What changed at the crash lines (markdown, one item each). */
  changes: string[];
  related: RelatedIssueView[];
  /** What was looked at and set aside (markdown). */
  notes: string[];
  /** Words to highlight in log lines: the exception type, trace and request ids. */
  logTerms: string[];
}

/** One stored event of the issue, for the Events section. */
export interface EventRowView {
  id: string;
  /** ISO time the event happened. */
  timestamp: string;
  environment: string | null;
  release: string | null;
  message: string;
  /** `GET /orders/1002/receipt` (or the transaction), what tells events of one issue apart. */
  request: string | null;
}

export type HostToWebview =
  | {
      type: 'init';
      issue: IssueHeader;
      aiEnabled: boolean;
      model: string | null;
      restoredFrom: string | null;
      /** The stored events, latest first (absent from older hosts). */
      events?: EventRowView[];
    }
  | { type: 'runStarted'; runId: number }
  | { type: 'phase'; runId: number; phase: Phase; message?: string }
  | { type: 'trend'; runId: number; trend: TrendView }
  | {
      type: 'evidence';
      runId: number;
      sections: EvidenceSectionView[];
      usedTokens: number;
      limitTokens: number;
      cuts: string[];
    }
  | { type: 'logs'; runId: number; hosts: HostLogsView[] }
  | { type: 'report'; runId: number; markdown: string }
  | { type: 'history'; runId: number; history: HistoryView }
  | { type: 'diagnosis'; runId: number; diagnosis: DiagnosisView }
  | { type: 'sent'; runId: number; step: number; messages: SentMessageView[] }
  | { type: 'aiDelta'; runId: number; step: number; text: string }
  | { type: 'toolCall'; runId: number; call: ToolCallView }
  | { type: 'aiDone'; runId: number; markdown: string; stopReason: string | null; totalTokens: number | null }
  | { type: 'aiError'; runId: number; kind: string; message: string }
  | { type: 'openRefResult'; requestId: number; ok: boolean; message?: string }
  | { type: 'openCommitResult'; requestId: number; ok: boolean; message?: string }
  | { type: 'copyResult'; requestId: number; ok: boolean; message?: string }
  | { type: 'setUpAiResult'; requestId: number; ok: boolean; message?: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openRef'; requestId: number; path: string; line: number; column?: number }
  | { type: 'openEvent'; eventId: string }
  /** Show a commit's diff in VS Code's diff view; `path` narrows it to one file. */
  | { type: 'openCommit'; requestId: number; commit: string; path?: string }
  | { type: 'stop' }
  | { type: 'rerun' }
  | { type: 'copyMarkdown'; requestId: number; markdown: string }
  | { type: 'openInSentry' }
  /** Open the "Event details" view of the issue's newest synced event. */
  | { type: 'showEventDetails' }
  /** Run the "Set up AI" command (an API key or a VS Code language model). */
  | { type: 'setUpAi'; requestId: number }
  /** "Post Summary to Sentry": the host asks for confirmation and posts the diagnosis as a note. */
  | { type: 'postNote' };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Limits on what the webview may send: the host opens files and writes the clipboard with these. */
export const MAX_REF_PATH = 1024;
export const MAX_COPY_CHARS = 2_000_000;

export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (!isObj(m) || !isStr(m.type)) return false;
  switch (m.type) {
    case 'ready':
    case 'stop':
    case 'rerun':
    case 'openInSentry':
    case 'showEventDetails':
    case 'postNote':
      return true;
    case 'openRef':
      return (
        isInt(m.requestId) &&
        isStr(m.path) &&
        m.path.length > 0 &&
        m.path.length <= MAX_REF_PATH &&
        isInt(m.line) &&
        m.line >= 1 &&
        (m.column === undefined || (isInt(m.column) && m.column >= 1))
      );
    case 'openCommit':
      return (
        isInt(m.requestId) &&
        isStr(m.commit) &&
        /^[0-9a-f]{7,40}$/.test(m.commit) &&
        (m.path === undefined || (isStr(m.path) && m.path.length > 0 && m.path.length <= MAX_REF_PATH))
      );
    case 'openEvent':
      return isStr(m.eventId) && /^[0-9a-zA-Z_-]{1,64}$/.test(m.eventId);
    case 'copyMarkdown':
      return isInt(m.requestId) && isStr(m.markdown) && m.markdown.length <= MAX_COPY_CHARS;
    case 'setUpAi':
      return isInt(m.requestId);
    default:
      return false;
  }
}

function isIssueHeader(v: unknown): v is IssueHeader {
  return (
    isObj(v) &&
    isStr(v.id) &&
    isStr(v.shortId) &&
    isStr(v.title) &&
    isStr(v.level) &&
    isStr(v.status) &&
    isStr(v.projectSlug) &&
    isNum(v.count) &&
    isNum(v.userCount) &&
    isStr(v.firstSeen) &&
    isStr(v.lastSeen) &&
    isStrOrNull(v.release) &&
    isStrOrNull(v.environment) &&
    isStr(v.permalink)
  );
}

const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function isHistoryView(v: unknown): v is HistoryView {
  if (
    !isObj(v) ||
    !isObj(v.release) ||
    !isStrOrNull(v.release.version) ||
    !isStrOrNull(v.release.commit) ||
    !isStrOrNull(v.range) ||
    !isNum(v.rangeCommits) ||
    !isStrOrNull(v.skewNote)
  )
    return false;
  if (
    !Array.isArray(v.suspects) ||
    !v.suspects.every(
      (s) =>
        isObj(s) &&
        isStr(s.commit) &&
        isStr(s.summary) &&
        isStr(s.author) &&
        isStr(s.date) &&
        isStrs(s.files) &&
        isNum(s.score) &&
        isStrs(s.why) &&
        Array.isArray(s.cites) &&
        s.cites.every((c) => isObj(c) && isStr(c.path) && isInt(c.line) && isStr(c.text)),
    )
  )
    return false;
  return (
    v.skew === null ||
    (isObj(v.skew) &&
      isStr(v.skew.summary) &&
      typeof v.skew.changedSinceRelease === 'boolean' &&
      isStr(v.skew.relation) &&
      Array.isArray(v.skew.commits))
  );
}

function isEventRow(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.id) &&
    isStr(v.timestamp) &&
    isStrOrNull(v.environment) &&
    isStrOrNull(v.release) &&
    isStr(v.message) &&
    (v.request === undefined || isStrOrNull(v.request))
  );
}

function isDiagnosisView(v: unknown): v is DiagnosisView {
  if (!isObj(v)) return false;
  const c = v.culprit;
  return (
    Array.isArray(v.hypotheses) &&
    v.hypotheses.every(
      (x) =>
        isObj(x) &&
        isStr(x.title) &&
        isStr(x.kind) &&
        (x.confidence === 'high' || x.confidence === 'medium' || x.confidence === 'low') &&
        isNum(x.score) &&
        isStrs(x.evidence) &&
        isStr(x.check),
    ) &&
    (c === null ||
      (isObj(c) &&
        isStr(c.path) &&
        isInt(c.line) &&
        typeof c.mapped === 'boolean' &&
        isStrOrNull(c.function) &&
        isStr(c.exception) &&
        isStr(c.why) &&
        Array.isArray(c.excerpt) &&
        c.excerpt.every((p) => Array.isArray(p) && p.length === 2 && isInt(p[0]) && isStr(p[1])))) &&
    Array.isArray(v.frames) &&
    v.frames.every((f) => isObj(f) && isStr(f.path) && isInt(f.line) && isStrOrNull(f.function)) &&
    isStrs(v.changes) &&
    Array.isArray(v.related) &&
    v.related.every(
      (r) =>
        isObj(r) &&
        isStr(r.shortId) &&
        isStr(r.projectSlug) &&
        isStr(r.title) &&
        isStr(r.relation) &&
        isNum(r.minutesFromThis) &&
        isStrs(r.links),
    ) &&
    isStrs(v.notes) &&
    isStrs(v.logTerms)
  );
}

const isPairs = (v: unknown): v is Array<[number, number]> =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]));

export function isHostToWebview(m: unknown): m is HostToWebview {
  if (!isObj(m) || !isStr(m.type)) return false;
  const run = isInt(m.runId);
  switch (m.type) {
    case 'init':
      return (
        isIssueHeader(m.issue) &&
        typeof m.aiEnabled === 'boolean' &&
        isStrOrNull(m.model) &&
        isStrOrNull(m.restoredFrom) &&
        (m.events === undefined || (Array.isArray(m.events) && m.events.every(isEventRow)))
      );
    case 'runStarted':
      return run;
    case 'phase':
      return run && isStr(m.phase) && (m.message === undefined || isStr(m.message));
    case 'trend':
      return (
        run &&
        isObj(m.trend) &&
        isStr(m.trend.verdict) &&
        isStr(m.trend.why) &&
        isPairs(m.trend.hourly24h) &&
        isPairs(m.trend.daily14d)
      );
    case 'evidence':
      return (
        run &&
        Array.isArray(m.sections) &&
        m.sections.every((s) => isObj(s) && isStr(s.name) && isStr(s.text) && isNum(s.chars) && isNum(s.tokens)) &&
        isNum(m.usedTokens) &&
        isNum(m.limitTokens) &&
        Array.isArray(m.cuts)
      );
    case 'logs':
      return (
        run &&
        Array.isArray(m.hosts) &&
        m.hosts.every((h) => isObj(h) && isStr(h.host) && isStr(h.source) && isStr(h.status) && Array.isArray(h.lines))
      );
    case 'report':
      return run && isStr(m.markdown);
    case 'history':
      return run && isHistoryView(m.history);
    case 'diagnosis':
      return run && isDiagnosisView(m.diagnosis);
    case 'sent':
      return (
        run &&
        isInt(m.step) &&
        Array.isArray(m.messages) &&
        m.messages.every((x) => isObj(x) && isStr(x.role) && isStr(x.content) && isNum(x.chars))
      );
    case 'aiDelta':
      return run && isInt(m.step) && isStr(m.text);
    case 'toolCall':
      return (
        run && isObj(m.call) && isStr(m.call.id) && isStr(m.call.name) && isStr(m.call.args) && isStr(m.call.status)
      );
    case 'aiDone':
      return run && isStr(m.markdown);
    case 'aiError':
      return run && isStr(m.kind) && isStr(m.message);
    case 'openRefResult':
      return isInt(m.requestId) && typeof m.ok === 'boolean' && (m.message === undefined || isStr(m.message));
    case 'openCommitResult':
      return isInt(m.requestId) && typeof m.ok === 'boolean' && (m.message === undefined || isStr(m.message));
    case 'copyResult':
    case 'setUpAiResult':
      return isInt(m.requestId) && typeof m.ok === 'boolean' && (m.message === undefined || isStr(m.message));
    default:
      return false;
  }
}
