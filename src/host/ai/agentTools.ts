/**
 * The tools VS Code's agent mode (Copilot and other chat participants) can call — package.json
 * `languageModelTools`, registered here with `vscode.lm.registerTool`: search the stored issues, one
 * issue with its latest event and frames mapped to workspace files, the deterministic diagnosis, and
 * server logs around an issue's event. The tool bodies are the vscode-free core the MCP server uses too
 * (core/agent); this file only adapts input, cancellation, Restricted Mode, consent and results.
 *
 * Registered at activation (the workbench looks a tool up right after activating for it); the heavy
 * modules (investigation, SSH) load on the first call that needs them.
 */
import * as vscode from 'vscode';
import { capJson, capText, errorText, MAX_RESULT_CHARS } from '../../core/agent/resultText';
import {
  findIssueOrThrow,
  issueFacts,
  LEVELS,
  mapEventFrames,
  pickEvent,
  searchIssues,
  STATUSES,
  type AgentStore,
  type ToolHints,
} from '../../core/agent/storedIssues';
import { ToolInput } from '../../core/agent/toolInput';
import { isAbortError, RcaError } from '../../core/common/errors';
import { DisposableBase, DisposableStore } from '../../core/common/lifecycle';
import { tagged, type Logger } from '../../core/common/logger';
import type { FrameMapping } from '../../core/frames/frameMapper';
import type { LogRequest } from '../../core/logs';
import type { StoredFrame } from '../../core/store/model';
import type { ConsentSetting, WorkspaceValueDecision } from '../../core/trust/workspaceValues';
import type { Settings } from '../config';
import type { FrameMapperSource } from '../frames/workspaceFrames';
import { AgentToolNames, CONFIG_SECTION } from '../ids';
import { SettingKeys } from '../settings';
import { RESTRICTED_MESSAGE } from '../trust/restrictedMode';

/** What the tools need from the App (the App satisfies it). */
export interface AgentToolsHost {
  log: Logger;
  config: { readonly settings: Readonly<Pick<Settings, 'logSources' | 'sshConfigFile'>> };
  /** Only read: a tool never asks about a workspace value (Diagnose does), it uses what is allowed. */
  trust: { decision<T>(setting: ConsentSetting, fallback: T): WorkspaceValueDecision<T> };
  restricted: { readonly active: boolean };
  store: AgentStore & { readonly ready: Promise<unknown> };
  /** The window's shared frame mapper, once the frames feature has loaded (undefined if it failed to). */
  frames(): Promise<FrameMapperSource | undefined>;
  tokens: { get(): Promise<string | undefined> };
}

const HINTS: ToolHints = {
  listTool: `${AgentToolNames.issues} (#sentryIssues)`,
  sync: 'run "Sentry RCA: Sync Now"',
};
const LOGS_SETTING = `${CONFIG_SECTION}.${SettingKeys.logSources}`;
const ISSUE_MAX = 200;

/** A tool's body: its result text, redacted and within `max` characters (capText / capJson). */
type Body = (input: unknown, signal: AbortSignal, max: number) => Promise<string>;

export class AgentToolsFeature extends DisposableBase {
  /** The registered tool objects, by name (extension tests call `prepareInvocation` on them). */
  readonly tools = new Map<string, vscode.LanguageModelTool<unknown>>();
  private readonly log: Logger;
  /** SSH connections of calls still running; closed when the extension deactivates. */
  private readonly fetchers = this.register(new DisposableStore());

  constructor(private readonly host: AgentToolsHost) {
    super();
    this.log = tagged(host.log, 'agent-tools');
    this.add(AgentToolNames.issues, (i, _s, max) => this.issues(i, max));
    this.add(AgentToolNames.issue, (i, _s, max) => this.issue(i, max));
    this.add(AgentToolNames.diagnose, (i, s, max) => this.diagnose(i, s, max));
    this.add(
      AgentToolNames.logs,
      (i, s, max) => this.logs(i, s, max),
      (i) => this.prepareLogs(i),
    );
  }

