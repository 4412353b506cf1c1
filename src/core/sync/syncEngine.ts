import { systemClock, type Clock } from '../common/clock';
import { mapLimit } from '../common/concurrency';
import { RcaError } from '../common/errors';
import { nullLogger, type Logger } from '../common/logger';
import type { ApiIssue, ApiProject } from '../sentry/apiTypes';
import { MalformedPayloadError, toStoredEvent, toStoredIssue, toStoredProject } from '../sentry/convert';
import type { SentryClient } from '../sentry/sentryClient';
import type { IssueStore } from '../store/issueStore';
import { levelRank, type StoreData, type StoredEvent, type StoredIssue, type StoredProject, type SyncSummary } from '../store/model';
import { DEFAULT_SYNC_OPTIONS, filterKey, levelQuery, type SyncOptions } from './syncOptions';

export interface SyncProgress {
  phase: 'projects' | 'issues' | 'events' | 'writing';
  /** Issues listed so far. */
  issuesListed: number;
  /** Issues whose events must be fetched, and how many are done. */
  eventsTotal: number;
  eventsDone: number;
}

export interface SyncRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
  /** `auto` (default): full on first sync, after a filter change or when the last full one is old. */
  mode?: 'auto' | 'full' | 'incremental';
}

/** Events per issue that keep all their (up to 30) breadcrumbs; older ones keep the last few. */
const FULL_BREADCRUMB_EVENTS = 3;
const OLD_EVENT_BREADCRUMBS = 5;

/** Margin subtracted from the last sync time: events reach Sentry's index with some delay. */
const INGEST_DELAY_MS = 5 * 60_000;

/**
 * Pulls Sentry into the store. A full sync lists every unresolved issue of the selected projects;
 * an incremental one asks only for issues whose lastSeen moved since the last successful sync.
 * Events (full bodies) are fetched only for new or changed issues, and only the newest ones. The
 * store is written once, at the end: a failed or cancelled sync leaves it as it was.
 */
export class SyncEngine {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly options: SyncOptions;

