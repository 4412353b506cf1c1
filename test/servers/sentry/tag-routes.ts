/**
 * `GET /organizations/{org}/issues/{issue_id}/tags/` (Sentry's GroupTagsEndpoint, event:read): the issue's
 * tag distribution, one item per tag key seen on its events —
 * `{key, name, totalValues, topValues: [{key, name, value, count, lastSeen, firstSeen}]}` — with the
 * top `limit` values (default 10; 9 when `key` is given, as Sentry does), `key` (repeatable) to narrow
 * the keys, `environment` (repeatable) to narrow the events. Labels as Sentry's tagstore names them.
 * Shapes: docs.sentry.io/api/events/retrieve-tag-details/ and src/sentry/issues/endpoints/group_tags.py.
 */
import type { ApiRequest, ApiResponse } from './api-routes';
import type { IssueRec } from './server-state';

/** Sentry's TAG_LABELS; other keys are title-cased with `_` as spaces (tagstore `get_tag_key_label`). */
const LABELS: Record<string, string> = {
  exc_type: 'Exception Type',
  user: 'User',
  release: 'Release',
  dist: 'Distribution',
  os: 'OS',
  url: 'URL',
  server_name: 'Server',
};

export function tagLabel(key: string): string {
  return LABELS[key] ?? key.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

export function issueTags(issue: IssueRec, req: ApiRequest): ApiResponse {
  const sp = req.url.searchParams;
  const keys = sp.getAll('key').filter(Boolean);
  const rawLimit = sp.get('limit');
  const limit = rawLimit === null ? (keys.length ? 9 : 10) : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 0)
    return { status: 400, body: { detail: `Invalid limit value: ${rawLimit}` } };
  const envs = new Set(sp.getAll('environment').filter(Boolean));
  const byKey = new Map<string, Map<string, { count: number; first: number; last: number }>>();
  for (const ev of issue.events) {
    if (envs.size && (ev.environment === null || !envs.has(ev.environment))) continue;
    for (const t of ev.make().tags) {
      if (keys.length && !keys.includes(t.key)) continue;
      const values = byKey.get(t.key) ?? new Map<string, { count: number; first: number; last: number }>();
      byKey.set(t.key, values);
      const v = values.get(t.value) ?? { count: 0, first: ev.tsMs, last: ev.tsMs };
      v.count++;
      v.first = Math.min(v.first, ev.tsMs);
      v.last = Math.max(v.last, ev.tsMs);
      values.set(t.value, v);
    }
  }
  const body = [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, values]) => ({
      key,
      name: tagLabel(key),
      totalValues: [...values.values()].reduce((n, v) => n + v.count, 0),
      topValues: [...values.entries()]
        .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([value, v]) => ({
          key,
          name: value,
          value,
          count: v.count,
          lastSeen: new Date(v.last).toISOString(),
          firstSeen: new Date(v.first).toISOString(),
        })),
    }));
  return { status: 200, body };
}
