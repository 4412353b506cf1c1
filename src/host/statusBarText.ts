/**
 * The status bar item's words, without the VS Code API: it must read as Sentry's, never as one of the
 * Problems counters beside it (`$(bug) 2 · just now` did), and stay short.
 */
import { relativeTime } from '../shared/timeFormat';

function issues(n: number): string {
  return `${n.toLocaleString('en-US')} issue${n === 1 ? '' : 's'}`;
}

/** `$(bug) Sentry: 2 issues · synced just now`; before any sync, `$(bug) Sentry: not synced yet`. */
export function idleStatusText(unresolved: number, lastSync: string | null | undefined, now: number): string {
  if (!lastSync) return '$(bug) Sentry: not synced yet';
  return `$(bug) Sentry: ${issues(unresolved)} · synced ${relativeTime(lastSync, now)}`;
}

/** `$(error) Sentry: sync failed · 2 issues` (the stored issues are still there). */
export function failedStatusText(unresolved: number): string {
  return `$(error) Sentry: sync failed${unresolved ? ` · ${issues(unresolved)}` : ''}`;
}
