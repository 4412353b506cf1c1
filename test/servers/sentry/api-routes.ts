/**
 * The REST endpoints under /api/0 as pure functions of (state, request) → response, so the HTTP layer
 * (server.ts) only deals with auth, rate limits, faults and bytes.
 */
import { parseIssueQuery, QueryError, timeWindow } from './issue-query';
import { CursorError, paginate } from './pagination';
import { eventToApi, eventToSummary, issueToApi, projectToApi, releaseToApi } from './serialize';
import type { EventRec, IssueRec, ServerState } from './server-state';
import { issueTags } from './tag-routes';
import type { ApiIssue } from './types';
import { addNote, bulkUpdateIssues, listMembers, listTeams, updateOneIssue } from './triage-routes';

export interface ApiRequest {
  url: URL;
  /** Path below /api/0, e.g. `/organizations/acme/issues/`. */
  path: string;
  now: number;
  /** Apply the repeating-cursor fault to this response's Link header. */
  repeatCursor: boolean;
  /** GET unless a write; writes carry the parsed JSON body. */
  method?: string;
  body?: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: ServerState;
  org: string;
  baseUrl: string;
  regionUrl: () => string;
}

export type Scope =
  'org:read' | 'project:read' | 'event:read' | 'project:releases' | 'event:write' | 'event:admin' | 'member:read';

export interface Route {
  /** Rate-limit family: Sentry limits per endpoint class. */
  family: string;
  /** The token needs one of these. */
  scope: Scope | Scope[];
  handle(ctx: RouteContext, req: ApiRequest): ApiResponse;
}

const notFound = (): ApiResponse => ({ status: 404, body: { detail: 'The requested resource does not exist' } });
const badRequest = (detail: string): ApiResponse => ({ status: 400, body: { detail } });

/** Sentry's `per_page` rule (pagination_factory.py): default 100, above 100 is a 400. */
function perPage(url: URL): number | ApiResponse {
  const raw = url.searchParams.get('per_page');
  if (raw === null || raw === '') return 100;
  if (!/^\d+$/.test(raw)) return badRequest('Invalid per_page parameter.');
  const n = Number(raw);
  if (n > 100) return badRequest('Invalid per_page value. Cannot exceed 100.');
  return Math.max(1, n);
}

function paged<T>(all: T[], req: ApiRequest, limit: number, map: (t: T) => unknown): ApiResponse {
  try {
    const page = paginate(all, req.url.searchParams.get('cursor'), limit, req.url, req.repeatCursor);
    return {
      status: 200,
      body: page.items.map(map),
      headers: { Link: page.link, 'X-Hits': String(page.hits), 'X-Max-Hits': String(page.hits) },
    };
  } catch (e) {
    if (e instanceof CursorError) return badRequest(e.message);
    throw e;
  }
}

const SORTS: Record<string, (a: IssueRec, b: IssueRec) => number> = {
  date: (a, b) => b.lastSeenMs - a.lastSeenMs,
  new: (a, b) => b.firstSeenMs - a.firstSeenMs,
  freq: (a, b) => b.events.length - a.events.length,
  user: (a, b) => b.users.size - a.users.size,
};

/** Filtered+sorted issue lists, reused while the data is unchanged: paging 10k issues stays O(page). */
class IssueListCache {
  private entries = new Map<string, { version: number; at: number; issues: IssueRec[] }>();
  get(key: string, version: number, now: number): IssueRec[] | undefined {
    const e = this.entries.get(key);
    // Relative windows (statsPeriod, lastSeen:-2d) move with the clock; 5 s of drift is immaterial here.
    return e && e.version === version && now - e.at < 5000 ? e.issues : undefined;
  }
  set(key: string, version: number, now: number, issues: IssueRec[]): void {
    if (this.entries.size > 32) this.entries.clear();
    this.entries.set(key, { version, at: now, issues });
  }
}

