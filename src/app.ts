import * as vscode from 'vscode';
import { systemClock } from './core/common/clock';
import { errorMessage, setUnexpectedErrorHandler } from './core/common/errors';
import { DisposableBase } from './core/common/lifecycle';
import { tagged } from './core/common/logger';
import { IssueStore } from './core/store/issueStore';
import { StoreHandle } from './host/storeHandle';
import { syncProgressText } from './core/sync/syncProgress';
import { SyncScheduler, type SyncOutcome } from './core/sync/syncScheduler';
import { CommandTable, type CommandEntry, type LazyFeature } from './host/commands/commandTable';
import { copyLink, copyShortId, openInSentry } from './host/commands/issueCommands';
import { clearAuthToken, setAuthToken } from './host/commands/tokenCommands';
import { clearFilters, filterByLevel, filterByProject, filterByText, sortIssues } from './host/commands/viewCommands';
import { Config } from './host/config';
import { currentIssue, type DiagnoseReadiness } from './host/commands/diagnoseTarget';
import { syncFailure } from './host/failureMessages';
import { WalkthroughContext } from './host/walkthroughContext';
import type { StoredIssue } from './core/store/model';
import { Commands, CONFIG_SECTION, ContextKeys, type CommandId } from './host/ids';
import { LogChannel } from './host/log';
import { reportError } from './host/notify';
import { SyncStatusBar } from './host/statusBar';
import { SyncService } from './host/syncService';
import { TokenStore } from './host/tokenStore';
import { IssuesView } from './host/tree/issuesView';
import { DemoFeature } from './host/demo/demoFeature';
import { NewIssueNotifier } from './host/alerts/newIssueNotifier';
import { EventDetailsFeature } from './host/details/eventDetailsFeature';
import { RestrictedMode } from './host/trust/restrictedMode';
import { WorkspaceValueTrust } from './host/trust/workspaceValueTrust';
import { SettingsMigration } from './host/settingsMigration';
import { TriageFeature } from './host/triage/triageFeature';
import { AgentToolsFeature } from './host/ai/agentTools';
// Types only: the modules themselves load after activation (loadFeatures).
import type { FramesFeature } from './host/frames/framesFeature';
import type { FrameMapperSource } from './host/frames/workspaceFrames';
import type { InvestigationFeature } from './host/panel/investigationFeature';
import { syncSummaryText } from './core/sync/syncSummaryText';

/**
 * What `activate()` returns in extension-test mode (and only then): the few parts of the App the VS Code
 * suites read, typed as such, rather than the whole App.
 */
export interface SentryRcaTestApi {
  readonly activationMs: number;
  readonly app: {
    readonly ready: Promise<void>;
    readonly configured: boolean;
    readonly context: Pick<vscode.ExtensionContext, 'secrets' | 'workspaceState'>;
    readonly log: Pick<LogChannel, 'tail'>;
    readonly config: Pick<Config, 'settings' | 'syncIntervalMs'>;
    readonly tokens: Pick<TokenStore, 'get' | 'set'>;
    /** Tests answer the consent modal by replacing `confirm` (and assert the question's text). */
    readonly trust: Pick<WorkspaceValueTrust, 'confirm' | 'layers' | 'decision' | 'request'>;
    readonly restricted: Pick<RestrictedMode, 'active' | 'shown'>;
    readonly store: Pick<StoreHandle, 'ready' | 'meta' | 'projects' | 'issues' | 'issue' | 'findIssue' | 'events'>;
    readonly scheduler: Pick<SyncScheduler, 'state' | 'isStarted'>;
    readonly statusBar: Pick<SyncStatusBar, 'item'>;
    readonly issues: Pick<IssuesView, 'model' | 'provider' | 'view'>;
    readonly framesFeature: FramesFeature | undefined;
    readonly investigation: Pick<InvestigationFeature, 'panels'> | undefined;
    readonly alerts: Pick<NewIssueNotifier, 'lastAlert'>;
    /** The rename of the settings: tests await `started` and answer the workspace offer through `ask`. */
    readonly settingsMigration: Pick<
      SettingsMigration,
      'started' | 'ask' | 'migrateUserSettings' | 'offerWorkspaceUpdate' | 'workspaceScopes'
    >;
    readonly eventDetails: Pick<EventDetailsFeature, 'openPanels'>;
    readonly commands: Pick<CommandTable, 'ids'>;
    readonly triage: Pick<TriageFeature, 'writeAccess'>;
    readonly agentTools: Pick<AgentToolsFeature, 'tools'>;
  };
}

