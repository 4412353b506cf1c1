/**
 * The HTTP side of the test Sentry server: node:http listeners for the REST API, the ingest endpoint
 * and the `/__control/*` endpoints a separate process uses to drive it, plus a decoy listener on
 * another origin that redirects point to (so a test can see whether the token followed a redirect).
 * Order for an API request: record → fault queue → auth → rate limit → latency → handler → send.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { matchRoute, type RouteContext } from './api-routes';
import { EnvelopeError } from './envelope';
import { FaultQueue } from './faults';
import { IngestError } from './normalize';
import { RateLimiter } from './rate-limiter';
import { issueToApi } from './serialize';
import type { IssueRec, MemberRec, NoteRec, ProjectRec, ReleaseCommitRec, TeamRec } from './server-state';
import { ServerState } from './server-state';
import { generateSynthetic } from './synthetic';
import { isLoopbackHost } from '../../../src/core/trust/loopback';
import type {
  ApiIssue,
  Fault,
  FaultKind,
  RateLimit,
  RecordedRequest,
  SentryServerOptions,
  SyntheticOptions,
  TouchOptions,
} from './types';

export interface SentryTestServer {
  url: string;
  port: number;
  org: string;
  token: string;
  /** Origin of the decoy listener that `redirect` faults send clients to. */
  decoyUrl: string;
  /** `isMember: false`: a project of another team (listed with `isMember: false`, left out of no-`project` queries). */
  addProject(p: { slug: string; name?: string; platform?: string; isMember?: boolean }): {
    id: string;
    slug: string;
    dsn: string;
  };
  dsn(projectSlug: string): string;
  ingestEnvelope(projectId: string, body: Buffer | string): string;
  /** One event payload in ingest (snake_case) format, as `/api/{id}/store/` takes it. */
  ingestEvent(projectId: string, event: Record<string, unknown>): string;
  generateSynthetic(opts: SyntheticOptions): void;
  /** Adds events "now" to the given issues (ids or short ids), or to the first `n` unresolved issues by id; returns their ids. */
  touchIssues(target: string[] | number, opts?: TouchOptions): string[];
  resolveIssue(id: string): void;
  /** Records a release of `projectSlug` with its commits (newest first), as `sentry-cli releases set-commits` would. */
  setReleaseCommits(
    projectSlug: string,
    version: string,
    commits: ReleaseCommitRec[],
    options?: { ref?: string; createdMs?: number },
  ): void;
  /** An organization member (assignable as `user:<userId>`); userId null = a pending invite. */
  addMember(m: { name: string; email: string; userId?: string | null }): MemberRec;
  addTeam(t: { slug: string; name?: string }): TeamRec;
  /** Notes posted on an issue, oldest first. */
  notes(issueId: string): NoteRec[];
  fault(f: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  setRateLimit(r: RateLimit | null): void;
  setToken(t: string, scopes?: string[]): void;
  /** Current issues in API shape (all statuses), newest id first. */
  issues(): ApiIssue[];
  readonly requests: RecordedRequest[];
  resetRequests(): void;
  /** What main.ts prints and `GET /__control/state` returns. */
  describe(): ServerDescription;
  close(): Promise<void>;
}

export interface ServerDescription {
  url: string;
  token: string;
  org: string;
  decoyUrl: string;
  projects: Array<{ id: string; slug: string; dsn: string }>;
  issues: number;
}

