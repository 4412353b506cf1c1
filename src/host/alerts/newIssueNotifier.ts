/**
 * New-issue alerts in the editor: after each successful sync, one notification for the new or
 * regressed issues matching `sentryRCA.alerts.*` (core/alerts decides which), with Diagnose, Show
 * (reveal in the tree) and Archive. Several issues share one notification; its actions then ask which.
 * Archive runs the triage command `sentryRca.archiveIssue` with `{ issueId }`; nothing Sentry sent is
 * ever run as a command (the ids are the store's, the message text is made inert by `notificationText`).
 */
import * as vscode from 'vscode';
import { alertMessage, notificationText } from '../../core/alerts/alertMessage';
import { findAlerts, type AlertBaseline, type AlertedIssue } from '../../core/alerts/newIssueAlerts';
import type { Event } from '../../core/common/emitter';
import { RcaError } from '../../core/common/errors';
import { DisposableBase } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';
import type { StoredEvent, StoredIssue, StoreMeta, SyncSummary } from '../../core/store/model';
import type { Settings } from '../settings';
import { Commands } from '../ids';

/** The triage feature's command; the alert only invokes it, with `{ issueId }`. */
export const ARCHIVE_ISSUE_COMMAND = Commands.archiveIssue;

export interface NewIssueNotifierDeps {
  onDidSync: Event<{ summary: SyncSummary; baseline: AlertBaseline }>;
  settings(): Readonly<Settings>;
  store: { meta(): StoreMeta; issues(): StoredIssue[]; events(issueId: string): StoredEvent[] };
  /** Reveals and selects the issue's row in the tree. */
  reveal(issueId: string): Promise<void>;
  logger: Logger;
  /** A failed action (e.g. Archive before the triage feature is installed): logged, and shown with "Show Log". */
  reportError(context: string, e: unknown): void;
}

export type AlertAction = 'Diagnose' | 'Show' | 'Archive';

export class NewIssueNotifier extends DisposableBase {
  /** The last alert shown (for tests and the log). */
  lastAlert: { message: string; issueIds: string[] } | null = null;

  constructor(private readonly deps: NewIssueNotifierDeps) {
    super();
    this.register(deps.onDidSync((e) => void this.onSynced(e.summary, e.baseline)));
  }

  private async onSynced(summary: SyncSummary, baseline: AlertBaseline): Promise<void> {
    try {
      const s = this.deps.settings();
      const { store } = this.deps;
      const alerts = findAlerts({
        baseline,
        after: { meta: store.meta(), issues: store.issues() },
        syncStartedAt: summary.startedAt,
        events: (id) => store.events(id),
        allEvents: () => store.issues().flatMap((i) => store.events(i.id)),
        settings: {
          minLevel: s.alertsMinLevel,
          projects: s.alertsProjects,
          environments: s.alertsEnvironments,
          release: s.alertsRelease,
        },
      });
      if (alerts.length === 0) return;
      const message = alertMessage(alerts);
      this.lastAlert = { message, issueIds: alerts.map((a) => a.issue.id) };
      this.deps.logger.info(`[alerts] ${message}`);
      const severe = alerts.some((a) => a.issue.level === 'fatal');
      const actions: AlertAction[] = ['Diagnose', 'Show', 'Archive'];
      const action = severe
        ? await vscode.window.showWarningMessage(message, ...actions)
        : await vscode.window.showInformationMessage(message, ...actions);
      if (action) await this.act(action, alerts).catch((e: unknown) => this.deps.reportError(`Alert: ${action}`, e));
    } catch (e) {
      this.deps.logger.error(`[alerts] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private async act(action: AlertAction, alerts: AlertedIssue[]): Promise<void> {
    if (action === 'Archive') {
      const chosen = alerts.length === 1 ? alerts : await this.pick(alerts, 'Archive which issues?', true);
      const registered = (await vscode.commands.getCommands(true)).includes(ARCHIVE_ISSUE_COMMAND);
      for (const a of chosen) {
        this.deps.logger.info(
          `[alerts] Archive ${a.issue.shortId}: ${ARCHIVE_ISSUE_COMMAND} {"issueId":"${a.issue.id}"}`,
        );
        if (!registered)
          throw new RcaError(
            'usage',
            `Archive is not available: ${ARCHIVE_ISSUE_COMMAND} is not registered in this build.`,
            'Archive the issue in Sentry, or update Sentry RCA.',
          );
        await vscode.commands.executeCommand(ARCHIVE_ISSUE_COMMAND, { issueId: a.issue.id });
      }
      return;
    }
    const [chosen] =
      alerts.length === 1
        ? alerts
        : await this.pick(alerts, action === 'Diagnose' ? 'Diagnose which issue?' : 'Show which issue?', false);
    if (!chosen) return;
    if (action === 'Diagnose') await vscode.commands.executeCommand(Commands.diagnoseIssue, chosen.issue.id);
    else await this.deps.reveal(chosen.issue.id);
  }

  private async pick(alerts: AlertedIssue[], title: string, many: boolean): Promise<AlertedIssue[]> {
    const items = alerts.map((a) => ({
      label: notificationText(`${a.issue.shortId} ${a.issue.title}`, 100),
      description: `${a.reason} · ${a.issue.level} · ${notificationText(a.issue.projectSlug, 40)}`,
      picked: many,
      alert: a,
    }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true });
      return (picked ?? []).map((p) => p.alert);
    }
    const picked = await vscode.window.showQuickPick(items, { title });
    return picked ? [picked.alert] : [];
  }
}
