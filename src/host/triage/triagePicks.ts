/**
 * The quick picks of triage: which issues (from the palette), how long to archive, whom to assign.
 * Labels are plain text; text from Sentry (names, titles) has its `$(` defused so a name cannot turn
 * into a codicon, and nothing in it is ever run.
 */
import * as vscode from 'vscode';
import type { IssueAssignee, StoredIssue } from '../../core/store/model';
import type { AssigneeDirectory } from '../../core/triage/assignees';
import {
  ARCHIVE_COUNTS,
  ARCHIVE_DURATIONS,
  ARCHIVE_WINDOWS,
  describeMinutes,
  type ArchiveMode,
} from '../../core/triage/triageAction';

/** Text shown as is in a quick pick: `$(name)` would render an icon, so the `$` is followed by a zero-width space. */
export function plainLabel(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\$\(/g, '$\u200b(');
}

export async function pickIssues(
  issues: StoredIssue[],
  title: string,
  canPickMany = true,
): Promise<StoredIssue[] | undefined> {
  if (issues.length === 0) {
    void vscode.window.showInformationMessage('Sentry RCA: no issue to choose from; sync first.');
    return undefined;
  }
  const items = issues.map((issue) => ({
    label: plainLabel(issue.title),
    description: plainLabel(`${issue.shortId} · ${issue.projectSlug} · ${issue.status}`),
    detail: issue.culprit ? plainLabel(issue.culprit) : undefined,
    issue,
  }));
  if (canPickMany) {
    const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true, matchOnDescription: true });
    return picked?.length ? picked.map((p) => p.issue) : undefined;
  }
  const one = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  return one ? [one.issue] : undefined;
}

type ArchiveChoice = vscode.QuickPickItem & { mode?: ArchiveMode; ask?: 'count' | 'users' };

export async function pickArchiveMode(title: string): Promise<ArchiveMode | undefined> {
  const items: ArchiveChoice[] = [
    { label: 'Until escalating', detail: 'Comes back when Sentry sees it escalate', mode: { until: 'escalating' } },
    { label: 'Forever', mode: { until: 'forever' } },
    { label: 'For a while', kind: vscode.QuickPickItemKind.Separator },
    ...ARCHIVE_DURATIONS.map((m) => ({
      label: `For ${describeMinutes(m)}`,
      mode: { until: 'duration', minutes: m } as ArchiveMode,
    })),
    { label: 'Until a condition', kind: vscode.QuickPickItemKind.Separator },
    { label: 'Until it occurs N more times…', ask: 'count' },
    { label: 'Until it affects N more users…', ask: 'users' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title });
  if (!pick) return undefined;
  if (pick.mode) return pick.mode;
  const what = pick.ask === 'count' ? 'occurrences' : 'users';
  const count = await vscode.window.showQuickPick(
    [...ARCHIVE_COUNTS.map((n) => ({ label: n.toLocaleString('en-US'), n })), { label: 'Other number…', n: 0 }],
    { title: `${title}: how many more ${what}?` },
  );
  if (!count) return undefined;
  let n = count.n;
  if (n === 0) {
    const typed = await vscode.window.showInputBox({
      title: `${title}: how many more ${what}?`,
      validateInput: (v) => (/^[1-9]\d{0,8}$/.test(v.trim()) ? undefined : 'A whole number above 0.'),
    });
    if (!typed) return undefined;
    n = Number(typed.trim());
  }
  const window = await vscode.window.showQuickPick(
    [
      { label: 'From now on', minutes: undefined as number | undefined },
      ...ARCHIVE_WINDOWS.map((m) => ({ label: `Within ${describeMinutes(m)}`, minutes: m as number | undefined })),
    ],
    { title: `${title}: ${n.toLocaleString('en-US')} more ${what}, counted…` },
  );
  if (!window) return undefined;
  return { until: pick.ask === 'count' ? 'count' : 'users', count: n, windowMinutes: window.minutes };
}

type AssignChoice = vscode.QuickPickItem & { assignee?: IssueAssignee | null; me?: boolean };

/**
 * Assign to me, to a member or a team, or unassign. `load` reads the directory (cached); the pick
 * shows a busy bar until it is there.
 */
export async function pickAssignee(
  title: string,
  load: () => Promise<AssigneeDirectory>,
  currentIds: Set<string>,
): Promise<{ assignee: IssueAssignee | null } | { me: true } | undefined> {
  const qp = vscode.window.createQuickPick<AssignChoice>();
  qp.title = title;
  qp.placeholder = 'Assign to…';
  qp.matchOnDescription = true;
  // Members and teams arrive while the pick is open; a tree refresh taking focus must not close it.
  qp.ignoreFocusOut = true;
  const fixed: AssignChoice[] = [
    { label: '$(account) Assign to me', me: true },
    { label: '$(circle-slash) Unassign', assignee: null },
  ];
  qp.items = fixed;
  qp.busy = true;
  const done = new Promise<AssignChoice | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.show();
  load().then(
    (dir) => {
      const mark = (a: IssueAssignee) => (currentIds.has(`${a.type}:${a.id}`) ? 'assigned' : undefined);
      qp.items = [
        ...fixed,
        { label: 'Members', kind: vscode.QuickPickItemKind.Separator },
        ...dir.members.map((m) => ({
          label: plainLabel(m.name),
          description: plainLabel([m.email ?? '', mark(m) ?? ''].filter(Boolean).join(' · ')),
          assignee: m,
        })),
        ...(dir.membersUnavailable ? [{ label: plainLabel(dir.membersUnavailable), alwaysShow: true }] : []),
        { label: 'Teams', kind: vscode.QuickPickItemKind.Separator },
        ...dir.teams.map((t) => ({ label: plainLabel(`#${t.name}`), description: mark(t), assignee: t })),
      ];
      qp.busy = false;
    },
    (e: unknown) => {
      qp.busy = false;
      qp.placeholder = `Could not read members and teams: ${e instanceof Error ? e.message : String(e)}`;
    },
  );
  const choice = await done;
  qp.dispose();
  if (!choice) return undefined;
  if (choice.me) return { me: true };
  if (choice.assignee === undefined) return undefined;
  return { assignee: choice.assignee };
}