  constructor(
    private readonly deps: { client: SentryClient; store: IssueStore; baseUrl: string; logger?: Logger; clock?: Clock },
    options: Partial<SyncOptions> = {},
  ) {
    this.logger = deps.logger ?? nullLogger;
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_SYNC_OPTIONS, ...options };
    if (!Number.isInteger(this.options.eventsPerIssue) || this.options.eventsPerIssue < 1 || this.options.eventsPerIssue > 100) {
      throw new RcaError('usage', `Events per issue must be a whole number from 1 to 100 (got ${this.options.eventsPerIssue}).`);
    }
  }

  async run(opts: SyncRunOptions = {}): Promise<SyncSummary> {
    try {
      return await this.sync(opts);
    } catch (e) {
      if (opts.signal?.aborted && !(e instanceof RcaError && e.kind === 'cancelled')) {
        throw new RcaError('cancelled', 'Sync cancelled; the stored data is unchanged.', undefined, { cause: e });
      }
      throw e;
    }
  }

  private async sync(opts: SyncRunOptions): Promise<SyncSummary> {
    const { client, store } = this.deps;
    const { signal } = opts;
    const started = this.clock.now();
    const startedAt = new Date(started).toISOString();
    const requests0 = client.stats.requests;
    const retries0 = client.stats.retries;
    const limited0 = client.stats.rateLimited;
    const warnings0 = client.warnings.length;
    const warnings: string[] = [];
    const prev = store.data;
    const key = filterKey(this.deps.baseUrl, client.org, this.options);
    const sameScope = prev.meta.filterKey === key && prev.meta.lastSuccessfulSync !== null;
    const fullDue = !prev.meta.lastFullSync || started - Date.parse(prev.meta.lastFullSync) >= this.options.fullSyncEveryMs;
    const kind: 'full' | 'incremental' = opts.mode === 'full' || !sameScope ? 'full' : opts.mode === 'incremental' ? 'incremental' : fullDue ? 'full' : 'incremental';
    const progress: SyncProgress = { phase: 'projects', issuesListed: 0, eventsTotal: 0, eventsDone: 0 };
    const report = () => opts.onProgress?.({ ...progress });
    report();

    // Region and projects: reuse what the last sync learned, unless this is a full sync.
    let projects: StoredProject[];
    if (kind === 'incremental' && prev.meta.regionUrl) {
      client.useRegion(prev.meta.regionUrl);
      projects = prev.projects;
    } else {
      await client.discoverRegion(signal);
      projects = this.selectProjects(await client.listProjects(signal), warnings);
    }
    if (projects.length === 0) {
      throw new RcaError('usage', `The organization "${client.org}" has no projects this token can see.`, 'Check the organization slug and that the token\'s user is a member of its teams.');
    }
    const projectIds = new Set(projects.map((p) => p.id));

    // Issues.
    progress.phase = 'issues';
    report();
    const since = prev.meta.lastSuccessfulSync ? new Date(Date.parse(prev.meta.lastSuccessfulSync) - INGEST_DELAY_MS).toISOString() : null;
    const level = levelQuery(this.options.minLevel);
    const query = kind === 'full' ? ['is:unresolved', level].filter(Boolean).join(' ') : [`lastSeen:>${since}`, level].filter(Boolean).join(' ');
    const listed: StoredIssue[] = [];
    const allProjects = this.options.projects.length === 0;
    for await (const page of client.issuePages({ projectIds: allProjects ? undefined : [...projectIds], query, sort: 'date', limit: 100 }, signal)) {
      for (const raw of page) {
        const issue = this.convertIssue(raw, startedAt, warnings);
        if (!issue) continue;
        if (!projectIds.has(issue.projectId) || levelRank(issue.level) < levelRank(this.options.minLevel)) continue;
        listed.push(issue);
      }
      progress.issuesListed = listed.length;
      report();
    }

    // Events for new and changed issues.
    const prevIssues = new Map((sameScope ? prev.issues : []).map((i) => [i.id, i]));
    const prevEvents = sameScope ? prev.events : {};
    const needEvents = listed.filter((i) => {
      const old = prevIssues.get(i.id);
      return i.status === 'unresolved' && (!old || old.lastSeen !== i.lastSeen || !(prevEvents[i.id]?.length));
    });
    progress.phase = 'events';
    progress.eventsTotal = needEvents.length;
    report();
    const fetched = new Map<string, StoredEvent[]>();
    await mapLimit(needEvents, this.options.concurrency, async (issue) => {
      fetched.set(issue.id, await this.fetchEvents(issue, prevEvents[issue.id] ?? [], warnings, signal));
      progress.eventsDone++;
      report();
    }, signal);
    if (signal?.aborted) throw new RcaError('cancelled', 'Sync cancelled; the stored data is unchanged.');

    // Merge.
    progress.phase = 'writing';
    report();
    const next = this.merge(prev, sameScope, kind, projects, listed, fetched, startedAt);
    const resolved = next.resolvedCount;
    const summary: SyncSummary = {
      kind,
      startedAt,
      finishedAt: new Date(this.clock.now()).toISOString(),
      durationMs: this.clock.now() - started,
      projects: projects.length,
      issuesNew: listed.filter((i) => !prevIssues.has(i.id)).length,
      issuesUpdated: listed.filter((i) => {
        const old = prevIssues.get(i.id);
        return old !== undefined && (old.lastSeen !== i.lastSeen || old.count !== i.count || old.status !== i.status);
      }).length,
      issuesResolved: resolved,
      eventsAdded: [...fetched.entries()].reduce((n, [id, evs]) => n + evs.filter((e) => !(prevEvents[id] ?? []).some((p) => p.id === e.id)).length, 0),
      requests: client.stats.requests - requests0,
      retries: client.stats.retries - retries0,
      rateLimited: client.stats.rateLimited - limited0,
      warnings: [...client.warnings.slice(warnings0), ...warnings],
    };
    next.data.meta = {
      ...next.data.meta,
      baseUrl: this.deps.baseUrl,
      org: client.org,
      regionUrl: client.apiBase.replace(/\/api\/0$/, ''),
      filterKey: key,
      lastSuccessfulSync: startedAt,
      lastFullSync: kind === 'full' ? startedAt : prev.meta.lastFullSync,
      lastSync: summary,
    };
    await store.replace(next.data);
    this.logger.info(`[sync] ${kind} sync: ${summary.issuesNew} new, ${summary.issuesUpdated} updated, ${summary.issuesResolved} resolved, ${summary.eventsAdded} events, ${summary.requests} requests (${summary.retries} retries) in ${summary.durationMs} ms`);
    return summary;
  }

  private selectProjects(api: ApiProject[], warnings: string[]): StoredProject[] {
    const all: StoredProject[] = [];
    for (const p of api) {
      try { all.push(toStoredProject(p)); } catch (e) { warnings.push(`Skipped a malformed project: ${(e as Error).message}`); }
    }
    if (this.options.projects.length === 0) return all;
    const bySlug = new Map(all.map((p) => [p.slug, p]));
    const missing = this.options.projects.filter((s) => !bySlug.has(s));
    if (missing.length) {
      const available = all.map((p) => p.slug).slice(0, 20).join(', ') || 'none';
      throw new RcaError('usage', `Project${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')} not found in organization "${this.deps.client.org}".`, `Available: ${available}.`);
    }
    return this.options.projects.map((s) => bySlug.get(s)!);
  }

  private convertIssue(raw: ApiIssue, syncedAt: string, warnings: string[]): StoredIssue | undefined {
    try {
      return toStoredIssue(raw, syncedAt);
    } catch (e) {
      warnings.push(`Skipped a malformed issue: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The newest events of an issue, merged with the stored ones (newest first, capped). */
  private async fetchEvents(issue: StoredIssue, stored: StoredEvent[], warnings: string[], signal?: AbortSignal): Promise<StoredEvent[]> {
    const n = this.options.eventsPerIssue;
    const newestStored = stored[0]?.timestamp;
    const known = new Set(stored.map((e) => e.id));
    const fresh: StoredEvent[] = [];
    for await (const page of this.deps.client.eventPages(issue.id, { full: true, perPage: n, start: newestStored }, signal)) {
      for (const raw of page) {
        try {
          const ev = toStoredEvent(raw, issue.id, issue.projectId);
          if (known.has(ev.id) || levelRank(ev.level) < levelRank(this.options.minLevel)) continue;
          known.add(ev.id);
          fresh.push(ev);
        } catch (e) {
          if (!(e instanceof MalformedPayloadError)) throw e;
          warnings.push(`Skipped a malformed event of ${issue.shortId}: ${e.message}`);
        }
      }
      break; // the first page holds the newest `n`; older ones would be trimmed anyway
    }
    return [...fresh, ...stored]
      .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
      .slice(0, n)
      // Older events keep only their last breadcrumbs: the newest events carry the trail that matters.
      .map((e, i) => (i < FULL_BREADCRUMB_EVENTS || e.breadcrumbs.length <= OLD_EVENT_BREADCRUMBS ? e : { ...e, breadcrumbs: e.breadcrumbs.slice(-OLD_EVENT_BREADCRUMBS) }));
  }

  private merge(prev: Readonly<StoreData>, sameScope: boolean, kind: 'full' | 'incremental', projects: StoredProject[], listed: StoredIssue[], fetched: Map<string, StoredEvent[]>, now: string): { data: StoreData; resolvedCount: number } {
    const issues = new Map<string, StoredIssue>(sameScope ? prev.issues.map((i) => [i.id, i]) : []);
    const events: Record<string, StoredEvent[]> = sameScope ? { ...prev.events } : {};
    let resolvedCount = 0;
    const listedIds = new Set<string>();
    for (const issue of listed) {
      listedIds.add(issue.id);
      const old = issues.get(issue.id);
      if (old?.status === 'unresolved' && issue.status !== 'unresolved') resolvedCount++;
      issues.set(issue.id, issue);
      const evs = fetched.get(issue.id);
      if (evs) events[issue.id] = evs;
    }
    if (kind === 'full') {
      // A full listing holds every unresolved issue: a stored unresolved one that is missing was
      // resolved or archived in Sentry without a new event.
      for (const [id, issue] of issues) {
        if (!listedIds.has(id) && issue.status === 'unresolved') {
          issues.set(id, { ...issue, status: 'resolved', substatus: null, syncedAt: now });
          resolvedCount++;
        }
      }
    }
    const ordered = [...issues.values()].sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen));
    return {
      data: {
        ...prev,
        meta: { ...prev.meta },
        projects,
        issues: ordered,
        events,
        investigations: prev.investigations,
      },
      resolvedCount,
    };
  }
}
