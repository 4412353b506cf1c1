/**
 * The "Diagnose issue" webview panels: one per issue (showing it again re-focuses it), a strict CSP
 * with a nonce, resources only from dist/ and media/, and the host side of src/shared/protocol.ts.
 * A run streams into the panel; its messages are kept so a reloaded webview (after `ready`) gets the
 * whole state back. A saved investigation reopens without re-running. `file:line` links from the
 * webview are checked against the workspace before an editor opens.
 */
import * as vscode from 'vscode';
import { errorMessage, isAbortError } from '../../core/common/errors';
import { DisposableBase, DisposableStore } from '../../core/common/lifecycle';
import { tagged, type Logger } from '../../core/common/logger';
import {
  aiLabel,
  runInvestigation,
  savedInvestigations,
  type AiSetup,
  type InvestigationRecord,
  type InvestigationSink,
} from '../../core/investigate/investigation';
import type { InvestigationDeps, IssueSource } from '../../core/investigate/ports';
import { resolveLinkTarget } from '../../core/investigate/linkTarget';
import type { StoredEvent, StoredIssue } from '../../core/store/model';
import {
  isWebviewToHost,
  type HistoryView,
  type HostToWebview,
  type IssueHeader,
  type TrendView,
  type WebviewToHost,
} from '../../shared/protocol';
import { Commands, InternalIds } from '../ids';
import type { Evidence } from '../../core/investigate/evidence';
import { openCommitDiff, useCommitDocuments } from './commitDiff';
import { openWebviewPanel, webviewPage } from '../webviewPage';
import { diagnosisView, eventRows } from './diagnosisView';
import { localDateTime, relativeTime } from '../../shared/timeFormat';
import { publishedSuspect } from '../../core/history/suspects';

export const INVESTIGATION_VIEW_TYPE = InternalIds.investigationPanel;

/** The store reads and the one write (saving a finished investigation) the panels need; IssueStore has them. */
export interface PanelStore {
  findIssue(idOrShortId: string): StoredIssue | undefined;
  issues(): StoredIssue[];
  events(issueId: string): StoredEvent[];
  investigations(issueId: string): unknown[];
  update(mutate: (draft: { investigations: Record<string, unknown[]> }) => void): Promise<void>;
}

/** What one run reads from outside, and `release` for what was opened for it (its SSH connections). */
export interface RunDeps {
  deps: Omit<InvestigationDeps, 'issues'>;
  /** Called once when the run ends, however it ends. */
  release(): void;
}

export interface InvestigationPanelOptions {
  extensionUri: vscode.Uri;
  store: PanelStore;
  logger: Logger;
  /** Frame resolver, log provider and workspace root for one run; undefined when no folder is open. */
  runDeps(issue: StoredIssue): Promise<RunDeps | undefined>;
  /** The AI of a run (sentryRCA.ai.provider): a chat model, the OpenAI endpoint, why neither can run, or null. */
  aiConfig(): Promise<AiSetup | null>;
  /** Secret values that must never reach the panel or the model (the Sentry token…). */
  secrets(): Promise<string[]>;
  /** Evidence token budget (setting; default 12k). */
  tokenBudget?(): number;
  /** "Set up AI" from the panel: runs the command and says whether an AI is configured afterwards. */
  setUpAi?(): Promise<void>;
}

export class InvestigationPanels extends DisposableBase {
  private readonly panels = new Map<string, InvestigationPanel>();
  /** The open panels, disposed with this object; a closed panel leaves it (with its message history). */
  private readonly store = this.register(new DisposableStore());
  private readonly log: Logger;

  constructor(private readonly options: InvestigationPanelOptions) {
    super();
    this.log = tagged(options.logger, 'investigate');
    // Suspect-commit diffs read through it when the git extension is off.
    this.register(useCommitDocuments());
  }

