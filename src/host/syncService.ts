import { alertBaseline, type AlertBaseline } from '../core/alerts/newIssueAlerts';
import { Emitter, type Event } from '../core/common/emitter';
import { errorMessage, RcaError } from '../core/common/errors';
import { DisposableBase } from '../core/common/lifecycle';
import type { Logger } from '../core/common/logger';
import type { IssueStore } from '../core/store/issueStore';
import { eventsDue, type SyncSummary } from '../core/store/model';
import type { SentryClient, TokenCheck } from '../core/sentry/sentryClient';

/** What "Set Auth Token" learns: the read scopes, and (when the server has an API index) write access and the user. */
export type TokenCheckResult = Pick<TokenCheck, 'ok' | 'message'> & { missingScopes: string[] } & Partial<
    Pick<TokenCheck, 'canWrite' | 'writeMessage' | 'userId'>
  >;
import type { SyncEngine, SyncProgress } from '../core/sync/syncEngine';
import type { SyncTrigger } from '../core/sync/syncScheduler';
import type { Config } from './config';
import { reportError } from './notify';
import type { TokenStore } from './tokenStore';

export interface SyncServiceDeps {
  config: Config;
  tokens: TokenStore;
  /** The store, once loaded (activation does not wait for it). */
  store: () => Promise<IssueStore>;
  logger: Logger;
  /** Called with the token before it is used, so the log channel can scrub it. */
  onToken?: (token: string) => void;
  /** Asks the user about a workspace value of the Sentry URL before the token goes there (host/trust). */
  trust: { request(settings: readonly ['baseUrl'], options?: { userAction?: boolean }): Promise<void> };
  /** Restricted Mode: no request leaves the machine (host/trust/restrictedMode.ts). */
  restricted: { check(what: string): void };
  timeoutMs?: number;
}

/**
 * One sync with the current settings and token: both are read at each run, so a rotated token or a
 * changed org needs no reload. The Sentry client and the engine (axios and friends) are loaded on the
 * first sync, not at activation.
 */
export class SyncService extends DisposableBase {
  private readonly progressEmitter = this.register(new Emitter<SyncProgress>());
  readonly onProgress: Event<SyncProgress> = this.progressEmitter.event;
  private lastSummaryValue: SyncSummary | null = null;
  /** The running sync's engine: issues asked for go into its queue. */
  private running: SyncEngine | null = null;
  private progressValue: SyncProgress | null = null;
  /** Issues whose events are being fetched on demand, outside a sync. */
  private readonly onDemand = new Map<string, Promise<void>>();
  private readonly loadingEmitter = this.register(new Emitter<void>());
  /** Fires when the set of issues whose events are loading changes (a sync starts or ends, an on-demand fetch). */
  readonly onDidChangeLoading: Event<void> = this.loadingEmitter.event;
  private readonly syncedEmitter = this.register(new Emitter<{ summary: SyncSummary; baseline: AlertBaseline }>());
  /** Fires after each successful sync, with what the store knew before it (for new-issue alerts). */
  readonly onDidSync: Event<{ summary: SyncSummary; baseline: AlertBaseline }> = this.syncedEmitter.event;

  constructor(private readonly deps: SyncServiceDeps) {
    super();
  }

  /** Progress of the running sync, or null. */
  get progress(): SyncProgress | null {
    return this.running ? this.progressValue : null;
  }

  /** Whether an issue's events are on their way (queued in the running sync, or fetched on demand). */
  isLoading(issueId: string): boolean {
    return this.onDemand.has(issueId) || (this.running?.isLoading(issueId) ?? false);
  }

  get syncing(): boolean {
    return this.running !== null;
  }

  /**
   * The user opened, expanded or diagnoses an issue whose events are not there yet: during a sync it
   * jumps the queue; otherwise its events are fetched now. Resolves when they are stored.
   */
  async requestEvents(issueId: string): Promise<void> {
    const store = await this.deps.store();
    const issue = store.issue(issueId);
    if (!issue || !eventsDue(issue, store.events(issueId).length)) return;
    if (this.running) return this.running.fetchNow(issueId);
    const pending = this.onDemand.get(issueId);
    if (pending) return pending;
    const p = (async () => {
      // The user opened the issue: the same gates as a manual sync (Restricted Mode, a confirmed baseUrl).
      const engine = await this.createEngine(true);
      await engine.fetchNow(issueId);
    })().finally(() => {
      this.onDemand.delete(issueId);
      this.loadingEmitter.fire();
    });
    this.onDemand.set(issueId, p);
    this.loadingEmitter.fire();
    return p;
  }

  get lastSummary(): SyncSummary | null {
    return this.lastSummaryValue;
  }

