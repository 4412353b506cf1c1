/**
 * An event's full details for the "Event details" view, from the full API event (`GET
 * /organizations/{org}/issues/{id}/events/{eventId}/`, EventSerializer) or, when Sentry cannot be
 * reached, from the synced copy. Everything is redacted here, in the host, before the webview sees it:
 * the request through requestRedaction.ts, all other free-form values (breadcrumb data, user, contexts,
 * request body) through `redactValue`. Nothing is trimmed to the store's limits: all breadcrumbs, all
 * contexts (long values are only cut for display).
 */
import { redactSecrets, redactValue } from '../common/redact';
import type { ApiEvent } from '../sentry/apiTypes';
import type { StoredEvent, StoredIssue } from '../store/model';
import type { BreadcrumbView, EventDetailsView, Pairs, TagDistributionView } from '../../shared/eventDetailsProtocol';
import { redactCookies, redactHeaders, redactQuery, redactUrl } from './requestRedaction';

/** Display caps: one value, one list. The view scrolls; a 1 MB body is not useful text. */
export const DETAIL_LIMITS = { value: 4_000, pairs: 500, breadcrumbs: 1_000, body: 20_000 };

const cut = (s: string, n = DETAIL_LIMITS.value) =>
  s.length > n ? `${s.slice(0, n)}… (${s.length - n} more chars)` : s;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return null;
  }
}

/** `[[k, v]…]` (Sentry's request headers/query/cookies) or `{k: v}` as pairs of strings. */
function pairsOf(v: unknown): Pairs {
  const out: Pairs = [];
  if (Array.isArray(v)) {
    for (const p of v) {
      if (Array.isArray(p) && p.length >= 2 && typeof p[0] === 'string') out.push([p[0], text(p[1]) ?? '']);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out.push([k, text(x) ?? '']);
  } else if (typeof v === 'string' && v) {
    for (const [k, x] of new URLSearchParams(v)) out.push([k, x]);
  }
  return out.slice(0, DETAIL_LIMITS.pairs).map(([k, x]) => [cut(k, 200), cut(x)]);
}

/** Free-form data as pairs, with secrets redacted by key name and by shape. */
function redactedPairs(v: unknown): Pairs {
  if (!v || typeof v !== 'object') return [];
  return pairsOf(redactValue(v));
}

function breadcrumb(b: Record<string, unknown>): BreadcrumbView {
  const ts = typeof b.timestamp === 'number' ? new Date(b.timestamp * 1000).toISOString() : text(b.timestamp);
  return {
    timestamp: ts,
    type: text(b.type),
    category: text(b.category),
    level: text(b.level),
    message: b.message == null ? null : cut(redactSecrets(String(text(b.message)))),
    data: redactedPairs(b.data),
  };
}

const CONTEXT_ORDER = ['runtime', 'os', 'browser', 'device', 'app', 'trace', 'culture', 'cloud_resource'];

function contexts(raw: unknown): EventDetailsView['contexts'] {
  if (!raw || typeof raw !== 'object') return [];
  const entries = Object.entries(raw as Record<string, unknown>).filter(
    ([, c]) => c && typeof c === 'object' && !Array.isArray(c),
  );
  const rank = (k: string) => {
    const i = CONTEXT_ORDER.indexOf(k);
    return i < 0 ? CONTEXT_ORDER.length : i;
  };
  return entries
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, c]) => ({ name, fields: redactedPairs(c).filter(([k]) => k !== 'type') }))
    .filter((c) => c.fields.length > 0);
}

function request(data: Record<string, unknown> | null | undefined): EventDetailsView['request'] {
  if (!data) return null;
  const url = text(data.url);
  const body = data.data === undefined || data.data === null ? null : text(redactValue(data.data));
  return {
    method: text(data.method),
    url: url === null ? null : cut(redactUrl(url)),
    query: redactQuery(pairsOf(data.query)),
    headers: redactHeaders(pairsOf(data.headers)),
    cookies: redactCookies(pairsOf(data.cookies)),
    data: body === null ? null : cut(redactSecrets(body), DETAIL_LIMITS.body),
  };
}

type IssueRef = Pick<StoredIssue, 'id' | 'shortId' | 'title' | 'projectSlug'>;

const issueView = (i: IssueRef): EventDetailsView['issue'] => ({
  id: i.id,
  shortId: i.shortId,
  title: i.title,
  projectSlug: i.projectSlug,
});

