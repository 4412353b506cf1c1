/**
 * Triage in the editor: the commands behind the tree's context menu, the palette and the panel
 * (resolve, archive, assign, bookmark, subscribe, notes), over the core TriageService. Knows whether the
 * token may write (from "Set Auth Token"'s check, or a 403) and turns the actions off with the reason
 * when it may not: the `sentryRca.canWrite` context key greys the menu items, and issue tooltips say why.
 */
import * as vscode from 'vscode';
import { systemClock } from '../../core/common/clock';
import { errorMessage, RcaError } from '../../core/common/errors';
import { DisposableBase } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';
import type { InvestigationRecord } from '../../core/investigate/investigation';
import { IssueWrites } from '../../core/sentry/issueWrites';
import { WRITE_HELP } from '../../core/sentry/scopes';
import type { StoredIssue } from '../../core/store/model';
import { AssigneeCache } from '../../core/triage/assignees';
import { diagnosisNote } from '../../core/triage/diagnosisNote';
import { describeAction, type ArchiveMode, type TriageAction } from '../../core/triage/triageAction';
import { TriageService, type TriageOutcome, type TriageStore } from '../../core/triage/triageService';
import type { Config } from '../config';
import { Commands, ContextKeys, StateKeys } from '../ids';
import type { StoreHandle } from '../storeHandle';
import type { SyncService } from '../syncService';
import type { IssuesView } from '../tree/issuesView';
import { TRIAGE_FILTERS, type TriageFilter } from '../tree/issueTreeModel';
import { pickArchiveMode, pickAssignee, pickIssues, plainLabel } from './triagePicks';

/** What is known about the token's right to write, per Sentry URL and organization. */
export interface WriteAccess {
  /** null: not checked yet (actions stay on; a 403 turns them off). */
  canWrite: boolean | null;
  reason: string | null;
  userId: string | null;
}

const ACCESS_KEY = StateKeys.triageWriteAccess;

export interface TriageFeatureDeps {
  state: vscode.Memento;
  store: StoreHandle;
  config: Config;
  sync: Pick<SyncService, 'createClient'>;
  issues: IssuesView;
  logger: Logger;
}

/** The issue ids a command was called with: tree rows (one, or the selection), `{ issueId }`, ids. */
export function issueIdsOf(arg: unknown, selection?: unknown): string[] {
  const one = (x: unknown): string | undefined => {
    if (typeof x === 'string') return x;
    if (!x || typeof x !== 'object') return undefined;
    const o = x as { issue?: { id?: unknown }; issueId?: unknown; event?: { issueId?: unknown } };
    if (typeof o.issueId === 'string') return o.issueId;
    if (o.issue && typeof o.issue.id === 'string') return o.issue.id;
    if (o.event && typeof o.event.issueId === 'string') return o.event.issueId;
    return undefined;
  };
  // VS Code passes (clicked row, selected rows); the clicked row outside the selection acts alone.
  if (Array.isArray(selection) && selection.length > 1 && selection.includes(arg))
    return [...new Set(selection.map(one).filter((x): x is string => x !== undefined))];
  if (Array.isArray(arg)) return [...new Set(arg.map(one).filter((x): x is string => x !== undefined))];
  const o = arg as { issueIds?: unknown } | undefined;
  if (o && Array.isArray(o.issueIds)) return o.issueIds.filter((x): x is string => typeof x === 'string');
  const id = one(arg);
  return id ? [id] : [];
}

export class TriageFeature extends DisposableBase {
  private readonly assignees = new AssigneeCache(systemClock);
  private access: WriteAccess = { canWrite: null, reason: null, userId: null };

  constructor(private readonly deps: TriageFeatureDeps) {
    super();
    const saved = deps.state.get<WriteAccess & { key?: string }>(ACCESS_KEY);
    if (saved && saved.key === this.accessKey()) this.access = { ...saved };
    this.publishAccess();
  }

  get writeAccess(): Readonly<WriteAccess> {
    return this.access;
  }

