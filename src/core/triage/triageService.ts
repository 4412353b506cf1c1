/**
 * Carries out triage actions: the store changes at once (optimistic), the requests go out (one per
 * issue, or bulk requests of at most 1,000 ids), and what Sentry refused is put back as it was, with
 * the reason. The next sync reconciles anything else (it replaces each listed issue with Sentry's).
 */
import { errorMessage, RcaError } from '../common/errors';
import { nullLogger, type Logger } from '../common/logger';
import type { ApiIssue, ApiNote } from '../sentry/apiTypes';
import { triageFields } from '../sentry/convert';
import { BULK_MUTATION_LIMIT, type BulkMutationResult, type IssueWrites } from '../sentry/issueWrites';
import { SentryStatusError } from '../sentry/sentryClient';
import type { StoreData, StoredIssue } from '../store/model';
import {
  applyLocally,
  archiveModeProblem,
  describeAction,
  mutationFor,
  needsSingleProject,
  triageFieldsOf,
  type TriageAction,
  type TriageFields,
} from './triageAction';

/** The part of IssueStore triage uses. */
export interface TriageStore {
  issue(id: string): StoredIssue | undefined;
  findIssue(idOrShortId: string): StoredIssue | undefined;
  update(mutate: (draft: StoreData) => void): Promise<void>;
}

export interface TriageFailure {
  issueIds: string[];
  message: string;
  error: unknown;
}

export interface TriageOutcome {
  action: TriageAction;
  /** Issues Sentry accepted the change for. */
  changed: string[];
  /** Issues put back as they were, with why. */
  failed: TriageFailure[];
  /** Requests sent (bulk requests count once). */
  requests: number;
  /** Sentry said the token lacks the scope (403): write actions should be turned off, with this reason. */
  forbidden?: SentryStatusError;
}

/** One request of a plan: a single issue (its own endpoint) or a bulk request. */
export interface PlannedRequest {
  issueIds: string[];
  projectIds: string[];
  single: boolean;
}

/**
 * Splits issues into requests: one issue → its own endpoint; more → bulk requests of at most `limit`
 * ids, and one project per request when resolving in a release (Sentry refuses several projects there).
 */
