import * as vscode from 'vscode';
import type { Event } from '../core/common/emitter';
import { errorMessage } from '../core/common/errors';
import { DisposableBase, toDisposable } from '../core/common/lifecycle';
import type { StoreHandle } from './storeHandle';
import type { SchedulerState } from '../core/sync/syncScheduler';
import { eventsProgressText, type SyncProgress } from '../core/sync/syncProgress';
import { Commands, InternalIds } from './ids';
import { failedStatusText, idleStatusText } from './statusBarText';
import { timeTooltip } from './tree/issueTreeFormat';

export interface StatusSource {
  store: Pick<StoreHandle, 'issues' | 'meta' | 'onDidChange'>;
  schedulerState(): SchedulerState;
  onSchedulerState: Event<SchedulerState>;
  configured(): boolean;
  /** The running sync's progress ("4,812 / 5,000 issues with events"). */
  sync?: { readonly progress: SyncProgress | null; onProgress: Event<SyncProgress> };
}

/** Last sync time and unresolved count; a spinner while syncing; an error look after a failure. Click = Sync Now. */
export class SyncStatusBar extends DisposableBase {
  readonly item: vscode.StatusBarItem;

  constructor(private readonly source: StatusSource) {
    super();
    this.item = this.register(
      vscode.window.createStatusBarItem(InternalIds.statusBarItem, vscode.StatusBarAlignment.Left, 50),
    );
    this.item.name = 'Sentry RCA';
    this.item.command = Commands.syncNow;
    this.register(source.store.onDidChange(() => this.update()));
    this.register(source.onSchedulerState(() => this.update()));
    if (source.sync) this.register(source.sync.onProgress(() => this.update()));
    // The relative time ("5m ago") ages; a minute's resolution is enough.
    const tick = setInterval(() => this.update(), 60_000);
    this.register(toDisposable(() => clearInterval(tick)));
    this.update();
    this.item.show();
  }

  update(): void {
    const state = this.source.schedulerState();
    const meta = this.source.store.meta();
    const unresolved = this.source.store.issues().filter((i) => i.status === 'unresolved').length;
    const last = meta.lastSuccessfulSync;
    const failed =
      state.lastOutcome && !state.lastOutcome.ok && !state.lastOutcome.cancelled ? state.lastOutcome : null;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown('**Sentry RCA**\n\n');
    tip.appendMarkdown(`Last sync: ${last ? timeTooltip(last, Date.now()) : 'never'}  \n`);
    tip.appendMarkdown(`Unresolved issues: ${unresolved}  \n`);
    if (state.nextRunAt)
      tip.appendMarkdown(`Next sync: in ${Math.max(1, Math.round((state.nextRunAt - Date.now()) / 60_000))} min  \n`);
    if (failed) tip.appendMarkdown(`\n$(error) Last sync failed: `).appendText(errorMessage(failed.error));
    const progress = state.running ? (this.source.sync?.progress ?? null) : null;
    if (progress?.phase === 'events') {
      tip.appendMarkdown(
        `\nSyncing: ${eventsProgressText(progress)}${progress.onDemand ? ` (${progress.onDemand.toLocaleString('en-US')} more when opened)` : ''}  \n`,
      );
    }
    tip.appendMarkdown('\n\nClick to sync now.');

    if (state.running) {
      this.item.text =
        progress?.phase === 'events'
          ? `$(sync~spin) Sentry: ${eventsProgressText(progress)}`
          : '$(sync~spin) Sentry: syncing…';
      this.item.backgroundColor = undefined;
    } else if (!this.source.configured()) {
      this.item.text = '$(bug) Sentry: not set up';
      this.item.backgroundColor = undefined;
      this.item.command = Commands.setAuthToken;
      this.item.tooltip = 'Sentry RCA is not set up: click to set the auth token.';
      return;
    } else if (failed) {
      this.item.text = failedStatusText(unresolved);
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = idleStatusText(unresolved, last, Date.now());
      this.item.backgroundColor = undefined;
    }
    this.item.command = Commands.syncNow;
    this.item.tooltip = tip;
  }
}