const cacheByState = new WeakMap<ServerState, IssueListCache>();

function listIssues(ctx: RouteContext, req: ApiRequest): ApiResponse {
  const sp = req.url.searchParams;
  const { state } = ctx;
  const projectParams = sp.getAll('project');
  let projectIds: Set<string> | null = null;
  if (projectParams.length === 0) {
    // No `project`: the projects of the user's teams only; `-1` is "all projects I have access to"
    // (src/sentry/api/bases/organization.py, ALL_ACCESS_PROJECTS in src/sentry/constants.py).
    projectIds = new Set(state.projects.filter((p) => p.isMember).map((p) => p.id));
  } else if (!projectParams.includes('-1')) {
    if (!projectParams.every((p) => /^\d+$/.test(p)))
      return badRequest('Invalid project parameter. Values must be numbers.');
    for (const id of projectParams) {
      if (!state.projectById(id))
        return { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
    }
    projectIds = new Set(projectParams);
  }
  const query = sp.has('query') ? sp.get('query')! : 'is:unresolved';
  const sort = sp.get('sort') || 'date';
  const cmp = SORTS[sort];
  if (!cmp) return badRequest(`Invalid sort: ${sort} (this test server knows date, new, freq, user)`);
  const limitRaw = sp.get('limit');
  if (limitRaw !== null && limitRaw !== '' && !/^\d+$/.test(limitRaw)) return badRequest('invalid limit');
  // Sentry's paginators cap `limit` at 100 silently (unlike per_page, which is a 400).
  const limit = Math.min(100, Math.max(1, limitRaw ? Number(limitRaw) : 100));
  const groupStatsPeriod = sp.has('groupStatsPeriod') ? sp.get('groupStatsPeriod')! : '24h';
  if (!['', '24h', '14d', 'auto'].includes(groupStatsPeriod))
    return badRequest(`Invalid groupStatsPeriod: ${groupStatsPeriod}`);

  let win: { start: number; end: number };
  let pred: (i: IssueRec) => boolean;
  try {
    win = timeWindow(sp, req.now);
    pred = parseIssueQuery(query, req.now);
  } catch (e) {
    if (e instanceof QueryError) return badRequest(e.message);
    throw e;
  }

  // `environment` (repeatable): issues with at least one event there, as Sentry filters.
  const envs = sp.getAll('environment').filter(Boolean);
  if (envs.length) {
    const envSet = new Set(envs);
    const inner = pred;
    pred = (i) => inner(i) && i.events.some((e) => e.environment !== null && envSet.has(e.environment));
  }

  let cache = cacheByState.get(state);
  if (!cache) cacheByState.set(state, (cache = new IssueListCache()));
  const key = JSON.stringify([
    projectIds ? [...projectIds].sort() : '-1',
    query,
    sort,
    sp.get('start'),
    sp.get('end'),
    sp.get('statsPeriod'),
    envs,
  ]);
  let all = cache.get(key, state.version, req.now);
  if (!all) {
    all = state.issues.filter(
      (i) =>
        (!projectIds || projectIds.has(i.project.id)) &&
        i.lastSeenMs >= win.start &&
        i.firstSeenMs <= win.end &&
        pred(i),
    );
    all.sort((a, b) => cmp(a, b) || Number(b.id) - Number(a.id));
    cache.set(key, state.version, req.now, all);
  }
  // `collapse=stats|lifetime|unhandled` drops those parts, as Sentry does to make pages cheaper.
  const collapse = new Set(sp.getAll('collapse'));
  const period = collapse.has('stats') ? '' : groupStatsPeriod === 'auto' ? '24h' : groupStatsPeriod;
  return paged(all, req, limit, (i) => {
    const api = issueToApi(i, {
      baseUrl: ctx.baseUrl,
      org: ctx.org,
      now: req.now,
      groupStatsPeriod: period,
      window: win,
    });
    if (collapse.has('lifetime')) delete api.lifetime;
    if (collapse.has('unhandled')) delete (api as Partial<ApiIssue>).isUnhandled;
    return api;
  });
}

function eventsInWindow(issue: IssueRec, req: ApiRequest): EventRec[] | ApiResponse {
  let win: { start: number; end: number };
  try {
    win = timeWindow(req.url.searchParams, req.now);
  } catch (e) {
    if (e instanceof QueryError) return badRequest(e.message);
    throw e;
  }
  const envs = new Set(req.url.searchParams.getAll('environment').filter(Boolean));
  const out: EventRec[] = [];
  for (let i = issue.events.length - 1; i >= 0; i--) {
    const ev = issue.events[i]!;
    if (ev.tsMs > win.end) continue;
    if (ev.tsMs < win.start) break;
    if (envs.size && (ev.environment === null || !envs.has(ev.environment))) continue;
    out.push(ev);
  }
  return out;
}

function listEvents(ctx: RouteContext, req: ApiRequest, issue: IssueRec): ApiResponse {
  const limit = perPage(req.url);
  if (typeof limit !== 'number') return limit;
  const events = eventsInWindow(issue, req);
  if (!Array.isArray(events)) return events;
  const full = ['1', 'true'].includes(req.url.searchParams.get('full') ?? '');
  return paged(events, req, limit, (ev) => (full ? eventToApi(ev) : eventToSummary(ev)));
}

function oneEvent(ctx: RouteContext, req: ApiRequest, issue: IssueRec, which: string): ApiResponse {
  const evs = issue.events;
  let idx: number;
  if (which === 'latest' || which === 'recommended') idx = evs.length - 1;
  else if (which === 'oldest') idx = 0;
  else if (/^[0-9a-f]{32}$/i.test(which.replace(/-/g, ''))) {
    const id = which.replace(/-/g, '').toLowerCase();
    idx = evs.findIndex((e) => e.id === id);
  } else return notFound();
  const ev = evs[idx];
  if (!ev) return notFound();
  return { status: 200, body: eventToApi(ev, { prev: evs[idx - 1]?.id ?? null, next: evs[idx + 1]?.id ?? null }) };
}

function orgDetail(ctx: RouteContext): ApiResponse {
  return {
    status: 200,
    body: {
      id: '1',
      slug: ctx.org,
      name: ctx.org.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase()),
      dateCreated: '2024-01-01T00:00:00.000Z',
      status: { id: 'active', name: 'active' },
      avatar: { avatarType: 'letter_avatar', avatarUuid: null },
      isEarlyAdopter: false,
      require2FA: false,
      hasAuthProvider: false,
      allowMemberInvite: true,
      allowMemberProjectCreation: true,
      allowSuperuserAccess: false,
      features: [],
      links: { organizationUrl: ctx.baseUrl, regionUrl: ctx.regionUrl() },
    },
  };
}

