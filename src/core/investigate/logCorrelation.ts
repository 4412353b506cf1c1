/**
 * Lines up fetched server logs with the events: parses each line's timestamp, puts it before, during or
 * after the error window, and marks lines that mention the exception type, its message, the trace id or
 * request id, or that are warnings/errors themselves.
 */
import type { FetchedLogs } from './ports';
import type { HostLogEvidence, LogLineEvidence, LogPhase } from './evidence';

export interface CorrelationContext {
  /** First and last event time (ms). */
  firstEvent: number;
  lastEvent: number;
  exceptionTypes: string[];
  /** Exception values/messages; matched on a distinctive prefix so variable parts don't defeat it. */
  messages: string[];
  traceIds: string[];
  requestIds: string[];
  /** Year to assume for syslog timestamps, which carry none. */
  year: number;
}

/** Slack after the last event that still counts as "during": the service often logs a failure just after
 *  reporting it. Nothing is "during" before the first event: a line logged before it is a lead. */
const AFTER_SLACK_MS = 2_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Parses the timestamp at or near the start of a log line: ISO 8601 / RFC 3339, `YYYY-MM-DD HH:MM:SS`, syslog `Mon DD HH:MM:SS`, or `[DD/Mon/YYYY:HH:MM:SS +ZZZZ]`. */
export function parseLogTime(line: string, year: number): number | null {
  const head = line.slice(0, 80);
  let m = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/.exec(head);
  if (m) {
    const zone = m[8] ? (m[8] === 'Z' ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8]) : 'Z';
    const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${zone}`);
    return Number.isFinite(t) ? t : null;
  }
  m = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]/.exec(head);
  if (m) {
    const mon = MONTHS.indexOf(m[2]!.toLowerCase());
    if (mon < 0) return null;
    const t = Date.parse(
      `${m[3]}-${String(mon + 1).padStart(2, '0')}-${m[1]}T${m[4]}:${m[5]}:${m[6]}${m[7]!.slice(0, 3)}:${m[7]!.slice(3)}`,
    );
    return Number.isFinite(t) ? t : null;
  }
  m = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(head);
  if (m) {
    const mon = MONTHS.indexOf(m[1]!.toLowerCase());
    if (mon < 0) return null;
    return Date.UTC(year, mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  }
  return null;
}

export function parseLogLevel(line: string): LogLineEvidence['level'] {
  const m =
    /\b(FATAL|CRITICAL|CRIT|ERROR|ERR|WARNING|WARN|INFO|DEBUG|TRACE)\b/i.exec(line.slice(0, 200)) ??
    /"level"\s*:\s*"(\w+)"/i.exec(line);
  if (!m) return null;
  const l = m[1]!.toLowerCase();
  if (l === 'fatal' || l === 'critical' || l === 'crit' || l === 'error' || l === 'err') return 'error';
  if (l === 'warning' || l === 'warn') return 'warn';
  if (l === 'info') return 'info';
  return 'debug';
}

export function correlateLogs(fetched: FetchedLogs, ctx: CorrelationContext): HostLogEvidence {
  const messageKeys = ctx.messages.map(distinctivePrefix).filter((k) => k.length >= 8);
  const lines: LogLineEvidence[] = [];
  const counts: Record<LogPhase, number> = { before: 0, during: 0, after: 0, unknown: 0 };
  const notable: Record<LogPhase, number> = { before: 0, during: 0, after: 0, unknown: 0 };
  let lastTime: number | null = null;
  for (let idx = 0; idx < fetched.lines.length; idx++) {
    const text = fetched.lines[idx]!;
    if (!text.trim()) continue;
    // Continuation lines (stack traces) carry no timestamp; they belong to the line above. The log
    // module's own parse (which knows the host's time zone) wins over ours.
    const given = fetched.times?.[idx];
    const own = given ? Date.parse(given) : parseLogTime(text, ctx.year);
    const t = own ?? lastTime;
    if (own !== null) lastTime = own;
    const phase: LogPhase =
      t === null ? 'unknown' : t < ctx.firstEvent ? 'before' : t > ctx.lastEvent + AFTER_SLACK_MS ? 'after' : 'during';
    const level = parseLogLevel(text);
    const marks: string[] = [];
    const lower = text.toLowerCase();
    if (ctx.exceptionTypes.some((x) => x.length >= 3 && text.includes(x))) marks.push('exception-type');
    if (messageKeys.some((k) => lower.includes(k))) marks.push('message');
    if (ctx.traceIds.some((x) => x && text.includes(x))) marks.push('trace-id');
    if (ctx.requestIds.some((x) => x && text.includes(x))) marks.push('request-id');
    if (level === 'error' || level === 'warn') marks.push(`${level}-level`);
    counts[phase]++;
    if (marks.length > 0) notable[phase]++;
    lines.push({
      text,
      time: t === null ? null : new Date(t).toISOString(),
      phase,
      level,
      marks,
      minutesFromFirstEvent: t === null ? null : (t - ctx.firstEvent) / 60_000,
    });
  }
  return {
    host: fetched.host,
    source: fetched.source,
    status: fetched.status,
    ...(fetched.message ? { message: fetched.message } : {}),
    totalLines: lines.length,
    lines,
    counts,
    notable,
  };
}

/** The start of a message up to its first variable-looking part (numbers, ids, quotes), lower-cased. */
function distinctivePrefix(message: string): string {
  const cut = message.search(/[0-9"'`{[(]|0x[0-9a-f]+/i);
  return (cut < 0 ? message : message.slice(0, cut)).trim().toLowerCase().slice(0, 60);
}

/** "-1.5 min", "-12 s", "+3 min": an offset from the first error for people. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 || Object.is(minutes, -0) ? '-' : '+';
  const a = Math.abs(minutes);
  if (a < 1 / 60) return `${sign}${Math.round(a * 60_000)} ms`;
  if (a < 1) return `${sign}${Math.round(a * 60)} s`;
  return `${sign}${Math.round(a * 10) / 10} min`;
}

/** How far a line is from the error window in ms; 0 inside it. Used to keep the nearest lines in budget. */
export function distanceFromWindow(line: LogLineEvidence, firstEvent: number, lastEvent: number): number {
  if (!line.time) return Number.MAX_SAFE_INTEGER;
  const t = Date.parse(line.time);
  if (t < firstEvent) return firstEvent - t;
  if (t > lastEvent) return t - lastEvent;
  return 0;
}
