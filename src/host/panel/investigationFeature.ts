/**
 * Plugs "Diagnose issue" into the App: the panels (the `diagnoseIssue` command), the AI key in
 * SecretStorage ("Set/Clear OpenAI API Key"), and the per-run dependencies built from the settings —
 * frame mapping over the workspace, SSH log sources, the AI provider (an editor model or the OpenAI
 * endpoint, host/ai/aiProvider.ts) and "Choose AI Model". Also the issue quick pick the
 * palette form of the command uses.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../core/common/lifecycle';
import { tagged, type Logger } from '../../core/common/logger';
import { FrameMapper } from '../../core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../core/frames/workspaceFileIndex';
import { frameResolverFromMapper, latestEventFromSentry, workspaceAccess } from '../../core/investigate/adapters';
import { SentryClient } from '../../core/sentry/sentryClient';
import type { AiSetup } from '../../core/investigate/investigation';
import { chooseAiModel, resolveAi } from '../ai/aiProvider';
import type { IssueStore } from '../../core/store/issueStore';
import type { StoredEvent, StoredIssue } from '../../core/store/model';
import type { CommandTable } from '../commands/commandTable';
import { diagnoseBlocker, type DiagnoseReadiness } from '../commands/diagnoseTarget';
import { diagnoseIssue } from '../commands/issueCommands';
import type { Settings } from '../config';
import { Commands, CONFIG_SECTION, SECRET_AI_KEY } from '../ids';
import { SettingKeys } from '../settings';
import { localDateTime, relativeTime } from '../../shared/timeFormat';
import { InvestigationPanels, type PanelStore, type RunDeps } from './investigationPanel';
import { RunLogs } from './runLogs';
import { countOf } from '../../shared/countOf';

/** What the feature needs from the App (the App satisfies it; tests can pass plain objects). */
export interface InvestigationHost {
  context: Pick<vscode.ExtensionContext, 'extensionUri' | 'secrets'>;
  log: Logger;
  config: { readonly settings: Readonly<Settings>; readonly pathMappingErrors: readonly string[] };
  tokens: { get(): Promise<string | undefined> };
  /** Asks before a workspace value of the AI endpoint, the log sources or the Sentry URL is used. */
  trust: {
    request(
      settings: ReadonlyArray<'baseUrl' | 'aiBaseUrl' | 'sshConfigFile' | 'logSources'>,
      options?: { userAction?: boolean },
    ): Promise<void>;
  };
  /** Restricted Mode: no AI, SSH, git or network; saved diagnoses still open. */
  restricted: { readonly active: boolean; check(what: string): void };
  /** The window's shared frame mapper (the frames feature); without it a run indexes the workspace itself. */
  frames?: { mapper(): Promise<FrameMapper | undefined> } | undefined;
  store: {
    ready: Promise<IssueStore>;
    findIssue(idOrShortId: string): StoredIssue | undefined;
    issues(): StoredIssue[];
    events(issueId: string): StoredEvent[];
  };
  /** The App's command table: Diagnose and the AI key commands are stubs there until this feature provides them. */
  commands: Pick<CommandTable, 'provide'>;
  /** Fetches an issue's events before it is diagnosed when a sync has not reached it yet (never throws). */
  syncService?: { ensureEvents(issueId: string): Promise<void> };
  /** The issue "Diagnose Issue" means without an argument: the tree's selection, else the crash site at the cursor. */
  currentIssue?: () => Promise<StoredIssue | undefined>;
  /** What stands between the user and a first diagnosis (no token, nothing synced…), for the palette's message. */
  diagnoseReadiness?: () => DiagnoseReadiness;
  /** A diagnosis panel opened (the walkthrough's Diagnose step is done). */
  onDiagnosed?: () => void;
}

/** Index freshness: a run reuses the workspace file index when it is younger than this. */
const INDEX_MAX_AGE_MS = 60_000;

export class InvestigationFeature extends DisposableBase {
  readonly panels: InvestigationPanels;
  private readonly log: Logger;
  private index: { roots: string; builtAt: number; index: WorkspaceFileIndex; mapper: FrameMapper } | null = null;
  /** Each run's own SSH connections (a run never closes another's). */
  private readonly runLogs: RunLogs;

