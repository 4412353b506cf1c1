import { countOf } from '../../shared/countOf';
import type { SyncSummary } from '../store/model';

/**
 * What a finished sync changed, in words a user reads at a glance ("2 new issues, 1 updated · 5 new events",
 * "nothing new"): only the non-zero parts, each with its noun in the right number.
 */
export function syncSummaryText(
  s: Pick<SyncSummary, 'issuesNew' | 'issuesUpdated' | 'issuesResolved' | 'eventsAdded'>,
): string {
  const issues: string[] = [];
  if (s.issuesNew) issues.push(countOf(s.issuesNew, 'new issue'));
  if (s.issuesUpdated)
    issues.push(
      issues.length
        ? `${s.issuesUpdated.toLocaleString('en-US')} updated`
        : countOf(s.issuesUpdated, 'issue') + ' updated',
    );
  if (s.issuesResolved)
    issues.push(
      issues.length
        ? `${s.issuesResolved.toLocaleString('en-US')} resolved`
        : countOf(s.issuesResolved, 'issue') + ' resolved',
    );
  const parts = issues.length ? [issues.join(', ')] : [];
  if (s.eventsAdded) parts.push(countOf(s.eventsAdded, 'new event'));
  return parts.length ? parts.join(' · ') : 'nothing new';
}