  private add(
    name: string,
    body: Body,
    prepare?: (input: unknown) => Promise<vscode.PreparedToolInvocation | undefined>,
  ): void {
    const tool: vscode.LanguageModelTool<unknown> = {
      invoke: async (options, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          await this.host.store.ready;
          // A model's budget (when the caller gives one) in characters, at about 3 per token.
          const budget = options.tokenizationOptions?.tokenBudget;
          const max = budget ? Math.max(2_000, Math.min(MAX_RESULT_CHARS, budget * 3)) : MAX_RESULT_CHARS;
          const text = await body(options.input, ac.signal, max);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
        } catch (e) {
          if (isAbortError(e) || token.isCancellationRequested) throw new vscode.CancellationError();
          if (!(e instanceof RcaError) || e.kind !== 'usage') this.log.error(e instanceof Error ? e : String(e));
          // The agent gets the message as the tool's result: redacted, quoted input, what to do next.
          throw new Error(errorText(e).replace(/^Error: /, ''));
        } finally {
          sub.dispose();
        }
      },
      ...(prepare ? { prepareInvocation: (options) => prepare(options.input) } : {}),
    };
    this.tools.set(name, tool);
    // Editors built on VS Code without the tools API (some forks) still get everything else.
    try {
      this.register(vscode.lm.registerTool(name, tool));
    } catch (e) {
      this.log.warn(`${name} not registered: this editor has no agent-mode tools API (${String(e)})`);
    }
  }

  /** sentry_rca_issues: one page of the stored issues matching text, level, project and status. */
  private async issues(input: unknown, max: number): Promise<string> {
    const a = new ToolInput(input, AgentToolNames.issues);
    const page = searchIssues(
      this.host.store,
      {
        query: a.string('query', 200),
        project: a.string('project', 100),
        minLevel: a.oneOf('minLevel', LEVELS),
        status: a.oneOf('status', STATUSES),
        limit: a.int('limit', 1, 100),
        offset: a.int('offset', 0, 1_000_000),
      },
      25,
    );
    const head =
      page.total === 0
        ? `No stored issue matches. ${this.host.store.issues().length} issues are stored; widen the search (status "all", no query) or ${HINTS.sync}.`
        : `Issues ${page.offset + 1}–${page.offset + page.shown} of ${page.total} matching, most recently seen first.${page.nextOffset !== null ? ` More: call again with offset ${page.nextOffset}.` : ''}`;
    return `${capText(head)}\n${capJson(page, max - head.length - 1)}`;
  }

  /** sentry_rca_issue: facts, the latest event, its frames mapped to workspace files. */
  private async issue(input: unknown, max: number): Promise<string> {
    const a = new ToolInput(input, AgentToolNames.issue);
    const issue = findIssueOrThrow(this.host.store, a.string('issue', ISSUE_MAX, true), HINTS);
    const eventId = a.string('eventId', 100);
    const facts = issueFacts(this.host.store, issue);
    const events = this.host.store.events(issue.id);
    if (events.length === 0 && !eventId)
      return capJson({ ...facts, event: null, frames: [], note: `No events stored: ${HINTS.sync}.` }, max);
    const event = pickEvent(this.host.store, issue, eventId, HINTS);
    const mapper = await (await this.host.frames())?.mapper();
    const folders = (vscode.workspace.workspaceFolders ?? []).length;
    const map = async (frame: StoredFrame, project: string): Promise<FrameMapping> =>
      mapper
        ? mapper.map(frame, project)
        : { ok: false, code: 'no-workspace', reason: 'No local workspace folder is open to map frames into.' };
    const { frames, omitted } = await mapEventFrames(event, issue.projectSlug, map, (p) =>
      vscode.workspace.asRelativePath(p, folders > 1),
    );
    return capJson(
      {
        ...facts,
        event: {
          id: event.id,
          timestamp: event.timestamp,
          release: event.release,
          environment: event.environment,
          message: event.message,
          exceptions: event.exceptions.map((x) => ({ type: x.type, value: x.value, handled: x.handled })),
          tags: event.tags,
          request: event.request,
          traceId: event.traceId,
          breadcrumbs: event.breadcrumbs.slice(-10),
        },
        frames,
        ...(omitted ? { framesOmitted: `${omitted} library frames left out` } : {}),
      },
      max,
    );
  }

  /** sentry_rca_diagnose: the deterministic report (no AI, no logs) over the workspace and its git history. */
  private async diagnose(input: unknown, signal: AbortSignal, max: number): Promise<string> {
    const a = new ToolInput(input, AgentToolNames.diagnose);
    const issue = findIssueOrThrow(this.host.store, a.string('issue', ISSUE_MAX, true), HINTS);
    const format = a.oneOf('format', ['markdown', 'json'] as const) ?? 'markdown';
    this.refuseInRestrictedMode('The diagnosis (it reads git history)');
    const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file');
    const mapper = await (await this.host.frames())?.mapper();
    if (!folder || !mapper)
      throw new RcaError('usage', 'No local workspace folder is open, so there is no code to diagnose against.');
    const [
      { diagnoseWithoutAi, diagnosisText, diagnosisJson },
      { frameResolverFromMapper, issueSourceFromStore, workspaceAccess },
    ] = await Promise.all([
      import('../../core/agent/deterministicDiagnosis'),
      import('../../core/investigate/adapters'),
    ]);
    const token = await this.host.tokens.get();
    const outcome = await diagnoseWithoutAi(
      {
        issues: issueSourceFromStore(this.host.store),
        frames: frameResolverFromMapper(mapper),
        ...workspaceAccess(folder.uri.fsPath),
      },
      issue.id,
      { secrets: token ? [token] : [], logger: this.log, signal },
    );
    return format === 'json' ? capJson(diagnosisJson(outcome), max) : capText(diagnosisText(outcome), max);
  }

  /** The log sources in effect: the user's own, or the workspace's once allowed (Diagnose asks). */
  private async logSources(): Promise<LogRequest[]> {
    const { parseLogSources } = await import('../../core/investigate/adapters');
    return parseLogSources(this.host.config.settings.logSources, LOGS_SETTING);
  }

  /**
   * Asks before any SSH connection, naming the hosts and sources. Side-effect free (no consent modal):
   * a call that will be refused (Restricted Mode, nothing configured, an unconfigured host) needs no
   * confirmation and says why when invoked.
   */
  private async prepareLogs(input: unknown): Promise<vscode.PreparedToolInvocation | undefined> {
    const { chooseLogSources, describeSources, eventLogWindow } = await import('../../core/agent/logsAroundEvent');
    let chosen: LogRequest[];
    let what: string;
    let window: { since: Date; until: Date };
    try {
      const a = new ToolInput(input, AgentToolNames.logs);
      if (this.host.restricted.active) return undefined;
      // Named by what is stored, never by the model's text: a call that will not find them is refused later.
      const issue = findIssueOrThrow(this.host.store, a.string('issue', ISSUE_MAX, true), HINTS);
      const eventId = a.string('eventId', 100);
      const event = pickEvent(this.host.store, issue, eventId, HINTS);
      chosen = chooseLogSources(await this.logSources(), a.string('host', 253), '', LOGS_SETTING);
      window = eventLogWindow(event, { before: a.string('before', 20), after: a.string('after', 20) });
      what = eventId
        ? vscode.l10n.t('event {0} of {1}', event.id, issue.shortId)
        : vscode.l10n.t('the latest event of {0}', issue.shortId);
    } catch {
      return undefined;
    }
    const hosts = [...new Set(chosen.map((r) => r.host))].join(', ');
    const pending = this.host.trust.decision<unknown>('logSources', undefined).state === 'pending';
    // Plain text: source paths and ids are shown as they are, never rendered as markdown or links.
    const message = new vscode.MarkdownString().appendText(
      vscode.l10n.t(
        'Sentry RCA will connect over SSH (your SSH config and agent) to {0} and read {1}, from {2} to {3} (around {4}).',
        hosts,
        describeSources(chosen),
        window.since.toISOString(),
        window.until.toISOString(),
        what,
      ) +
        (pending
          ? '\n\n' +
            vscode.l10n.t(
              "This workspace's own {0} is not used: it has not been allowed (Diagnose asks about it).",
              LOGS_SETTING,
            )
          : ''),
    );
    return {
      invocationMessage: vscode.l10n.t('Fetching server logs from {0}…', hosts),
      confirmationMessages: { title: vscode.l10n.t('Fetch server logs from {0}?', hosts), message },
    };
  }

  /** sentry_rca_logs: server logs around an event, from the configured sources only. */
  private async logs(input: unknown, signal: AbortSignal, max: number): Promise<string> {
    const a = new ToolInput(input, AgentToolNames.logs);
    const issue = findIssueOrThrow(this.host.store, a.string('issue', ISSUE_MAX, true), HINTS);
    const args = {
      host: a.string('host', 253),
      before: a.string('before', 20),
      after: a.string('after', 20),
      grep: a.strings('grep', 5, 200),
      maxLines: a.int('maxLines', 1, 2000),
    };
    const eventId = a.string('eventId', 100);
    this.refuseInRestrictedMode('Fetching server logs over SSH');
    const [{ chooseLogSources, eventLogWindow, logsAroundEvent }, { SshLogFetcher }] = await Promise.all([
      import('../../core/agent/logsAroundEvent'),
      import('../../core/logs'),
    ]);
    const chosen = chooseLogSources(
      await this.logSources(),
      args.host,
      `Add HOST=SPEC entries (e.g. web1=file:/var/log/app/*.log) to ${LOGS_SETTING} in your user settings; the hosts come from your SSH config.`,
      `Sentry RCA (${LOGS_SETTING})`,
    );
    const event = pickEvent(this.host.store, issue, eventId, HINTS);
    eventLogWindow(event, args); // a bad window is refused before any connection
    const sshConfig = this.host.config.settings.sshConfigFile;
    const fetcher = this.fetchers.add(
      new SshLogFetcher({
        logger: this.host.log,
        ...(sshConfig ? { sshConfigPath: sshConfig } : {}),
        askPassphrase: (keyPath) =>
          Promise.resolve(
            vscode.window.showInputBox({
              title: vscode.l10n.t('Passphrase for {0}', keyPath),
              password: true,
              ignoreFocusOut: true,
            }),
          ),
      }),
    );
    try {
      return capJson(await logsAroundEvent(fetcher, chosen, issue, event, args, signal), max);
    } finally {
      this.fetchers.delete(fetcher);
    }
  }

  private refuseInRestrictedMode(what: string): void {
    if (!this.host.restricted.active) return;
    this.log.info(`${what}: off in Restricted Mode`);
    throw new RcaError('usage', `${what} is off: ${RESTRICTED_MESSAGE}`, 'Trust the workspace to turn it on.');
  }
}
