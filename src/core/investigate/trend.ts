/**
 * Is the error rate rising? Events per hour over the last 24 h (Sentry's own stats when synced, else
 * bucketed stored events), events per day over 14 days, and how the first occurrence relates to the
 * release it appeared in.
 */
import type { StoredEvent, StoredIssue } from '../store/model';
import type { TrendEvidence, TrendVerdict } from './evidence';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The most recent hours compared against the rest of the day. */
const RECENT_HOURS = 6;

export function computeTrend(
  issue: StoredIssue,
  events: StoredEvent[],
  now: number,
  releaseFirstSeen: Map<string, number>,
  release: string | null,
): TrendEvidence {
  const lastSeen = Date.parse(issue.lastSeen);
  // A quiet issue's day is the day it was last seen, not a flat line ending now.
  const end = Number.isFinite(lastSeen) && lastSeen < now - DAY ? ceilHour(lastSeen) : ceilHour(now);
  const times = events.map((e) => Date.parse(e.timestamp)).filter(Number.isFinite);

  let hourly: Array<[number, number]>;
  let source: TrendEvidence['source'];
  if (issue.stats24h.length > 0 && issue.stats24h.some(([, n]) => n > 0)) {
    hourly = issue.stats24h.slice(-24).map(([t, n]) => [t, n]);
    source = 'sentry-stats';
  } else {
    hourly = bucket(times, end - DAY, HOUR, 24);
    source = 'stored-events';
  }
  const daily = bucket(times, ceilDay(end) - 14 * DAY, DAY, 14);
  const { verdict, why } = judge(hourly, source);

  let firstSeenVsRelease: string | null = null;
  let minutesAfterRelease: number | null = null;
  const firstSeen = Date.parse(issue.firstSeen);
  if (release) {
    const relStart = releaseFirstSeen.get(release);
    if (relStart !== undefined && Number.isFinite(firstSeen)) {
      minutesAfterRelease = Math.round((firstSeen - relStart) / 6_000) / 10;
      firstSeenVsRelease =
        minutesAfterRelease < 0
          ? `First seen in release ${release}, ${formatMinutes(minutesAfterRelease)} before any other issue reported that release.`
          : minutesAfterRelease === 0
            ? `First seen within seconds of the first event of release ${release} elsewhere (${new Date(relStart).toISOString()}).`
            : `First seen ${formatMinutes(minutesAfterRelease)} after release ${release} reported its first event elsewhere (${new Date(relStart).toISOString()}).`;
    } else {
      firstSeenVsRelease = `First seen in release ${release}.`;
    }
  }
  return {
    hourly24h: hourly,
    daily14d: daily,
    source,
    endsAt: new Date(end).toISOString(),
    verdict,
    why,
    firstSeenVsRelease,
    minutesAfterRelease,
  };
}

function judge(
  hourly: Array<[number, number]>,
  source: TrendEvidence['source'],
): { verdict: TrendVerdict; why: string } {
  const counts = hourly.map(([, n]) => n);
  const total = counts.reduce((a, b) => a + b, 0);
  const from = source === 'sentry-stats' ? 'Sentry stats' : 'stored events';
  if (total < 3)
    return { verdict: 'unknown', why: `Only ${total} event(s) in the last 24 h (${from}); too few to call a trend.` };
  const recent = counts.slice(-RECENT_HOURS).reduce((a, b) => a + b, 0) / RECENT_HOURS;
  const earlierCounts = counts.slice(0, -RECENT_HOURS);
  const earlier = earlierCounts.reduce((a, b) => a + b, 0) / Math.max(1, earlierCounts.length);
  const fmt = (x: number) => (Math.round(x * 10) / 10).toString();
  const base = `${fmt(recent)}/h over the last ${RECENT_HOURS} h vs ${fmt(earlier)}/h in the ${earlierCounts.length} h before (${total} in 24 h, ${from}).`;
  if (earlier === 0 && recent > 0)
    return { verdict: 'rising', why: `Started within the last ${RECENT_HOURS} h: ${base}` };
  const ratio = recent / earlier;
  if (ratio >= 1.5) return { verdict: 'rising', why: `Rising ${fmt(ratio)}×: ${base}` };
  if (ratio <= 0.67) return { verdict: 'falling', why: `Falling: ${base}` };
  return { verdict: 'steady', why: `Steady: ${base}` };
}

function bucket(times: number[], start: number, size: number, n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push([Math.floor((start + i * size) / 1000), 0]);
  for (const t of times) {
    const i = Math.floor((t - start) / size);
    if (i >= 0 && i < n) out[i]![1]++;
  }
  return out;
}

/** Earliest stored event time of every release, across all issues: when each release started reporting. */
export function releaseStarts(allEvents: Iterable<StoredEvent>): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of allEvents) {
    if (!e.release) continue;
    const t = Date.parse(e.timestamp);
    if (!Number.isFinite(t)) continue;
    const prev = m.get(e.release);
    if (prev === undefined || t < prev) m.set(e.release, t);
  }
  return m;
}

/** A duration given in (possibly fractional) minutes, for people: "350 ms", "12 s", "5 min", "3 h", "4 d". */
export function formatMinutes(min: number): string {
  const a = Math.abs(min);
  if (a < 1 / 60) return `${Math.round(a * 60_000)} ms`;
  if (a < 1) return `${Math.round(a * 60)} s`;
  if (a < 90) return `${Math.round(a)} min`;
  if (a < 48 * 60) return `${Math.round(a / 60)} h`;
  return `${Math.round(a / 1440)} d`;
}

function ceilHour(t: number): number {
  return Math.ceil(t / HOUR) * HOUR;
}

function ceilDay(t: number): number {
  return Math.ceil(t / DAY) * DAY;
}
