import { systemClock, type Clock } from '../common/clock';
import { RcaError } from '../common/errors';
import { nullLogger, type Logger } from '../common/logger';
import type { ApiIssue, ApiProject } from '../sentry/apiTypes';
import { MalformedPayloadError, toStoredEvent, toStoredIssue, toStoredProject } from '../sentry/convert';
import { EVENTS_FAMILY, type SendSlot, type SentryClient } from '../sentry/sentryClient';
import type { IssueStore } from '../store/issueStore';
import {
  eventsDue,
  ISSUE_COUNT_PERIOD,
  levelRank,
  type StoreData,
  type StoredEvent,
  type StoredIssue,
  type StoredProject,
  type SyncSummary,
} from '../store/model';
import { byEventPriority, EventQueue } from './eventQueue';
import { DEFAULT_SYNC_OPTIONS, filterKey, fullListingQueries, levelQuery, type SyncOptions } from './syncOptions';
import { eventsProgressText, type SyncProgress } from './syncProgress';

export { eventsProgressText, type SyncProgress };

export interface SyncRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
  /** `auto` (default): full on first sync, after a filter change or when the last full one is old. */
  mode?: 'auto' | 'full' | 'incremental';
}

/** Events per issue that keep all their (up to 30) breadcrumbs; older ones keep the last few. */
const FULL_BREADCRUMB_EVENTS = 3;
const OLD_EVENT_BREADCRUMBS = 5;

/** Margin subtracted from the last listing time: events reach Sentry's index with some delay. */
const INGEST_DELAY_MS = 5 * 60_000;

/**
 * Pulls Sentry into the store, committing as it goes so the user sees issues at once and an
 * interruption loses little:
 * 1. the issue listing (full: every unresolved issue; incremental: those whose lastSeen moved since
 *    the last committed listing) is committed as soon as it is complete, before any event;
 * 2. events are fetched for every issue whose events are missing or stale (`eventsDue`), in priority
 *    order, capped at `eagerEventIssues` (the rest on demand), and committed in batches (every
 *    `commitEveryMs` or `commitEveryIssues`, whichever first). An issue the user asks for jumps the
 *    queue and is committed at once;
 * 3. a last commit marks the sync successful.
 * Each commit is an atomic replace of the store file. A killed, cancelled or failed sync keeps what it
 * committed, and the next one fetches only what is still due.
 */
export class SyncEngine {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly options: SyncOptions;
  private queue: EventQueue | null = null;
  /** Progress of the running sync, updated at each commit. */
  private progress: SyncProgress | null = null;
  private region: Promise<void> | null = null;

