import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { abortError, systemClock, type Clock } from '../common/clock';
import { RcaError } from '../common/errors';
import { isLoopbackHost } from '../trust/loopback';
import { nullLogger, type Logger } from '../common/logger';
import type { ApiEvent, ApiIssue, ApiOrganization, ApiProject, ApiRelease, ApiReleaseCommit } from './apiTypes';
import { nextLink } from './linkHeader';
import { RateGate } from './rateGate';
import { orgTokenNote, REQUIRED_SCOPES, scopeFor, TOKEN_HELP, WRITE_HELP, type Scope } from './scopes';

export interface SentryClientOptions {
  /** `https://sentry.io`, a region URL, or a self-hosted URL (with or without `/api/0`). */
  baseUrl: string;
  token: string;
  org: string;
  logger?: Logger;
  clock?: Clock;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries for 429, 5xx and network failures. */
  maxRetries?: number;
  /** First backoff step when the server names no wait; doubles per retry, with jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest wait a Retry-After may ask for before the request is given up. */
  maxWaitMs?: number;
  /** Allow plain http to a host other than this machine (the token then travels in clear text). */
  allowHttp?: boolean;
}

export interface ClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
}

export interface TokenCheck {
  ok: boolean;
  scopes: string[];
  missingScopes: Scope[];
  message: string;
  /** Whether the token may change issues (resolve, archive, assign, notes: event:write or event:admin). */
  canWrite?: boolean;
  /** Why write actions are unavailable, when they are not. */
  writeMessage?: string;
  /** The token's user id (`user.id` of the API index), for "assign to me" and "Assigned to me". */
  userId?: string | null;
}

/** HTTP methods the client sends (reads, plus the triage writes). */
export type HttpMethod = 'GET' | 'PUT' | 'POST';

interface Params {
  [key: string]: string | number | boolean | undefined | Array<string | number>;
}

interface RequestOptions {
  signal?: AbortSignal;
  /** Rate-limit bucket (Sentry limits per endpoint). */
  family?: string;
  /** 403 and 404 answer null instead of failing (data the token may not read, or that does not exist). */
  optional?: boolean;
  /** A send slot already taken with `acquireSlot` (for the first attempt). */
  slot?: SendSlot;
  /** GET unless said otherwise; writes carry a JSON `body`. */
  method?: HttpMethod;
  body?: unknown;
}

/** A write's answer: the status (200, 201 or 204) and the parsed body (null for 204). */
export interface WriteResult<T> {
  status: number;
  data: T | null;
}

/** Permission to send one request of a family now; release it if the request is not sent after all. */
export type SendSlot = (headers?: Record<string, unknown>) => void;

/** Sentry answered with an error status: which one, and for a 403 the scope the request needed. */
export class SentryStatusError extends RcaError {
  constructor(
    readonly status: number,
    readonly scope: Scope | null,
    kind: 'auth' | 'remote',
    message: string,
    hint?: string,
  ) {
    super(kind, message, hint);
  }
}

/** Rate-limit family of the issue-events endpoint (for `acquireSlot`). */
export const EVENTS_FAMILY = 'events';

/** A response's status classes that are worth another try. */
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Sentry REST API v0 client: bearer auth, region discovery, cursor pagination, retry with
 * Retry-After / X-Sentry-Rate-Limit-Reset / backoff, pacing before 429s. The token is sent only to
 * the configured origin or the organisation's own region origin, never across redirects elsewhere,
 * and never appears in a log line or an error message.
 */
