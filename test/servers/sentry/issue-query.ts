/**
 * The subset of Sentry's issue search (docs.sentry.io/concepts/search/) and time-window params the
 * client uses: `is:`, `level:` (also `level:[a, b]`, `!level:`), `lastSeen:`/`firstSeen:`/`age:` with
 * `> >= < <=` + ISO date or `-2d`/`+24h` relative forms, `project:`, `release:`, `error.unhandled:`,
 * and free text matched against title and culprit. Anything else is rejected with a 400, so a client
 * sending a query this server does not understand finds out instead of getting wrong results.
 */
import type { IssueRec } from './server-state';

export class QueryError extends Error {
  override name = 'QueryError';
}

type Pred = (i: IssueRec) => boolean;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `24h`, `14d`, `30m`, `2w` → ms; null when not a period. */
export function parsePeriod(s: string): number | null {
  const m = /^(\d+)([smhdw])$/.exec(s.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

function parseDate(s: string, what: string): number {
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) || !/T/.test(s) ? s : `${s}Z`);
  if (!Number.isFinite(t)) throw new QueryError(`Invalid date for ${what}: ${s}`);
  return t;
}

/** A date filter value: `>ISO`, `>=ISO`, `<ISO`, `<=ISO`, `-2d` (within the last 2 days), `+2d` (older than). */
function datePredicate(key: string, raw: string, now: number, get: (i: IssueRec) => number): Pred {
  const rel = /^([+-])(\d+)([smhdw])$/.exec(raw);
  if (rel) {
    const edge = now - Number(rel[2]) * UNIT_MS[rel[3]!]!;
    return rel[1] === '-' ? (i) => get(i) >= edge : (i) => get(i) <= edge;
  }
  const op = /^(>=|<=|>|<)(.+)$/.exec(raw);
  if (!op) throw new QueryError(`Invalid value for ${key}: ${raw} (use >ISO, >=ISO, <ISO, <=ISO, -2d or +2d)`);
  const t = parseDate(op[2]!, key);
  switch (op[1]) {
    case '>':
      return (i) => get(i) > t;
    case '>=':
      return (i) => get(i) >= t;
    case '<':
      return (i) => get(i) < t;
    default:
      return (i) => get(i) <= t;
  }
}

function listValues(raw: string): string[] {
  if (raw.startsWith('[') && raw.endsWith(']'))
    return raw
      .slice(1, -1)
      .split(',')
      .map((v) => unquote(v.trim()))
      .filter(Boolean);
  return [unquote(raw)];
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/\\"/g, '"') : s;
}

const DAY = 86_400_000;

function substatusOf(i: IssueRec, now: number): string | null {
  if (i.status === 'resolved') return null;
  return i.substatus ?? (now - i.firstSeenMs < 7 * DAY ? 'new' : 'ongoing');
}

const TOKEN = /(!?)([A-Za-z][\w.]*):(\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+)|("(?:[^"\\]|\\.)*"|\S+)/g;

export function parseIssueQuery(query: string, now: number): Pred {
  const preds: Pred[] = [];
  const words: string[] = [];
  for (const m of query.matchAll(TOKEN)) {
    if (m[4] !== undefined) {
      words.push(unquote(m[4]).toLowerCase());
      continue;
    }
    const negate = m[1] === '!';
    const key = m[2]!;
    const raw = m[3]!;
    let p: Pred;
    switch (key) {
      case 'is': {
        const v = unquote(raw);
        if (v === 'unresolved' || v === 'resolved') p = (i) => i.status === v;
        else if (v === 'ignored' || v === 'archived') p = (i) => i.status === 'ignored';
        else if (v === 'new' || v === 'ongoing' || v === 'regressed' || v === 'escalating')
          p = (i) => substatusOf(i, now) === v;
        else throw new QueryError(`Invalid value for "is" search: ${v}`);
        break;
      }
      case 'level': {
        const set = new Set(listValues(raw));
        p = (i) => set.has(i.level);
        break;
      }
      case 'lastSeen':
        p = datePredicate(key, raw, now, (i) => i.lastSeenMs);
        break;
      case 'firstSeen':
      case 'age':
        p = datePredicate(key, raw, now, (i) => i.firstSeenMs);
        break;
      case 'project': {
        const set = new Set(listValues(raw));
        p = (i) => set.has(i.project.slug);
        break;
      }
      case 'release': {
        const set = new Set(listValues(raw));
        p = (i) => i.events.some((e) => e.release !== null && set.has(e.release));
        break;
      }
      case 'error.unhandled': {
        const want = unquote(raw) === 'true' || unquote(raw) === '1';
        p = (i) => i.isUnhandled === want;
        break;
      }
      default:
        throw new QueryError(
          `Unsupported search key "${key}" in query ${JSON.stringify(query)} (this test server knows is, level, lastSeen, firstSeen, age, project, release, error.unhandled)`,
        );
    }
    preds.push(negate ? (i) => !p(i) : p);
  }
  if (words.length) {
    const text = words.join(' ');
    preds.push((i) => i.title.toLowerCase().includes(text) || i.culprit.toLowerCase().includes(text));
  }
  return (i) => preds.every((p) => p(i));
}

/**
 * The time window of a request: `start`+`end` (ISO), or `statsPeriod` (`24h`, `14d`…), or Sentry's
 * default of the last 90 days (also for `statsPeriod=` empty).
 */
export function timeWindow(params: URLSearchParams, now: number): { start: number; end: number } {
  const start = params.get('start');
  const end = params.get('end');
  if (start || end) {
    if (!start || !end) throw new QueryError('start and end are both required when either is given');
    const s = parseDate(start, 'start');
    const e = parseDate(end, 'end');
    if (s > e) throw new QueryError('start must be before end');
    return { start: s, end: e };
  }
  const period = params.get('statsPeriod');
  if (period) {
    const ms = parsePeriod(period);
    if (ms === null) throw new QueryError(`Invalid statsPeriod: ${period}`);
    return { start: now - ms, end: now };
  }
  return { start: now - 90 * DAY, end: now };
}
