/**
 * The actions a user can take on an issue, what each sends to Sentry, and how each changes the stored
 * issue at once (the optimistic update, undone if Sentry refuses). Bodies follow what Sentry's own UI
 * sends for the same buttons (static/app/views/issueDetails/actions, GroupValidator and
 * StatusDetailsValidator in src/sentry/api/helpers/group_index/validators/).
 */
import type { IssueMutation } from '../sentry/issueWrites';
import type { IssueAssignee, StoredIssue } from '../store/model';
import { countOf } from '../../shared/countOf';

/** Sentry's ignoreWindow / ignoreUserWindow maximum: one week, in minutes (StatusDetailsValidator). */
export const MAX_IGNORE_WINDOW_MINUTES = 7 * 24 * 60;

export type ArchiveMode =
  | { until: 'forever' }
  | { until: 'escalating' }
  /** For a while: `ignoreDuration` minutes. */
  | { until: 'duration'; minutes: number }
  /** Until it occurs `count` more times (within `windowMinutes`, when given). */
  | { until: 'count'; count: number; windowMinutes?: number }
  /** Until it affects `count` more users (within `windowMinutes`, when given). */
  | { until: 'users'; count: number; windowMinutes?: number };

export type TriageAction =
  | { kind: 'resolve' }
  | { kind: 'resolveInNextRelease' }
  /** "Resolved in the current release": `inRelease: 'latest'`, the project's latest release. */
  | { kind: 'resolveInCurrentRelease' }
  | { kind: 'unresolve' }
  | { kind: 'archive'; mode: ArchiveMode }
  /** null unassigns. */
  | { kind: 'assign'; assignee: IssueAssignee | null }
  | { kind: 'bookmark'; value: boolean }
  | { kind: 'subscribe'; value: boolean };

/** The stored fields an action may change (what a rollback restores). */
export type TriageFields = Pick<
  StoredIssue,
  'status' | 'substatus' | 'statusDetails' | 'assignedTo' | 'isBookmarked' | 'isSubscribed'
>;

export function triageFieldsOf(issue: StoredIssue): TriageFields {
  return {
    status: issue.status,
    substatus: issue.substatus,
    statusDetails: issue.statusDetails,
    assignedTo: issue.assignedTo,
    isBookmarked: issue.isBookmarked,
    isSubscribed: issue.isSubscribed,
  };
}

/** Whether resolving this way needs one project per request (Sentry: "Cannot set resolved in release for multiple projects."). */
export function needsSingleProject(action: TriageAction): boolean {
  return action.kind === 'resolveInNextRelease' || action.kind === 'resolveInCurrentRelease';
}

/** Checks an archive mode against what Sentry accepts; a message saying what is wrong, or null. */
export function archiveModeProblem(mode: ArchiveMode): string | null {
  const whole = (n: number) => Number.isInteger(n) && n > 0;
  switch (mode.until) {
    case 'forever':
    case 'escalating':
      return null;
    case 'duration':
      return whole(mode.minutes)
        ? null
        : `The archive duration must be a whole number of minutes above 0 (got ${mode.minutes}).`;
    case 'count':
    case 'users':
      if (!whole(mode.count))
        return `The number of ${mode.until === 'count' ? 'occurrences' : 'users'} must be a whole number above 0 (got ${mode.count}).`;
      if (
        mode.windowMinutes !== undefined &&
        (!whole(mode.windowMinutes) || mode.windowMinutes > MAX_IGNORE_WINDOW_MINUTES)
      )
        return `The time window must be 1 to ${MAX_IGNORE_WINDOW_MINUTES} minutes (one week; got ${mode.windowMinutes}).`;
      return null;
  }
}

/** The PUT body for an action (the same for one issue and for a bulk request). */
export function mutationFor(action: TriageAction): IssueMutation {
  switch (action.kind) {
    case 'resolve':
      return { status: 'resolved', statusDetails: {}, substatus: null };
    case 'resolveInNextRelease':
      return { status: 'resolved', statusDetails: { inNextRelease: true }, substatus: null };
    case 'resolveInCurrentRelease':
      return { status: 'resolved', statusDetails: { inRelease: 'latest' }, substatus: null };
    case 'unresolve':
      return { status: 'unresolved', statusDetails: {}, substatus: 'ongoing' };
    case 'archive':
      return archiveMutation(action.mode);
    case 'assign':
      return { assignedTo: action.assignee ? `${action.assignee.type}:${action.assignee.id}` : '' };
    case 'bookmark':
      return { isBookmarked: action.value };
    case 'subscribe':
      return { isSubscribed: action.value };
  }
}

