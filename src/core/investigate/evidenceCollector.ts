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
  BreadcrumbEvidence,
  CodeFrame,
  Culprit,
  EventSummary,
  Evidence,
  GitChange,
  GitEvidence,
  HistoryEvidence,
  HostLogEvidence,
  IssueFacts,
  RelatedIssue,
  UnmappedFrame,
} from './evidence';
import { collectHistory, type HistoryInput } from '../history/issueHistory';
import { computeTrend, releaseStarts } from './trend';
import { correlateLogs } from './logCorrelation';
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
/** How far back blame and `git log -L` look for changes to the crash lines. */
const HISTORY_DAYS = 180;
/** Stored events this much older than the issue's last sighting are refreshed from Sentry, when online. */
const STALE_EVENT_MS = 60_000;

export class EvidenceCollector {
  private readonly scrubber: SecretScrubber;
  private readonly logger: Logger;

  constructor(
    private readonly deps: InvestigationDeps,
    private readonly options: CollectOptions = {},
  ) {
    this.scrubber = options.scrubber ?? new SecretScrubber();
    this.logger = options.logger ?? nullLogger;
  }

  async collect(issueId: string, signal?: AbortSignal): Promise<Evidence> {
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    const issue = this.deps.issues.getIssue(issueId);
    if (!issue)
      throw new RcaError(
        'usage',
        `Issue ${issueId} is not in the store.`,
        'Run a sync first, or check the id with `sentry-rca issues`.',
      );
    const notes: string[] = [];
    const events = await this.freshEvents(issue, notes, signal);
    const latest = events[0];
    const s = (x: string) => this.scrubber.scrub(x);

    const times = events
      .map((e) => Date.parse(e.timestamp))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    // The store keeps only the newest events; when the issue began shortly before them, its first
    // occurrence is the real start of the error window (what "before the errors" is measured from).
    const firstSeenMs = Date.parse(issue.firstSeen);
    if (times.length && firstSeenMs < times[0]! && times[0]! - firstSeenMs <= MAX_WINDOW_SPAN_MS)
      times.unshift(firstSeenMs);
    const eventWindow = times.length
      ? { first: new Date(times[0]!).toISOString(), last: new Date(times[times.length - 1]!).toISOString() }
      : null;
    const logWindow = this.logWindow(times, issue);

    // When the release started reporting is judged from the other issues' events: this issue's own first
    // event says nothing about when the release went out.
    const otherEvents = this.deps.issues
      .listIssues()
      .filter((i) => i.id !== issue.id)
      .flatMap((i) => this.deps.issues.getEvents(i.id));
    const release = issue.firstRelease ?? oldestRelease(events);
    const facts: IssueFacts = {
      id: issue.id,
      shortId: issue.shortId,
      title: s(issue.title),
      culprit: s(issue.culprit),
      level: issue.level,
      status: issue.status,
      projectSlug: issue.projectSlug,
      firstSeen: issue.firstSeen,
      lastSeen: issue.lastSeen,
      count: issue.count,
      userCount: issue.userCount,
      release,
      environment: latest?.environment ?? null,
      permalink: issue.permalink,
    };
    const trend = computeTrend(issue, events, this.now(), releaseStarts(otherEvents), release);

    // Code, git and logs are independent; logs over SSH are the slow part, so they run alongside.
    // Each timing is that step's own duration; `totalMs` is the whole collection.
    const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      try {
        return await f();
      } finally {
        timings[name] = Math.round(performance.now() - start);
      }
    };
    const logsP = timed('logsMs', () => this.collectLogs(logWindow, events, times, signal));
    // A rejected log fetch is handled where it is awaited; this only keeps it from being reported as unhandled meanwhile.
    logsP.catch(() => {});
    const { culprit, frames, unmapped } = await timed('codeMs', () =>
      this.collectCode(latest, issue.projectSlug, signal),
    );
    const [git, history] = await Promise.all([
      timed('gitMs', () => this.collectGit(culprit, frames, issue, signal)),
      timed('historyMs', () =>
        this.collectHistoryEvidence(issue, events, release, culprit, frames, otherEvents, signal),
      ),
    ]);
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
      history,
      logs,
      breadcrumbs: (latest?.breadcrumbs ?? []).map((b): BreadcrumbEvidence => ({
        timestamp: b.timestamp,
        category: b.category,
        level: b.level,
        message: s(
          [
            b.message ?? '',
            b.data
              ? Object.entries(b.data)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')
              : '',
          ]
            .filter(Boolean)
            .join(' '),
        ),
      })),
      tags: tagCounts(events, s),
      related: this.relatedIssues(issue, times, logWindow, events, logs),
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
      notes.push(
        `Event ${fetched.id} (${fetched.timestamp}) was fetched from Sentry: the stored events ended at ${stored[0]?.timestamp ?? 'none'}, before the issue was last seen.`,
      );
      return [fetched, ...stored];
    } catch (e) {
      if (signal?.aborted) throw e;
      notes.push(
        `Could not fetch the latest event from Sentry (${this.scrubber.scrub(errorMessage(e))}); using the stored events up to ${stored[0]?.timestamp ?? 'none'}.`,
      );
      return stored;
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** From a little before the first event to a little after the last; a long-running issue gets its latest hours. */
  private logWindow(times: number[], issue: StoredIssue): TimeWindow | null {
    const before = (this.options.logMinutesBefore ?? 60) * 60_000;
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

  private async collectCode(
    latest: StoredEvent | undefined,
    project: string,
    signal?: AbortSignal,
  ): Promise<{ culprit: Culprit | null; frames: CodeFrame[]; unmapped: UnmappedFrame[] }> {
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
        if (f.inApp || unmapped.length < 10)
          unmapped.push({
            function: f.function,
            filename: f.filename ?? f.absPath,
            line: f.lineNo,
            inApp: f.inApp,
            reason: r.reason,
          });
        if (f.inApp && !firstInAppUnmapped) firstInAppUnmapped = { frame: f, index: i, reason: r.reason };
        if (!f.inApp && !culprit) skippedLibrary++;
        continue;
      }
      // Library frames that happen to map (vendored code) don't take the excerpt slots of application frames.
      if (!f.inApp) {
        if (!culprit) skippedLibrary++;
        continue;
      }
      if (frames.length >= maxCode) continue;
      const rel = relative(this.deps.workspaceRoot, r.path).split(sep).join('/');
      const excerpt = await this.excerpt(r.path, r.line, ctx, f);
      frames.push({
        function: f.function,
        path: rel,
        line: r.line,
        column: r.column,
        inApp: f.inApp,
        frameIndex: i,
        excerpt,
      });
      if (!culprit && f.inApp) {
        const below = exc.frames.length - 1 - i;
        culprit = {
          function: f.function,
          path: rel,
          mapped: true,
          line: r.line,
          column: r.column,
          exceptionType: this.scrubber.scrub(exc.type),
          exceptionValue: this.scrubber.scrub(exc.value),
          why:
            below === 0
              ? `Innermost frame of the ${exc.type} that was raised, and it is application code (frame ${i + 1} of ${exc.frames.length}).`
              : `Innermost application frame of the ${exc.type}: the ${below} frame(s) after it ${skippedLibrary ? 'are library code' : 'could not be mapped to the workspace'} (frame ${i + 1} of ${exc.frames.length}).`,
        };
      }
    }
    if (!culprit && firstInAppUnmapped) {
      const f = firstInAppUnmapped.frame;
      culprit = {
        function: f.function,
        path: f.filename ?? f.absPath ?? '?',
        mapped: false,
        line: f.lineNo ?? 0,
        column: f.colNo,
        exceptionType: this.scrubber.scrub(exc.type),
        exceptionValue: this.scrubber.scrub(exc.value),
        why: `Innermost application frame of the ${exc.type}, but it is not in this workspace (${firstInAppUnmapped.reason}).`,
      };
    }
    return { culprit, frames, unmapped };
  }

  /** The workspace file's lines around `line`; Sentry's own context lines when the file can't be read. */
  private async excerpt(abs: string, line: number, ctx: number, frame: StoredFrame): Promise<Array<[number, string]>> {
    try {
      const r = await this.deps.files.resolve(abs);
      if ('error' in r) throw new Error(r.error);
      const { lines } = await this.deps.files.readLines(r.abs, line - ctx, line + ctx);
      return lines.map(([n, t]) => [n, this.scrubber.scrub(t)]);
    } catch (e) {
      this.logger.debug(`code excerpt from Sentry context for ${abs}:${line}: ${errorMessage(e)}`);
      return frame.context.map(([n, t]) => [n, this.scrubber.scrub(t)]);
    }
  }

  private async collectGit(
    culprit: Culprit | null,
    frames: CodeFrame[],
    issue: StoredIssue,
    signal?: AbortSignal,
  ): Promise<GitEvidence> {
    if (!(await this.deps.git.isRepo()))
      return {
        available: false,
        reason: 'The workspace is not a git repository (or git is not installed).',
        changes: [],
        history: '',
      };
    if (!culprit || !culprit.mapped)
      return { available: false, reason: 'No crash frame maps to a file in this workspace.', changes: [], history: '' };
    const firstSeen = Date.parse(issue.firstSeen);
    // Recent history is what matters here; bounding the walk keeps blame and log -L fast in a long history.
    const since = Number.isFinite(firstSeen) ? firstSeen - HISTORY_DAYS * 86_400_000 : undefined;
    const ctx = this.options.contextLines ?? 8;
    const byCommit = new Map<string, GitChange>();
    const errors: string[] = [];
    // The culprit and up to one more mapped frame: the caller is often where the bad value came from.
    for (const f of frames.slice(0, 2)) {
      const first = f.excerpt[0]?.[0] ?? Math.max(1, f.line - ctx);
      const last = f.excerpt[f.excerpt.length - 1]?.[0] ?? f.line + ctx;
      try {
        for (const b of await this.deps.git.blame(f.path, first, last, signal, since)) {
          if (b.boundary) continue; // last changed before the window: not a recent change
          const key = `${b.commit}:${f.path}`;
          const c = byCommit.get(key) ?? {
            commit: b.commit,
            author: this.scrubber.scrub(b.author),
            date: new Date(b.time).toISOString(),
            summary: this.scrubber.scrub(b.summary),
            path: f.path,
            lines: [],
            touchesCrashLine: false,
            minutesBeforeFirstSeen: Math.round((firstSeen - b.time) / 60000),
          };
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
      history = this.scrubber.scrub(
        await this.deps.git.logLines(culprit.path, Math.max(1, culprit.line - 2), culprit.line + 2, 3, signal, since),
      );
    } catch (e) {
      errors.push(`git log -L ${culprit.path}: ${errorMessage(e)}`);
    }
    const changes = [...byCommit.values()].sort((a, b) => b.date.localeCompare(a.date));
    return {
      available: changes.length > 0 || history.length > 0,
      ...(errors.length ? { reason: errors.join('; ') } : {}),
      changes,
      history,
    };
  }

  /** Release → commit, suspect commits of the release range, and version skew of the crash lines. */
  private async collectHistoryEvidence(
    issue: StoredIssue,
    events: StoredEvent[],
    release: string | null,
    culprit: Culprit | null,
    frames: CodeFrame[],
    otherEvents: StoredEvent[],
    signal?: AbortSignal,
  ): Promise<HistoryEvidence> {
    const s = (x: string) => this.scrubber.scrub(x);
    const stackFrames: HistoryInput['frames'] = [];
    const seen = new Set<string>();
    const functions: string[] = [];
    for (const e of events.slice(0, 20)) {
      for (const x of e.exceptions) {
        for (let i = x.frames.length - 1; i >= 0; i--) {
          const f = x.frames[i]!;
          if (f.function && !functions.includes(f.function) && (f.inApp || functions.length < 12))
            functions.push(f.function);
          if (!f.inApp) continue;
          const key = `${f.filename ?? f.absPath}:${f.lineNo}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const r = await this.deps.frames.resolve(f, issue.projectSlug);
          const path =
            'reason' in r
              ? (f.filename ?? f.absPath ?? '')
              : relative(this.deps.workspaceRoot, r.path).split(sep).join('/');
          if (!path) continue;
          stackFrames.push({
            path,
            function: f.function,
            line: f.lineNo ?? 0,
            eventLine: f.lineNo,
            mapped: !('reason' in r),
            culprit: !!culprit && culprit.path === path && culprit.function === f.function,
          });
        }
      }
    }
    // The release's first event anywhere in the store is when it went out; else this issue's first sighting.
    const releaseFirst = release ? (releaseStarts([...otherEvents, ...events]).get(release) ?? null) : null;
    const firstSeen = Date.parse(issue.firstSeen);
    const routes = new Set<string>();
    for (const e of events.slice(0, 20)) {
      if (e.tags.transaction) routes.add(e.tags.transaction);
      if (e.request?.url) routes.add(`${e.request.method ?? ''} ${e.request.url}`.trim());
      for (const b of e.breadcrumbs)
        if ((b.category === 'http' || b.type === 'http') && b.data?.url)
          routes.add(`${b.data.method ?? ''} ${b.data.url}`.trim());
    }
    const exc = events[0] ? raisedException(events[0]) : undefined;
    const h = await collectHistory(this.deps.git, {
      version: release,
      releaseFirstEventMs: releaseFirst,
      firstSeenMs: Number.isFinite(firstSeen) ? firstSeen : null,
      frames: stackFrames,
      crashLines: frames.slice(0, 3).map((f) => ({
        path: f.path,
        line: stackFrames.find((x) => x.path === f.path && x.function === f.function)?.eventLine ?? f.line,
      })),
      stackFunctions: functions,
      routes: [...routes].slice(0, 10),
      errorText: [issue.title, exc?.type, exc?.value].filter(Boolean).join(' '),
      contextText: [
        ...frames.flatMap((f) => f.excerpt.map(([, t]) => t)),
        ...(events[0]?.breadcrumbs ?? []).map(
          (b) => `${b.message ?? ''} ${b.data ? Object.values(b.data).join(' ') : ''}`,
        ),
      ].join('\n'),
      ...(this.deps.releases ? { sentry: this.deps.releases } : {}),
      signal,
    });
    // Commit messages and authors are user text: redacted like everything else.
    for (const x of h.suspects.list) {
      x.summary = s(x.summary);
      x.author = s(x.author);
      x.why = x.why.map(s);
      x.cites = x.cites.map((c) => ({ ...c, text: s(c.text) }));
    }
    if (h.skew) for (const c of h.skew.commits) c.summary = s(c.summary);
    return h;
  }

  private async collectLogs(
    window: TimeWindow | null,
    events: StoredEvent[],
    times: number[],
    signal?: AbortSignal,
  ): Promise<HostLogEvidence[]> {
    if (!this.deps.logs || !window) return [];
    const exc = events.flatMap((e) => e.exceptions);
    const traceIds = [...new Set(events.map((e) => e.traceId).filter((x): x is string => !!x))];
    let fetched;
    try {
      fetched = await this.deps.logs.fetch(
        {
          window,
          around: times.map((t) => new Date(t)),
          markTerms: [...new Set(exc.map((x) => x.type))].concat(traceIds).slice(0, 8),
        },
        signal,
      );
    } catch (e) {
      if (signal?.aborted) throw e;
      return [
        {
          host: '*',
          source: '*',
          status: 'error',
          message: this.scrubber.scrub(errorMessage(e)),
          totalLines: 0,
          lines: [],
          counts: { before: 0, during: 0, after: 0, unknown: 0 },
          notable: { before: 0, during: 0, after: 0, unknown: 0 },
        },
      ];
    }
    const ctx = {
      firstEvent: times[0] ?? window.since.getTime(),
      lastEvent: times[times.length - 1] ?? window.until.getTime(),
      exceptionTypes: [...new Set(exc.map((x) => x.type))],
      messages: [...new Set([...exc.map((x) => x.value), ...events.map((e) => e.message)].filter(Boolean))].slice(
        0,
        10,
      ),
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
      id: e.id,
      timestamp: e.timestamp,
      release: e.release,
      environment: e.environment,
      exception: x ? s(`${x.type}: ${x.value}`) : '',
      message: s(e.message || e.title),
      traceId: e.traceId,
      request: e.request ? s(`${e.request.method ?? ''} ${e.request.url ?? ''}`.trim()) : null,
    };
  }

  /** Other issues that began, or spiked, in the window of this one's events. */
  private relatedIssues(
    issue: StoredIssue,
    times: number[],
    window: TimeWindow | null,
    events: StoredEvent[],
    logs: HostLogEvidence[],
  ): RelatedIssue[] {
    if (!window) return [];
    const links = relatedLinker(events, logs);
    const thisStart = times[0] ?? Date.parse(issue.firstSeen);
    const from = window.since.getTime() - 30 * 60_000;
    const to = window.until.getTime();
    const out: RelatedIssue[] = [];
    for (const other of this.deps.issues.listIssues()) {
      if (other.id === issue.id) continue;
      const fs = Date.parse(other.firstSeen);
      if (fs >= from && fs <= to) {
        out.push({
          id: other.id,
          shortId: other.shortId,
          title: this.scrubber.scrub(other.title),
          projectSlug: other.projectSlug,
          firstSeen: other.firstSeen,
          relation: 'first-seen-in-window',
          minutesFromThis: minutesBetween(thisStart, fs),
          links: links(other, this.deps.issues.getEvents(other.id)).map((l) => this.scrubber.scrub(l)),
        });
        continue;
      }
      const spike = spikeIn(other, from, to);
      if (spike !== null)
        out.push({
          id: other.id,
          shortId: other.shortId,
          title: this.scrubber.scrub(other.title),
          projectSlug: other.projectSlug,
          firstSeen: other.firstSeen,
          relation: 'spiked-in-window',
          minutesFromThis: minutesBetween(thisStart, spike),
          links: links(other, this.deps.issues.getEvents(other.id)).map((l) => this.scrubber.scrub(l)),
        });
    }
    return out.sort((a, b) => a.minutesFromThis - b.minutesFromThis).slice(0, 20);
  }
}

/** Failures that say a dependency was unreachable or broken, in an error's own words. */
const DEPENDENCY_FAILURE =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up|connection (refused|reset)|timed? ?out|\b50[234]\b|service unavailable|bad gateway|upstream/i;

/**
 * What links another issue to this one beyond timing: a trace id both have; the other's project,
 * service or host named in this issue's breadcrumbs, exception messages, request URLs or warning/error
 * log lines; and whether this issue's own error is a dependency failure pointing there.
 */
function relatedLinker(
  events: StoredEvent[],
  logs: HostLogEvidence[],
): (other: StoredIssue, otherEvents: StoredEvent[]) => string[] {
  const traces = new Set(events.map((e) => e.traceId).filter((x): x is string => !!x));
  const ownHosts = new Set(events.map((e) => e.tags.server_name).filter(Boolean));
  const ownService = new Set(events.flatMap((e) => [e.tags.service, e.tags.server_name]).filter(Boolean));
  const texts: Array<{ where: string; text: string }> = [];
  for (const e of events.slice(0, 10)) {
    for (const x of e.exceptions) texts.push({ where: `event ${e.id} exception`, text: `${x.type}: ${x.value}` });
    if (e.request?.url) texts.push({ where: `event ${e.id} request`, text: e.request.url });
    for (const b of e.breadcrumbs)
      texts.push({
        where: `breadcrumb ${b.category ?? ''}`.trim(),
        text: `${b.message ?? ''} ${b.data ? Object.values(b.data).join(' ') : ''}`,
      });
  }
  for (const h of logs)
    for (const l of h.lines)
      if ((l.level === 'error' || l.level === 'warn') && l.phase !== 'after')
        texts.push({ where: `log ${h.host}`, text: l.text });
  const ownIsDependencyFailure = events.some((e) =>
    e.exceptions.some((x) => DEPENDENCY_FAILURE.test(`${x.type} ${x.value}`)),
  );
  return (other, otherEvents) => {
    const out: string[] = [];
    const shared = otherEvents.find((e) => e.traceId && traces.has(e.traceId));
    if (shared) out.push(`shares trace ${shared.traceId} with this issue (its event ${shared.id})`);
    const names = new Set<string>(
      [other.projectSlug, ...otherEvents.flatMap((e) => [e.tags.service, e.tags.server_name])].filter(
        (n): n is string => !!n && n.length >= 4 && !ownService.has(n) && !ownHosts.has(n),
      ),
    );
    for (const n of names) {
      const re = new RegExp(`(^|[^A-Za-z0-9])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9]|$)`, 'i');
      const hit = texts.find((t) => re.test(t.text));
      if (hit) {
        out.push(
          `${n} (its ${n === other.projectSlug ? 'project' : 'service/host'}) is named in this issue's ${hit.where}: "${hit.text.trim().slice(0, 160)}"`,
        );
        break;
      }
    }
    if (out.length && ownIsDependencyFailure) out.push("this issue's error is a failure to reach a dependency");
    return out;
  };
}

/** Minutes from `from` to `to` (epoch ms), to a tenth of a second's precision. */
function minutesBetween(from: number, to: number): number {
  return Math.round((to - from) / 6_000) / 10;
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