  constructor(
    private readonly deps: { client: SentryClient; store: IssueStore; baseUrl: string; logger?: Logger; clock?: Clock },
    options: Partial<SyncOptions> = {},
  ) {
    this.logger = deps.logger ?? nullLogger;
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_SYNC_OPTIONS, ...options };
    if (
      !Number.isInteger(this.options.eventsPerIssue) ||
      this.options.eventsPerIssue < 1 ||
      this.options.eventsPerIssue > 100
    ) {
      throw new RcaError(
        'usage',
        `Events per issue must be a whole number from 1 to 100 (got ${this.options.eventsPerIssue}).`,
      );
    }
    if (!Number.isInteger(this.options.eagerEventIssues) || this.options.eagerEventIssues < 0) {
      throw new RcaError(
        'usage',
        `The number of issues whose events are fetched eagerly must be a whole number, 0 for no limit (got ${this.options.eagerEventIssues}).`,
      );
    }
  }

  async run(opts: SyncRunOptions = {}): Promise<SyncSummary> {
    try {
      return await this.sync(opts);
    } catch (e) {
      if (opts.signal?.aborted) {
        const kept = this.progress && this.progress.issuesTotal > 0 ? ` (${eventsProgressText(this.progress)})` : '';
        throw new RcaError(
          'cancelled',
          `Sync cancelled; what was fetched is kept${kept} and the next sync continues from there.`,
          undefined,
          { cause: e },
        );
      }
      throw e;
    } finally {
      this.queue = null;
    }
  }

  /**
   * The user opened an issue whose events are not there yet: during a sync it jumps the queue (the next
   * request sent is for it); otherwise its events are fetched now. Resolves once they are committed.
   */
  async fetchNow(issueId: string, signal?: AbortSignal): Promise<void> {
    const { store } = this.deps;
    const issue = store.issue(issueId);
    if (!issue || !eventsDue(issue, store.events(issueId).length)) return;
    if (this.queue) {
      await this.queue.prioritize(issue);
      const now = store.issue(issueId);
      // Committed by the sync; or the sync's workers had already finished: fetched here instead.
      if (!now || !eventsDue(now, store.events(issueId).length)) return;
    }
    const regionUrl = store.meta().regionUrl;
    if (regionUrl) this.deps.client.useRegion(regionUrl);
    const warnings: string[] = [];
    const events = await this.fetchEvents(issue, store.events(issueId), warnings, signal);
    for (const w of warnings) this.logger.warn(`[sync] ${w}`);
    await store.commitEvents(new Map([[issueId, { events, lastSeen: issue.lastSeen }]]));
  }

  /** Whether an issue's events are being fetched by the running sync (for an "events loading…" state). */
  isLoading(issueId: string): boolean {
    return this.queue?.isPending(issueId) ?? false;
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
    const lastListing = prev.meta.lastListing ?? prev.meta.lastSuccessfulSync;
    const sameScope = prev.meta.filterKey === key && !!lastListing;
    const fullDue =
      !prev.meta.lastFullSync || started - Date.parse(prev.meta.lastFullSync) >= this.options.fullSyncEveryMs;
    const kind: 'full' | 'incremental' =
      opts.mode === 'full' || !sameScope
        ? 'full'
        : opts.mode === 'incremental'
          ? 'incremental'
          : fullDue
            ? 'full'
            : 'incremental';
    const progress: SyncProgress = {
      phase: 'projects',
      issuesListed: 0,
      issuesTotal: 0,
      issuesWithEvents: 0,
      eventsTotal: 0,
      eventsDone: 0,
      onDemand: 0,
    };
    this.progress = progress;
    const report = () => opts.onProgress?.({ ...progress });
    report();

    // 1. Issues: listed (with the projects), then committed before any event.
    const since = lastListing ? new Date(Date.parse(lastListing) - INGEST_DELAY_MS).toISOString() : null;
    const queries =
      kind === 'full'
        ? fullListingQueries(this.options.minLevel)
        : [[`lastSeen:>${since}`, levelQuery(this.options.minLevel)].filter(Boolean).join(' ')];
    const byId = new Map<string, StoredIssue>();
    const list = (ids: Set<string> | null, s?: AbortSignal) => {
      progress.phase = 'issues';
      report();
      return this.listIssues(
        queries,
        byId,
        ids,
        startedAt,
        warnings,
        () => {
          progress.issuesListed = byId.size;
          report();
        },
        s,
      );
    };
    // Region and projects: reuse what the last sync learned, unless this is a full sync.
    let projects: StoredProject[];
    if (kind === 'incremental' && prev.meta.regionUrl) {
      client.useRegion(prev.meta.regionUrl);
      projects = prev.projects;
      await list(new Set(projects.map((p) => p.id)), signal);
    } else {
      await client.discoverRegion(signal);
      if (this.options.projects.length === 0) {
        // With project=-1 the listing needs no project ids: it runs alongside the projects request.
        const stop = new AbortController();
        const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
        const failFast = <T>(p: Promise<T>) =>
          p.catch((e: unknown) => {
            stop.abort();
            throw e;
          });
        const [api] = await Promise.all([failFast(client.listProjects(both)), failFast(list(null, both))]);
        projects = this.selectProjects(api, warnings);
      } else {
        projects = this.selectProjects(await client.listProjects(signal), warnings);
        await list(new Set(projects.map((p) => p.id)), signal);
      }
    }
    if (projects.length === 0) {
      throw new RcaError(
        'usage',
        `The organization "${client.org}" has no projects this token can see.`,
        "Check the organization slug and that the token's user is a member of its teams.",
      );
    }
    const projectIds = new Set(projects.map((p) => p.id));
    const listed = [...byId.values()].filter((i) => projectIds.has(i.projectId));
    const before = new Map((sameScope ? prev.issues : []).map((i) => [i.id, i]));
    let resolved = 0;
    // An incremental listing that found nothing changes nothing: no commit (a snapshot of a large store is not free).
    const listingCommitted = kind === 'full' || !sameScope || listed.length > 0;
    if (listingCommitted)
      await store.update((d) => {
        resolved = this.mergeListing(d, sameScope, kind, projects, listed, startedAt);
        d.meta = {
          ...d.meta,
          baseUrl: this.deps.baseUrl,
          org: client.org,
          regionUrl: client.apiBase.replace(/\/api\/0$/, ''),
          filterKey: key,
          lastListing: startedAt,
          lastFullSync: kind === 'full' ? startedAt : d.meta.lastFullSync,
        };
      });

    // 2. Events of every issue whose events are missing or stale, the most urgent first.
    const due = store.issues().filter((i) => eventsDue(i, store.events(i.id).length));
    progress.issuesTotal = store.issues().filter((i) => i.status === 'unresolved').length;
    progress.issuesWithEvents = progress.issuesTotal - due.length;
    // Only the first `eagerEventIssues` in priority order are fetched now; the others when asked for.
    const cap = this.options.eagerEventIssues || Infinity;
    const queue = new EventQueue([...due].sort(byEventPriority).slice(0, cap));
    this.queue = queue;
    progress.phase = 'events';
    progress.eventsTotal = queue.eagerCount;
    progress.onDemand = due.length - queue.eagerCount;
    report();
    const fetchedIds = new Set<string>();
    let eventsAdded = 0;
    const onCommitted = (ids: string[], added: number) => {
      for (const id of ids) fetchedIds.add(id);
      eventsAdded += added;
      progress.eventsDone = fetchedIds.size;
      progress.issuesWithEvents = Math.min(progress.issuesTotal, progress.issuesTotal - due.length + fetchedIds.size);
      report();
    };
    let failure: unknown;
    try {
      await this.fetchQueued(queue, warnings, onCommitted, signal);
    } catch (e) {
      failure = e;
    }
    // From here on, an issue asked for is fetched on its own (fetchNow), not by this sync's workers.
    this.queue = null;
    queue.close(failure ?? (signal?.aborted ? new RcaError('cancelled', 'Sync cancelled.') : undefined));
    if (failure !== undefined) throw failure;
    if (signal?.aborted) throw new RcaError('cancelled', 'Sync cancelled.');

    // 3. Done: the sync counts as successful.
    progress.phase = 'writing';
    report();
    const summary: SyncSummary = {
      kind,
      startedAt,
      finishedAt: new Date(this.clock.now()).toISOString(),
      durationMs: this.clock.now() - started,
      projects: projects.length,
      issuesNew: listed.filter((i) => !before.has(i.id)).length,
      issuesUpdated: listed.filter((i) => {
        const old = before.get(i.id);
        return old !== undefined && (old.lastSeen !== i.lastSeen || old.count !== i.count || old.status !== i.status);
      }).length,
      issuesResolved: resolved,
      eventsAdded,
      requests: client.stats.requests - requests0,
      retries: client.stats.retries - retries0,
      rateLimited: client.stats.rateLimited - limited0,
      warnings: [...client.warnings.slice(warnings0), ...warnings],
      issuesWithEvents: progress.issuesWithEvents,
      issuesTotal: progress.issuesTotal,
      eventsOnDemand: progress.onDemand,
    };
    await store.update((d) => {
      d.meta = {
        ...d.meta,
        lastSuccessfulSync: startedAt,
        lastSync: summary,
        ...(listingCommitted ? {} : { lastListing: startedAt }),
      };
    });
    const onDemand = summary.eventsOnDemand ? `, ${summary.eventsOnDemand} issues' events left for on demand` : '';
    this.logger.info(
      `[sync] ${kind} sync: ${summary.issuesNew} new, ${summary.issuesUpdated} updated, ${summary.issuesResolved} resolved, ${summary.eventsAdded} events${onDemand}, ${summary.requests} requests (${summary.retries} retries) in ${summary.durationMs} ms`,
    );
    return summary;
  }

  /**
   * Lists issues with each query, the queries' cursor chains in parallel; stops them all at the first
   * failure. Issues are keyed by id (an issue whose level changed between two pages is kept once).
   */
  private async listIssues(
    queries: string[],
    byId: Map<string, StoredIssue>,
    projectIds: Set<string> | null,
    startedAt: string,
    warnings: string[],
    onPage: () => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { client } = this.deps;
    const stop = new AbortController();
    const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const allProjects = this.options.projects.length === 0;
    const chain = async (query: string) => {
      for await (const page of client.issuePages(
        {
          projectIds: allProjects || !projectIds ? undefined : [...projectIds],
          query,
          sort: 'date',
          limit: 100,
          statsPeriod: ISSUE_COUNT_PERIOD,
        },
        both,
      )) {
        for (const raw of page) {
          const issue = this.convertIssue(raw, startedAt, warnings);
          if (!issue) continue;
          if (
            (projectIds && !projectIds.has(issue.projectId)) ||
            levelRank(issue.level) < levelRank(this.options.minLevel)
          )
            continue;
          byId.set(issue.id, issue);
        }
        onPage();
      }
    };
    await Promise.all(
      queries.map((q) =>
        chain(q).catch((e: unknown) => {
          stop.abort();
          throw e;
        }),
      ),
    );
  }

  /**
   * Workers take a send slot first and only then the most urgent issue, so an issue asked for while
   * they wait is the next request sent. Fetched events are committed in batches.
   */
  private async fetchQueued(
    queue: EventQueue,
    warnings: string[],
    onCommitted: (ids: string[], added: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { client, store } = this.deps;
    const batch = new Map<string, { events: StoredEvent[]; lastSeen: string; added: number }>();
    let oldest = 0;
    let committing: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    const commit = (): Promise<void> => {
      if (batch.size === 0) return committing;
      const items = new Map(batch);
      batch.clear();
      committing = committing.then(async () => {
        await this.deps.store.commitEvents(items);
        for (const id of items.keys()) queue.committed(id);
        onCommitted(
          [...items.keys()],
          [...items.values()].reduce((n, x) => n + x.added, 0),
        );
      });
      committing.catch((error: unknown) => {
        failure ??= { error };
      });
      return committing;
    };
    // A timer commits what waited `commitEveryMs`, even when fetching is slow.
    const timer = new AbortController();
    const ticker = (async () => {
      for (;;) {
        const wait = batch.size
          ? Math.max(1, oldest + this.options.commitEveryMs - this.clock.now())
          : this.options.commitEveryMs;
        try {
          await this.clock.sleep(wait, timer.signal);
        } catch {
          return;
        }
        if (batch.size && this.clock.now() - oldest >= this.options.commitEveryMs) void commit();
      }
    })();
    const worker = async () => {
      while (!failure && !signal?.aborted && queue.remaining > 0) {
        let slot: SendSlot;
        try {
          slot = await client.acquireSlot(EVENTS_FAMILY, signal);
        } catch (error) {
          failure ??= { error };
          return;
        }
        const issue = queue.take();
        if (!issue) {
          slot();
          return;
        }
        try {
          const stored = store.events(issue.id);
          const events = await this.fetchEvents(issue, stored, warnings, signal, slot);
          const known = new Set(stored.map((e) => e.id));
          if (batch.size === 0) oldest = this.clock.now();
          batch.set(issue.id, {
            events,
            lastSeen: issue.lastSeen,
            added: events.filter((e) => !known.has(e.id)).length,
          });
          if (queue.isAwaited(issue.id) || batch.size >= this.options.commitEveryIssues) void commit();
        } catch (error) {
          queue.failed(issue.id, error);
          failure ??= { error };
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
    } finally {
      timer.abort();
      await ticker;
      // What was fetched is kept, also when the sync stops here.
      await commit().catch(() => undefined);
    }
    if (failure) throw failure.error;
  }

  /** Merges a listing into the draft; returns how many issues it found resolved. */
  private mergeListing(
    d: StoreData,
    sameScope: boolean,
    kind: 'full' | 'incremental',
    projects: StoredProject[],
    listed: StoredIssue[],
    now: string,
  ): number {
    const issues = new Map<string, StoredIssue>(sameScope ? d.issues.map((i) => [i.id, i]) : []);
    if (!sameScope) d.events = {};
    let resolvedCount = 0;
    const listedIds = new Set<string>();
    for (const issue of listed) {
      listedIds.add(issue.id);
      const old = issues.get(issue.id);
      if (old?.status === 'unresolved' && issue.status !== 'unresolved') resolvedCount++;
      // Stores from before progressive sync have no eventsLastSeen: their events were current for the old lastSeen.
      const eventsLastSeen = old
        ? old.eventsLastSeen !== undefined
          ? old.eventsLastSeen
          : d.events[old.id]?.length
            ? old.lastSeen
            : null
        : null;
      issues.set(issue.id, { ...issue, eventsLastSeen });
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
    d.projects = projects;
    // Newest first; each timestamp parsed once (5,000 issues: 10k parses instead of 120k).
    d.issues = [...issues.values()]
      .map((i) => [Date.parse(i.lastSeen) || 0, i] as const)
      .sort((a, b) => b[0] - a[0])
      .map(([, i]) => i);
    return resolvedCount;
  }

  private selectProjects(api: ApiProject[], warnings: string[]): StoredProject[] {
    const all: StoredProject[] = [];
    for (const p of api) {
      try {
        all.push(toStoredProject(p));
      } catch (e) {
        warnings.push(`Skipped a malformed project: ${(e as Error).message}`);
      }
    }
    if (this.options.projects.length === 0) return all;
    const bySlug = new Map(all.map((p) => [p.slug, p]));
    const missing = this.options.projects.filter((s) => !bySlug.has(s));
    if (missing.length) {
      const available =
        all
          .map((p) => p.slug)
          .slice(0, 20)
          .join(', ') || 'none';
      throw new RcaError(
        'usage',
        `Project${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')} not found in organization "${this.deps.client.org}".`,
        `Available: ${available}.`,
      );
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
  private async fetchEvents(
    issue: StoredIssue,
    stored: StoredEvent[],
    warnings: string[],
    signal?: AbortSignal,
    slot?: SendSlot,
  ): Promise<StoredEvent[]> {
    const n = this.options.eventsPerIssue;
    const newestStored = stored[0]?.timestamp;
    const known = new Set(stored.map((e) => e.id));
    const fresh: StoredEvent[] = [];
    for await (const page of this.deps.client.eventPages(
      issue.id,
      { full: true, perPage: n, start: newestStored, slot },
      signal,
    )) {
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
    return (
      [...fresh, ...stored]
        .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
        .slice(0, n)
        // Older events keep only their last breadcrumbs: the newest events carry the trail that matters.
        .map((e, i) =>
          i < FULL_BREADCRUMB_EVENTS || e.breadcrumbs.length <= OLD_EVENT_BREADCRUMBS
            ? e
            : { ...e, breadcrumbs: e.breadcrumbs.slice(-OLD_EVENT_BREADCRUMBS) },
        )
    );
  }
}