const DEFAULT_SCOPES = ['org:read', 'project:read', 'event:read'];
const MAX_BODY = 20 * 1024 * 1024; // Sentry's compressed-request cap for envelopes

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new IngestError(`request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw new IngestError(`unsupported content-encoding ${encoding}`);
  }
}

/** The host name of a Host header (`127.0.0.1:8000`, `[::1]:80`, `localhost`); empty when absent. */
function hostOf(header: string | undefined): string {
  if (!header) return '';
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim());
  return m ? m[1]! : '';
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function queryRecord(sp: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of sp) {
    const cur = out[k];
    out[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
  }
  return out;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Pads a JSON page to about `size` bytes inside its first item, keeping it valid JSON. */
function pad(body: unknown, size: number): unknown {
  const base = JSON.stringify(body).length;
  const filler = 'x'.repeat(Math.max(0, size - base));
  if (Array.isArray(body) && body.length) {
    const [first, ...rest] = body as Array<Record<string, unknown>>;
    const meta = first!.metadata;
    const padded =
      meta && typeof meta === 'object'
        ? { ...first, metadata: { ...meta, value: `${(meta as { value?: string }).value ?? ''}${filler}` } }
        : { ...first, padding: filler };
    return [padded, ...rest];
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) return { ...body, padding: filler };
  return body;
}

export class SentryServerImpl implements SentryTestServer {
  readonly state: ServerState;
  readonly requests: RecordedRequest[] = [];
  readonly org: string;
  url = '';
  port = 0;
  decoyUrl = '';
  token: string;
  private scopes: Set<string>;
  private latencyMs: number;
  private readonly faults = new FaultQueue();
  private readonly limiter: RateLimiter;
  private readonly now: () => number;
  private readonly main: Server;
  private readonly decoy: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: SentryServerOptions) {
    this.now = opts.now ?? Date.now;
    this.state = new ServerState(this.now);
    this.org = opts.org ?? 'acme';
    this.token = opts.token ?? 'sntryu_test';
    this.scopes = new Set(opts.scopes ?? DEFAULT_SCOPES);
    this.latencyMs = opts.latencyMs ?? 0;
    this.limiter = new RateLimiter(opts.rateLimit ?? null, this.now);
    this.main = createServer((req, res) => void this.onRequest(req, res, false));
    this.decoy = createServer((req, res) => void this.onRequest(req, res, true));
    // Keep-alive clients (axios agents) must not hold close() hostage.
    this.main.keepAliveTimeout = 2000;
  }

  async listen(): Promise<void> {
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.main.once('error', reject);
      this.main.listen(this.opts.port ?? 0, host, () => resolve());
    });
    this.port = (this.main.address() as AddressInfo).port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    // The decoy must be another *host*, not just another port, for "token sent to another host" checks:
    // 127.0.0.2 is loopback on Linux; elsewhere fall back to `localhost`.
    for (const decoyHost of ['127.0.0.2', 'localhost']) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.decoy.once('error', reject);
          this.decoy.listen(0, decoyHost, () => resolve());
        });
        this.decoyUrl = `http://${decoyHost}:${(this.decoy.address() as AddressInfo).port}`;
        break;
      } catch {
        // try the next host
      }
    }
  }

  // ---- programmatic API -------------------------------------------------------------------

  setReleaseCommits(
    projectSlug: string,
    version: string,
    commits: ReleaseCommitRec[],
    options: { ref?: string; createdMs?: number } = {},
  ): void {
    const project = this.state.projectBySlug(projectSlug);
    if (!project) throw new Error(`no project ${projectSlug}`);
    this.state.setReleaseCommits(project, version, commits, options.ref ?? null, options.createdMs);
  }

  addProject(p: { slug: string; name?: string; platform?: string; isMember?: boolean }): {
    id: string;
    slug: string;
    dsn: string;
  } {
    const proj = this.state.addProject(p);
    return { id: proj.id, slug: proj.slug, dsn: this.dsnOf(proj) };
  }

  dsn(projectSlug: string): string {
    const p = this.state.projectBySlug(projectSlug);
    if (!p) throw new Error(`no project ${projectSlug}`);
    return this.dsnOf(p);
  }

  private dsnOf(p: ProjectRec): string {
    const u = new URL(this.url);
    return `${u.protocol}//${p.publicKey}@${u.host}/${p.id}`;
  }

  private project(projectId: string): ProjectRec {
    const p = this.state.projectById(projectId) ?? this.state.projectBySlug(projectId);
    if (!p) throw new Error(`no project ${projectId}`);
    return p;
  }

  ingestEnvelope(projectId: string, body: Buffer | string): string {
    return this.state.ingestEnvelope(this.project(projectId), body);
  }

  ingestEvent(projectId: string, event: Record<string, unknown>): string {
    return this.state.ingestEvent(this.project(projectId), event);
  }

  generateSynthetic(opts: SyntheticOptions): void {
    generateSynthetic(this.state, opts);
  }

  touchIssues(target: string[] | number, opts: TouchOptions = {}): string[] {
    let issues: IssueRec[];
    if (typeof target === 'number') {
      issues = this.state.issues.filter((i) => i.status === 'unresolved').slice(0, target);
    } else {
      issues = target.map((id) => {
        const i = this.state.issue(id);
        if (!i) throw new Error(`no issue ${id}`);
        return i;
      });
    }
    return this.state.touch(issues, opts.newEvents ?? 1);
  }

  resolveIssue(id: string): void {
    this.state.resolve(id);
  }

  addMember(m: { name: string; email: string; userId?: string | null }): MemberRec {
    return this.state.addMember(m);
  }

  addTeam(t: { slug: string; name?: string }): TeamRec {
    return this.state.addTeam(t);
  }

  notes(issueId: string): NoteRec[] {
    return [...(this.state.issue(issueId)?.notes ?? [])];
  }

  fault(f: Fault): void {
    this.faults.add(f);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  setRateLimit(r: RateLimit | null): void {
    this.limiter.set(r);
  }

  setToken(t: string, scopes?: string[]): void {
    this.token = t;
    if (scopes) this.scopes = new Set(scopes);
  }

  issues(): ApiIssue[] {
    const now = this.now();
    return [...this.state.issues]
      .sort((a, b) => Number(b.id) - Number(a.id))
      .map((i) => issueToApi(i, { baseUrl: this.url, org: this.org, now, groupStatsPeriod: '24h' }));
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(
      [this.main, this.decoy].map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse, viaDecoy: boolean): Promise<void> {
    const origin = viaDecoy ? this.decoyUrl : this.url;
    const url = new URL(req.url ?? '/', origin);
    try {
      if (this.opts.loopbackHostOnly && !isLoopbackHost(hostOf(req.headers.host))) {
        return sendJson(res, 421, {
          detail: 'This server answers only requests addressed to this machine (Host: 127.0.0.1 or localhost).',
        });
      }
      if (!viaDecoy && url.pathname.startsWith('/__control/') && this.opts.controlRoutes !== false)
        return await this.onControl(req, res, url);
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: queryRecord(url.searchParams),
        headers: this.opts.recordHeaders === false ? {} : headerRecord(req),
        status: 0,
        at: this.now(),
        origin,
      };
      this.requests.push(rec);
      res.on('finish', () => (rec.status = res.statusCode));
      const ingest = /^\/api\/(\d+)\/(envelope|store)\/?$/.exec(url.pathname);
      if (ingest && !viaDecoy) return await this.onIngest(req, res, url, ingest[1]!, ingest[2] as 'envelope' | 'store');
      if (url.pathname.startsWith('/api/0/')) return await this.onApi(req, res, url, rec, viaDecoy);
      sendJson(res, 404, { detail: 'The requested resource does not exist' });
    } catch (e) {
      if (!res.headersSent && !res.destroyed)
        sendJson(res, 500, { detail: `test server error: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private async onIngest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    projectId: string,
    kind: 'envelope' | 'store',
  ): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method not allowed' });
    let body: Buffer;
    try {
      body = decode(await readBody(req), req.headers['content-encoding']);
    } catch (e) {
      return sendJson(res, 400, { detail: `could not read body: ${e instanceof Error ? e.message : String(e)}` });
    }
    const project = this.state.projectById(projectId);
    // The key travels in the query (JS SDKs), X-Sentry-Auth, or the envelope header's dsn.
    let key =
      url.searchParams.get('sentry_key') ??
      /sentry_key=([0-9a-f]+)/i.exec((req.headers['x-sentry-auth'] as string) ?? '')?.[1] ??
      null;
    if (!key && kind === 'envelope') {
      const dsn = /"dsn"\s*:\s*"([^"]+)"/.exec(body.subarray(0, 2048).toString('utf8'))?.[1];
      if (dsn) key = new URL(dsn).username || null;
    }
    if (!project || !key || key !== project.publicKey) {
      return sendJson(res, 403, {
        detail: `event submission rejected: ${!key ? 'missing sentry_key' : !project ? `unknown project ${projectId}` : 'unknown sentry_key for this project'}`,
      });
    }
    try {
      const id =
        kind === 'envelope'
          ? this.state.ingestEnvelope(project, body)
          : this.state.ingestEvent(project, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      sendJson(res, 200, id ? { id } : {});
    } catch (e) {
      if (e instanceof EnvelopeError || e instanceof IngestError || e instanceof SyntaxError)
        return sendJson(res, 400, { detail: e.message });
      throw e;
    }
  }

  private routeContext(): RouteContext {
    return { state: this.state, org: this.org, baseUrl: this.url, regionUrl: () => this.opts.regionUrl ?? this.url };
  }

  private async onApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    rec: RecordedRequest,
    viaDecoy: boolean,
  ): Promise<void> {
    const path = url.pathname.slice('/api/0'.length);
    const fault = viaDecoy ? undefined : this.faults.take(url.pathname);
    if (fault) rec.fault = fault.kind;
    const delay = this.latencyMs + (fault?.kind === 'slow' ? (fault.delayMs ?? 2000) : 0);

    // Infrastructure faults answer before the application looks at the request.
    if (
      fault &&
      ['reset', 'redirect', '500', '502', '503', '429-retry-after', '429-reset', '429-bare'].includes(fault.kind)
    ) {
      await this.sleep(this.latencyMs);
      return this.infraFault(res, url, fault);
    }

    const method = req.method ?? 'GET';
    if (!['GET', 'PUT', 'POST'].includes(method))
      return sendJson(res, 405, { detail: `Method "${method}" not allowed.` });
    let body: unknown;
    if (method !== 'GET') {
      const raw = (await readBody(req)).toString('utf8');
      try {
        body = raw ? JSON.parse(raw) : {};
        rec.body = body;
      } catch (e) {
        rec.body = raw;
        return sendJson(res, 400, { detail: `JSON parse error - ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    const auth = req.headers.authorization;
    if (!auth) return sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m || m[1] !== this.token) return sendJson(res, 401, { detail: 'Invalid token' });

    // The API index names the token's scopes (Sentry's `GET /api/0/`; sentry-cli and sentry-rca read it).
    if (path === '/' || path === '') {
      await this.sleep(delay);
      return sendJson(res, 200, {
        version: '0',
        auth: { scopes: [...this.scopes] },
        user: { id: '1', name: 'Test User', email: 'test@example.com' },
      });
    }

    const ctx = this.routeContext();
    const route = matchRoute(ctx, path, method);
    if (route === 'method') return sendJson(res, 405, { detail: `Method "${method}" not allowed.` });
    if (!route || route === 'wrong-org') return sendJson(res, 404, { detail: 'The requested resource does not exist' });
    if (![route.scope].flat().some((s) => this.scopes.has(s)))
      return sendJson(res, 403, { detail: 'You do not have permission to perform this action.' });

    const adm = this.limiter.admit(`${this.token}|${route.family}`);
    res.on('close', adm.done);
    if (!adm.allowed) {
      rec.fault = adm.reason === 'rate' ? 'rate-limit' : 'concurrency-limit';
      return sendJson(res, 429, adm.body, adm.headers);
    }
    await this.sleep(delay);
    if (res.destroyed) return adm.done();

    const out = route.handle(ctx, {
      url,
      path,
      now: this.now(),
      repeatCursor: fault?.kind === 'repeat-cursor',
      method,
      body,
    });
    // Remaining/ConcurrentRemaining as of now, like Sentry's middleware (which sets them per response).
    const headers = { ...adm.headers, ...out.headers };
    if (out.status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    if (out.status !== 200 || !fault) return sendJson(res, out.status, out.body, headers);
    switch (fault.kind as FaultKind) {
      case 'truncated-json': {
        const text = JSON.stringify(out.body);
        return sendJson(res, 200, text.slice(0, Math.floor(text.length / 2)), headers);
      }
      case 'malformed-json': {
        const text = JSON.stringify(out.body);
        return sendJson(res, 200, `${text.slice(0, -1)},${text.slice(-1)}`, headers);
      }
      case 'huge-page':
        return sendJson(res, 200, pad(out.body, fault.sizeBytes ?? 10 * 1024 * 1024), headers);
      default:
        return sendJson(res, out.status, out.body, headers);
    }
  }

  private infraFault(res: ServerResponse, url: URL, f: Fault): void {
    const resetAt = () => String(Math.ceil(this.now() / 1000) + (f.resetInSec ?? 1));
    const limit = this.limiter.current?.perSecond ?? 40;
    const tooFast = {
      detail: `You are attempting to use this endpoint too frequently. Limit is ${limit} requests in 1 seconds`,
    };
    switch (f.kind) {
      case 'reset':
        res.socket?.destroy();
        return;
      case 'redirect': {
        const target = f.redirectTo ?? this.decoyUrl;
        res.writeHead(302, { Location: `${target}${url.pathname}${url.search}`, 'Content-Length': '0' });
        res.end();
        return;
      }
      case '500':
        return sendJson(res, 500, { detail: 'Internal Error', errorId: randomBytes(16).toString('hex') });
      case '502':
      case '503': {
        const code = f.kind === '502' ? 502 : 503;
        const text = code === 502 ? 'Bad Gateway' : 'Service Unavailable';
        const html = `<html>\r\n<head><title>${code} ${text}</title></head>\r\n<body>\r\n<center><h1>${code} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
        const headers: Record<string, string> = {
          'Content-Type': 'text/html',
          'Content-Length': String(Buffer.byteLength(html)),
        };
        if (f.retryAfterSec !== undefined) headers['Retry-After'] = String(f.retryAfterSec);
        res.writeHead(code, headers);
        res.end(html);
        return;
      }
      case '429-retry-after':
        return sendJson(res, 429, tooFast, {
          'Retry-After': String(f.retryAfterSec ?? 1),
          'X-Sentry-Rate-Limit-Limit': String(limit),
          'X-Sentry-Rate-Limit-Remaining': '0',
          'X-Sentry-Rate-Limit-Reset': resetAt(),
        });
      case '429-reset':
        return sendJson(res, 429, tooFast, {
          'X-Sentry-Rate-Limit-Limit': String(limit),
          'X-Sentry-Rate-Limit-Remaining': '0',
          'X-Sentry-Rate-Limit-Reset': resetAt(),
        });
      case '429-bare':
        return sendJson(res, 429, tooFast);
      default:
        throw new Error(`not an infrastructure fault: ${f.kind}`);
    }
  }

  // ---- control endpoints (for tests driving the server from another process) -----------------

  private async onControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = req.method === 'POST' ? (await readBody(req)).toString('utf8') : '';
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      body = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { detail: 'control body must be JSON' });
    }
    const op = url.pathname.slice('/__control/'.length).replace(/\/$/, '');
    try {
      const result = this.control(req.method ?? 'GET', op, body, raw);
      sendJson(res, 200, result ?? { ok: true });
    } catch (e) {
      sendJson(res, 400, { detail: e instanceof Error ? e.message : String(e) });
    }
  }

  private control(method: string, op: string, b: Record<string, unknown>, raw: string): unknown {
    const num = (v: unknown, what: string): number => {
      if (v === 'Infinity' || v === null) return Infinity;
      if (typeof v !== 'number') throw new Error(`${what} must be a number`);
      return v;
    };
    if (method === 'GET') {
      if (op === 'requests') return this.requests;
      if (op === 'issues') return this.issues();
      if (op === 'state') return this.describe();
      throw new Error(`unknown control GET ${op}`);
    }
    switch (op) {
      case 'fault': {
        const match =
          typeof b.matchRegex === 'string'
            ? new RegExp(b.matchRegex)
            : typeof b.match === 'string'
              ? b.match
              : undefined;
        this.fault({ ...(b as unknown as Fault), match, times: b.times === undefined ? 1 : num(b.times, 'times') });
        return { ok: true, pending: this.faults.pending };
      }
      case 'clear-faults':
        this.clearFaults();
        return;
      case 'latency':
        this.setLatency(num(b.ms, 'ms'));
        return;
      case 'rate-limit':
        this.setRateLimit(
          raw.trim() === 'null' || b.perSecond === undefined
            ? null
            : { perSecond: num(b.perSecond, 'perSecond'), concurrency: num(b.concurrency ?? Infinity, 'concurrency') },
        );
        return;
      case 'token':
        if (typeof b.token !== 'string') throw new Error('token must be a string');
        this.setToken(b.token, Array.isArray(b.scopes) ? b.scopes.map(String) : undefined);
        return;
      case 'project':
        return this.addProject(b as { slug: string; isMember?: boolean });
      case 'synthetic':
        this.generateSynthetic(b as unknown as SyntheticOptions);
        return { ok: true, issues: this.state.issues.length };
      case 'touch':
        return {
          ids: this.touchIssues(Array.isArray(b.ids) ? b.ids.map(String) : num(b.n, 'n'), {
            newEvents: typeof b.newEvents === 'number' ? b.newEvents : 1,
          }),
        };
      case 'resolve':
        this.resolveIssue(String(b.id));
        return;
      case 'reset-requests':
        this.resetRequests();
        return;
      case 'member':
        if (typeof b.name !== 'string' || typeof b.email !== 'string') throw new Error('member needs name and email');
        return this.state.addMember({
          name: b.name,
          email: b.email,
          userId: b.userId === null ? null : typeof b.userId === 'string' ? b.userId : undefined,
        });
      case 'team':
        if (typeof b.slug !== 'string') throw new Error('team needs a slug');
        return this.state.addTeam({ slug: b.slug, name: typeof b.name === 'string' ? b.name : undefined });
      default:
        throw new Error(`unknown control op ${op}`);
    }
  }

  describe(): ServerDescription {
    return {
      url: this.url,
      token: this.token,
      org: this.org,
      decoyUrl: this.decoyUrl,
      projects: this.state.projects.map((p) => ({ id: p.id, slug: p.slug, dsn: this.dsnOf(p) })),
      issues: this.state.issues.length,
    };
  }
}
