import { Emitter, type Event } from '../core/common/emitter';
import { RcaError } from '../core/common/errors';
import { DisposableBase } from '../core/common/lifecycle';
import type { Logger } from '../core/common/logger';
import type { IssueStore } from '../core/store/issueStore';
import type { SyncSummary } from '../core/store/model';
import type { SyncProgress } from '../core/sync/syncEngine';
import type { SyncTrigger } from '../core/sync/syncScheduler';
import type { Config } from './config';
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

  constructor(private readonly deps: SyncServiceDeps) {
    super();
  }

  get lastSummary(): SyncSummary | null {
    return this.lastSummaryValue;
  }

  async run(trigger: SyncTrigger, signal: AbortSignal): Promise<SyncSummary> {
    const { config, tokens, logger } = this.deps;
    this.deps.restricted.check('Syncing');
    const store = await this.deps.store();
    await this.deps.trust.request(['baseUrl'], { userAction: trigger === 'manual' });
    const s = config.settings;
    const token = await tokens.get();
    if (!token) throw new RcaError('auth', 'No Sentry auth token is set.', 'Run "Sentry RCA: Set Auth Token".');
    if (!s.organization) throw new RcaError('usage', 'No Sentry organization is set.', 'Set "sentryRca.organization" in the settings (the slug in your Sentry URL).');
    this.deps.onToken?.(token);
    const [{ SentryClient }, { SyncEngine }] = await Promise.all([import('../core/sentry/sentryClient'), import('../core/sync/syncEngine')]);
    logger.info(`[sync] ${trigger} sync of ${s.organization} at ${s.baseUrl} (projects: ${s.projects.length ? s.projects.join(', ') : 'all'}; min level ${s.minLevel})`);
    const client = new SentryClient({ baseUrl: s.baseUrl, token, org: s.organization, logger, timeoutMs: this.deps.timeoutMs ?? 30_000, allowHttp: s.allowHttp });
    const engine = new SyncEngine(
      { client, store, baseUrl: s.baseUrl, logger },
      { projects: s.projects, minLevel: s.minLevel, eventsPerIssue: s.eventsPerIssue },
    );
    const summary = await engine.run({ signal, onProgress: (p) => this.progressEmitter.fire(p) });
    for (const w of summary.warnings) logger.warn(`[sync] ${w}`);
    this.lastSummaryValue = summary;
    return summary;
  }

  /** Validates a token with one API call before it is stored. */
  async checkToken(token: string, signal?: AbortSignal): Promise<{ ok: boolean; message: string; missingScopes: string[] }> {
    this.deps.restricted.check('Checking the token');
    await this.deps.trust.request(['baseUrl'], { userAction: true });
    const s = this.deps.config.settings;
    const { SentryClient } = await import('../core/sentry/sentryClient');
    const client = new SentryClient({ baseUrl: s.baseUrl, token, org: s.organization, logger: this.deps.logger, timeoutMs: this.deps.timeoutMs ?? 30_000, allowHttp: s.allowHttp });
    try {
      return await client.checkToken(signal);
    } catch (e) {
      // Some Sentry-compatible servers have no API index (GET /api/0/). Reading the organization
      // still proves the token authenticates and has org:read; the other scopes show at the first sync.
      if (!(e instanceof RcaError) || e.kind !== 'remote' || !/HTTP 404|does not exist|not found/i.test(e.message)) throw e;
      this.deps.logger.info('[token] the server has no API index; checking the token by reading the organization');
      await client.discoverRegion(signal);
      return { ok: true, missingScopes: [], message: 'The token can read the organization (this server does not list token scopes).' };
    }
  }
}