export class SentryClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0 };
  readonly warnings: string[] = [];
  private readonly http: AxiosInstance;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly gate: RateGate;
  private readonly allowedOrigins = new Set<string>();
  private readonly baseOrigin: URL;
  private apiRoot: string;
  private readonly token: string;

  constructor(private readonly options: SentryClientOptions) {
    this.logger = options.logger ?? nullLogger;
    this.clock = options.clock ?? systemClock;
    this.gate = new RateGate(this.clock);
    let base: URL;
    try {
      base = new URL(options.baseUrl.trim());
    } catch {
      throw new RcaError(
        'usage',
        `The Sentry URL "${options.baseUrl}" is not a valid URL.`,
        'Use e.g. https://sentry.io, https://de.sentry.io or your self-hosted address.',
      );
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
      throw new RcaError('usage', `The Sentry URL must use https (or http for a local server), not ${base.protocol}`);
    if (base.protocol === 'http:' && !isLoopbackHost(base.hostname) && !options.allowHttp) {
      throw new RcaError(
        'usage',
        `The Sentry URL ${base.origin} uses plain http, which would send the auth token in clear text.`,
        'Use https. For a server you reach over a network you trust, opt in with the setting sentryRCA.allowHttp (CLI: SENTRY_RCA_ALLOW_HTTP=1).',
      );
    }
    if (!options.token || /\s/.test(options.token.trim()))
      throw new RcaError('auth', 'No Sentry auth token is set.', TOKEN_HELP);
    if (!/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/i.test(options.org))
      throw new RcaError(
        'usage',
        `"${options.org}" is not a valid organization slug.`,
        'Use the slug from your Sentry URL, e.g. https://sentry.io/organizations/<slug>/.',
      );
    this.token = options.token.trim();
    this.baseOrigin = base;
    this.allowedOrigins.add(base.origin);
    this.apiRoot = apiRootOf(base);
    this.http = axios.create({
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      maxContentLength: 128 * 1024 * 1024,
      decompress: true,
      // Proxies are the user's business, but a proxy env var must never receive the bearer token
      // for a host it was not meant for; axios honours HTTP(S)_PROXY itself.
    });
  }

  get org(): string {
    return this.options.org;
  }

  /** The API root in use (changes after region discovery). */
  get apiBase(): string {
    return this.apiRoot;
  }

  /**
   * Uses the organisation's region URL (from `links.regionUrl`) for further requests, when it is the
   * same host as the configured one or a sibling of it under sentry.io; otherwise ignores it.
   */
  useRegion(regionUrl: string | null | undefined): boolean {
    if (!regionUrl) return false;
    let region: URL;
    try {
      region = new URL(regionUrl);
    } catch {
      return false;
    }
    const base = this.baseOrigin;
    const sameHost = region.hostname === base.hostname;
    const sentrySibling = /(^|\.)sentry\.io$/.test(base.hostname) && /(^|\.)sentry\.io$/.test(region.hostname);
    const downgrade = base.protocol === 'https:' && region.protocol !== 'https:';
    if ((!sameHost && !sentrySibling) || downgrade) {
      this.logger.warn(`[sentry] ignoring region URL ${region.origin}: not the configured host ${base.origin}`);
      return false;
    }
    this.allowedOrigins.add(region.origin);
    this.apiRoot = apiRootOf(region);
    return true;
  }

  /** Reads the org and switches to its region URL (sentry.io's us/de split). */
  async discoverRegion(signal?: AbortSignal): Promise<ApiOrganization> {
    const org = await this.get<ApiOrganization>(`/organizations/${this.org}/`, {}, { signal, family: 'org' });
    if (!org || typeof org !== 'object')
      throw new RcaError('remote', `Sentry returned no organization for "${this.org}".`);
    this.useRegion(org.links?.regionUrl ?? null);
    return org;
  }

  /** One call to the API index, which names the token's scopes. */
  async checkToken(signal?: AbortSignal): Promise<TokenCheck> {
    const index = await this.get<{ auth?: { scopes?: string[] } | null; user?: { id?: unknown } | null }>(
      '/',
      {},
      { signal, family: 'index' },
    );
    const scopes = Array.isArray(index?.auth?.scopes)
      ? index.auth.scopes.filter((s): s is string => typeof s === 'string')
      : null;
    if (!scopes) {
      return {
        ok: false,
        scopes: [],
        missingScopes: [...REQUIRED_SCOPES],
        message: `Sentry did not accept the token as authenticated. ${TOKEN_HELP}${orgTokenNote(this.token)}`,
      };
    }
    // A scope like org:write or org:admin implies org:read.
    const has = (s: Scope) =>
      scopes.some(
        (x) => x === s || (x.split(':')[0] === s.split(':')[0] && ['write', 'admin'].includes(x.split(':')[1] ?? '')),
      );
    const missing = REQUIRED_SCOPES.filter((s) => !has(s));
    const message =
      missing.length === 0
        ? 'The token has the scopes sentry-rca needs.'
        : `The token lacks ${missing.join(', ')}. ${TOKEN_HELP}${orgTokenNote(this.token)}`;
    const canWrite = has('event:write');
    const userId = index?.user && (typeof index.user.id === 'string' || typeof index.user.id === 'number');
    return {
      ok: missing.length === 0,
      scopes,
      missingScopes: missing,
      message,
      canWrite,
      writeMessage: canWrite ? undefined : WRITE_HELP,
      userId: userId ? String(index.user!.id) : null,
    };
  }

  async listProjects(signal?: AbortSignal): Promise<ApiProject[]> {
    const all: ApiProject[] = [];
    for await (const page of this.pages<ApiProject>(
      `/organizations/${this.org}/projects/`,
      { per_page: 100 },
      { signal, family: 'projects' },
    ))
      all.push(...page);
    return all;
  }

  /**
   * Pages of the organisation's issues (`/organizations/{org}/issues/`). No project ids means every
   * project the token can access: `project=-1`. Omitting `project` would mean only the projects of the
   * user's teams (Sentry's `ALL_ACCESS_PROJECTS`; see docs/SENTRY_SEMANTICS.md).
   */
  issuePages(
    params: { projectIds?: string[]; query?: string; statsPeriod?: string; sort?: string; limit?: number },
    signal?: AbortSignal,
  ): AsyncGenerator<ApiIssue[]> {
    return this.pages<ApiIssue>(
      `/organizations/${this.org}/issues/`,
      {
        project: params.projectIds?.length ? params.projectIds : ['-1'],
        query: params.query ?? 'is:unresolved',
        statsPeriod: params.statsPeriod,
        sort: params.sort ?? 'date',
        limit: params.limit ?? 100,
      },
      { signal, family: 'issues' },
    );
  }

  /**
   * Waits until a request of `family` may be sent and takes that slot, so a caller can decide *then*
   * what to send (the sync picks the most urgent issue at that moment). Pass it as `slot`.
   */
  acquireSlot(family: string, signal?: AbortSignal): Promise<SendSlot> {
    return this.gate.acquire(family, signal);
  }

  /** Pages of one issue's events, newest first. */
  eventPages(
    issueId: string,
    params: { full?: boolean; perPage?: number; start?: string; statsPeriod?: string; slot?: SendSlot },
    signal?: AbortSignal,
  ): AsyncGenerator<ApiEvent[]> {
    return this.pages<ApiEvent>(
      `/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/events/`,
      {
        full: params.full ? 'true' : undefined,
        per_page: params.perPage ?? 100,
        start: params.start,
        statsPeriod: params.start ? undefined : params.statsPeriod,
        end: params.start ? new Date(this.clock.now() + 60_000).toISOString() : undefined,
      },
      { signal, family: EVENTS_FAMILY, slot: params.slot },
    );
  }

  getIssue(issueId: string, signal?: AbortSignal): Promise<ApiIssue> {
    return this.get<ApiIssue>(
      `/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/`,
      {},
      { signal, family: 'issue' },
    );
  }

  getEvent(
    issueId: string,
    which: 'latest' | 'oldest' | 'recommended' | string,
    signal?: AbortSignal,
  ): Promise<ApiEvent> {
    return this.get<ApiEvent>(
      `/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/events/${encodeURIComponent(which)}/`,
      {},
      { signal, family: 'event' },
    );
  }

  /**
   * The issue's tag distribution (`GET /organizations/{org}/issues/{id}/tags/`, event:read): a list of
   * `{key, name, totalValues, topValues: [{value, count, firstSeen, lastSeen}]}`, `limit` top values per key
   * (Sentry's GroupTagsEndpoint). Returned raw; core/details/eventDetails.ts reads it defensively.
   */
  getIssueTags(issueId: string, signal?: AbortSignal): Promise<unknown> {
    return this.get<unknown>(
      `/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/tags/`,
      { limit: 10 },
      { signal, family: 'issue-tags' },
    );
  }

  /**
   * One release (`GET /organizations/{org}/releases/{version}/`: `version`, `ref`, `lastCommit`,
   * `dateCreated`, `dateReleased` — docs.sentry.io/api/releases/retrieve-an-organizations-release/).
   * Null when the token may not read releases (403: it needs project:releases or project:read) or the
   * release is unknown (404), so the caller falls back to git.
   */
  getRelease(version: string, signal?: AbortSignal): Promise<ApiRelease | null> {
    return this.get<ApiRelease | null>(
      `/organizations/${this.org}/releases/${encodeURIComponent(version)}/`,
      {},
      { signal, family: 'releases', optional: true },
    );
  }

  /** The commits of a release (`…/releases/{version}/commits/`), newest first; empty on 403/404. */
  async listReleaseCommits(version: string, signal?: AbortSignal): Promise<ApiReleaseCommit[]> {
    const all: ApiReleaseCommit[] = [];
    const first = await this.get<ApiReleaseCommit[] | null>(
      `/organizations/${this.org}/releases/${encodeURIComponent(version)}/commits/`,
      { per_page: 100 },
      { signal, family: 'releases', optional: true },
    );
    if (first) all.push(...first);
    return all;
  }

  /** The newest releases of a project (`GET /organizations/{org}/releases/?project=ID`, newest first); empty on 403/404. */
  async listReleases(projectId: string, signal?: AbortSignal): Promise<ApiRelease[]> {
    return (
      (await this.get<ApiRelease[] | null>(
        `/organizations/${this.org}/releases/`,
        { project: projectId, per_page: 100 },
        { signal, family: 'releases', optional: true },
      )) ?? []
    );
  }

  /**
   * Follows Sentry cursor pagination until the `next` link says `results="false"`. Cursors are reused
   * with our own path (never the link's URL, which could name another host); a repeated cursor or a
   * missing Link header on a full page ends the walk with a warning instead of looping or silently
   * dropping data.
   */
  async *pages<T>(path: string, params: Params, opts: RequestOptions = {}): AsyncGenerator<T[]> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    const pageSize = Number(params.limit ?? params.per_page ?? 100);
    for (let first = true; ; first = false) {
      const res = await this.request(path, { ...params, cursor }, first ? opts : { ...opts, slot: undefined });
      const data = res.data as unknown;
      if (!Array.isArray(data))
        throw new RcaError(
          'remote',
          `Sentry returned ${describe(data)} instead of a list for GET ${path}.`,
          'If you use a proxy or a Sentry-compatible server, check that it serves the Sentry REST API v0.',
        );
      yield data as T[];
      const next = nextLink(res.headers.link as string | undefined);
      if (!next) {
        if (data.length >= pageSize)
          this.warn(
            `GET ${path} returned a full page without a Link header; results after the first ${data.length} may be missing.`,
          );
        return;
      }
      if (!next.results) return;
      if (!next.cursor || seen.has(next.cursor)) {
        this.warn(`GET ${path} returned the cursor "${next.cursor ?? ''}" again; stopped paging to avoid a loop.`);
        return;
      }
      seen.add(next.cursor);
      cursor = next.cursor;
    }
  }

  async get<T>(path: string, params: Params = {}, opts: RequestOptions = {}): Promise<T> {
    return (await this.request(path, params, opts)).data as T;
  }

  /**
   * A write (`PUT` or `POST` with a JSON body), under the same rate limits, token rules and errors as
   * reads. PUT is idempotent, so it is retried like a read; a POST is retried only after a 429 (Sentry
   * refused it before doing anything), never after a 5xx or a dropped connection, which may have created
   * the note already.
   */
  async write<T>(
    method: 'PUT' | 'POST',
    path: string,
    params: Params,
    body: unknown,
    opts: Omit<RequestOptions, 'method' | 'body'> = {},
  ): Promise<WriteResult<T>> {
    const res = await this.request(path, params, { ...opts, method, body });
    return { status: res.status, data: res.data as T | null };
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.logger.warn(`[sentry] ${message}`);
  }

  private async request(
    path: string,
    params: Params,
    opts: RequestOptions,
  ): Promise<{ data: unknown; headers: Record<string, unknown>; status: number }> {
    const method = opts.method ?? 'GET';
    // A POST that may have reached the server is not sent twice (see `write`).
    const maxRetries = method === 'POST' ? 0 : (this.options.maxRetries ?? 5);
    const max429 = this.options.maxRetries ?? 5;
    let url = this.apiRoot + path + queryString(params);
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      const slot = attempt === 0 && redirects === 0 ? opts.slot : undefined;
      if (opts.signal?.aborted) {
        slot?.();
        throw cancelled(opts.signal);
      }
      const release = slot ?? (await this.gate.acquire(opts.family ?? path, opts.signal));
      let res: AxiosResponse<string>;
      const started = this.clock.now();
      this.stats.requests++;
      try {
        res = await this.send(method, url, opts.body, opts.signal);
      } catch (e) {
        release();
        if (opts.signal?.aborted) throw cancelled(opts.signal);
        const failure = networkFailure(e, url, this.options.timeoutMs ?? 30_000);
        const limit = failure.retryable
          ? failure.fewRetries
            ? Math.min(2, method === 'POST' && failure.notSent ? max429 : maxRetries)
            : maxRetries
          : 0;
        if (attempt >= limit) throw new RcaError('network', failure.message, failure.hint);
        await this.pause(this.backoff(attempt), attempt, `${failure.message}`, opts.signal);
        continue;
      }
      const headers = lowerHeaders(res.headers as Record<string, unknown>);
      release(headers);
      this.logger.debug(`[sentry] ${method} ${redactUrl(url)} → ${res.status} in ${this.clock.now() - started} ms`);

      if (res.status >= 200 && res.status < 300) {
        try {
          return { data: res.data === '' ? null : JSON.parse(res.data), headers, status: res.status };
        } catch {
          if (method !== 'GET' || attempt >= Math.min(2, maxRetries)) {
            throw new RcaError(
              'remote',
              `Sentry returned a response that is not valid JSON for ${method} ${pathOf(url)} (${res.data.length} bytes, ending "${res.data.slice(-40)}").`,
              'This is usually a proxy or a cut connection; try again, and check any proxy between you and Sentry.',
            );
          }
          await this.pause(this.backoff(attempt), attempt, 'malformed JSON', opts.signal);
          continue;
        }
      }
      if (res.status >= 300 && res.status < 400) {
        const target = resolveRedirect(url, headers.location);
        if (!target || !this.allowedOrigins.has(target.origin)) {
          throw new RcaError(
            'remote',
            `Sentry redirected ${method} ${pathOf(url)} to ${target?.origin ?? 'an invalid address'}; the token is only sent to ${[...this.allowedOrigins].join(', ')}.`,
            'Set sentryRCA.baseUrl to the address Sentry redirects to, if you trust it.',
          );
        }
        if (++redirects > 3) throw new RcaError('remote', `Too many redirects for ${method} ${pathOf(url)}.`);
        url = target.toString();
        attempt--;
        continue;
      }
      if (opts.optional && (res.status === 403 || res.status === 404)) {
        this.logger.debug(`[sentry] ${method} ${pathOf(url)} → ${res.status}; optional, carrying on without it`);
        return { data: null, headers, status: res.status };
      }
      if (res.status === 401) {
        throw new RcaError(
          'auth',
          `Sentry rejected the auth token (401) for ${method} ${pathOf(url)}.`,
          `${TOKEN_HELP}${orgTokenNote(this.token)}`,
        );
      }
      if (res.status === 403) {
        const scope = scopeFor(path, method);
        throw new SentryStatusError(
          403,
          scope,
          'auth',
          `The auth token is not allowed to ${method} ${pathOf(url)} (403): it needs the ${scope} scope${scope === 'event:write' ? ' (or event:admin)' : ''}${detailOf(res.data)}.`,
          scope === 'event:write' ? WRITE_HELP : `${TOKEN_HELP}${orgTokenNote(this.token)}`,
        );
      }
      if (res.status === 404) {
        const what =
          path === `/organizations/${this.org}/`
            ? `Organization "${this.org}" was not found`
            : `${method} ${pathOf(url)} was not found (404)`;
        throw new RcaError(
          'remote',
          `${what} at ${this.baseOrigin.origin}.`,
          'Check the organization slug and the Sentry URL (self-hosted, de.sentry.io…).',
        );
      }
      if (RETRY_STATUS.has(res.status)) {
        if (res.status === 429) this.stats.rateLimited++;
        const retries = res.status === 429 ? max429 : maxRetries;
        if (attempt >= retries) {
          const why = res.status === 429 ? 'kept rate-limiting' : `kept failing (HTTP ${res.status}) for`;
          throw new RcaError(
            'remote',
            `Sentry ${why} ${method} ${pathOf(url)} after ${retries} retries${detailOf(res.data)}.`,
            res.status === 429
              ? 'Raise the sync interval or sync fewer projects.'
              : 'Sentry may be having an incident; the next sync will try again.',
          );
        }
        const wait =
          res.status === 429 || res.status === 503
            ? (this.serverWait(headers) ?? this.backoff(attempt))
            : this.backoff(attempt);
        if (wait > (this.options.maxWaitMs ?? 120_000)) {
          throw new RcaError(
            'remote',
            `Sentry asked to wait ${Math.round(wait / 1000)} s before retrying ${method} ${pathOf(url)}; giving up for now.`,
            'The next sync will try again.',
          );
        }
        await this.pause(wait, attempt, `HTTP ${res.status}`, opts.signal);
        continue;
      }
      if (res.status === 400 && method !== 'GET') {
        // Sentry's validation errors: {"detail": "…"} or DRF's {"field": ["…"]} / {"statusDetails": {"ignoreWindow": ["…"]}}.
        throw new SentryStatusError(
          400,
          null,
          'remote',
          `Sentry refused ${method} ${pathOf(url)} (400): ${validationDetail(res.data)}.`,
        );
      }
      throw new SentryStatusError(
        res.status,
        null,
        'remote',
        `Sentry answered HTTP ${res.status} for ${method} ${pathOf(url)}${detailOf(res.data)}.`,
      );
    }
  }

  private async send(
    method: HttpMethod,
    url: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<AxiosResponse<string>> {
    const timeout = this.options.timeoutMs ?? 30_000;
    const signals = [AbortSignal.timeout(timeout), ...(signal ? [signal] : [])];
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: 'application/json',
      'User-Agent': 'sentry-rca/0.1',
    };
    if (method === 'GET') return this.http.get<string>(url, { headers, signal: AbortSignal.any(signals), timeout });
    headers['Content-Type'] = 'application/json';
    return this.http.request<string>({
      method,
      url,
      data: JSON.stringify(body ?? {}),
      headers,
      signal: AbortSignal.any(signals),
      timeout,
    });
  }

  /** Retry-After (seconds or HTTP date), else the rate-limit window's reset time. */
  private serverWait(headers: Record<string, unknown>): number | undefined {
    const ra = headers['retry-after'];
    if (typeof ra === 'string' && ra.trim() !== '') {
      const secs = Number(ra);
      if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
      const at = Date.parse(ra);
      if (!Number.isNaN(at)) return Math.max(0, at - this.clock.now());
    }
    const reset = Number(headers['x-sentry-rate-limit-reset']);
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - this.clock.now()) + 50;
    return undefined;
  }

  /** Exponential backoff with full jitter. */
  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    const ceiling = Math.min(max, base * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async pause(ms: number, attempt: number, why: string, signal?: AbortSignal): Promise<void> {
    this.stats.retries++;
    this.logger.info(`[sentry] ${why}; retry ${attempt + 1} in ${Math.round(ms)} ms`);
    try {
      await this.clock.sleep(ms, signal);
    } catch {
      throw cancelled(signal);
    }
  }
}