/** The view of a full API event. */
export function detailsFromApi(
  e: ApiEvent & { user?: unknown; sdk?: unknown },
  issue: IssueRef,
  tagDistribution: TagDistributionView[] | null,
): EventDetailsView {
  const tags: Pairs = [];
  for (const t of Array.isArray(e.tags) ? e.tags : []) {
    if (t && typeof t.key === 'string') tags.push([t.key, cut(redactSecrets(text(t.value) ?? ''))]);
  }
  const tag = (k: string) => tags.find(([key]) => key === k)?.[1] ?? null;
  let message = text(e.message) ?? '';
  let crumbs: BreadcrumbView[] = [];
  let req: EventDetailsView['request'] = null;
  for (const entry of Array.isArray(e.entries) ? e.entries : []) {
    if (!entry || typeof entry !== 'object') continue;
    const data = entry.data as Record<string, unknown> | null | undefined;
    if (entry.type === 'message') message = text(data?.formatted) ?? text(data?.message) ?? message;
    else if (entry.type === 'breadcrumbs' && Array.isArray(data?.values))
      crumbs = (data.values as unknown[])
        .filter((b): b is Record<string, unknown> => !!b && typeof b === 'object')
        .slice(-DETAIL_LIMITS.breadcrumbs)
        .map(breadcrumb);
    else if (entry.type === 'request') req = request(data);
  }
  const user = e.user && typeof e.user === 'object' ? redactedPairs(e.user) : null;
  const sdk = e.sdk && typeof e.sdk === 'object' ? (e.sdk as Record<string, unknown>) : null;
  const release = typeof e.release === 'string' ? e.release : (text(e.release?.version) ?? tag('release'));
  return {
    issue: issueView(issue),
    event: {
      id: text(e.eventID) ?? text(e.id) ?? '',
      title: cut(text(e.title) ?? ''),
      message: cut(redactSecrets(message)),
      timestamp: text(e.dateCreated) ?? text(e.dateReceived) ?? '',
      level: tag('level') ?? 'error',
      platform: text(e.platform),
      environment: tag('environment'),
      release,
    },
    tags,
    tagDistribution,
    breadcrumbs: crumbs,
    request: req,
    user: user && user.length ? user : null,
    contexts: contexts(e.contexts),
    sdk: sdk && text(sdk.name) ? { name: text(sdk.name)!, version: text(sdk.version) } : null,
    source: 'sentry',
    notice: null,
  };
}

/** The view of the synced copy (trimmed: the breadcrumb tail, method and URL only, context summaries). */
export function detailsFromStore(
  e: StoredEvent,
  issue: IssueRef,
  tagDistribution: TagDistributionView[] | null,
  notice: string,
): EventDetailsView {
  return {
    issue: issueView(issue),
    event: {
      id: e.id,
      title: e.title,
      message: redactSecrets(e.message),
      timestamp: e.timestamp,
      level: e.level,
      platform: e.platform,
      environment: e.environment,
      release: e.release,
    },
    tags: Object.entries(e.tags).map(([k, v]) => [k, redactSecrets(v)]),
    tagDistribution,
    breadcrumbs: e.breadcrumbs.map((b) => ({
      ...b,
      message: b.message === null ? null : redactSecrets(b.message),
      data: redactedPairs(b.data),
    })),
    request: e.request
      ? {
          method: e.request.method,
          url: e.request.url === null ? null : redactUrl(e.request.url),
          query: [],
          headers: [],
          cookies: [],
          data: null,
        }
      : null,
    user: null,
    contexts: Object.entries(e.contexts).map(([name, summary]) => ({ name, fields: [['summary', summary]] })),
    sdk: null,
    source: 'store',
    notice,
  };
}

/**
 * `GET /organizations/{org}/issues/{id}/tags/`: `[{key, name, totalValues, topValues: [{value, count, …}]}]`
 * (Sentry's GroupTagsEndpoint; docs.sentry.io/api/events/retrieve-tag-details/ for the item shape).
 * Malformed items are skipped; values are redacted like tags.
 */
export function toTagDistribution(raw: unknown): TagDistributionView[] {
  if (!Array.isArray(raw)) return [];
  const out: TagDistributionView[] = [];
  for (const t of raw) {
    if (!t || typeof t !== 'object') continue;
    const r = t as Record<string, unknown>;
    const key = text(r.key);
    if (!key) continue;
    const top = Array.isArray(r.topValues)
      ? r.topValues
          .filter((v): v is Record<string, unknown> => !!v && typeof v === 'object')
          .map((v) => ({
            value: cut(redactSecrets(text(v.value) ?? text(v.name) ?? ''), 200),
            count: Number(v.count) || 0,
          }))
      : [];
    out.push({
      key,
      name: text(r.name) ?? key,
      totalValues: Number(r.totalValues) || top.reduce((n, v) => n + v.count, 0),
      top,
    });
  }
  return out;
}