  private accessKey(): string {
    const s = this.deps.config.settings;
    return `${s.baseUrl}|${s.organization}`;
  }

  /** Called by "Set Auth Token" (and on a 403, and when the token is cleared). */
  setWriteAccess(access: WriteAccess): void {
    this.access = { ...access };
    this.assignees.clear();
    void this.deps.state.update(ACCESS_KEY, { ...access, key: this.accessKey() });
    this.publishAccess();
  }

  private publishAccess(): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.canWrite, this.access.canWrite !== false);
    this.deps.issues.model.setTriageContext(
      this.access.userId,
      this.access.canWrite === false ? this.access.reason : null,
    );
  }

  private async service(): Promise<{ service: TriageService; writes: IssueWrites; org: string }> {
    const client = await this.deps.sync.createClient(true, 'Triage');
    const store = await this.deps.store.ready;
    // The region the last sync used (sentry.io's us/de split), as for event details.
    client.useRegion(store.meta().regionUrl);
    const writes = new IssueWrites(client);
    return {
      service: new TriageService({ writes, store: store as TriageStore, logger: this.deps.logger }),
      writes,
      org: client.org,
    };
  }

  /** Issues for a command: its arguments, else a quick pick (open issues first). */
  private async targets(
    arg: unknown,
    selection: unknown,
    title: string,
    many = true,
  ): Promise<StoredIssue[] | undefined> {
    const store = await this.deps.store.ready;
    const ids = issueIdsOf(arg, selection);
    if (ids.length) {
      const issues = ids.map((id) => store.findIssue(id));
      const missing = ids.filter((_, n) => !issues[n]);
      if (missing.length)
        throw new RcaError('usage', `Not in the synced issues: ${missing.join(', ')}.`, 'Sync, then try again.');
      return issues as StoredIssue[];
    }
    const all = [...store.issues()].sort(
      (a, b) => Number(b.status === 'unresolved') - Number(a.status === 'unresolved'),
    );
    return pickIssues(all, title, many);
  }

  private ensureWritable(): void {
    if (this.access.canWrite === false)
      throw new RcaError('auth', `Triage actions are off: ${this.access.reason ?? WRITE_HELP}`);
  }

  /** Runs an action with progress, reports the outcome, and turns writes off on a 403. */
  async run(issues: StoredIssue[], action: TriageAction): Promise<TriageOutcome> {
    this.ensureWritable();
    const { service } = await this.service();
    const what = describeAction(action);
    const outcome = await vscode.window.withProgress(
      {
        location: issues.length > 1 ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
        title: `Sentry RCA: ${issues.length} issue${issues.length === 1 ? '' : 's'} ${what}…`,
        cancellable: issues.length > 1,
      },
      (_p, ct) => {
        const ac = new AbortController();
        ct.onCancellationRequested(() => ac.abort());
        return service.apply(
          issues.map((i) => i.id),
          action,
          ac.signal,
        );
      },
    );
    const names = (ids: string[]) =>
      ids
        .map((id) => issues.find((i) => i.id === id)?.shortId ?? id)
        .slice(0, 5)
        .join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
    if (outcome.changed.length)
      vscode.window.setStatusBarMessage(`Sentry RCA: ${names(outcome.changed)} ${what}`, 5000);
    if (outcome.forbidden) {
      this.setWriteAccess({ canWrite: false, reason: WRITE_HELP, userId: this.access.userId });
    }
    if (outcome.failed.length) {
      const failedIds = outcome.failed.flatMap((f) => f.issueIds);
      const reason = outcome.failed[0]!.message;
      this.deps.logger.warn(`[triage] not ${what}: ${names(failedIds)}: ${reason}`);
      void vscode.window
        .showErrorMessage(
          `Sentry RCA: Sentry did not accept "${what}" for ${names(failedIds)}; ${failedIds.length === 1 ? 'it is' : 'they are'} back as before. ${reason}`,
          ...(outcome.forbidden ? ['Set Auth Token'] : []),
          'Show Log',
        )
        .then((pick) => {
          if (pick === 'Set Auth Token') void vscode.commands.executeCommand(Commands.setAuthToken);
          if (pick === 'Show Log') void vscode.commands.executeCommand(Commands.showLog);
        });
    }
    return outcome;
  }

  private simple(action: TriageAction, title: string) {
    return async (arg?: unknown, selection?: unknown): Promise<TriageOutcome | undefined> => {
      this.ensureWritable();
      const issues = await this.targets(arg, selection, title);
      return issues ? this.run(issues, action) : undefined;
    };
  }

  resolve = this.simple({ kind: 'resolve' }, 'Resolve issues');
  resolveInNextRelease = this.simple({ kind: 'resolveInNextRelease' }, 'Resolve in the next release');
  resolveInCurrentRelease = this.simple({ kind: 'resolveInCurrentRelease' }, 'Resolve in the current release');
  unresolve = this.simple({ kind: 'unresolve' }, 'Unresolve issues');

  /** Accepts a tree row, the selection, `{ issueId }` (the new-issue notification) or ids; `mode` skips the pick. */
  archive = async (arg?: unknown, selection?: unknown): Promise<TriageOutcome | undefined> => {
    this.ensureWritable();
    const issues = await this.targets(arg, selection, 'Archive issues');
    if (!issues) return undefined;
    const given = (arg as { mode?: ArchiveMode } | undefined)?.mode;
    const mode =
      given ??
      (await pickArchiveMode(`Archive ${issues.length === 1 ? issues[0]!.shortId : `${issues.length} issues`}`));
    return mode ? this.run(issues, { kind: 'archive', mode }) : undefined;
  };

  assign = async (arg?: unknown, selection?: unknown): Promise<TriageOutcome | undefined> => {
    this.ensureWritable();
    const issues = await this.targets(arg, selection, 'Assign issues');
    if (!issues) return undefined;
    const { writes, org } = await this.service();
    const current = new Set(issues.flatMap((i) => (i.assignedTo ? [`${i.assignedTo.type}:${i.assignedTo.id}`] : [])));
    const pick = await pickAssignee(
      `Assign ${issues.length === 1 ? issues[0]!.shortId : `${issues.length} issues`}`,
      () => this.assignees.get(org, writes),
      current,
    );
    if (!pick) return undefined;
    if ('me' in pick) {
      let userId = this.access.userId;
      let name = 'me';
      if (!userId) {
        const check = await (await this.deps.sync.createClient(true, 'Triage')).checkToken();
        userId = check.userId ?? null;
        if (!userId)
          throw new RcaError(
            'auth',
            'Sentry did not say which user the token belongs to; pick yourself from the members.',
          );
        this.setWriteAccess({ ...this.access, userId });
      }
      const dir = await this.assignees.get(org, writes).catch(() => null);
      name = dir?.members.find((m) => m.id === userId)?.name ?? name;
      return this.run(issues, { kind: 'assign', assignee: { type: 'user', id: userId, name } });
    }
    return this.run(issues, { kind: 'assign', assignee: pick.assignee });
  };

  /** Bookmarks the issues, or removes the bookmark when all of them have one (`{ value }` decides). */
  toggleBookmark = async (arg?: unknown, selection?: unknown): Promise<TriageOutcome | undefined> => {
    this.ensureWritable();
    const issues = await this.targets(arg, selection, 'Bookmark issues');
    if (!issues) return undefined;
    const given = (arg as { value?: unknown } | undefined)?.value;
    const value = typeof given === 'boolean' ? given : !issues.every((i) => i.isBookmarked);
    return this.run(issues, { kind: 'bookmark', value });
  };

  toggleSubscribe = async (arg?: unknown, selection?: unknown): Promise<TriageOutcome | undefined> => {
    this.ensureWritable();
    const issues = await this.targets(arg, selection, 'Subscribe to issues');
    if (!issues) return undefined;
    const given = (arg as { value?: unknown } | undefined)?.value;
    const value = typeof given === 'boolean' ? given : !issues.every((i) => i.isSubscribed);
    return this.run(issues, { kind: 'subscribe', value });
  };

  /** "Add Note": a Sentry comment on one issue (`{ issueId, text }` skips the input). */
  addNote = async (arg?: unknown): Promise<{ noteId: string } | undefined> => {
    this.ensureWritable();
    const [issue] = (await this.targets(arg, undefined, 'Add a note to', false)) ?? [];
    if (!issue) return undefined;
    const given = (arg as { text?: unknown } | undefined)?.text;
    const text =
      typeof given === 'string'
        ? given
        : await vscode.window.showInputBox({
            title: `Sentry RCA: note on ${issue.shortId}`,
            prompt: 'Posted to Sentry as a comment on the issue (markdown).',
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : 'Write something.'),
          });
    if (!text?.trim()) return undefined;
    return this.postNote(issue, text);
  };

  private async postNote(issue: StoredIssue, text: string): Promise<{ noteId: string }> {
    const { service } = await this.service();
    try {
      const note = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Sentry RCA: posting a note on ${issue.shortId}…` },
        () => service.addNote(issue.id, text),
      );
      vscode.window.setStatusBarMessage(`Sentry RCA: note posted on ${issue.shortId}`, 5000);
      return { noteId: String(note.id) };
    } catch (e) {
      if (e instanceof RcaError && e.kind === 'auth' && /event:write/.test(errorMessage(e)))
        this.setWriteAccess({ canWrite: false, reason: WRITE_HELP, userId: this.access.userId });
      throw e;
    }
  }

  /**
   * "Post Diagnosis Summary to Sentry": the culprit, top hypotheses and suspect commits of the issue's
   * last saved diagnosis, shown in full in a modal before anything is sent.
   */
  postDiagnosisNote = async (arg?: unknown): Promise<{ noteId: string; text: string } | undefined> => {
    this.ensureWritable();
    const [issue] = (await this.targets(arg, undefined, 'Post the diagnosis summary of', false)) ?? [];
    if (!issue) return undefined;
    const store = await this.deps.store.ready;
    const record = store.investigations(issue.id)[0] as InvestigationRecord | undefined;
    if (!record)
      throw new RcaError('usage', `${issue.shortId} has no saved diagnosis yet.`, 'Run "Diagnose" on it first.');
    const text = diagnosisNote(issue, record);
    const post = 'Post to Sentry';
    const pick = await vscode.window.showInformationMessage(
      `Post this note on ${plainLabel(issue.shortId)} in Sentry?`,
      { modal: true, detail: text },
      post,
    );
    if (pick !== post) return undefined;
    return { ...(await this.postNote(issue, text)), text };
  };

  /** "Show Issues…": open (default), assigned to me, unassigned, bookmarked, archived, resolved, all. */
  filterByTriage = async (arg?: unknown): Promise<void> => {
    const labels: Record<TriageFilter, string> = {
      open: 'Open (unresolved)',
      assignedToMe: 'Assigned to me',
      unassigned: 'Unassigned',
      bookmarked: 'Bookmarked',
      archived: 'Archived',
      resolved: 'Resolved',
      all: 'All statuses',
    };
    let show = (TRIAGE_FILTERS as readonly unknown[]).includes(arg) ? (arg as TriageFilter) : undefined;
    if (!show) {
      const current = this.deps.issues.model.state.show ?? 'open';
      const pick = await vscode.window.showQuickPick(
        TRIAGE_FILTERS.map((k) => ({
          label: labels[k],
          key: k,
          description:
            k === current
              ? 'current'
              : k === 'assignedToMe' && !this.access.userId
                ? 'after "Set Auth Token"'
                : undefined,
        })),
        { title: 'Show issues' },
      );
      show = pick?.key;
    }
    if (show) await this.deps.issues.setViewState({ show });
  };
}