export function planRequests(
  issues: Array<Pick<StoredIssue, 'id' | 'projectId'>>,
  action: TriageAction,
  limit = BULK_MUTATION_LIMIT,
): PlannedRequest[] {
  if (issues.length === 1) return [{ issueIds: [issues[0]!.id], projectIds: [issues[0]!.projectId], single: true }];
  const groups = new Map<string, Array<Pick<StoredIssue, 'id' | 'projectId'>>>();
  for (const i of issues) {
    const key = needsSingleProject(action) ? i.projectId : '*';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const out: PlannedRequest[] = [];
  for (const g of groups.values()) {
    for (let n = 0; n < g.length; n += limit) {
      const chunk = g.slice(n, n + limit);
      out.push({
        issueIds: chunk.map((i) => i.id),
        projectIds: [...new Set(chunk.map((i) => i.projectId))],
        single: chunk.length === 1,
      });
    }
  }
  return out;
}

export interface TriageServiceDeps {
  writes: Pick<IssueWrites, 'updateIssue' | 'bulkUpdate' | 'addNote'>;
  store: TriageStore;
  logger?: Logger;
}

export class TriageService {
  private readonly logger: Logger;

  constructor(private readonly deps: TriageServiceDeps) {
    this.logger = deps.logger ?? nullLogger;
  }

  /** Stored issues for ids or short ids; the ones not in the store are listed apart. */
  resolveIds(idsOrShortIds: string[]): { issues: StoredIssue[]; unknown: string[] } {
    const issues: StoredIssue[] = [];
    const unknown: string[] = [];
    const seen = new Set<string>();
    for (const raw of idsOrShortIds) {
      const issue = this.deps.store.findIssue(raw.trim());
      if (!issue) unknown.push(raw);
      else if (!seen.has(issue.id)) {
        seen.add(issue.id);
        issues.push(issue);
      }
    }
    return { issues, unknown };
  }

  async apply(issueIds: string[], action: TriageAction, signal?: AbortSignal): Promise<TriageOutcome> {
    if (action.kind === 'archive') {
      const problem = archiveModeProblem(action.mode);
      if (problem) throw new RcaError('usage', problem);
    }
    const issues = issueIds.map((id) => {
      const i = this.deps.store.issue(id);
      if (!i) throw new RcaError('usage', `Issue ${id} is not in the store; sync first.`);
      return i;
    });
    const outcome: TriageOutcome = { action, changed: [], failed: [], requests: 0 };
    if (issues.length === 0) return outcome;
    const before = new Map<string, TriageFields>(issues.map((i) => [i.id, triageFieldsOf(i)]));
    await this.deps.store.update((d) => {
      d.issues = d.issues.map((i) => (before.has(i.id) ? applyLocally(i, action) : i));
    });
    const body = mutationFor(action);
    const confirmed = new Map<string, Partial<ApiIssue> | null>();
    for (const req of planRequests(issues, action)) {
      if (outcome.forbidden || signal?.aborted) {
        // The same token cannot do the rest either; a cancelled run sends nothing more.
        const error = outcome.forbidden ?? new RcaError('cancelled', 'Cancelled before this change was sent.');
        outcome.failed.push({ issueIds: req.issueIds, message: errorMessage(error), error });
        continue;
      }
      outcome.requests++;
      try {
        if (req.single) {
          const res = await this.deps.writes.updateIssue(req.issueIds[0]!, body, signal);
          confirmed.set(req.issueIds[0]!, res.data);
        } else {
          const res = await this.deps.writes.bulkUpdate(req.issueIds, req.projectIds, body, signal);
          if (res.status === 204) {
            throw new RcaError(
              'remote',
              `Sentry changed none of the ${req.issueIds.length} issues (HTTP 204, "No groups found"): they are gone or outside the projects the token can access.`,
              'Sync to refresh the list.',
            );
          }
          for (const id of req.issueIds) confirmed.set(id, res.data as BulkMutationResult | null);
        }
      } catch (e) {
        if (e instanceof SentryStatusError && e.status === 403) outcome.forbidden = e;
        outcome.failed.push({ issueIds: req.issueIds, message: errorMessage(e), error: e });
        this.logger.warn(
          `[triage] ${describeAction(action)} refused for ${req.issueIds.length} issue(s): ${errorMessage(e)}`,
        );
      }
    }
    const rolledBack = new Set(outcome.failed.flatMap((f) => f.issueIds));
    await this.deps.store.update((d) => {
      d.issues = d.issues.map((i) => {
        if (rolledBack.has(i.id)) return withFields(i, before.get(i.id)!);
        const answer = confirmed.get(i.id);
        return answer ? reconcile(i, answer) : i;
      });
    });
    outcome.changed = [...confirmed.keys()].filter((id) => !rolledBack.has(id));
    this.logger.info(
      `[triage] ${describeAction(action)}: ${outcome.changed.length} changed, ${rolledBack.size} refused, ${outcome.requests} request(s)`,
    );
    return outcome;
  }

  /** Posts a note (a Sentry issue comment). Nothing is stored: notes are not part of the synced data. */
  async addNote(issueId: string, text: string, signal?: AbortSignal): Promise<ApiNote> {
    if (!text.trim()) throw new RcaError('usage', 'The note is empty.');
    const issue = this.deps.store.findIssue(issueId);
    if (!issue) throw new RcaError('usage', `Issue ${issueId} is not in the store; sync first.`);
    return this.deps.writes.addNote(issue.id, text, signal);
  }
}

/** The issue with the given triage fields (undefined ones removed, as the store omits them). */
function withFields(issue: StoredIssue, fields: TriageFields): StoredIssue {
  const next: StoredIssue = { ...issue, status: fields.status, substatus: fields.substatus };
  for (const k of ['statusDetails', 'assignedTo', 'isBookmarked', 'isSubscribed'] as const) {
    if (fields[k] === undefined) delete next[k];
    else (next as unknown as Record<string, unknown>)[k] = fields[k];
  }
  return next;
}

/** Takes what Sentry answered (the issue, or the bulk endpoint's changed fields) over the optimistic guess. */
function reconcile(issue: StoredIssue, answer: Partial<ApiIssue>): StoredIssue {
  const next: StoredIssue = { ...issue };
  if (typeof answer.status === 'string') next.status = answer.status;
  if ('substatus' in answer && (typeof answer.substatus === 'string' || answer.substatus === null))
    next.substatus = answer.substatus;
  const fields = triageFields(answer);
  if ('statusDetails' in answer) {
    if (fields.statusDetails) next.statusDetails = fields.statusDetails;
    else delete next.statusDetails;
  }
  if ('assignedTo' in answer) {
    if (fields.assignedTo) next.assignedTo = fields.assignedTo;
    else delete next.assignedTo;
  }
  return next;
}