/**
 * Composition root of the extension host: builds the core services over the VS Code host layer and
 * wires their events. Everything it creates is registered, so disposing the App leaves nothing behind.
 */
export class App extends DisposableBase {
  private hasToken = false;
  /** Every command, registered at activation; lazily loaded features provide theirs through it. */
  commands!: CommandTable;
  demo!: DemoFeature;
  /** The agent-mode tools (`languageModelTools`), registered at activation. */
  agentTools!: AgentToolsFeature;

  readonly syncService: SyncService;
  readonly scheduler: SyncScheduler;
  readonly issues: IssuesView;
  readonly statusBar: SyncStatusBar;
  /** Context keys that tick the walkthrough's steps when their goal is reached. */
  readonly walkthrough: WalkthroughContext;
  /** Resolve, archive, assign, bookmark, notes. */
  readonly triage: TriageFeature;
  /** Restricted Mode: syncing, SSH, git and AI off in an untrusted workspace. */
  readonly restricted: RestrictedMode;
  /** One notification per sync for new or regressed issues (`sentryRCA.alerts.*`). */
  readonly alerts: NewIssueNotifier;
  /** "Show Event Details": an event's full details in a webview, fetched on demand. */
  readonly eventDetails: EventDetailsFeature;
  /** Moves `sentryRca.*` settings to their new `sentryRCA.*` names. */
  readonly settingsMigration: SettingsMigration;

