/**
 * The one way this product writes a time, for the tree, the status bar, the editor, the panel and the CLI.
 *
 * - Where a glance is enough: a relative time (`just now`, `12 min ago`, `3 h ago`, `2 days ago`),
 *   with the absolute local time on hover ({@link timeTooltip}).
 * - Where precision matters (log lines, the events list, a picker): the absolute local time with its zone
 *   (`2026-12-03 08:59:12 GMT+1`), from {@link localDateTime}.
 *
 * Runs in Node and in the webview (no `vscode`, no DOM): only `Intl`. The zone defaults to the runtime's own
 * (the user's); tests pass an IANA zone to pin it.
 */

export interface TimeZoneOption {
  /** IANA zone (`Europe/Berlin`); the runtime's local zone when omitted. */
  readonly timeZone?: string;
}

export interface LocalDateTimeOptions extends TimeZoneOption {
  /** Include seconds (default true). */
  readonly seconds?: boolean;
  /** Include milliseconds (default false); log lines use them. */
  readonly millis?: boolean;
  /** Append the zone's short name (`GMT+1`, `EST`, `UTC`); default true. */
  readonly zone?: boolean;
  /** Only the time of day (`08:59:12`), for rows grouped under a date. */
  readonly timeOnly?: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Epoch milliseconds from an ISO string, a Date or a number; NaN when it is none of those. */
export function toEpochMs(value: string | number | Date | undefined | null): number {
  if (value === undefined || value === null) return Number.NaN;
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  return Date.parse(value);
}

/**
 * `just now`, `12 min ago`, `3 h ago`, `yesterday`, `5 days ago`, `3 weeks ago`, `4 months ago`, then the
 * local date (`2025-10-02`). Times ahead of `now` by more than a minute (a skewed clock) read `in 5 min`.
 * An unreadable time reads `unknown time`.
 */
export function relativeTime(value: string | number | Date, now: number, opts: TimeZoneOption = {}): string {
  const t = toEpochMs(value);
  if (!Number.isFinite(t)) return 'unknown time';
  const delta = now - t;
  if (delta < -MINUTE) return `in ${span(-delta)}`;
  if (delta < 45_000) return 'just now';
  if (delta < DAY) return `${span(delta)} ago`;
  const days = Math.floor(delta / DAY);
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  if (days < 60) return `${Math.round(days / 7)} weeks ago`;
  if (days < 365) return `${Math.round(days / 30.44)} months ago`;
  return localDateTime(t, { ...opts, timeOnly: false, zone: false }).slice(0, 10);
}

/** `12 min`, `3 h`, `2 days` — a duration rounded to its largest unit. */
export function span(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 45_000) return `${Math.max(1, Math.round(abs / 1000))} s`;
  if (abs < HOUR - 30_000) return `${Math.max(1, Math.round(abs / MINUTE))} min`;
  if (abs < DAY - 30 * MINUTE) return `${Math.round(abs / HOUR)} h`;
  const days = Math.round(abs / DAY);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/**
 * `2026-12-03 08:59:12 GMT+1` in the user's zone (or `opts.timeZone`): a 24-hour clock, ISO-ordered date
 * (sorts and reads the same in every locale), the zone's short name so nobody mistakes it for UTC.
 * An unreadable value is returned as given (`String(value)`), never `Invalid Date`.
 */
export function localDateTime(value: string | number | Date, opts: LocalDateTimeOptions = {}): string {
  const t = toEpochMs(value);
  if (!Number.isFinite(t)) return String(value);
  const seconds = opts.seconds ?? true;
  const p = parts(t, opts.timeZone, opts.zone ?? true);
  let time = `${p.hour}:${p.minute}`;
  if (seconds || opts.millis) time += `:${p.second}`;
  if (opts.millis) time += `.${String(((t % 1000) + 1000) % 1000).padStart(3, '0')}`;
  const text = opts.timeOnly ? time : `${p.year}-${p.month}-${p.day} ${time}`;
  return p.zone ? `${text} ${p.zone}` : text;
}

/** `3 h ago · 2026-12-03 08:59:12 GMT+1` — for hovers and `title` attributes. */
export function timeTooltip(value: string | number | Date, now: number, opts: TimeZoneOption = {}): string {
  const t = toEpochMs(value);
  if (!Number.isFinite(t)) return 'unknown time';
  return `${relativeTime(t, now, opts)} · ${localDateTime(t, opts)}`;
}

/** The local calendar day (`2026-12-03`) of a time, for grouping rows under a date. */
export function localDay(value: string | number | Date, opts: TimeZoneOption = {}): string {
  const t = toEpochMs(value);
  if (!Number.isFinite(t)) return '';
  const p = parts(t, opts.timeZone, false);
  return `${p.year}-${p.month}-${p.day}`;
}

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  zone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined, withZone: boolean): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${withZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(withZone ? { timeZoneName: 'short' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

function parts(t: number, timeZone: string | undefined, withZone: boolean): Parts {
  const out: Parts = { year: '', month: '', day: '', hour: '', minute: '', second: '', zone: '' };
  for (const part of formatter(timeZone, withZone).formatToParts(t)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        out[part.type] = part.value;
        break;
      case 'timeZoneName':
        out.zone = part.value;
        break;
      default:
        break;
    }
  }
  // Some ICU versions print midnight as 24 even with h23.
  if (out.hour === '24') out.hour = '00';
  return out;
}