  /** What "Diagnose Issue" does: opens (or re-focuses) the issue's panel. */
  show = (issue: StoredIssue): void => {
    const open = this.panels.get(issue.id);
    if (open) {
      open.reveal();
      return;
    }
    const panel: InvestigationPanel = new InvestigationPanel(issue, this.options, this.log, () => {
      if (this.panels.get(issue.id) === panel) this.panels.delete(issue.id);
      this.store.deleteAndLeak(panel);
    });
    this.panels.set(issue.id, panel);
    this.store.add(panel);
  };

  /** Open panels by issue id (tests read them through the extension's test API). */
  get open(): ReadonlyMap<string, InvestigationPanel> {
    return this.panels;
  }

  /** Panels still held for disposal: the open ones, never the closed ones. */
  get retained(): number {
    return this.store.size;
  }
}

export class InvestigationPanel extends DisposableBase {
  private readonly panel: vscode.WebviewPanel;
  private runId = 0;
  private controller: AbortController | null = null;
  /** Every message of the current run, replayed when the webview (re)loads. */
  private history: HostToWebview[] = [];
  private ready = false;
  private restoredFrom: string | null = null;
  private aiModel: string | null = null;

  constructor(
    private issue: StoredIssue,
    private readonly options: InvestigationPanelOptions,
    private readonly log: Logger,
    private readonly onDisposed: () => void,
  ) {
    super();
    this.panel = openWebviewPanel(INVESTIGATION_VIEW_TYPE, `Diagnose ${issue.shortId}`, options.extensionUri);
    this.panel.webview.html = this.html();
    this.register(
      this.panel.webview.onDidReceiveMessage((m: unknown) => {
        void this.onMessage(m);
      }),
    );
    this.register(
      this.panel.onDidDispose(() => {
        this.controller?.abort();
        this.onDisposed();
        this.dispose();
      }),
    );

    const saved = savedInvestigations(options.store.investigations(issue.id))[0];
    if (saved) this.restore(saved);
    else void this.start();
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** The messages sent in the current run (for tests and diagnostics). */
  get messages(): readonly HostToWebview[] {
    return this.history;
  }

  override dispose(): void {
    this.controller?.abort();
    super.dispose();
    try {
      this.panel.dispose();
    } catch {
      /* already disposed */
    }
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.options.extensionUri, {
      script: 'webview.js',
      css: 'panel.css',
      title: 'Diagnose',
    });
  }

  private header(): IssueHeader {
    const i = this.issue;
    const latest = this.options.store.events(i.id)[0];
    return {
      id: i.id,
      shortId: i.shortId,
      title: i.title,
      level: i.level,
      status: i.status,
      projectSlug: i.projectSlug,
      count: i.count,
      userCount: i.userCount,
      firstSeen: i.firstSeen,
      lastSeen: i.lastSeen,
      release: i.firstRelease,
      environment: latest?.environment ?? null,
      permalink: i.permalink,
    };
  }

