/**
 * Gathers everything known about one issue — facts, events, trend, crash frames with code, git history
 * of those lines, server logs around the events, breadcrumbs, tags, related issues — redacts secrets,
 * and renders it within the token budget. No AI here; the analyzer and the model both read the result.
 */
import { relative, sep } from 'node:path';
import type { StoredEvent, StoredException, StoredFrame, StoredIssue } from '../store/model';
import { RcaError, errorMessage } from '../common/errors';
import { nullLogger, type Logger } from '../common/logger';
import type { InvestigationDeps, TimeWindow } from './ports';
import type {
  BreadcrumbEvidence, CodeFrame, Culprit, EventSummary, Evidence, GitChange, GitEvidence, HostLogEvidence,
  IssueFacts, RelatedIssue, UnmappedFrame,
} from './evidence';
import { computeTrend, releaseStarts } from './trend';
import { correlateLogs } from './logCorrelation';
import { GitHistory } from './gitHistory';
import { WorkspaceFiles } from './workspaceFiles';
import { SecretScrubber } from './secretScrubber';
import { renderEvidence, DEFAULT_TOKEN_BUDGET } from './evidenceRender';

export interface CollectOptions {
  /** Total token budget of the rendered evidence (default 12k). */
  tokenBudget?: number;
  /** Lines of code either side of a crash line. */
  contextLines?: number;
  /** Mapped frames (innermost first) that get a code excerpt. */
  maxCodeFrames?: number;
  /** Log window: minutes before the first and after the last event. */
  logMinutesBefore?: number;
  logMinutesAfter?: number;
  now?: () => number;
  scrubber?: SecretScrubber;
  logger?: Logger;
}

const MAX_WINDOW_SPAN_MS = 6 * 3600_000;
/** Stored events this much older than the issue's last sighting are refreshed from Sentry, when online. */
const STALE_EVENT_MS = 60_000;

export class EvidenceCollector {
  private readonly files: WorkspaceFiles;
  private readonly git: GitHistory;
  private readonly scrubber: SecretScrubber;
  private readonly logger: Logger;

  constructor(private readonly deps: InvestigationDeps, private readonly options: CollectOptions = {}) {
    this.files = new WorkspaceFiles(deps.workspaceRoot);
    this.git = new GitHistory(deps.workspaceRoot);
    this.scrubber = options.scrubber ?? new SecretScrubber();
    this.logger = options.logger ?? nullLogger;
  }