  async run(trigger: SyncTrigger, signal: AbortSignal): Promise<SyncSummary> {
    const { logger } = this.deps;
    const s = this.deps.config.settings;
    const engine = await this.createEngine(trigger === 'manual');
    logger.info(
      `[sync] ${trigger} sync of ${s.organization} at ${s.baseUrl} (projects: ${s.projects.length ? s.projects.join(', ') : 'all'}; min level ${s.minLevel}; events of ${s.eagerEventIssues || 'all'} issues eagerly)`,
    );
    this.running = engine;
    this.progressValue = null;
    this.loadingEmitter.fire();
    try {
      const baseline = alertBaseline((await this.deps.store()).data);
      const summary = await engine.run({
        signal,
        onProgress: (p) => {
          this.progressValue = p;
          this.progressEmitter.fire(p);
        },
      });
      for (const w of summary.warnings) logger.warn(`[sync] ${w}`);
      this.lastSummaryValue = summary;
      this.syncedEmitter.fire({ summary, baseline });
      return summary;
    } finally {
      this.running = null;
      this.loadingEmitter.fire();
    }
  }

  /**
   * A Sentry client over the current settings and token, behind the same gates as a sync (Restricted
   * Mode, a confirmed baseUrl, a token and an organization). Callers outside a sync point it at the
   * region the last sync used (`store.meta().regionUrl`).
   */
  async createClient(userAction: boolean, what = 'Syncing'): Promise<SentryClient> {
    const { config, tokens, logger } = this.deps;
    this.deps.restricted.check(what);
    await this.deps.trust.request(['baseUrl'], { userAction });
    const s = config.settings;
    const token = await tokens.get();
    if (!token) throw new RcaError('auth', 'No Sentry auth token is set.', 'Run "Sentry RCA: Set Auth Token".');
    if (!s.organization)
      throw new RcaError(
        'usage',
        'No Sentry organization is set.',
        'Set "sentryRCA.organization" in the settings (the slug in your Sentry URL).',
      );
    this.deps.onToken?.(token);
    const { SentryClient } = await import('../core/sentry/sentryClient');
    const client = new SentryClient({
      baseUrl: s.baseUrl,
      token,
      org: s.organization,
      logger,
      timeoutMs: this.deps.timeoutMs ?? 30_000,
      allowHttp: s.allowHttp,
    });
    return client;
  }

  /** A client and an engine over the current settings and token (both read at each call). */
  private async createEngine(userAction: boolean): Promise<SyncEngine> {
    const client = await this.createClient(userAction);
    const store = await this.deps.store();
    const s = this.deps.config.settings;
    const logger = this.deps.logger;
    const { SyncEngine } = await import('../core/sync/syncEngine');
    return new SyncEngine(
      { client, store, baseUrl: s.baseUrl, logger },
      {
        projects: s.projects,
        minLevel: s.minLevel,
        eventsPerIssue: s.eventsPerIssue,
        eagerEventIssues: s.eagerEventIssues,
      },
    );
  }

  /** `requestEvents` before a diagnosis: a failure (offline…) is logged, and the diagnosis uses what is stored. */
  async ensureEvents(issueId: string): Promise<void> {
    try {
      await this.requestEvents(issueId);
    } catch (e) {
      this.deps.logger.warn(
        `[sync] could not fetch the events of issue ${issueId} before diagnosing: ${errorMessage(e)}`,
      );
    }
  }

  /** `requestEvents` for the tree (an issue expanded or selected): a failure is logged and shown, not thrown. */
  loadEvents(issueId: string): void {
    this.requestEvents(issueId).catch((e: unknown) => reportError(this.deps.logger, "Loading the issue's events", e));
  }

  /** Validates a token with one API call before it is stored. */
  async checkToken(token: string, signal?: AbortSignal): Promise<TokenCheckResult> {
    this.deps.restricted.check('Checking the token');
    await this.deps.trust.request(['baseUrl'], { userAction: true });
    const s = this.deps.config.settings;
    const { SentryClient } = await import('../core/sentry/sentryClient');
    const client = new SentryClient({
      baseUrl: s.baseUrl,
      token,
      org: s.organization,
      logger: this.deps.logger,
      timeoutMs: this.deps.timeoutMs ?? 30_000,
      allowHttp: s.allowHttp,
    });
    try {
      return await client.checkToken(signal);
    } catch (e) {
      // Some Sentry-compatible servers have no API index (GET /api/0/). Reading the organization
      // still proves the token authenticates and has org:read; the other scopes show at the first sync.
      if (!(e instanceof RcaError) || e.kind !== 'remote' || !/HTTP 404|does not exist|not found/i.test(e.message))
        throw e;
      this.deps.logger.info('[token] the server has no API index; checking the token by reading the organization');
      await client.discoverRegion(signal);
      return {
        ok: true,
        missingScopes: [],
        message: 'The token can read the organization (this server does not list token scopes).',
      };
    }
  }
}
