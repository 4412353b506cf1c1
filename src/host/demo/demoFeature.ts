/**
 * "Sentry RCA: Try the Demo": the whole product with no Sentry account. It starts the demo Sentry
 * server (real @sentry/node events from the sample "orders" service, recorded at package time),
 * writes the service's sources into a scratch workspace with demo settings, and opens it. In that
 * workspace the next activation stores the demo token and restarts the server if it idled out, so
 * the tree, clickable frames and Diagnose work as they would against sentry.io.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RcaError } from '../../core/common/errors';
import { DisposableBase } from '../../core/common/lifecycle';
import { tagged, type Logger } from '../../core/common/logger';
import { DEMO_TOKEN, type DemoState } from '../../demo/constants';
import type { ConsentSetting } from '../../core/trust/workspaceValues';
import { withNewNames } from '../../core/settings/settingNames';
import { Commands, CONFIG_SECTION, ContextKeys, LEGACY_CONFIG_SECTION, Views } from '../ids';
import { reportError } from '../notify';
import { TRUST_ACTION } from '../trust/restrictedMode';
import { demoPaths, ensureDemoServer, type DemoPaths } from './demoServer';
import { excludeFromGit } from './gitExclude';
import {
  CLOSE_DEMO_ACTION,
  DEMO_TRUST_DETAIL,
  DEMO_TRUST_NOTICE,
  DEMO_UNTRUSTED_MESSAGE,
  OPEN_DEMO_ACTION,
} from './demoMessages';

/** Marks a folder as the demo workspace; `pendingToken` asks the window that opens it to store the token. */
const MARKER = join('.vscode', 'sentry-rca-demo.json');

/** globalState key: the demo folder was open and trusted once, so VS Code will not ask again. */
const TRUSTED_ONCE = 'demo.trustedOnce';

interface Marker {
  demo: 1;
  pendingToken?: boolean;
}

export interface DemoHost {
  context: Pick<vscode.ExtensionContext, 'extensionPath' | 'globalStorageUri' | 'globalState'>;
  tokens: { get(): Promise<string | undefined>; set(token: string): Promise<void> };
  log: Logger;
  /** Records the user's yes to the demo workspace's own settings (they point at the local demo server). */
  trust: { allow(setting: ConsentSetting, value: unknown): Promise<void> };
}

export class DemoFeature extends DisposableBase {
  private readonly log: Logger;
  readonly paths: DemoPaths;
  /** Resolves when a demo workspace opened in this window is ready (server up, token stored). */
  readonly resumed: Promise<void>;

  constructor(private readonly host: DemoHost) {
    super();
    this.log = tagged(host.log, 'demo');
    this.paths = demoPaths(host.context.extensionPath, host.context.globalStorageUri.fsPath);
    const inDemo = !!this.demoFolder();
    // The Sentry view's Restricted Mode welcome offers "Close the Demo" in the demo folder only.
    void vscode.commands.executeCommand('setContext', ContextKeys.demoFolder, inDemo);
    this.resumed = inDemo ? this.resume().catch((e: unknown) => reportError(host.log, 'Demo', e)) : Promise.resolve();
  }

