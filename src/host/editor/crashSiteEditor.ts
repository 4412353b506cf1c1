/**
 * Shows synced errors where they happen in the code: a CodeLens on each crashing line
 * (`⚠ TypeError: x is undefined · 1.2k events · 3h ago`, click to diagnose), a hover with the issue
 * details and "Open in Sentry" / "Diagnose" links, and, when `sentryRCA.editor.problems` is on,
 * entries in the Problems panel. Everything follows the CrashSiteIndex's change event.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';
import type { CrashSite } from '../../core/frames/crashSites';
import { commandUri } from '../frames/frameNote';
import type { Config } from '../config';
import { Commands } from '../ids';
import { groupedLensTitle, hoverMarkdown, lensTitle, problemMessage } from './crashSiteFormat';
import { sitesByLine, type CrashSiteIndex } from './crashSiteIndex';
import { SkewLens } from './skewLens';

/** The settings the editor reads (`editorCodeLens`, `editorProblems`): the App's Config. */
export type EditorSettings = Pick<Config, 'settings' | 'onDidChange'>;

/** More issues than this on one line are folded into one lens. */
const MAX_LENSES_PER_LINE = 3;

export class CrashSiteEditor extends DisposableBase implements vscode.CodeLensProvider, vscode.HoverProvider {
  private readonly lensesChanged = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private diagnostics: vscode.DiagnosticCollection | undefined;
  private readonly skew: SkewLens;

  constructor(
    private readonly sites: CrashSiteIndex,
    private readonly logger: Logger,
    private readonly config: EditorSettings,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.skew = new SkewLens(logger, now);
    // A save or a commit may change what differs from the release.
    this.register(
      vscode.workspace.onDidSaveTextDocument(() => {
        this.skew.clear();
        this.lensesChanged.fire();
      }),
    );
    const selector: vscode.DocumentSelector = { scheme: 'file' };
    this.register(vscode.languages.registerCodeLensProvider(selector, this));
    this.register(vscode.languages.registerHoverProvider(selector, this));
    this.register(
      sites.onDidChange(() => {
        this.lensesChanged.fire();
        void this.updateProblems();
      }),
    );
    this.register(
      config.onDidChange((c) => {
        if (c.changed.includes('editorCodeLens')) this.lensesChanged.fire();
        if (c.changed.includes('editorProblems')) void this.updateProblems();
      }),
    );
    this.register({ dispose: () => this.diagnostics?.dispose() });
    void this.updateProblems();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.config.settings.editorCodeLens) return [];
    const sites = await this.sites.sitesIn(doc.uri.fsPath);
    if (token.isCancellationRequested || sites.length === 0) return [];
    const now = this.now();
    const lenses: vscode.CodeLens[] = [];
    for (const [line, onLine] of sitesByLine(sites)) {
      if (line > doc.lineCount) continue;
      const range = doc.lineAt(line - 1).range;
      const shown = onLine.length > MAX_LENSES_PER_LINE ? [] : onLine;
      for (const s of shown) lenses.push(new vscode.CodeLens(range, this.lensCommand(lensTitle(s, now), s)));
      if (shown.length === 0)
        lenses.push(new vscode.CodeLens(range, this.lensCommand(groupedLensTitle(onLine, now), onLine[0]!)));
      // Version skew, said plainly: the code here may not be the code that crashed.
      const skewed = await this.skew.text(onLine[0]!);
      if (token.isCancellationRequested) return [];
      if (skewed)
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(git-compare) ${skewed}`,
            command: Commands.diagnoseIssue,
            arguments: [onLine[0]!.issueId],
            tooltip: `Diagnose ${onLine[0]!.shortId}: its suspect commits and version skew`,
          }),
        );
    }
    return lenses;
  }

  private lensCommand(title: string, site: CrashSite): vscode.Command {
    return { title, command: Commands.diagnoseIssue, arguments: [site.issueId], tooltip: `Diagnose ${site.shortId}` };
  }

  async provideHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const sites = await this.sites.sitesIn(doc.uri.fsPath);
    if (token.isCancellationRequested || sites.length === 0) return undefined;
    const onLine = sitesByLine(sites).get(pos.line + 1);
    if (!onLine) return undefined;
    const md = new vscode.MarkdownString(
      hoverMarkdown(onLine, this.now(), {
        openInSentry: (s) => commandUri(Commands.openInSentry, [s.issueId]),
        diagnose: (s) => commandUri(Commands.diagnoseIssue, [s.issueId]),
      }),
      true,
    );
    // Only our two commands may run from links; the text itself comes from Sentry and is escaped.
    md.isTrusted = { enabledCommands: [Commands.openInSentry, Commands.diagnoseIssue] };
    md.supportHtml = false;
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }

  /** Problems-panel entries for every mapped crash site (only when the setting is on). */
  async updateProblems(): Promise<void> {
    if (!this.config.settings.editorProblems) {
      this.diagnostics?.clear();
      return;
    }
    this.diagnostics ??= vscode.languages.createDiagnosticCollection('sentry-rca');
    const all = await this.sites.all();
    if (this.isDisposed) return;
    const now = this.now();
    const entries: Array<[vscode.Uri, vscode.Diagnostic[]]> = [];
    for (const sites of all.values()) {
      const uri = vscode.Uri.file(sites[0]!.path);
      entries.push([
        uri,
        sites.map((s) => {
          // The whole line from the crash column: the exact token is unknown, and a zero-width range is hard to see.
          const d = new vscode.Diagnostic(
            new vscode.Range(s.line - 1, Math.max(0, s.column - 1), s.line - 1, Number.MAX_SAFE_INTEGER),
            problemMessage(s, now),
            severity(s.level),
          );
          d.source = 'Sentry';
          d.code = s.shortId;
          return d;
        }),
      ]);
    }
    this.diagnostics.clear();
    this.diagnostics.set(entries);
    this.logger.debug(`problems: ${entries.length} file(s) with crash sites`);
  }
}

function severity(level: string): vscode.DiagnosticSeverity {
  if (level === 'warning') return vscode.DiagnosticSeverity.Warning;
  if (level === 'info' || level === 'debug') return vscode.DiagnosticSeverity.Information;
  return vscode.DiagnosticSeverity.Error;
}