  private send(m: HostToWebview): void {
    this.history.push(m);
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private reply(m: HostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewToHost(raw)) {
      this.log.warn(`ignored a malformed message from the panel: ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    const m: WebviewToHost = raw;
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          this.reply({
            type: 'init',
            issue: this.header(),
            aiEnabled: this.aiModel !== null || this.history.some((x) => x.type === 'aiDone' || x.type === 'aiError'),
            model: this.aiModel,
            restoredFrom: this.restoredFrom,
            events: eventRows(this.options.store.events(this.issue.id)),
          });
          for (const h of this.history) this.reply(h);
          return;
        case 'stop':
          this.controller?.abort();
          return;
        case 'rerun':
          await this.start();
          return;
        case 'openRef':
          this.reply({
            type: 'openRefResult',
            requestId: m.requestId,
            ...(await this.openRef(m.path, m.line, m.column)),
          });
          return;
        case 'openCommit':
          this.reply({
            type: 'openCommitResult',
            requestId: m.requestId,
            ...(await this.openCommit(m.commit, m.path)),
          });
          return;
        case 'openEvent':
          await this.openExternal(
            `${this.issue.permalink.replace(/\/?$/, '/')}events/${encodeURIComponent(m.eventId)}/`,
          );
          return;
        case 'openInSentry':
          await this.openExternal(this.issue.permalink);
          return;
        case 'showEventDetails':
          await vscode.commands.executeCommand(Commands.showEventDetails, { issueId: this.issue.id });
          return;
        case 'postNote':
          // The command confirms (showing the exact text) and reports its own errors.
          await vscode.commands.executeCommand(Commands.postDiagnosisNote, { issueId: this.issue.id });
          return;
        case 'copyMarkdown':
          await vscode.env.clipboard.writeText(m.markdown);
          this.reply({ type: 'copyResult', requestId: m.requestId, ok: true });
          return;
        case 'setUpAi':
          this.reply({ type: 'setUpAiResult', requestId: m.requestId, ...(await this.setUpAi()) });
          return;
      }
    } catch (e) {
      this.log.error(e instanceof Error ? e : new Error(String(e)));
      // A request gets its answer even when it failed, so the panel can say so instead of waiting.
      if (m.type === 'openRef')
        this.reply({
          type: 'openRefResult',
          requestId: m.requestId,
          ok: false,
          message: `Cannot open ${m.path}:${m.line}: ${errorMessage(e)}`,
        });
      else if (m.type === 'copyMarkdown')
        this.reply({ type: 'copyResult', requestId: m.requestId, ok: false, message: errorMessage(e) });
      else if (m.type === 'setUpAi')
        this.reply({ type: 'setUpAiResult', requestId: m.requestId, ok: false, message: errorMessage(e) });
    }
  }

  /** Runs "Set up AI"; afterwards an AI is configured (say so: Re-run uses it) or not (nothing changed). */
  private async setUpAi(): Promise<{ ok: boolean; message?: string }> {
    if (!this.options.setUpAi) return { ok: false, message: 'Setting up an AI is not available here.' };
    await this.options.setUpAi();
    const ai = await this.options.aiConfig();
    if (!ai) return { ok: false, message: 'Closed without setting up an AI.' };
    if ('unavailable' in ai) return { ok: false, message: `${ai.label}: ${ai.unavailable.message}` };
    return { ok: true, message: `AI set up (${aiLabel(ai)}): Re-run to investigate with it.` };
  }

  /** Shows a suspect commit's diff, from the workspace folder whose repository has it. */
  private async openCommit(commit: string, path?: string): Promise<{ ok: boolean; message?: string }> {
    let last: { ok: boolean; message?: string } = { ok: false, message: 'Open the project folder first.' };
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      last = await openCommitDiff(f.uri.fsPath, commit, path);
      if (last.ok) return last;
    }
    return last;
  }

  /** Opens a `path:line` only if it resolves to a file inside a workspace folder that may be read. */
  private async openRef(path: string, line: number, column?: number): Promise<{ ok: boolean; message?: string }> {
    const roots = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    const target = await resolveLinkTarget(path, roots, async (suffix) =>
      (await vscode.workspace.findFiles(`**/${suffix}`, '**/node_modules/**', 2)).map((u) => u.fsPath),
    );
    if ('error' in target) return { ok: false, message: `${path}:${line} cannot be opened: ${target.error}.` };
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target.abs));
    const pos = new vscode.Position(Math.max(0, Math.min(line - 1, doc.lineCount - 1)), Math.max(0, (column ?? 1) - 1));
    await vscode.window.showTextDocument(doc, {
      selection: new vscode.Range(pos, pos),
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: false,
    });
    return { ok: true };
  }

  private async openExternal(url: string): Promise<void> {
    // Only web links of the issue's own Sentry; a permalink from a hostile server can't open anything else.
    if (!/^https?:\/\//i.test(url)) {
      this.log.warn(`not opening a non-http link: ${url.slice(0, 100)}`);
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  private restore(saved: InvestigationRecord): void {
    this.restoredFrom = saved.finishedAt;
    this.aiModel = saved.ai?.model ?? null;
    const runId = ++this.runId;
    this.history = [{ type: 'runStarted', runId }];
    this.send({
      type: 'phase',
      runId,
      phase: 'done',
      message: `Saved investigation from ${relativeTime(saved.finishedAt, Date.now())} (${localDateTime(saved.finishedAt)}); Re-run to refresh.`,
    });
    this.send({
      type: 'evidence',
      runId,
      sections: [
        {
          name: 'evidence as sent',
          text: saved.evidence.rendered,
          chars: saved.evidence.rendered.length,
          tokens: saved.evidence.usedTokens,
        },
      ],
      usedTokens: saved.evidence.usedTokens,
      limitTokens: saved.evidence.limitTokens,
      cuts: saved.evidence.cuts,
    });
    if (saved.trend)
      this.send({
        type: 'trend',
        runId,
        trend: { ...saved.trend, verdict: isVerdict(saved.trend.verdict) ? saved.trend.verdict : 'unknown' },
      });
    this.send({ type: 'report', runId, markdown: saved.reportMarkdown });
    this.send({
      type: 'diagnosis',
      runId,
      diagnosis: diagnosisView(
        { hypotheses: Array.isArray(saved.hypotheses) ? saved.hypotheses : [], ...saved.diagnosis },
        this.options.store.events(this.issue.id),
      ),
    });
    if (saved.history) this.send({ type: 'history', runId, history: historyView(saved.history) });
    if (saved.ai) {
      for (const c of saved.ai.toolCalls) this.send({ type: 'toolCall', runId, call: c });
      if (saved.ai.error)
        this.send({ type: 'aiError', runId, kind: saved.ai.error.kind, message: saved.ai.error.message });
      else
        this.send({
          type: 'aiDone',
          runId,
          markdown: saved.ai.markdown,
          stopReason: saved.ai.stopReason,
          totalTokens: saved.ai.usage?.totalTokens ?? null,
        });
    }
  }

  private async start(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const runId = ++this.runId;
    this.restoredFrom = null;
    this.history = [];
    this.issue = this.options.store.findIssue(this.issue.id) ?? this.issue;
    const ai = await this.options.aiConfig();
    this.aiModel = ai ? aiLabel(ai) : null;
    this.send({ type: 'runStarted', runId });
    if (this.ready)
      this.reply({
        type: 'init',
        issue: this.header(),
        aiEnabled: ai !== null,
        model: this.aiModel,
        restoredFrom: null,
        events: eventRows(this.options.store.events(this.issue.id)),
      });
    const issues: IssueSource = {
      getIssue: (id) => this.options.store.findIssue(id),
      getEvents: (id) => this.options.store.events(id),
      listIssues: () => this.options.store.issues(),
    };
    const live = () => this.runId === runId;
    let evidence: Evidence | undefined;
    const sink: InvestigationSink = {
      phase: (phase, message) => {
        if (live()) this.send({ type: 'phase', runId, phase, ...(message ? { message } : {}) });
      },
      evidence: (e) => {
        if (!live()) return;
        evidence = e;
        this.send({
          type: 'trend',
          runId,
          trend: {
            verdict: e.trend.verdict,
            why: e.trend.why,
            hourly24h: e.trend.hourly24h,
            daily14d: e.trend.daily14d,
            firstSeenVsRelease: e.trend.firstSeenVsRelease,
          },
        });
        this.send({
          type: 'evidence',
          runId,
          sections: e.budget.sections,
          usedTokens: e.budget.usedTokens,
          limitTokens: e.budget.limitTokens,
          cuts: e.budget.cuts,
        });
        this.send({ type: 'history', runId, history: historyView(e.history) });
        this.send({
          type: 'logs',
          runId,
          hosts: e.logs.map((h) => ({
            host: h.host,
            source: h.source,
            status: h.status,
            ...(h.message ? { message: h.message } : {}),
            totalLines: h.totalLines,
            counts: h.counts,
            lines: h.lines.map((l) => ({ text: l.text, time: l.time, phase: l.phase, marks: l.marks })),
          })),
        });
      },
      report: (r) => {
        if (!live()) return;
        this.send({ type: 'report', runId, markdown: r.markdown });
        this.send({
          type: 'diagnosis',
          runId,
          diagnosis: diagnosisView(
            {
              hypotheses: r.hypotheses,
              culprit: r.culprit,
              frames: evidence?.code.frames ?? [],
              changes: r.changes,
              related: evidence?.related ?? [],
              notes: r.notes,
            },
            this.options.store.events(this.issue.id),
          ),
        });
      },
      onRequest: (messages, step) => {
        if (live())
          this.send({
            type: 'sent',
            runId,
            step,
            messages: messages.map((x) => {
              const content =
                x.role === 'assistant' && x.toolCalls?.length && !x.content ? JSON.stringify(x.toolCalls) : x.content;
              return { role: x.role, chars: content.length, content };
            }),
          });
      },
      onText: (text, step) => {
        if (live()) this.send({ type: 'aiDelta', runId, step, text });
      },
      onToolCall: (call) => {
        if (live()) this.send({ type: 'toolCall', runId, call });
      },
      aiError: (e) => {
        if (live()) this.send({ type: 'aiError', runId, kind: e.kind, message: e.message });
      },
    };
    let run: RunDeps | undefined;
    try {
      run = await this.options.runDeps(this.issue);
      if (!run) {
        this.send({
          type: 'phase',
          runId,
          phase: 'error',
          message:
            'Open the project folder first: the investigation maps frames and reads git history in the workspace.',
        });
        return;
      }
      const outcome = await runInvestigation(
        { ...run.deps, issues },
        this.issue.id,
        {
          collect: { ...(this.options.tokenBudget ? { tokenBudget: this.options.tokenBudget() } : {}) },
          ai,
          secrets: await this.options.secrets(),
          logger: this.log,
        },
        sink,
        controller.signal,
      );
      if (outcome.ai && live())
        this.send({
          type: 'aiDone',
          runId,
          markdown: outcome.ai.markdown,
          stopReason: outcome.ai.stopReason,
          totalTokens: outcome.ai.usage.totalTokens,
        });
      await this.options.store
        .update((d) => {
          d.investigations[this.issue.id] = [outcome.record, ...(d.investigations[this.issue.id] ?? [])].slice(0, 5);
        })
        .catch((e: unknown) => this.log.warn(`could not save the investigation: ${errorMessage(e)}`));
    } catch (e) {
      if (isAbortError(e) || controller.signal.aborted) return; // the sink already said "cancelled"
      this.log.error(e instanceof Error ? e : new Error(String(e)));
      if (live()) this.send({ type: 'phase', runId, phase: 'error', message: errorMessage(e) });
    } finally {
      run?.release();
      if (this.controller === controller) this.controller = null;
    }
  }
}

function historyView(h: Evidence['history']): HistoryView {
  return {
    release: {
      version: h.release.version,
      commit: h.release.commit,
      previousVersion: h.release.previousVersion,
      resolvedBy: h.release.resolvedBy,
    },
    range: h.suspects.range,
    rangeCommits: h.suspects.rangeCommits,
    suspects: h.suspects.list.slice(0, 8).map(publishedSuspect),
    skew: h.skew
      ? {
          summary: h.skew.summary,
          changedSinceRelease: h.skew.changedSinceRelease,
          relation: h.skew.relation,
          commits: h.skew.commits.map((c) => ({
            commit: c.commit,
            summary: c.summary,
            changedCrashLine: c.changedCrashLine,
          })),
        }
      : null,
    skewNote: h.skewNote,
  };
}

function isVerdict(v: string): v is TrendView['verdict'] {
  return v === 'rising' || v === 'steady' || v === 'falling' || v === 'unknown';
}