  private constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: LogChannel,
    readonly config: Config,
    readonly tokens: TokenStore,
    readonly store: StoreHandle,
    /** Workspace values of settings that send a secret or run something: used only once allowed. */
    readonly trust: WorkspaceValueTrust,
  ) {
    super();
    this.register(log);
    // Errors caught so the rest keeps working (a throwing listener, a failing dispose) go to the log.
    this.register({
      dispose: setUnexpectedErrorHandler((e, what) =>
        log.error(`[app] ${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      ),
    });
    this.register(trust);
    this.register(config);
    this.register(tokens);
    this.register(store);
    this.restricted = this.register(new RestrictedMode(log));
    this.settingsMigration = this.register(new SettingsMigration(context.workspaceState, log));
    this.syncService = this.register(
      new SyncService({
        config,
        tokens,
        store: () => store.ready,
        logger: log,
        onToken: (t) => log.setSecrets([t]),
        trust,
        restricted: this.restricted,
      }),
    );
    this.scheduler = this.register(
      new SyncScheduler({
        clock: systemClock,
        logger: tagged(log, 'scheduler'),
        intervalMs: () => config.syncIntervalMs,
        lastSuccess: () => {
          const t = Date.parse(store.meta().lastSuccessfulSync ?? '');
          return Number.isFinite(t) ? t : null;
        },
        run: async (trigger, signal) => {
          await this.syncService.run(trigger, signal);
        },
        // The start-up sync waits a moment, so it never competes with the editor's own start.
        startupDelayMs: 2_000,
      }),
    );
    this.issues = this.register(new IssuesView(store, context.workspaceState, this.syncService));
    this.alerts = this.register(
      new NewIssueNotifier({
        onDidSync: this.syncService.onDidSync,
        settings: () => config.settings,
        store,
        reveal: async (issueId) => {
          await this.issues.revealIssue(issueId);
        },
        logger: log,
        reportError: (what, e) => reportError(log, what, e),
      }),
    );
    this.eventDetails = this.register(
      new EventDetailsFeature({
        extensionUri: context.extensionUri,
        store,
        client: () => this.syncService.createClient(true, 'Fetching event details'),
        offline: () => this.restricted.active,
        logger: log,
        reportError: (e) => reportError(log, 'Event details', e),
      }),
    );
    this.walkthrough = this.register(
      new WalkthroughContext(store, this.issues.view, { config, secrets: context.secrets }),
    );
    this.triage = this.register(
      new TriageFeature({
        state: context.globalState,
        store,
        config,
        sync: this.syncService,
        issues: this.issues,
        logger: tagged(log, 'triage'),
      }),
    );
    this.statusBar = this.register(
      new SyncStatusBar({
        store,
        sync: this.syncService,
        schedulerState: () => this.scheduler.state,
        onSchedulerState: this.scheduler.onDidChangeState,
        configured: () => this.configured,
      }),
    );
  }

  static async create(context: vscode.ExtensionContext): Promise<App> {
    const log = new LogChannel();
    let app: App | undefined;
    try {
      const trust = new WorkspaceValueTrust(context.workspaceState, log);
      const config = new Config(trust);
      const tokens = new TokenStore(context.secrets);
      const dir = (context.storageUri ?? context.globalStorageUri).fsPath;
      const store = new StoreHandle(async () => {
        const opened = await IssueStore.open(dir, { logger: log });
        if (opened.recovery) {
          void vscode.window.showWarningMessage(
            `Sentry RCA: the stored issues could not be read (${opened.recovery.reason}); they were moved aside and will sync again.`,
          );
        }
        return opened;
      });
      app = new App(context, log, config, tokens, store, trust);
      app.init();
      return app;
    } catch (e) {
      log.error(e instanceof Error ? e : String(e));
      // A half-built App must not leave its commands registered (the next activation registers them again).
      app?.dispose();
      log.dispose();
      throw e;
    }
  }

  get configured(): boolean {
    return this.hasToken && this.config.settings.organization !== '';
  }

  /**
   * Resolves once the token state is known and the scheduler armed. Activation does not wait for it:
   * reading SecretStorage and setting context keys are round trips to the renderer (20–50 ms each in
   * code-server) that need not delay the editor.
   */
  ready: Promise<void> = Promise.resolve();

  private init(): void {
    // "Try the Demo", and in the demo workspace: the demo server restarted, the demo token stored.
    this.demo = this.register(
      new DemoFeature({ context: this.context, tokens: this.tokens, log: this.log, trust: this.trust }),
    );
    this.agentTools = this.register(
      new AgentToolsFeature({
        log: this.log,
        config: this.config,
        trust: this.trust,
        restricted: this.restricted,
        store: this.store,
        // The frames feature loads just after activation; a tool called before waits for it.
        frames: async () => {
          await this.features;
          return this.frames;
        },
        tokens: this.tokens,
      }),
    );
    // Feature loading starts on a later macrotask, so the table exists before a feature provides to it.
    const features = this.loadFeatures();
    this.commands = this.register(
      new CommandTable(this.commandEntries(features), {
        registerCommand: (id, handler) => vscode.commands.registerCommand(id, handler),
        reportError: (context, e) => reportError(this.log, context, e),
      }),
    );
    this.register(this.scheduler.onDidFinish((o) => this.onSyncFinished(o)));
    let syncing = false;
    this.register(
      this.scheduler.onDidChangeState((st) => {
        if (st.running === syncing) return;
        syncing = st.running;
        void vscode.commands.executeCommand('setContext', ContextKeys.syncing, syncing);
      }),
    );
    this.register(this.tokens.onDidChange(() => void this.onTokenChanged()));
    this.register(
      this.config.onDidChange((c) => {
        this.log.info(`[config] changed: ${c.changed.join(', ')}`);
        void this.updateContext();
        // A value the user just allowed is used by the run that asked; it needs no second sync.
        if (!this.configured || this.restricted.active || c.consented) return;
        if (c.syncScopeChanged) {
          this.scheduler.start();
          void this.scheduler.runNow('settings');
        } else if (c.intervalChanged) {
          if (this.scheduler.isStarted) this.scheduler.reschedule();
          else this.scheduler.start();
        }
      }),
    );
    this.register(
      this.restricted.onDidGrant(
        () => void this.loadTokenState().catch((e: unknown) => reportError(this.log, 'Workspace trust', e)),
      ),
    );
    this.settingsMigration.start();
    this.ready = Promise.all([
      this.loadTokenState().catch((e: unknown) => reportError(this.log, 'Start-up', e)),
      this.features,
    ]).then(() => undefined);
  }

  /** Clickable frames and crash sites in the editor; set once the features have loaded. */
  framesFeature: FramesFeature | undefined;

  /** The window's shared frame mapper (built on first use), for the investigation panel. */
  get frames(): FrameMapperSource | undefined {
    return this.framesFeature?.frames;
  }

  /** The diagnosis panels, the AI key and the per-run dependencies; set once the feature has loaded. */
  investigation: InvestigationFeature | undefined;

  /** Resolves when the feature modules loaded after activation have registered themselves (or failed to). */
  private features: Promise<void> = Promise.resolve();

  /**
   * The frames and investigation features (frame mapping, SSH, the AI client, the panel) are loaded
   * right after activation rather than during it: their modules are the heavy part of the bundle and
   * none of them is needed to show the tree. The dynamic import keeps their evaluation out of the
   * activation path.
   */
  private loadFeatures(): { frames: LazyFeature; investigation: LazyFeature } {
    // A macrotask first: the import's module evaluation would otherwise run in the microtasks that
    // finish activate(), i.e. still inside activation.
    const started = new Promise<void>((resolve) => setTimeout(resolve, 0));
    const frames = started.then(async () => {
      const { FramesFeature } = await import('./host/frames/framesFeature');
      if (!this.isDisposed) this.framesFeature = this.register(new FramesFeature(this));
    });
    // Frames first: the investigation reuses its mapper instead of indexing the workspace again. Each
    // feature loads on its own, so one failing leaves the other working.
    const investigation = frames
      .catch(() => undefined)
      .then(async () => {
        const { InvestigationFeature } = await import('./host/panel/investigationFeature');
        if (!this.isDisposed) this.investigation = this.register(new InvestigationFeature(this));
      });
    const features = {
      frames: { name: 'clickable frames', loaded: frames },
      investigation: { name: 'the investigation feature', loaded: investigation },
    };
    // A feature that loaded but left one of its commands a stub is a bug; say so in the log.
    const provided = (f: LazyFeature) => () => {
      const missing = this.isDisposed ? [] : this.commands.unprovided(f);
      if (missing.length) this.log.error(`[app] ${f.name} loaded without providing ${missing.join(', ')}`);
    };
    this.features = Promise.all([
      frames.then(provided(features.frames), (e: unknown) => reportError(this.log, 'Loading clickable frames', e)),
      investigation.then(provided(features.investigation), (e: unknown) =>
        reportError(this.log, 'Loading the investigation feature', e),
      ),
    ]).then(() => undefined);
    return features;
  }

  private async loadTokenState(): Promise<void> {
    // The scheduler decides about a start-up sync from the stored data's age, so it waits for the store.
    const [token] = await Promise.all([this.tokens.get(), this.store.ready]);
    this.hasToken = token !== undefined;
    if (token) this.log.setSecrets([token]);
    await this.updateContext();
    this.statusBar.update();
    if (this.configured && this.restricted.active)
      this.log.info('[app] Restricted Mode: no sync until the workspace is trusted');
    else if (this.configured) this.scheduler.start();
    else this.log.info('[app] not set up yet: no token or organization; syncing waits for "Set Auth Token"');
  }

  /**
   * One entry per command id (a missing id does not compile). Entries with a `feature` are stubs until
   * that feature loads and provides the handler; the command table says why when it could not load.
   */
  private commandEntries(features: {
    frames: LazyFeature;
    investigation: LazyFeature;
  }): Record<CommandId, CommandEntry> {
    const log = this.log;
    const deps = {
      config: this.config,
      tokens: this.tokens,
      sync: this.syncService,
      logger: log,
      onWriteAccess: (a: { canWrite: boolean | null; reason: string | null; userId: string | null }) =>
        this.triage.setWriteAccess(a),
    };
    const t = this.triage;
    return {
      [Commands.setAuthToken]: { title: 'Set Auth Token', run: setAuthToken(deps) },
      [Commands.clearAuthToken]: { title: 'Clear Auth Token', run: clearAuthToken(deps) },
      [Commands.syncNow]: { title: 'Sync', run: () => this.syncNow() },
      [Commands.cancelSync]: { title: 'Cancel Sync', run: () => this.scheduler.cancel() },
      [Commands.showLog]: { title: 'Show Log', run: () => log.show() },
      [Commands.openSettings]: {
        title: 'Open Settings',
        run: () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${this.context.extension.id}`),
      },
      [Commands.openInSentry]: { title: 'Open in Sentry', run: openInSentry(this.store) },
      [Commands.copyLink]: { title: 'Copy Link', run: copyLink(this.store) },
      [Commands.copyShortId]: { title: 'Copy Short ID', run: copyShortId(this.store) },
      [Commands.sortIssues]: { title: 'Sort Issues', run: sortIssues(this.issues) },
      [Commands.filterByLevel]: { title: 'Filter by Level', run: filterByLevel(this.issues) },
      [Commands.filterByProject]: { title: 'Filter by Project', run: filterByProject(this.issues) },
      [Commands.filterByText]: { title: 'Filter by Text', run: filterByText(this.issues) },
      [Commands.clearFilters]: { title: 'Clear Filters', run: clearFilters(this.issues) },
      [Commands.tryDemo]: { title: 'Try the Demo', run: () => this.demo.tryDemo() },
      [Commands.openFrame]: { title: 'Open Frame', feature: features.frames },
      [Commands.addPathMapping]: { title: 'Add Path Mapping', feature: features.frames },
      [Commands.diagnoseIssue]: { title: 'Diagnose', feature: features.investigation },
      [Commands.setOpenAiKey]: { title: 'Set OpenAI API Key', feature: features.investigation },
      [Commands.clearOpenAiKey]: { title: 'Clear OpenAI API Key', feature: features.investigation },
      [Commands.showEventDetails]: { title: 'Show Event Details', run: (arg) => this.eventDetails.show(arg) },
      [Commands.chooseAiModel]: { title: 'Choose AI Model', feature: features.investigation },
      [Commands.setUpAi]: { title: 'Set Up AI', feature: features.investigation },
      [Commands.resolveIssue]: { title: 'Resolve', run: t.resolve },
      [Commands.resolveInNextRelease]: { title: 'Resolve in Next Release', run: t.resolveInNextRelease },
      [Commands.resolveInCurrentRelease]: { title: 'Resolve in Current Release', run: t.resolveInCurrentRelease },
      [Commands.unresolveIssue]: { title: 'Unresolve', run: t.unresolve },
      [Commands.archiveIssue]: { title: 'Archive', run: t.archive },
      [Commands.assignIssue]: { title: 'Assign', run: t.assign },
      [Commands.toggleBookmark]: { title: 'Bookmark', run: t.toggleBookmark },
      [Commands.toggleSubscribe]: { title: 'Subscribe', run: t.toggleSubscribe },
      [Commands.addNote]: { title: 'Add Note', run: t.addNote },
      [Commands.postDiagnosisNote]: { title: 'Post Diagnosis Summary to Sentry', run: t.postDiagnosisNote },
      [Commands.filterByTriage]: { title: 'Show Issues', run: t.filterByTriage },
    };
  }

  /** "Sync Now": a cancellable progress notification over the scheduler's run (joining one in flight). */
  async syncNow(): Promise<SyncOutcome | undefined> {
    if (this.restricted.active) {
      this.restricted.explain();
      return undefined;
    }
    if (!this.configured) {
      const missing = this.hasToken ? 'organization' : 'auth token';
      const pick = await vscode.window.showWarningMessage(
        `Sentry RCA: set the ${missing} first.`,
        this.hasToken ? 'Open Settings' : 'Set Auth Token',
      );
      if (pick === 'Set Auth Token') void vscode.commands.executeCommand(Commands.setAuthToken);
      if (pick === 'Open Settings')
        void vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.organization`);
      return undefined;
    }
    this.scheduler.start();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Sentry RCA', cancellable: true },
      async (progress, ct) => {
        progress.report({ message: 'syncing…' });
        const sub = this.syncService.onProgress((p) => progress.report({ message: syncProgressText(p) }));
        const cancel = ct.onCancellationRequested(() => this.scheduler.cancel());
        try {
          return await this.scheduler.runNow('manual');
        } finally {
          sub.dispose();
          cancel.dispose();
        }
      },
    );
    if (outcome.ok) {
      const s = this.syncService.lastSummary;
      void vscode.window.setStatusBarMessage(s ? `Sentry: synced, ${syncSummaryText(s)}` : 'Sentry: synced', 5000);
    }
    return outcome;
  }

  private onSyncFinished(o: SyncOutcome): void {
    if (o.ok || o.cancelled) return;
    // Manual syncs always say why they failed; background ones only at the start of a failure streak,
    // so an offline laptop is not nagged on every timer tick (the status bar keeps showing the error).
    if (o.trigger === 'manual' || o.consecutiveFailures === 1)
      reportError(this.log, 'Sync failed', o.error, {
        message: syncFailure(o.error, this.config.settings.baseUrl),
        action: { label: 'Retry', command: Commands.syncNow },
      });
    else
      this.log.warn(`[app] background sync failed again (${o.consecutiveFailures} in a row): ${errorMessage(o.error)}`);
  }

  private async onTokenChanged(): Promise<void> {
    const token = await this.tokens.get();
    this.hasToken = token !== undefined;
    // A cleared token: nothing is known about the next one's write scope.
    if (!token) this.triage.setWriteAccess({ canWrite: null, reason: null, userId: null });
    if (token) this.log.setSecrets([token]);
    await this.updateContext();
    this.statusBar.update();
    if (this.configured && this.restricted.active) {
      this.scheduler.stop();
    } else if (this.configured) {
      this.scheduler.start();
      void this.scheduler.runNow('token');
    } else {
      this.scheduler.stop();
    }
  }

  private async updateContext(): Promise<void> {
    await Promise.all([
      vscode.commands.executeCommand('setContext', ContextKeys.hasToken, this.hasToken),
      vscode.commands.executeCommand('setContext', ContextKeys.configured, this.configured),
      vscode.commands.executeCommand(
        'setContext',
        ContextKeys.hasOrganization,
        this.config.settings.organization !== '',
      ),
    ]);
  }

  /**
   * The issue Diagnose means from the palette: the tree's selection while the tree is on screen (a row
   * selected long ago in a closed view is not what the user looks at), else the crash site at the cursor.
   */
  readonly currentIssue = (): Promise<StoredIssue | undefined> =>
    currentIssue({
      findIssue: (id) => this.store.findIssue(id),
      treeSelection: () => (this.issues.view.visible ? this.issues.view.selection : []),
      cursor: () => {
        const editor = vscode.window.activeTextEditor;
        return editor?.document.uri.scheme === 'file'
          ? { path: editor.document.uri.fsPath, line: editor.selection.active.line + 1 }
          : undefined;
      },
      crashSites: () => this.framesFeature?.crashSites,
    });

  /** What stands between the user and a first diagnosis, for Diagnose's message when nothing is synced. */
  readonly diagnoseReadiness = (): DiagnoseReadiness => ({
    restricted: this.restricted.active,
    hasToken: this.hasToken,
    hasOrganization: this.config.settings.organization !== '',
    syncing: this.scheduler.state.running,
    synced: !!this.store.meta().lastSuccessfulSync,
    issues: this.store.issues().length,
  });

  readonly onDiagnosed = (): void => this.walkthrough.diagnosed();
}
