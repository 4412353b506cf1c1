/**
 * The Sentry calls behind triage: changing issues (one, or up to 1,000 in one bulk request), posting
 * a note, and the members and teams an issue can be assigned to. Same client as the reads, so the
 * token rules, rate-limit pacing, retries and error messages are the same.
 *
 * Endpoints (docs.sentry.io/api/events/, getsentry/sentry):
 * - `PUT /organizations/{org}/issues/{id}/` — "Update an Issue" (group_details.py), body `status`,
 *   `statusDetails`, `substatus`, `assignedTo`, `isBookmarked`, `isSubscribed`…; answers the issue.
 * - `PUT /organizations/{org}/issues/?id=…&id=…&project=…` — "Bulk Mutate an Organization's Issues"
 *   (organization_group_index.py): "a maximum of 1000 issues" (`BULK_MUTATION_LIMIT` in
 *   src/sentry/api/helpers/group_index/__init__.py); answers the changed fields (200), or 204 when no
 *   issue matched. Without `project` the endpoint only covers the projects of the user's teams, so the
 *   issues' project ids are always sent.
 * - `POST /organizations/{org}/issues/{id}/comments/` — GroupNotesEndpoint (routes `notes|comments`),
 *   body `{text}`, answers 201 with the note activity; the same text twice within an hour is a 400
 *   "You have already posted that comment.".
 * - `GET /organizations/{org}/members/` (member:read) and `GET /organizations/{org}/teams/` (org:read).
 */
import { RcaError } from '../common/errors';
import type { ApiIssue, ApiMember, ApiNote, ApiTeam } from './apiTypes';
import { SentryStatusError, type SentryClient, type WriteResult } from './sentryClient';

/** Sentry's cap on the ids of one bulk mutation. */
export const BULK_MUTATION_LIMIT = 1000;

/** What a PUT may change (GroupValidator); only what sentry-rca sends. */
export interface IssueMutation {
  status?: 'resolved' | 'unresolved' | 'ignored';
  substatus?: 'archived_forever' | 'archived_until_escalating' | 'archived_until_condition_met' | 'ongoing' | null;
  statusDetails?: {
    inNextRelease?: boolean;
    inRelease?: string;
    ignoreDuration?: number;
    ignoreCount?: number;
    ignoreWindow?: number;
    ignoreUserCount?: number;
    ignoreUserWindow?: number;
  };
  /** `user:ID`, `team:ID`, or '' to unassign. */
  assignedTo?: string;
  isBookmarked?: boolean;
  isSubscribed?: boolean;
}

/** The bulk endpoint's 200 answer: the fields it changed (`status`, `statusDetails`, `assignedTo`…). */
export type BulkMutationResult = Partial<ApiIssue> & Record<string, unknown>;

export class IssueWrites {
  constructor(private readonly client: SentryClient) {}

  private get org(): string {
    return this.client.org;
  }

  updateIssue(issueId: string, body: IssueMutation, signal?: AbortSignal): Promise<WriteResult<ApiIssue>> {
    return this.client.write<ApiIssue>(
      'PUT',
      `/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/`,
      {},
      body,
      { signal, family: 'issue-write' },
    );
  }

  /** One bulk request: at most BULK_MUTATION_LIMIT ids, and the projects they belong to. */
  async bulkUpdate(
    issueIds: string[],
    projectIds: string[],
    body: IssueMutation,
    signal?: AbortSignal,
  ): Promise<WriteResult<BulkMutationResult>> {
    if (issueIds.length === 0) throw new RcaError('usage', 'No issue to change.');
    if (issueIds.length > BULK_MUTATION_LIMIT)
      throw new RcaError(
        'usage',
        `Sentry changes at most ${BULK_MUTATION_LIMIT} issues per request (${issueIds.length} given); split them.`,
      );
    if (projectIds.length === 0) throw new RcaError('usage', 'The project of the issues is unknown.');
    return this.client.write<BulkMutationResult>(
      'PUT',
      `/organizations/${this.org}/issues/`,
      { id: issueIds, project: projectIds },
      body,
      { signal, family: 'issues-bulk-write' },
    );
  }

  async addNote(issueId: string, text: string, signal?: AbortSignal): Promise<ApiNote> {
    const res = await this.client.write<ApiNote>(
      'POST',
      `/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/comments/`,
      {},
      { text },
      { signal, family: 'issue-notes' },
    );
    if (!res.data || (typeof res.data.id !== 'string' && typeof res.data.id !== 'number'))
      throw new RcaError(
        'remote',
        `Sentry accepted the note on issue ${issueId} but did not return it (HTTP ${res.status}).`,
      );
    return res.data;
  }

  /** The organization's members, or null when the token may not list them (no member:read). */
  async listMembers(signal?: AbortSignal): Promise<ApiMember[] | null> {
    return this.listOrNull<ApiMember>(`/organizations/${this.org}/members/`, 'members', signal);
  }

  async listTeams(signal?: AbortSignal): Promise<ApiTeam[] | null> {
    return this.listOrNull<ApiTeam>(`/organizations/${this.org}/teams/`, 'teams', signal);
  }

  private async listOrNull<T>(path: string, family: string, signal?: AbortSignal): Promise<T[] | null> {
    const all: T[] = [];
    try {
      for await (const page of this.client.pages<T>(path, { per_page: 100 }, { signal, family })) all.push(...page);
    } catch (e) {
      if (e instanceof SentryStatusError && e.status === 403) return null;
      throw e;
    }
    return all;
  }
}