  constructor(private readonly host: InvestigationHost) {
    super();
    this.log = tagged(host.log, 'investigate');
    this.runLogs = this.register(
      new RunLogs({
        logger: host.log,
        askPassphrase: (keyPath) =>
          Promise.resolve(
            vscode.window.showInputBox({ title: `Passphrase for ${keyPath}`, password: true, ignoreFocusOut: true }),
          ),
      }),
    );
    const store: PanelStore = {
      findIssue: (id) => host.store.findIssue(id),
      issues: () => host.store.issues(),
      events: (id) => host.store.events(id),
      investigations: () => [],
      update: async (mutate) => {
        await (await host.store.ready).update(mutate);
      },
    };
    // Saved investigations are read from the loaded store when it is there.
    void host.store.ready.then(
      (s) => {
        store.investigations = (id) => s.investigations(id);
      },
      () => {},
    );
    this.panels = this.register(
      new InvestigationPanels({
        extensionUri: host.context.extensionUri,
        store,
        logger: host.log,
        runDeps: (issue) => this.runDeps(issue),
        aiConfig: () => this.aiConfig(),
        secrets: async () => [await host.tokens.get(), await this.aiKey()].filter((s): s is string => !!s),
        tokenBudget: () => host.config.settings.aiEvidenceTokens,
        setUpAi: () => this.setUpAi(),
      }),
    );
    this.register(
      host.commands.provide(
        Commands.diagnoseIssue,
        diagnoseIssue(
          host.store,
          this.diagnose,
          () => pickIssueToDiagnose(host.store.issues(), host.diagnoseReadiness?.()),
          (id) => host.syncService?.ensureEvents(id) ?? Promise.resolve(),
          () => host.currentIssue?.() ?? Promise.resolve(undefined),
          () => host.onDiagnosed?.(),
        ),
      ),
    );
    this.register(host.commands.provide(Commands.setOpenAiKey, () => this.setAiKey()));
    this.register(host.commands.provide(Commands.chooseAiModel, () => chooseAiModel(() => host.config.settings)));
    this.register(host.commands.provide(Commands.setUpAi, () => this.setUpAi()));
    this.register(
      host.commands.provide(Commands.clearOpenAiKey, async () => {
        await host.context.secrets.delete(SECRET_AI_KEY);
        void vscode.window.showInformationMessage(
          'Sentry RCA: OpenAI API key removed. Diagnoses now use the deterministic report only (or OPENAI_API_KEY).',
        );
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.dropIndex()));
    this.register({ dispose: () => this.dropIndex() });
  }

  /** Opens (or re-focuses) the issue's panel: what "Diagnose Issue" does once it has an issue. */
  readonly diagnose = (issue: StoredIssue): void => this.panels.show(issue);

  private async aiKey(): Promise<string | undefined> {
    return (await this.host.context.secrets.get(SECRET_AI_KEY))?.trim() || process.env.OPENAI_API_KEY || undefined;
  }

  /** The AI of a run per sentryRCA.ai.provider (host/ai/aiProvider.ts); none in Restricted Mode. */
  private async aiConfig(): Promise<AiSetup | null> {
    if (this.host.restricted.active) return null;
    return resolveAi({
      settings: () => this.host.config.settings,
      log: this.log,
      aiKey: () => this.aiKey(),
      allowWorkspaceEndpoint: () => this.host.trust.request(['aiBaseUrl'], { userAction: true }),
    });
  }

  /**
   * "Set up AI": an OpenAI-compatible key, or (when an extension provides a language model) a
   * model from VS Code such as Copilot. Resolves once the chosen command has finished.
   */
  private async setUpAi(): Promise<void> {
    // An editor model is offered only when some extension provides one (Copilot or another).
    const editorModels = await vscode.lm.selectChatModels().then(
      (m) => m.length,
      () => 0,
    );
    const items: Array<vscode.QuickPickItem & { command: string }> = [
      {
        label: '$(key) Set an OpenAI-compatible API key',
        detail: 'OpenAI or any compatible endpoint (sentryRCA.ai.baseUrl); the key is kept in the OS keychain.',
        command: Commands.setOpenAiKey,
      },
    ];
    if (editorModels > 0)
      items.push({
        label: '$(copilot) Use a model from VS Code (Copilot or another extension)',
        detail: 'A language model another extension provides; VS Code asks you to allow it once.',
        command: Commands.chooseAiModel,
      });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Sentry RCA: Set Up AI',
      placeHolder: 'How should the diagnosis reach a model?',
      ignoreFocusOut: true,
    });
    if (picked) await vscode.commands.executeCommand(picked.command);
  }

  private async setAiKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: 'Sentry RCA: OpenAI API Key',
      prompt:
        'Key for the OpenAI-compatible API in sentryRCA.ai.baseUrl (stored in the OS keychain via SecretStorage).',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 8 ? 'That is too short to be an API key.' : undefined),
    });
    if (!key) return;
    await this.host.context.secrets.store(SECRET_AI_KEY, key.trim());
    void vscode.window.showInformationMessage('Sentry RCA: OpenAI API key saved.');
  }

  private async runDeps(_issue: StoredIssue): Promise<RunDeps | undefined> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const first = folders[0];
    if (!first) return undefined;
    this.host.restricted.check('A new diagnosis');
    await this.host.trust.request(['logSources', 'baseUrl'], { userAction: true });
    if (this.host.config.settings.logSources.length)
      await this.host.trust.request(['sshConfigFile'], { userAction: true });
    const s = this.host.config.settings;
    const shared = await this.host.frames?.mapper();
    const roots = folders.map((f) => f.uri.fsPath).join('\n');
    if (shared) this.dropIndex();
    else if (!this.index || this.index.roots !== roots || Date.now() - this.index.builtAt > INDEX_MAX_AGE_MS) {
      this.dropIndex();
      const index = await WorkspaceFileIndex.build(
        folders.map((f) => ({ name: f.name, path: f.uri.fsPath })),
        { logger: this.log },
      );
      for (const e of this.host.config.pathMappingErrors) this.log.warn(e);
      this.index = {
        roots,
        builtAt: Date.now(),
        index,
        mapper: new FrameMapper(index, { mappings: s.pathMappings, logger: this.log }),
      };
    }
    const mapper = shared ?? this.index?.mapper;
    if (!mapper) return undefined;
    // Newer events than the last sync come straight from Sentry when a token is set.
    const token = await this.host.tokens.get();
    const latestEvent =
      token && s.organization
        ? latestEventFromSentry(
            new SentryClient({
              baseUrl: s.baseUrl,
              token,
              org: s.organization,
              logger: this.log,
              timeoutMs: 15_000,
              maxRetries: 1,
              allowHttp: s.allowHttp,
            }),
          )
        : undefined;
    // Opened last: nothing after it can fail and leave its connections open.
    const logs = this.runLogs.forRun(s.logSources, s.sshConfigFile, `${CONFIG_SECTION}.${SettingKeys.logSources}`);
    return {
      deps: {
        frames: frameResolverFromMapper(mapper),
        ...(logs ? { logs: logs.provider } : {}),
        ...(latestEvent ? { latestEvent } : {}),
        ...workspaceAccess(first.uri.fsPath),
      },
      release: () => logs?.dispose(),
    };
  }

  private dropIndex(): void {
    this.index?.mapper.dispose();
    this.index?.index.dispose();
    this.index = null;
  }
}

