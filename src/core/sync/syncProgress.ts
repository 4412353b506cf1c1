/** What a running sync reports; a module of its own so the host can word it without loading the engine (axios). */
export interface SyncProgress {
  phase: 'projects' | 'issues' | 'events' | 'writing';
  /** Issues listed so far. */
  issuesListed: number;
  /** Unresolved issues in the store once the listing is committed, and how many of them have current events. */
  issuesTotal: number;
  issuesWithEvents: number;
  /** Issues whose events this sync fetches, and how many are committed. */
  eventsTotal: number;
  eventsDone: number;
  /** Issues beyond the eager cap: their events are fetched when opened. */
  onDemand: number;
}

/** "4,812 / 5,000 issues with events" — the one wording of sync progress (status bar, notification, CLI). */
export function eventsProgressText(p: Pick<SyncProgress, 'issuesTotal' | 'issuesWithEvents'>): string {
  return `${p.issuesWithEvents.toLocaleString('en-US')} / ${p.issuesTotal.toLocaleString('en-US')} issues with events`;
}

/** One line for a progress notification: the phase, then "4,812 / 5,000 issues with events" while events come in. */
export function syncProgressText(p: SyncProgress): string {
  switch (p.phase) {
    case 'projects':
      return 'reading projects…';
    case 'issues':
      return `listing issues (${p.issuesListed.toLocaleString('en-US')})…`;
    case 'events':
      return `${eventsProgressText(p)}${p.onDemand ? ` (${p.onDemand.toLocaleString('en-US')} more when opened)` : ''}`;
    case 'writing':
      return 'saving…';
  }
}