function archiveMutation(mode: ArchiveMode): IssueMutation {
  switch (mode.until) {
    case 'forever':
      return { status: 'ignored', statusDetails: {}, substatus: 'archived_forever' };
    case 'escalating':
      return { status: 'ignored', statusDetails: {}, substatus: 'archived_until_escalating' };
    case 'duration':
      return {
        status: 'ignored',
        statusDetails: { ignoreDuration: mode.minutes },
        substatus: 'archived_until_condition_met',
      };
    case 'count':
      return {
        status: 'ignored',
        statusDetails: { ignoreCount: mode.count, ...(mode.windowMinutes ? { ignoreWindow: mode.windowMinutes } : {}) },
        substatus: 'archived_until_condition_met',
      };
    case 'users':
      return {
        status: 'ignored',
        statusDetails: {
          ignoreUserCount: mode.count,
          ...(mode.windowMinutes ? { ignoreUserWindow: mode.windowMinutes } : {}),
        },
        substatus: 'archived_until_condition_met',
      };
  }
}

/** The stored issue as it will be once Sentry accepts the action. */
export function applyLocally(issue: StoredIssue, action: TriageAction): StoredIssue {
  const body = mutationFor(action);
  const next: StoredIssue = { ...issue };
  if (body.status) {
    next.status = body.status;
    next.substatus = body.substatus ?? null;
    const details = Object.fromEntries(Object.entries(body.statusDetails ?? {}).filter(([, v]) => v !== undefined));
    if (Object.keys(details).length) next.statusDetails = details as Record<string, string | number | boolean>;
    else delete next.statusDetails;
  }
  if (action.kind === 'assign') {
    if (action.assignee) next.assignedTo = { ...action.assignee };
    else delete next.assignedTo;
  }
  if (action.kind === 'bookmark') {
    if (action.value) {
      next.isBookmarked = true;
      // Sentry subscribes whoever bookmarks (handle_is_bookmarked).
      next.isSubscribed = true;
    } else delete next.isBookmarked;
  }
  if (action.kind === 'subscribe') {
    if (action.value) next.isSubscribed = true;
    else delete next.isSubscribed;
  }
  return next;
}

/** In words, for progress, confirmations and results: "archived until escalating". */
export function describeAction(action: TriageAction): string {
  switch (action.kind) {
    case 'resolve':
      return 'resolved';
    case 'resolveInNextRelease':
      return 'resolved in the next release';
    case 'resolveInCurrentRelease':
      return 'resolved in the current release';
    case 'unresolve':
      return 'unresolved';
    case 'archive':
      return `archived ${describeArchiveMode(action.mode)}`;
    case 'assign':
      return action.assignee
        ? `assigned to ${action.assignee.type === 'team' ? '#' : ''}${action.assignee.name}`
        : 'unassigned';
    case 'bookmark':
      return action.value ? 'bookmarked' : 'unbookmarked';
    case 'subscribe':
      return action.value ? 'subscribed' : 'unsubscribed';
  }
}

export function describeArchiveMode(mode: ArchiveMode): string {
  switch (mode.until) {
    case 'forever':
      return 'forever';
    case 'escalating':
      return 'until escalating';
    case 'duration':
      return `for ${describeMinutes(mode.minutes)}`;
    case 'count':
      return `until it occurs ${mode.count} more time${mode.count === 1 ? '' : 's'}${mode.windowMinutes ? ` in ${describeMinutes(mode.windowMinutes)}` : ''}`;
    case 'users':
      return `until it affects ${mode.count} more user${mode.count === 1 ? '' : 's'}${mode.windowMinutes ? ` in ${describeMinutes(mode.windowMinutes)}` : ''}`;
  }
}

export function describeMinutes(m: number): string {
  if (m % (7 * 24 * 60) === 0) return countOf(m / (7 * 24 * 60), 'week');
  if (m % (24 * 60) === 0) return countOf(m / (24 * 60), 'day');
  if (m % 60 === 0) return countOf(m / 60, 'hour');
  return countOf(m, 'minute');
}

/** The archive durations Sentry's UI offers (30 minutes … 1 week), in minutes. */
export const ARCHIVE_DURATIONS = [30, 120, 360, 1440, 10080] as const;
/** The occurrence / user counts Sentry's UI offers. */
export const ARCHIVE_COUNTS = [1, 10, 100, 1000, 10000, 100000] as const;
/** The windows Sentry's UI offers for counts (none = from now on). */
export const ARCHIVE_WINDOWS = [60, 1440, 10080] as const;