function apiRootOf(u: URL): string {
  const path = u.pathname.replace(/\/+$/, '');
  return u.origin + (path.endsWith('/api/0') ? path : `${path}/api/0`);
}

function queryString(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function lowerHeaders(h: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|key|sentry_key)=)[^&]*/gi, '$1***');
}

function resolveRedirect(from: string, location: unknown): URL | undefined {
  if (typeof location !== 'string') return undefined;
  try {
    return new URL(location, from);
  } catch {
    return undefined;
  }
}

function detailOf(body: string): string {
  try {
    const d = (JSON.parse(body) as { detail?: unknown })?.detail;
    return typeof d === 'string' && d ? `: "${d.slice(0, 300)}"` : '';
  } catch {
    return '';
  }
}

/** The first messages of a 400 body, flattened: `statusDetails.ignoreWindow: Ensure this value is less than or equal to 10080.` */
function validationDetail(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body ? `"${body.slice(0, 200)}"` : 'no reason given';
  }
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (out.length >= 5) return;
    if (typeof v === 'string') out.push(key && key !== 'detail' && key !== 'non_field_errors' ? `${key}: ${v}` : v);
    else if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, key && key !== 'detail' ? `${key}.${k}` : k);
  };
  walk(parsed, '');
  return out.length ? `"${out.join('; ').slice(0, 400)}"` : 'no reason given';
}

