/**
 * The host side of "a workspace value of a dangerous setting is used only after the user allowed it":
 * reads the setting's layers with `inspect()`, remembers the user's answers in workspaceState (keyed by
 * a digest of workspace + setting + value, see core/trust/workspaceValues.ts) and asks with a modal
 * that names exactly what would happen. The decision logic itself is the vscode-free core module.
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/common/emitter';
import { DisposableBase } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';
import type { ConsentQuestion } from '../../core/trust/consentQuestion';
import { decide, fingerprint, userValue, type ConsentSetting, type SettingLayers, type WorkspaceValueDecision } from '../../core/trust/workspaceValues';
import { CONFIG_SECTION, StateKeys } from '../ids';

/** Shows the question; resolves true when the user allowed it. Tests replace it through the test API. */
export type ConfirmWorkspaceValue = (question: ConsentQuestion) => Promise<boolean>;

export const modalConfirm: ConfirmWorkspaceValue = async (q) =>
  (await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.allow)) === q.allow;

/** Setting keys relative to `sentryRca.` for the consent settings. */
const KEYS: Record<ConsentSetting, string> = { baseUrl: 'baseUrl', aiBaseUrl: 'ai.baseUrl', sshConfigFile: 'ssh.configFile', logSources: 'logs.sources' };

export class WorkspaceValueTrust extends DisposableBase {
  /** The modal; replaceable so extension tests can answer it (they assert the question's text too). */
  confirm: ConfirmWorkspaceValue = modalConfirm;
  private readonly changed = this.register(new Emitter<ConsentSetting>());
  /** A workspace value was allowed: the effective settings changed. */
  readonly onDidAllow: Event<ConsentSetting> = this.changed.event;
  /** Values the user declined in this session: not asked again until the window reloads or the value changes. */
  private readonly declined = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(private readonly state: vscode.Memento, private readonly log: Logger) {
    super();
  }

  /** Identifies the open workspace: its .code-workspace file, else its folders. */
  get workspaceId(): string {
    const ws = vscode.workspace.workspaceFile?.toString();
    return ws ?? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join('\n');
  }

  layers<T>(setting: ConsentSetting): SettingLayers<T> {
    const i = vscode.workspace.getConfiguration(CONFIG_SECTION).inspect<T>(KEYS[setting]);
    return i ? { defaultValue: i.defaultValue, globalValue: i.globalValue, workspaceValue: i.workspaceValue, workspaceFolderValue: i.workspaceFolderValue } : {};
  }

  decision<T>(setting: ConsentSetting, fallback: T): WorkspaceValueDecision<T> {
    const allowed = new Set(this.state.get<string[]>(StateKeys.allowedWorkspaceValues, []));
    return decide(setting, this.layers<T>(setting), fallback, this.workspaceId, (fp) => allowed.has(fp));
  }

  /**
   * Asks about every setting in `settings` whose workspace value is not allowed yet. A value declined in
   * this session is asked about again only for something the user started (`userAction`), never by a
   * timer. Afterwards `Config.settings` holds the allowed workspace values, or else the user's own; so
   * callers read the settings after awaiting this.
   */
  async request(settings: readonly ConsentSetting[], options: { userAction?: boolean } = {}): Promise<void> {
    for (const s of settings) await this.requestOne(s, options.userAction === true);
  }

  private async requestOne(setting: ConsentSetting, userAction: boolean): Promise<boolean> {
    const d = this.decision<unknown>(setting, undefined);
    if (d.state !== 'pending' || !d.fingerprint) return d.state !== 'pending';
    const fp = d.fingerprint;
    if (this.declined.has(fp) && !userAction) return false;
    let pending = this.asking.get(fp);
    if (!pending) {
      pending = this.ask(setting, d.workspaceValue, userValue(this.layers(setting), undefined), fp).finally(() => this.asking.delete(fp));
      this.asking.set(fp, pending);
    }
    return pending;
  }

  /**
   * Records a yes without asking: only for values the extension itself wrote into a folder it owns
   * (the demo workspace, at its exact path, after the user started the demo).
   */
  async allow(setting: ConsentSetting, value: unknown): Promise<void> {
    // By value, not by what the configuration holds now: the settings file may just have been written.
    await this.remember(fingerprint(this.workspaceId, setting, value));
    this.changed.fire(setting);
  }

  private async remember(fp: string): Promise<void> {
    const allowed = this.state.get<string[]>(StateKeys.allowedWorkspaceValues, []);
    await this.state.update(StateKeys.allowedWorkspaceValues, [...allowed.filter((x) => x !== fp), fp].slice(-50));
  }

  private async ask(setting: ConsentSetting, value: unknown, current: unknown, fp: string): Promise<boolean> {
    const { consentQuestion } = await import('../../core/trust/consentQuestion');
    const question = consentQuestion(setting, value, current);
    const yes = await this.confirm(question);
    if (yes) this.declined.delete(fp);
    if (!yes) {
      this.declined.add(fp);
      this.log.warn(`[trust] workspace value of sentryRca.${KEYS[setting]} declined; your own value is used`);
      return false;
    }
    await this.remember(fp);
    this.log.info(`[trust] workspace value of sentryRca.${KEYS[setting]} allowed by the user`);
    this.changed.fire(setting);
    return true;
  }
}