  async collect(issueId: string, signal?: AbortSignal): Promise<Evidence> {
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    const issue = this.deps.issues.getIssue(issueId);
    if (!issue) throw new RcaError('usage', `Issue ${issueId} is not in the store.`, 'Run a sync first, or check the id with `sentry-rca issues`.');
    const notes: string[] = [];
    const events = await this.freshEvents(issue, notes, signal);
    const latest = events[0];
    const s = (x: string) => this.scrubber.scrub(x);

    const times = events.map((e) => Date.parse(e.timestamp)).filter(Number.isFinite).sort((a, b) => a - b);
    // The store keeps only the newest events; when the issue began shortly before them, its first
    // occurrence is the real start of the error window (what "before the errors" is measured from).
    const firstSeenMs = Date.parse(issue.firstSeen);
    if (times.length && firstSeenMs < times[0]! && times[0]! - firstSeenMs <= MAX_WINDOW_SPAN_MS) times.unshift(firstSeenMs);
    const eventWindow = times.length ? { first: new Date(times[0]!).toISOString(), last: new Date(times[times.length - 1]!).toISOString() } : null;
    const logWindow = this.logWindow(times, issue);

    // When the release started reporting is judged from the other issues' events: this issue's own first
    // event says nothing about when the release went out.
    const otherEvents = this.deps.issues.listIssues().filter((i) => i.id !== issue.id).flatMap((i) => this.deps.issues.getEvents(i.id));
    const release = issue.firstRelease ?? oldestRelease(events);
    const facts: IssueFacts = {
      id: issue.id, shortId: issue.shortId, title: s(issue.title), culprit: s(issue.culprit), level: issue.level, status: issue.status,
      projectSlug: issue.projectSlug, firstSeen: issue.firstSeen, lastSeen: issue.lastSeen, count: issue.count, userCount: issue.userCount,
      release, environment: latest?.environment ?? null, permalink: issue.permalink,
    };
    const trend = computeTrend(issue, events, this.now(), releaseStarts(otherEvents), release);

    // Code, git and logs are independent; logs over SSH are the slow part, so they run alongside.
    const codeP = this.collectCode(latest, issue.projectSlug, signal).then((r) => { timings.codeMs = Math.round(performance.now() - t0); return r; });
    const logsP = this.collectLogs(logWindow, events, times, signal).then((r) => { timings.logsMs = Math.round(performance.now() - t0); return r; });
    const { culprit, frames, unmapped } = await codeP;
    const git = await this.collectGit(culprit, frames, issue, signal);
    timings.gitMs = Math.round(performance.now() - t0);
    const logs = await logsP;
    signal?.throwIfAborted();

    const evidenceBase = {
      issue: facts,
      events: events.map((e) => this.summarizeEvent(e)),
      eventWindow,
      logWindow: logWindow ? { since: logWindow.since.toISOString(), until: logWindow.until.toISOString() } : null,
      trend,
      culprit,
      code: { frames, unmapped },
      git,
      logs,
      breadcrumbs: (latest?.breadcrumbs ?? []).map((b): BreadcrumbEvidence => ({
        timestamp: b.timestamp, category: b.category, level: b.level,
        message: s([b.message ?? '', b.data ? Object.entries(b.data).map(([k, v]) => `${k}=${v}`).join(' ') : ''].filter(Boolean).join(' ')),
      })),
      tags: tagCounts(events, s),
      related: this.relatedIssues(issue, times, logWindow),
      notes,
      timings,
    };
    const { budget, rendered } = renderEvidence(evidenceBase, this.options.tokenBudget ?? DEFAULT_TOKEN_BUDGET);
    timings.totalMs = Math.round(performance.now() - t0);
    return { ...evidenceBase, budget, rendered };
  }

