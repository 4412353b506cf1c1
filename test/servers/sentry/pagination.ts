/**
 * Sentry's cursor pagination (sentry/api/base.py `build_cursor_link`, paginator.py): cursors are
 * `value:offset:is_prev`; every paged response carries both links,
 *   <URL&cursor=C>; rel="previous"; results="false"; cursor="C", <URL&cursor=D>; rel="next"; results="true"; cursor="D"
 * where URL is the request URL without its cursor param, and `results` says whether that page has rows.
 */

export class CursorError extends Error {
  override name = 'CursorError';
}

export interface Cursor {
  value: number;
  offset: number;
  isPrev: boolean;
}

export function parseCursor(raw: string | null): Cursor {
  if (raw === null || raw === '') return { value: 0, offset: 0, isPrev: false };
  const m = /^(-?\d+(?:\.\d+)?):(\d+):([01])$/.exec(raw);
  if (!m) throw new CursorError('Invalid cursor parameter.');
  return { value: Number(m[1]), offset: Number(m[2]), isPrev: m[3] === '1' };
}

export const cursorString = (c: Cursor): string => `${c.value}:${c.offset}:${c.isPrev ? 1 : 0}`;

export interface Page<T> {
  items: T[];
  link: string;
  hits: number;
}

/**
 * One page of `all` at the cursor's offset (Sentry's OffsetPaginator; `is_prev` does not change the
 * offset's meaning there). `repeatCursor` makes `next` point at this page's own cursor, still
 * claiming results — the fault a client must detect to avoid paging forever.
 */
export function paginate<T>(
  all: T[],
  rawCursor: string | null,
  limit: number,
  requestUrl: URL,
  repeatCursor = false,
): Page<T> {
  const cursor = parseCursor(rawCursor);
  const offset = cursor.offset;
  const items = all.slice(offset, offset + limit);
  const prev: Cursor = { value: 0, offset: Math.max(0, offset - limit), isPrev: true };
  const hasPrev = offset > 0;
  let next: Cursor = { value: 0, offset: offset + limit, isPrev: false };
  let hasNext = offset + limit < all.length;
  if (repeatCursor) {
    next = rawCursor ? cursor : { value: 0, offset, isPrev: false };
    hasNext = true;
  }
  const base = baseUrl(requestUrl);
  const link = [
    `<${base}&cursor=${cursorString(prev)}>; rel="previous"; results="${hasPrev}"; cursor="${cursorString(prev)}"`,
    `<${base}&cursor=${cursorString(next)}>; rel="next"; results="${hasNext}"; cursor="${cursorString(next)}"`,
  ].join(', ');
  return { items, link, hits: all.length };
}

/** The request URL without `cursor`, always ending in `?…` so `&cursor=` can follow (Sentry writes `?&cursor=` when there is no query). */
function baseUrl(u: URL): string {
  const q = new URLSearchParams(u.search);
  q.delete('cursor');
  const qs = q.toString();
  return `${u.origin}${u.pathname}?${qs}`;
}
