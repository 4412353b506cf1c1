import { LEVELS, levelRank, type Level } from '../store/model';

export interface SyncOptions {
  /** Project slugs to sync; empty means every project of the organisation. */
  projects: string[];
  /** Issues and events below this level are not pulled. */
  minLevel: Level;
  /** Newest events kept (and fetched, with full bodies) per issue. */
  eventsPerIssue: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** A timer sync becomes a full listing when the last one is older than this (finds quiet resolutions). */
  fullSyncEveryMs: number;
  /**
   * Issues whose events a sync fetches, most severe, recent and frequent first; the others' events
   * are fetched when the issue is opened. 0 = no limit.
   */
  eagerEventIssues: number;
  /** Fetched events are committed at least this often… */
  commitEveryMs: number;
  /** …or as soon as this many issues' events are waiting, whichever comes first. */
  commitEveryIssues: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  projects: [],
  minLevel: 'warning',
  eventsPerIssue: 5,
  concurrency: 5,
  fullSyncEveryMs: 60 * 60_000,
  eagerEventIssues: 2000,
  commitEveryMs: 2000,
  commitEveryIssues: 50,
};

/** Levels at or above the minimum, most severe first. */
export function levelsAtLeast(min: Level): Level[] {
  return LEVELS.filter((l) => levelRank(l) >= levelRank(min));
}

/** The `level:[…]` search token for the minimum level, or '' when every level is wanted. */
export function levelQuery(min: Level): string {
  const levels = levelsAtLeast(min);
  return levels.length === LEVELS.length ? '' : `level:[${levels.join(', ')}]`;
}

/**
 * The full listing as one query per level, which together cover exactly `levelQuery(min)`: run in
 * parallel, the listing is bound by the rate limit instead of one cursor chain's round trips (50
 * pages one after the other take 50 round trips; five chains, a fifth of that). Each issue has one
 * level, so no issue is in two chains. With every level wanted, the last chain is "none of the
 * others" (Sentry also has `sample` and unset levels), written as AND-ed single negations.
 */
export function fullListingQueries(min: Level): string[] {
  const levels = levelsAtLeast(min);
  if (levels.length < LEVELS.length) return levels.map((l) => `is:unresolved level:${l}`);
  const named = levels.slice(0, -1);
  return [
    ...named.map((l) => `is:unresolved level:${l}`),
    ['is:unresolved', ...named.map((l) => `!level:${l}`)].join(' '),
  ];
}

/** What the stored data depends on; when it changes the next sync starts from scratch. */
export function filterKey(baseUrl: string, org: string, o: Pick<SyncOptions, 'projects' | 'minLevel'>): string {
  return JSON.stringify([baseUrl.replace(/\/+$/, ''), org, [...o.projects].sort(), o.minLevel]);
}
