import { RcaError } from '../common/errors';

/** The slice of time to fetch. `around` (the event times) decides which lines survive when the output
 *  must be cut: the ones nearest an event. */
export interface LogWindow {
  since: Date;
  until: Date;
  /** Terms to mark in the lines (exception type, message fragment, trace or request id). */
  grep?: string[];
  /** Event times; defaults to the window's middle. */
  around?: Date[];
}

export const DEFAULT_BEFORE_MS = 5 * 60_000;
export const DEFAULT_AFTER_MS = 2 * 60_000;

/** `[first event − before, last event + after]`, with the event times kept for truncation. */
export function windowAround(
  eventTimes: Date[],
  beforeMs = DEFAULT_BEFORE_MS,
  afterMs = DEFAULT_AFTER_MS,
): { since: Date; until: Date; around: Date[] } {
  const valid = eventTimes.filter((d) => Number.isFinite(d.getTime()));
  if (valid.length === 0)
    throw new RcaError(
      'usage',
      'No valid event time to build a log window around.',
      'Pass at least one ISO 8601 time, e.g. --around 2026-11-25T14:03:00Z.',
    );
  if (!(beforeMs >= 0) || !(afterMs >= 0))
    throw new RcaError('usage', 'The time window margins must be zero or positive.');
  const times = valid.map((d) => d.getTime());
  return {
    since: new Date(Math.min(...times) - beforeMs),
    until: new Date(Math.max(...times) + afterMs),
    around: valid,
  };
}

/** Parses durations such as `5m`, `90s`, `1h30m`, `250ms` (CLI `--before`/`--after`). */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const s = text.trim();
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * units[m[2]!]!;
    pos = re.lastIndex;
  }
  if (!s || pos !== s.length)
    throw new RcaError(
      'usage',
      `Duration ${JSON.stringify(s)} is not understood.`,
      'Use forms like 5m, 90s, 1h30m or 250ms.',
    );
  return total;
}

export function validateWindow(w: LogWindow): void {
  const a = w.since.getTime();
  const b = w.until.getTime();
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RcaError('usage', 'The log window has an invalid time.');
  if (b < a)
    throw new RcaError(
      'usage',
      `The log window ends (${w.until.toISOString()}) before it starts (${w.since.toISOString()}).`,
    );
  if (b - a > 7 * 86_400_000)
    throw new RcaError(
      'usage',
      'The log window is longer than 7 days.',
      'Narrow it; logs are fetched around event times.',
    );
}