/**
 * Releases (docs.sentry.io/api/releases/): the list (`?project=ID`, newest first), one release with
 * `lastCommit`/`ref`, and its commits. A token needs `project:releases` or `project:read` (as Sentry's
 * release permission allows); an unknown release is a 404.
 */
function releaseRoute(rest: string): Route | null {
  const m = /^\/releases\/(?:([^/]+)\/(?:(commits)\/)?)?$/.exec(rest);
  if (!m) return null;
  const [, rawVersion, commits] = m;
  const scope: Scope[] = ['project:releases', 'project:read'];
  if (!rawVersion) {
    return {
      family: 'org-releases',
      scope,
      handle: (c, req) => {
        const limit = perPage(req.url);
        if (typeof limit !== 'number') return limit;
        const ids = req.url.searchParams.getAll('project');
        const all = c.state.projects
          .filter((p) => ids.length === 0 || ids.includes('-1') || ids.includes(p.id))
          .flatMap((p) => [...p.releases.entries()].map(([version, created]) => ({ p, version, created })))
          .sort((a, b) => b.created - a.created);
        return paged(all, req, limit, (r) => releaseToApi(r.p, r.version, c.state.releaseCommits.get(r.version)));
      },
    };
  }
  const version = decodeURIComponent(rawVersion);
  const find = (c: RouteContext) => c.state.projects.find((p) => p.releases.has(version));
  if (commits) {
    return {
      family: 'org-release-commits',
      scope,
      handle: (c, req) => {
        if (!find(c)) return notFound();
        const limit = perPage(req.url);
        if (typeof limit !== 'number') return limit;
        return paged(c.state.releaseCommits.get(version)?.commits ?? [], req, limit, (x) => ({
          ...x,
          repository: { name: 'acme/shop' },
        }));
      },
    };
  }
  return {
    family: 'org-release',
    scope,
    handle: (c) => {
      const p = find(c);
      return p ? { status: 200, body: releaseToApi(p, version, c.state.releaseCommits.get(version)) } : notFound();
    },
  };
}