function describe(v: unknown): string {
  if (v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

function cancelled(signal?: AbortSignal): RcaError {
  const e = signal ? abortError(signal) : undefined;
  return new RcaError('cancelled', e?.message && e.message !== 'This operation was aborted' ? e.message : 'Cancelled.');
}

interface NetworkFailure {
  message: string;
  hint?: string;
  retryable: boolean;
  fewRetries?: boolean;
  /** The request never left this machine (no connection): safe to send again even for a POST. */
  notSent?: boolean;
}

function networkFailure(e: unknown, url: string, timeoutMs: number): NetworkFailure {
  const code =
    (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  const name = (e as Error)?.name;
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* keep url */
  }
  if (name === 'TimeoutError' || code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return {
      message: `Sentry at ${host} did not answer within ${Math.round(timeoutMs / 1000)} s (${pathOf(url)}).`,
      hint: 'Check your network or raise the timeout.',
      retryable: true,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      message: `Cannot resolve the Sentry host ${host}.`,
      hint: 'Check sentryRCA.baseUrl and your network or VPN.',
      retryable: code === 'EAI_AGAIN',
      fewRetries: true,
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      message: `Cannot connect to Sentry at ${host} (connection refused).`,
      hint: 'Check sentryRCA.baseUrl; is the server running?',
      retryable: true,
      fewRetries: true,
      notSent: true,
    };
  }
  if (code && /CERT|SSL|TLS/i.test(code)) {
    return {
      message: `The TLS certificate of ${host} was not accepted (${code}).`,
      hint: 'For self-hosted Sentry with a private CA, set NODE_EXTRA_CA_CERTS.',
      retryable: false,
    };
  }
  return {
    message: `The connection to Sentry at ${host} failed (${code ?? (e as Error)?.message ?? 'unknown error'}) during a request to ${pathOf(url)}.`,
    retryable: true,
  };
}