  /**
   * The stored events, newest first; when Sentry saw the issue after the newest stored event (new
   * occurrences since the last sync) and a fetcher is available, the latest event from Sentry first.
   */
  private async freshEvents(issue: StoredIssue, notes: string[], signal?: AbortSignal): Promise<StoredEvent[]> {
    const stored = this.deps.issues.getEvents(issue.id);
    const newest = stored[0] ? Date.parse(stored[0].timestamp) : Number.NEGATIVE_INFINITY;
    const lastSeen = Date.parse(issue.lastSeen);
    if (!this.deps.latestEvent || !(lastSeen - newest > STALE_EVENT_MS)) return stored;
    try {
      const fetched = await this.deps.latestEvent(issue, signal);
      if (!fetched || stored.some((e) => e.id === fetched.id)) return stored;
      notes.push(`Event ${fetched.id} (${fetched.timestamp}) was fetched from Sentry: the stored events ended at ${stored[0]?.timestamp ?? 'none'}, before the issue was last seen.`);
      return [fetched, ...stored];
    } catch (e) {
      if (signal?.aborted) throw e;
      notes.push(`Could not fetch the latest event from Sentry (${this.scrubber.scrub(errorMessage(e))}); using the stored events up to ${stored[0]?.timestamp ?? 'none'}.`);
      return stored;
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** From a little before the first event to a little after the last; a long-running issue gets its latest hours. */
  private logWindow(times: number[], issue: StoredIssue): TimeWindow | null {
    const before = (this.options.logMinutesBefore ?? 15) * 60_000;
    const after = (this.options.logMinutesAfter ?? 5) * 60_000;
    let first = times[0];
    let last = times[times.length - 1];
    if (first === undefined || last === undefined) {
      const ls = Date.parse(issue.lastSeen);
      if (!Number.isFinite(ls)) return null;
      first = last = ls;
    }
    if (last - first > MAX_WINDOW_SPAN_MS) first = last - MAX_WINDOW_SPAN_MS;
    return { since: new Date(first - before), until: new Date(last + after) };
  }

  private async collectCode(latest: StoredEvent | undefined, project: string, signal?: AbortSignal): Promise<{ culprit: Culprit | null; frames: CodeFrame[]; unmapped: UnmappedFrame[] }> {
    const exc = latest ? raisedException(latest) : undefined;
    if (!exc) return { culprit: null, frames: [], unmapped: [] };
    const frames: CodeFrame[] = [];
    const unmapped: UnmappedFrame[] = [];
    const ctx = this.options.contextLines ?? 8;
    const maxCode = this.options.maxCodeFrames ?? 3;
    let culprit: Culprit | null = null;
    let firstInAppUnmapped: { frame: StoredFrame; index: number; reason: string } | null = null;
    let skippedLibrary = 0;
    for (let i = exc.frames.length - 1; i >= 0; i--) {
      signal?.throwIfAborted();
      const f = exc.frames[i]!;
      const r = await this.deps.frames.resolve(f, project);
      if ('reason' in r) {
        if (f.inApp || unmapped.length < 10) unmapped.push({ function: f.function, filename: f.filename ?? f.absPath, line: f.lineNo, inApp: f.inApp, reason: r.reason });
        if (f.inApp && !firstInAppUnmapped) firstInAppUnmapped = { frame: f, index: i, reason: r.reason };
        if (!f.inApp && !culprit) skippedLibrary++;
        continue;
      }
      // Library frames that happen to map (vendored code) don't take the excerpt slots of application frames.
      if (!f.inApp) { if (!culprit) skippedLibrary++; continue; }
      if (frames.length >= maxCode) continue;
      const rel = relative(this.deps.workspaceRoot, r.path).split(sep).join('/');
      const excerpt = await this.excerpt(r.path, r.line, ctx, f);
      frames.push({ function: f.function, path: rel, line: r.line, column: r.column, inApp: f.inApp, frameIndex: i, excerpt });
      if (!culprit && f.inApp) {
        const below = exc.frames.length - 1 - i;
        culprit = {
          function: f.function, path: rel, mapped: true, line: r.line, column: r.column,
          exceptionType: this.scrubber.scrub(exc.type), exceptionValue: this.scrubber.scrub(exc.value),
          why: below === 0
            ? `Innermost frame of the ${exc.type} that was raised, and it is application code (frame ${i + 1} of ${exc.frames.length}).`
            : `Innermost application frame of the ${exc.type}: the ${below} frame(s) after it ${skippedLibrary ? 'are library code' : 'could not be mapped to the workspace'} (frame ${i + 1} of ${exc.frames.length}).`,
        };
      }
    }
    if (!culprit && firstInAppUnmapped) {
      const f = firstInAppUnmapped.frame;
      culprit = {
        function: f.function, path: f.filename ?? f.absPath ?? '?', mapped: false, line: f.lineNo ?? 0, column: f.colNo,
        exceptionType: this.scrubber.scrub(exc.type), exceptionValue: this.scrubber.scrub(exc.value),
        why: `Innermost application frame of the ${exc.type}, but it is not in this workspace (${firstInAppUnmapped.reason}).`,
      };
    }
    return { culprit, frames, unmapped };
  }

  /** The workspace file's lines around `line`; Sentry's own context lines when the file can't be read. */
  private async excerpt(abs: string, line: number, ctx: number, frame: StoredFrame): Promise<Array<[number, string]>> {
    try {
      const r = await this.files.resolve(abs);
      if ('error' in r) throw new Error(r.error);
      const { lines } = await this.files.readLines(r.abs, line - ctx, line + ctx);
      return lines.map(([n, t]) => [n, this.scrubber.scrub(t)]);
    } catch (e) {
      this.logger.debug(`code excerpt from Sentry context for ${abs}:${line}: ${errorMessage(e)}`);
      return frame.context.map(([n, t]) => [n, this.scrubber.scrub(t)]);
    }
  }

  private async collectGit(culprit: Culprit | null, frames: CodeFrame[], issue: StoredIssue, signal?: AbortSignal): Promise<GitEvidence> {
    if (!(await this.git.isRepo())) return { available: false, reason: 'The workspace is not a git repository (or git is not installed).', changes: [], history: '' };
    if (!culprit || !culprit.mapped) return { available: false, reason: 'No crash frame maps to a file in this workspace.', changes: [], history: '' };
    const firstSeen = Date.parse(issue.firstSeen);
    const ctx = this.options.contextLines ?? 8;
    const byCommit = new Map<string, GitChange>();
    const errors: string[] = [];
    // The culprit and up to one more mapped frame: the caller is often where the bad value came from.
    for (const f of frames.slice(0, 2)) {
      const first = f.excerpt[0]?.[0] ?? Math.max(1, f.line - ctx);
      const last = f.excerpt[f.excerpt.length - 1]?.[0] ?? f.line + ctx;
      try {
        for (const b of await this.git.blame(f.path, first, last, signal)) {
          const key = `${b.commit}:${f.path}`;
          const c = byCommit.get(key) ?? { commit: b.commit, author: this.scrubber.scrub(b.author), date: new Date(b.time).toISOString(), summary: this.scrubber.scrub(b.summary), path: f.path, lines: [], touchesCrashLine: false, minutesBeforeFirstSeen: Math.round((firstSeen - b.time) / 60000) };
          c.lines.push(b.line);
          if (f.path === culprit.path && Math.abs(b.line - culprit.line) <= 1) c.touchesCrashLine = true;
          byCommit.set(key, c);
        }
      } catch (e) {
        errors.push(`${f.path}: ${errorMessage(e)}`);
      }
    }
    let history = '';
    try {
      history = this.scrubber.scrub(await this.git.logLines(culprit.path, Math.max(1, culprit.line - 2), culprit.line + 2, 3, signal));
    } catch (e) {
      errors.push(`git log -L ${culprit.path}: ${errorMessage(e)}`);
    }
    const changes = [...byCommit.values()].sort((a, b) => b.date.localeCompare(a.date));
    return { available: changes.length > 0 || history.length > 0, ...(errors.length ? { reason: errors.join('; ') } : {}), changes, history };
  }

  private async collectLogs(window: TimeWindow | null, events: StoredEvent[], times: number[], signal?: AbortSignal): Promise<HostLogEvidence[]> {
    if (!this.deps.logs || !window) return [];
    const exc = events.flatMap((e) => e.exceptions);
    const traceIds = [...new Set(events.map((e) => e.traceId).filter((x): x is string => !!x))];
    let fetched;
    try {
      fetched = await this.deps.logs.fetch({ window, around: times.map((t) => new Date(t)), markTerms: [...new Set(exc.map((x) => x.type))].concat(traceIds).slice(0, 8) }, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      return [{ host: '*', source: '*', status: 'error', message: this.scrubber.scrub(errorMessage(e)), totalLines: 0, lines: [], counts: { before: 0, during: 0, after: 0, unknown: 0 }, notable: { before: 0, during: 0, after: 0, unknown: 0 } }];
    }
    const ctx = {
      firstEvent: times[0] ?? window.since.getTime(),
      lastEvent: times[times.length - 1] ?? window.until.getTime(),
      exceptionTypes: [...new Set(exc.map((x) => x.type))],
      messages: [...new Set([...exc.map((x) => x.value), ...events.map((e) => e.message)].filter(Boolean))].slice(0, 10),
      traceIds,
      requestIds: [...new Set(events.map((e) => e.requestId).filter((x): x is string => !!x))],
      year: new Date(window.until).getUTCFullYear(),
    };
    return fetched.map((f) => {
      const c = correlateLogs({ ...f, lines: f.lines.map((l) => this.scrubber.scrub(l)) }, ctx);
      return f.message ? { ...c, message: this.scrubber.scrub(f.message) } : c;
    });
  }

  private summarizeEvent(e: StoredEvent): EventSummary {
    const x = raisedException(e);
    const s = (t: string) => this.scrubber.scrub(t);
    return {
      id: e.id, timestamp: e.timestamp, release: e.release, environment: e.environment,
      exception: x ? s(`${x.type}: ${x.value}`) : '', message: s(e.message || e.title), traceId: e.traceId,
      request: e.request ? s(`${e.request.method ?? ''} ${e.request.url ?? ''}`.trim()) : null,
    };
  }

  /** Other issues that began, or spiked, in the window of this one's events. */
  private relatedIssues(issue: StoredIssue, times: number[], window: TimeWindow | null): RelatedIssue[] {
    if (!window) return [];
    const thisStart = times[0] ?? Date.parse(issue.firstSeen);
    const from = window.since.getTime() - 30 * 60_000;
    const to = window.until.getTime();
    const out: RelatedIssue[] = [];
    for (const other of this.deps.issues.listIssues()) {
      if (other.id === issue.id) continue;
      const fs = Date.parse(other.firstSeen);
      if (fs >= from && fs <= to) {
        out.push({ id: other.id, shortId: other.shortId, title: this.scrubber.scrub(other.title), projectSlug: other.projectSlug, firstSeen: other.firstSeen, relation: 'first-seen-in-window', minutesFromThis: Math.round((fs - thisStart) / 60) / 1000 });
        continue;
      }
      const spike = spikeIn(other, from, to);
      if (spike !== null) out.push({ id: other.id, shortId: other.shortId, title: this.scrubber.scrub(other.title), projectSlug: other.projectSlug, firstSeen: other.firstSeen, relation: 'spiked-in-window', minutesFromThis: Math.round((spike - thisStart) / 60) / 1000 });
    }
    return out.sort((a, b) => a.minutesFromThis - b.minutesFromThis).slice(0, 20);
  }
}

/** The exception raised last (Sentry orders chained exceptions oldest first). */
export function raisedException(e: StoredEvent): StoredException | undefined {
  return e.exceptions[e.exceptions.length - 1];
}

function oldestRelease(events: StoredEvent[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.release) return events[i]!.release;
  return null;
}

function tagCounts(events: StoredEvent[], s: (x: string) => string): Record<string, Array<[string, number]>> {
  const m = new Map<string, Map<string, number>>();
  for (const e of events) {
    for (const [k, v] of Object.entries(e.tags)) {
      const vals = m.get(k) ?? new Map<string, number>();
      const sv = s(v);
      vals.set(sv, (vals.get(sv) ?? 0) + 1);
      m.set(k, vals);
    }
  }
  const out: Record<string, Array<[string, number]>> = {};
  for (const [k, vals] of m) out[s(k)] = [...vals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return out;
}

/** Start of the hour, inside [from, to], where the issue's 24 h stats jump to 3× their median (and ≥ 3). */
function spikeIn(issue: StoredIssue, from: number, to: number): number | null {
  const counts = issue.stats24h.map(([, n]) => n).sort((a, b) => a - b);
  if (counts.length === 0) return null;
  const median = counts[Math.floor(counts.length / 2)]!;
  for (const [ts, n] of issue.stats24h) {
    const t = ts * 1000;
    if (t + 3600_000 >= from && t <= to && n >= 3 && n >= 3 * Math.max(1, median)) return t;
  }
  return null;
}