/** Writes need event:write or event:admin (GroupPermission / OrganizationEventPermission PUT, POST). */
const WRITE_SCOPE: Scope[] = ['event:write', 'event:admin'];

/**
 * Resolves a request to a route: null → 404, 'wrong-org' → 404, 'method' → 405 (a path that exists
 * without that method). PUT and POST go to the triage routes; everything else is GET.
 */
export function matchRoute(ctx: RouteContext, path: string, method = 'GET'): Route | null | 'wrong-org' | 'method' {
  if (method === 'GET') return matchReadRoute(ctx, path);
  const read = matchReadRoute(ctx, path);
  if (read === 'wrong-org') return read;
  const p = path.endsWith('/') ? path : `${path}/`;
  const m =
    /^\/organizations\/[^/]+\/issues\/(?:([^/]+)\/(?:(comments|notes)\/)?)?$/.exec(p) ??
    /^\/(?:issues|groups)\/([^/]+)\/(?:(comments|notes)\/)?$/.exec(p);
  if (m && method === 'PUT' && !m[2]) {
    if (!m[1]) return { family: 'org-issues-bulk-write', scope: WRITE_SCOPE, handle: bulkUpdateIssues };
    const id = decodeURIComponent(m[1]);
    return {
      family: 'issue-write',
      scope: WRITE_SCOPE,
      handle: (c, req) => {
        const issue = c.state.issue(id);
        return issue ? updateOneIssue(c, req, issue) : notFound();
      },
    };
  }
  if (m && method === 'POST' && m[1] && m[2]) {
    const id = decodeURIComponent(m[1]);
    return {
      family: 'issue-notes',
      scope: WRITE_SCOPE,
      handle: (c, req) => {
        const issue = c.state.issue(id);
        return issue ? addNote(c, req, issue) : notFound();
      },
    };
  }
  return read ? 'method' : null;
}

