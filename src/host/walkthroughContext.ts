/**
 * Context keys that say a walkthrough step's goal is reached — a sync succeeded, an issue was opened,
 * a diagnosis ran, log sources are set, an AI key is stored — so the steps complete on `onContext:` events rather than on a button click
 * (`onCommand` ticked "Diagnose an issue" even when nothing was synced). Token and organization keys
 * are set by the App with the rest of its context.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../core/common/lifecycle';
import type { StoredIssue, StoreMeta } from '../core/store/model';
import type { Event } from '../core/common/emitter';
import { ContextKeys, SECRET_AI_KEY } from './ids';

export interface WalkthroughStore {
  readonly onDidChange: Event<void>;
  issues(): StoredIssue[];
  meta(): Pick<StoreMeta, 'lastSuccessfulSync'>;
}

export class WalkthroughContext extends DisposableBase {
  private readonly values = new Map<string, boolean>();

  constructor(
    private readonly store: WalkthroughStore,
    view: Pick<vscode.TreeView<unknown>, 'onDidExpandElement' | 'onDidChangeSelection'>,
    /** Log sources in the settings (the logs step) and the AI key in SecretStorage (the AI step). */
    extras?: {
      config: { readonly settings: { readonly logSources: readonly unknown[] }; readonly onDidChange: Event<unknown> };
      secrets: Pick<vscode.SecretStorage, 'get' | 'onDidChange'>;
    },
  ) {
    super();
    this.register(store.onDidChange(() => this.fromStore()));
    if (extras) {
      const { config, secrets } = extras;
      const logs = () => this.set(ContextKeys.hasLogSources, config.settings.logSources.length > 0);
      this.register(config.onDidChange(logs));
      logs();
      const aiKey = () =>
        void secrets.get(SECRET_AI_KEY).then(
          (k) => this.set(ContextKeys.hasAiKey, !!k?.trim() || !!process.env.OPENAI_API_KEY),
          () => {},
        );
      this.register(
        secrets.onDidChange((e) => {
          if (e.key === SECRET_AI_KEY) aiKey();
        }),
      );
      aiKey();
    }
    // Expanding or selecting an issue (or anything under it) is "opening an issue".
    const opened = (node: unknown) => {
      if (node && typeof node === 'object' && ('issue' in node || 'event' in node || 'frame' in node))
        this.set(ContextKeys.issueOpened, true);
    };
    this.register(view.onDidExpandElement((e) => opened(e.element)));
    this.register(view.onDidChangeSelection((e) => e.selection.forEach(opened)));
    // VS Code 1.100 creates its walkthrough service when a walkthrough is first opened, and a step whose
    // `onContext:` expression is already true at that moment is never ticked (the event counts as seen
    // without progressing the step). Each step also completes on `<goal> && sentryRca.walkthroughOpen`,
    // which turns true only after a walkthrough tab opened, so goals met earlier tick then.
    const walkthroughTab = () =>
      vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => /^(Walkthrough|Welcome)\b/.test(t.label)));
    const tabs = () => this.set(ContextKeys.walkthroughOpen, walkthroughTab());
    this.register(vscode.window.tabGroups.onDidChangeTabs(tabs));
    tabs();
    this.fromStore();
  }

  /** A diagnosis panel opened for a synced issue. */
  diagnosed(): void {
    this.set(ContextKeys.diagnosed, true);
  }

  private fromStore(): void {
    // Before the store has loaded it answers "empty"; it fires a change once it has.
    this.set(ContextKeys.hasIssues, this.store.issues().length > 0);
    this.set(ContextKeys.synced, !!this.store.meta().lastSuccessfulSync);
  }

  private set(key: string, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
