/**
 * Which issues a sync brought that deserve a "new issue" notification: new or regressed issues that
 * match the user's alert settings. Pure: the host takes a baseline before the sync and asks this after.
 *
 * No storm, by construction:
 * - a store that was never listed (the first sync) alerts nothing: every issue is "new" to us, none is news;
 * - an issue counts as new only when Sentry first saw it after our previous listing (minus the ingest
 *   delay), so a filter change that brings a project into scope alerts only its issues born since then;
 * - a regression is a change we witnessed (stored as resolved/ignored, listed unresolved again) or one
 *   Sentry reports (`substatus: regressed`) for an issue whose previous state we knew, so it alerts once.
 */
import { levelRank, type Level, type StoredEvent, type StoredIssue, type StoreMeta } from '../store/model';

/** `sentryRCA.alerts.*` as data. */
export interface AlertSettings {
  /** Least severe level that alerts, or `off`. */
  minLevel: Level | 'off';
  /** Project slugs; empty = every synced project. */
  projects: string[];
  /** Environments (of the issue's stored events); empty = any. */
  environments: string[];
  /** '' = any release; `latest` = the newest release seen in the store (Sentry's `release:latest`); else one version. */
  release: string;
}

export const ALERTS_OFF: AlertSettings = { minLevel: 'off', projects: [], environments: [], release: '' };

/** What the store knew before the sync, enough to tell new and regressed issues afterwards. */
export interface AlertBaseline {
  /** When the previous listing ran; null when the store was never synced. */
  lastListing: string | null;
  filterKey: string | null;
  known: Map<string, { status: string; substatus: string | null }>;
}

export interface AlertedIssue {
  issue: StoredIssue;
  reason: 'new' | 'regressed';
}

/** Events reach Sentry's index with some delay; the sync lists with the same margin. */
export const ALERT_INGEST_MARGIN_MS = 5 * 60_000;

export function alertBaseline(data: {
  meta: Pick<StoreMeta, 'lastListing' | 'lastSuccessfulSync' | 'filterKey'>;
  issues: readonly StoredIssue[];
}): AlertBaseline {
  return {
    lastListing: data.meta.lastListing ?? data.meta.lastSuccessfulSync ?? null,
    filterKey: data.meta.filterKey,
    known: new Map(data.issues.map((i) => [i.id, { status: i.status, substatus: i.substatus }])),
  };
}

export interface AlertInput {
  baseline: AlertBaseline;
  /** The store after the sync. */
  after: { meta: Pick<StoreMeta, 'filterKey'>; issues: readonly StoredIssue[] };
  /** The sync's start: issues it listed carry it as `syncedAt`. */
  syncStartedAt: string;
  events(issueId: string): readonly StoredEvent[];
  settings: AlertSettings;
  /** Every stored event, for `release: latest` (read only when that setting is used). */
  allEvents?: () => Iterable<StoredEvent>;
}

/** The issues to alert about, most severe first, then the most recently seen. */
export function findAlerts(input: AlertInput): AlertedIssue[] {
  const { baseline, after, settings } = input;
  if (settings.minLevel === 'off' || baseline.lastListing === null) return [];
  const since = Date.parse(baseline.lastListing) - ALERT_INGEST_MARGIN_MS;
  if (!Number.isFinite(since)) return [];
  const sameScope = baseline.filterKey === after.meta.filterKey;
  const minRank = levelRank(settings.minLevel);
  const projects = new Set(settings.projects);
  const out: AlertedIssue[] = [];
  for (const issue of after.issues) {
    if (issue.syncedAt !== input.syncStartedAt || issue.status !== 'unresolved') continue;
    const reason = changeOf(issue, baseline.known.get(issue.id), since, sameScope);
    if (!reason) continue;
    if (levelRank(issue.level) < minRank) continue;
    if (projects.size && !projects.has(issue.projectSlug)) continue;
    out.push({ issue, reason });
  }
  if (out.length === 0) return out;
  const envs = new Set(settings.environments);
  const release = settings.release.trim();
  const wanted = release === 'latest' ? newestRelease(input.allEvents?.() ?? []) : release || null;
  if (release && wanted === null) return [];
  return out
    .filter(({ issue }) => {
      if (envs.size === 0 && wanted === null) return true;
      const events = input.events(issue.id);
      if (envs.size && !events.some((e) => e.environment !== null && envs.has(e.environment))) return false;
      if (wanted !== null && !events.some((e) => e.release === wanted) && issue.firstRelease !== wanted) return false;
      return true;
    })
    .sort(
      (a, b) =>
        levelRank(b.issue.level) - levelRank(a.issue.level) ||
        (Date.parse(b.issue.lastSeen) || 0) - (Date.parse(a.issue.lastSeen) || 0),
    );
}

function changeOf(
  issue: StoredIssue,
  old: { status: string; substatus: string | null } | undefined,
  since: number,
  sameScope: boolean,
): AlertedIssue['reason'] | null {
  if (old) {
    if (old.status !== 'unresolved') return 'regressed';
    return issue.substatus === 'regressed' && old.substatus !== 'regressed' ? 'regressed' : null;
  }
  const firstSeen = Date.parse(issue.firstSeen);
  if (Number.isFinite(firstSeen) && firstSeen >= since) return 'new';
  // Unknown to us but regressed: resolved before we ever listed it. Only trusted when the scope is
  // the one we listed before (else it may just be a project that came into scope).
  return sameScope && issue.substatus === 'regressed' ? 'regressed' : null;
}

/**
 * The release "just deployed": the one whose first stored event is the most recent. A release that
 * appears in one event only still counts (a deploy that crashed at once is the point).
 */
export function newestRelease(events: Iterable<StoredEvent>): string | null {
  const first = new Map<string, number>();
  for (const e of events) {
    if (!e.release) continue;
    const t = Date.parse(e.timestamp);
    if (!Number.isFinite(t)) continue;
    const seen = first.get(e.release);
    if (seen === undefined || t < seen) first.set(e.release, t);
  }
  let best: string | null = null;
  let bestT = -Infinity;
  for (const [release, t] of first) {
    if (t > bestT) {
      best = release;
      bestT = t;
    }
  }
  return best;
}