/**
 * The palette form of "Diagnose Issue" when neither the tree nor the cursor names an issue: stored
 * issues, most recent first, searchable by title, short id and culprit. With none stored it says what
 * is missing first (the token, the organization, a sync) with the button that fixes it.
 */
export async function pickIssueToDiagnose(
  issues: StoredIssue[],
  readiness?: DiagnoseReadiness,
): Promise<StoredIssue | undefined> {
  if (issues.length === 0) {
    const blocker = diagnoseBlocker(
      readiness ?? {
        restricted: false,
        hasToken: true,
        hasOrganization: true,
        syncing: false,
        synced: false,
        issues: 0,
      },
    );
    if (blocker) {
      const buttons = blocker.actions.map((a) => a.label);
      void vscode.window.showInformationMessage(`Sentry RCA: ${blocker.message}`, ...buttons).then((pick) => {
        const chosen = blocker.actions.find((a) => a.label === pick);
        if (chosen) void vscode.commands.executeCommand(chosen.command);
      });
    }
    return undefined;
  }
  const now = Date.now();
  const items = [...issues]
    .sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    .map((issue) => ({
      label: `${issue.shortId}  ${issue.title}`,
      description: issue.culprit,
      detail: `${issue.level} · ${countOf(issue.count, 'event')} · last seen ${relativeTime(issue.lastSeen, now)} (${localDateTime(issue.lastSeen)})`,
      issue,
    }));
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Diagnose Issue',
    placeHolder: 'Search by title, short id or culprit',
    matchOnDescription: true,
    matchOnDetail: false,
  });
  return pick?.issue;
}
