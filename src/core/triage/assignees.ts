/**
 * Who an issue can be assigned to: the organization's members (with a user account) and teams, read
 * once and kept for a while, since both change rarely and the assign quick pick opens often.
 */
import type { Clock } from '../common/clock';
import type { ApiMember, ApiTeam } from '../sentry/apiTypes';
import type { IssueAssignee } from '../store/model';

export interface AssigneeDirectory {
  members: IssueAssignee[];
  teams: IssueAssignee[];
  /** Set when the member list could not be read (no member:read): "assign to me" and teams still work. */
  membersUnavailable: string | null;
}

export interface AssigneeSource {
  listMembers(signal?: AbortSignal): Promise<ApiMember[] | null>;
  listTeams(signal?: AbortSignal): Promise<ApiTeam[] | null>;
}

export const ASSIGNEE_CACHE_MS = 10 * 60_000;

export function toDirectory(members: ApiMember[] | null, teams: ApiTeam[] | null): AssigneeDirectory {
  const people: IssueAssignee[] = [];
  for (const m of members ?? []) {
    // A pending invite has no user yet and cannot be assigned.
    const uid = m.user?.id;
    if (uid === undefined || uid === null || m.pending) continue;
    const name = m.user?.name || m.name || m.user?.username || m.email || String(uid);
    people.push({ type: 'user', id: String(uid), name, email: m.user?.email ?? m.email ?? null });
  }
  people.sort((a, b) => a.name.localeCompare(b.name));
  const groups: IssueAssignee[] = (teams ?? [])
    .filter((t) => typeof t.id === 'string' || typeof t.id === 'number')
    .map((t) => ({ type: 'team' as const, id: String(t.id), name: t.slug || t.name || String(t.id) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    members: people,
    teams: groups,
    membersUnavailable:
      members === null ? 'The token cannot list members (it needs member:read); assign to yourself or a team.' : null,
  };
}

/** Members and teams, cached for ASSIGNEE_CACHE_MS per organization. */
export class AssigneeCache {
  private entry: { key: string; at: number; value: Promise<AssigneeDirectory> } | null = null;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  get(key: string, source: AssigneeSource, signal?: AbortSignal): Promise<AssigneeDirectory> {
    const now = this.clock.now();
    if (this.entry && this.entry.key === key && now - this.entry.at < ASSIGNEE_CACHE_MS) return this.entry.value;
    const value = Promise.all([source.listMembers(signal), source.listTeams(signal)]).then(([m, t]) =>
      toDirectory(m, t),
    );
    const entry = { key, at: now, value };
    this.entry = entry;
    // A failed read is not kept: the next open tries again.
    value.catch(() => {
      if (this.entry === entry) this.entry = null;
    });
    return value;
  }

  clear(): void {
    this.entry = null;
  }
}
