/**
 * The text of the one notification a sync shows for its alerts. VS Code renders `[label](target)` in
 * notification messages as a link (command links included), so Sentry text is made inert here: no
 * control characters, no link syntax, bounded length.
 */
import type { AlertedIssue } from './newIssueAlerts';

/** At most this many issues are named in the message; the rest are counted. */
export const ALERT_NAMED_ISSUES = 3;

/** Sentry text as plain notification text: control characters out, link syntax broken, length capped. */
export function notificationText(s: string, max = 120): string {
  const flat = s

    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\]\s*\(/g, '] (')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function describe(a: AlertedIssue): string {
  return `${notificationText(a.issue.shortId, 40)} ${notificationText(a.issue.title, 90)}`;
}

export function alertMessage(alerts: readonly AlertedIssue[]): string {
  if (alerts.length === 0) return '';
  if (alerts.length === 1) {
    const a = alerts[0]!;
    const what = a.reason === 'new' ? 'New' : 'Regressed';
    const project = a.issue.projectSlug ? ` in ${notificationText(a.issue.projectSlug, 40)}` : '';
    return `Sentry RCA: ${what} ${notificationText(a.issue.level, 12)} issue${project}: ${describe(a)}`;
  }
  const news = alerts.filter((a) => a.reason === 'new').length;
  const regressed = alerts.length - news;
  const counts = [news ? `${news} new` : '', regressed ? `${regressed} regressed` : ''].filter(Boolean).join(', ');
  const named = alerts.slice(0, ALERT_NAMED_ISSUES).map(describe).join('; ');
  const more = alerts.length > ALERT_NAMED_ISSUES ? `; and ${alerts.length - ALERT_NAMED_ISSUES} more` : '';
  return `Sentry RCA: ${alerts.length} issues (${counts}): ${named}${more}`;
}