  /** The demo workspace this extension wrote, at its exact path in the extension's storage: a folder
   *  elsewhere with a copy of the marker file (a cloned repository) is not the demo. */
  private demoFolder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.find(
      (f) => f.uri.scheme === 'file' && f.uri.fsPath === this.paths.workspace && existsSync(join(f.uri.fsPath, MARKER)),
    );
  }

  /** The demo's settings point at the local demo server and sshd; the user chose the demo, so they apply. */
  private async allowDemoSettings(state: DemoState): Promise<void> {
    await this.host.trust.allow('baseUrl', state.url);
    if (state.ssh) {
      await this.host.trust.allow('sshConfigFile', state.ssh.configFile);
      await this.host.trust.allow('logSources', state.ssh.logSources);
    }
  }

  /**
   * The command (`Commands.tryDemo`; the App's command table registers it): set everything up, then
   * open the demo workspace (or sync, when it is open already).
   */
  async tryDemo(): Promise<{ workspace: string; url: string; opened: boolean } | undefined> {
    const current = await this.host.tokens.get();
    if (current && current !== DEMO_TOKEN) {
      const go = await vscode.window.showWarningMessage(
        'Try the Demo replaces your stored Sentry auth token with the demo server\'s. Run "Set Auth Token" again afterwards to return to your organization.',
        { modal: true },
        'Start the Demo',
      );
      if (go !== 'Start the Demo') return undefined;
    }
    const state = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Sentry RCA: starting the demo…' },
      async () => {
        const s = await ensureDemoServer(this.paths, this.log);
        await this.prepareWorkspace(s);
        return s;
      },
    );
    const ws = this.paths.workspace;
    if (this.demoFolder()?.uri.fsPath === ws) {
      await this.allowDemoSettings(state);
      await this.host.tokens.set(DEMO_TOKEN);
      await vscode.commands.executeCommand(`workbench.view.extension.${Views.container}`);
      // A token that did not change starts no sync by itself (Sync Now joins one that did).
      void vscode.commands.executeCommand(Commands.syncNow);
      return { workspace: ws, url: state.url, opened: false };
    }
    if (this.trustPromptAhead()) {
      const go = await vscode.window.showInformationMessage(
        DEMO_TRUST_NOTICE,
        { modal: true, detail: DEMO_TRUST_DETAIL },
        OPEN_DEMO_ACTION,
      );
      if (go !== OPEN_DEMO_ACTION) return undefined;
    }
    writeMarker(ws, { demo: 1, pendingToken: true });
    this.log.info(`[demo] opening the demo workspace ${ws}`);
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(ws), { forceNewWindow: false });
    return { workspace: ws, url: state.url, opened: true };
  }

  /** Sources (with git history) on first use; settings that point at the running server every time. */
  private async prepareWorkspace(state: DemoState): Promise<void> {
    const ws = this.paths.workspace;
    if (!existsSync(join(ws, MARKER))) {
      await new Promise<void>((resolve, reject) => {
        execFile(
          process.execPath,
          [this.paths.script, 'workspace', '--recording', this.paths.recording, '--into', ws],
          { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 },
          (err, _out, stderr) =>
            err
              ? reject(new RcaError('internal', `Could not write the demo workspace: ${stderr.trim() || err.message}`))
              : resolve(),
        );
      });
      writeMarker(ws, { demo: 1 });
    }
    this.writeSettings(state);
    // The settings and the marker are the extension's, not the sample service's: no "2 changes" in Source Control.
    excludeFromGit(ws, '/.vscode/');
  }

  /** Whether opening the demo folder will show VS Code's trust prompt: trust is on, the prompt is not
   *  turned off, and the folder was never seen trusted (VS Code remembers a trusted folder). */
  private trustPromptAhead(): boolean {
    const trust = vscode.workspace.getConfiguration('security.workspace.trust');
    if (!trust.get<boolean>('enabled', true) || trust.get<string>('startupPrompt', 'once') === 'never') return false;
    return this.host.context.globalState.get<boolean>(TRUSTED_ONCE) !== true;
  }

  /** In the demo folder opened in Restricted Mode: say why nothing syncs, and offer the ways back. */
  private explainUntrusted(): void {
    this.log.info('[demo] the demo folder is not trusted: Restricted Mode');
    void vscode.window.showWarningMessage(DEMO_UNTRUSTED_MESSAGE, TRUST_ACTION, CLOSE_DEMO_ACTION).then((pick) => {
      if (pick === TRUST_ACTION) void vscode.commands.executeCommand('workbench.trust.manage');
      if (pick === CLOSE_DEMO_ACTION) void vscode.commands.executeCommand('workbench.action.closeFolder');
    });
  }

  private writeSettings(state: DemoState): void {
    const file = join(this.paths.workspace, '.vscode', 'settings.json');
    let settings: Record<string, unknown> = {};
    try {
      settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      /* first time, or edited into JSONC: rewrite */
    }
    // The demo's local sshd stands in for the production host; without it there are no log sources
    // at all (stale ones from an earlier run would only show a failing host).
    const want: Record<string, unknown> = {
      [`${CONFIG_SECTION}.baseUrl`]: state.url,
      [`${CONFIG_SECTION}.organization`]: state.org,
      [`${CONFIG_SECTION}.ssh.configFile`]: state.ssh?.configFile,
      [`${CONFIG_SECTION}.logs.sources`]: state.ssh?.logSources,
    };
    if (state.sshNote) this.log.warn(`[demo] ${state.sshNote}`);
    // The demo folder is the extension's own: a demo made before the settings' rename moves to the new names.
    const oldNames = Object.keys(settings).some((k) => k.startsWith(`${LEGACY_CONFIG_SECTION}.`));
    if (!oldNames && Object.entries(want).every(([k, v]) => JSON.stringify(settings[k]) === JSON.stringify(v))) return;
    const next = withNewNames(settings);
    for (const [k, v] of Object.entries(want)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    mkdirSync(join(this.paths.workspace, '.vscode'), { recursive: true });
    writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
  }

  /** In the demo workspace: the server must answer (it stops after an idle hour) and the token be stored. */
  private async resume(): Promise<void> {
    const folder = this.demoFolder();
    if (!folder) return;
    const trusted = vscode.workspace.isTrusted;
    if (trusted) void this.host.context.globalState.update(TRUSTED_ONCE, true);
    else
      this.register(
        vscode.workspace.onDidGrantWorkspaceTrust(() => void this.host.context.globalState.update(TRUSTED_ONCE, true)),
      );
    const state = await ensureDemoServer(this.paths, this.log);
    // The server may have come back on another port; the settings file change resyncs on its own.
    this.writeSettings(state);
    const marker = readMarker(folder.uri.fsPath);
    // Settled once the user started the demo from "Try the Demo" (which sets pendingToken, then the token).
    if (marker?.pendingToken || (await this.host.tokens.get()) === DEMO_TOKEN) await this.allowDemoSettings(state);
    if (marker?.pendingToken) {
      await this.host.tokens.set(DEMO_TOKEN);
      writeMarker(folder.uri.fsPath, { demo: 1 });
      this.log.info('[demo] demo token stored; the first sync starts now');
      // Said once, when the demo workspace first opens: the diagnosis will lack the server logs.
      if (state.sshNote) void vscode.window.showInformationMessage(`Sentry RCA demo: ${state.sshNote}`);
      await vscode.commands.executeCommand(`workbench.view.extension.${Views.container}`);
    }
    if (!trusted) {
      // Not a silent Explorer: the Sentry view, and the message that says why it stays empty.
      if (!marker?.pendingToken) await vscode.commands.executeCommand(`workbench.view.extension.${Views.container}`);
      this.explainUntrusted();
    }
  }
}

function readMarker(dir: string): Marker | null {
  try {
    return JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

function writeMarker(dir: string, m: Marker): void {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, MARKER), JSON.stringify(m, null, 2) + '\n');
}