function matchReadRoute(ctx: RouteContext, path: string): Route | null | 'wrong-org' {
  const p = path.endsWith('/') ? path : `${path}/`;
  let m = /^\/organizations\/([^/]+)\/(.*)$/.exec(p);
  let rest: string;
  if (m) {
    if (decodeURIComponent(m[1]!) !== ctx.org) return 'wrong-org';
    rest = `/${m[2]!}`;
  } else if (/^\/(issues|groups)\//.test(p)) {
    rest = p.replace(/^\/groups\//, '/issues/');
  } else if ((m = /^\/projects\/([^/]+)\/([^/]+)\/events\/([^/]+)\/$/.exec(p))) {
    const [, org, slug, eventId] = m;
    if (decodeURIComponent(org!) !== ctx.org) return 'wrong-org';
    return {
      family: 'project-event',
      scope: 'project:read',
      handle: (c) => {
        const project = c.state.projectBySlug(decodeURIComponent(slug!));
        const ev = project && c.state.event(project, eventId!.replace(/-/g, '').toLowerCase());
        if (!ev) return notFound();
        return { status: 200, body: eventToApi(ev) };
      },
    };
  } else return null;

  if (rest === '/') return { family: 'org', scope: 'org:read', handle: (c) => orgDetail(c) };
  if (rest === '/projects/') {
    return {
      family: 'org-projects',
      scope: 'org:read',
      handle: (c, req) => {
        const limit = perPage(req.url);
        if (typeof limit !== 'number') return limit;
        const q = req.url.searchParams.get('query')?.toLowerCase() ?? '';
        const all = c.state.projects.filter((p) => !q || p.slug.includes(q) || p.name.toLowerCase().includes(q));
        return paged(all, req, limit, projectToApi);
      },
    };
  }
  if (rest.startsWith('/releases/')) return releaseRoute(rest);
  if (rest === '/members/') return listRoute('org-members', 'member:read', listMembers);
  if (rest === '/teams/') return listRoute('org-teams', 'org:read', listTeams);
  if (/^\/issues\/[^/]+\/(?:comments|notes)\/$/.test(rest)) {
    return { family: 'issue-notes', scope: 'event:read', handle: withIssueNotes };
  }
  if (rest === '/issues/') return { family: 'org-issues', scope: 'event:read', handle: listIssues };
  const tm = /^\/issues\/([^/]+)\/tags\/$/.exec(rest);
  if (tm) {
    return {
      family: 'issue-tags',
      scope: 'event:read',
      handle: (c, req) => {
        const issue = c.state.issue(decodeURIComponent(tm[1]!));
        return issue ? issueTags(issue, req) : notFound();
      },
    };
  }
  const im = /^\/issues\/([^/]+)\/(?:(events)\/(?:([^/]+)\/)?)?$/.exec(rest);
  if (!im) return null;
  const [, issueId, events, eventId] = im;
  const withIssue =
    (fn: (c: RouteContext, req: ApiRequest, issue: IssueRec) => ApiResponse) => (c: RouteContext, req: ApiRequest) => {
      const issue = c.state.issue(decodeURIComponent(issueId!));
      return issue ? fn(c, req, issue) : notFound();
    };
  if (!events) {
    return {
      family: 'issue-detail',
      scope: 'event:read',
      handle: withIssue((c, req, issue) => ({
        status: 200,
        body: issueToApi(issue, {
          baseUrl: c.baseUrl,
          org: c.org,
          now: req.now,
          groupStatsPeriod: '24h',
          detail: true,
        }),
      })),
    };
  }
  if (!eventId) return { family: 'issue-events', scope: 'event:read', handle: withIssue(listEvents) };
  return {
    family: 'issue-event',
    scope: 'event:read',
    handle: withIssue((c, req, issue) => oneEvent(c, req, issue, eventId)),
  };
}

/** `GET …/issues/{id}/comments/`: the notes, newest first. */
function withIssueNotes(c: RouteContext, req: ApiRequest): ApiResponse {
  const id = decodeURIComponent(/\/issues\/([^/]+)\//.exec(req.path.endsWith('/') ? req.path : `${req.path}/`)![1]!);
  const issue = c.state.issue(id);
  if (!issue) return notFound();
  const notes = [...(issue.notes ?? [])].reverse();
  return paged(notes, req, 100, (n) => ({
    id: n.id,
    type: 'note',
    data: { text: n.text },
    dateCreated: new Date(n.createdMs).toISOString(),
    user: { id: n.userId },
  }));
}

/** A plain paged list (`per_page`, `cursor`) of what `list` returns. */
function listRoute(family: string, scope: Scope, list: (c: RouteContext) => unknown[]): Route {
  return {
    family,
    scope,
    handle: (c, req) => {
      const limit = perPage(req.url);
      return typeof limit === 'number' ? paged(list(c), req, limit, (x) => x) : limit;
    },
  };
}
