/**
 * The settings' rename (`sentryRca.<key>` → `sentryRCA.<key>`, core/settings) in VS Code. On activation the
 * user's own settings move (ConfigurationTarget.Global: the profile's, or the remote's, settings). A
 * workspace's values live in files of a repository that may not be the user's, so they are not rewritten
 * unasked: they keep working through the fallback (renamedSettings.ts), and a trusted workspace is
 * offered once to update its files, "Not now" being remembered for that workspace.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../core/common/lifecycle';
import type { Logger } from '../core/common/logger';
import {
  migrateScope,
  planMigration,
  type MigrationResult,
  type SettingsScope,
} from '../core/settings/settingsMigration';
import { layersAt } from '../core/settings/renamedLayers';
import { RENAMED_SETTING_KEYS } from '../core/settings/settingNames';
import type { SettingLayers } from '../core/trust/workspaceValues';
import { LEGACY_CONFIG_SECTION, StateKeys } from './ids';

export const UPDATE_ACTION = 'Update';
export const NOT_NOW_ACTION = 'Not now';

const KEYS = RENAMED_SETTING_KEYS;

/** How the workspace offer ended. */
export type WorkspaceOffer = 'nothing-to-do' | 'untrusted' | 'declined-before' | 'updated' | 'not-now' | 'dismissed';

export class SettingsMigration extends DisposableBase {
  /** Shows the offer; replaceable so extension tests can answer it (they check the words too). */
  ask: (message: string, ...actions: string[]) => Thenable<string | undefined> = (message, ...actions) =>
    vscode.window.showInformationMessage(message, ...actions);
  /** The activation's work: the user's settings moved, then the workspace offer answered. */
  started: Promise<{ user: MigrationResult; workspace: WorkspaceOffer }> | undefined;
  private offering: Promise<WorkspaceOffer> | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: Logger,
  ) {
    super();
    // A workspace trusted later gets the offer then.
    this.register(
      vscode.workspace.onDidGrantWorkspaceTrust(() =>
        this.offerWorkspaceUpdate().catch((e: unknown) => this.log.error(e instanceof Error ? e : String(e))),
      ),
    );
  }

  start(): void {
    this.started = (async () => {
      const user = await this.migrateUserSettings();
      return { user, workspace: await this.offerWorkspaceUpdate() };
    })();
    this.started.catch((e: unknown) => this.log.error(e instanceof Error ? e : String(e)));
  }

  /** Moves the old names in the user's settings to the new ones. */
  migrateUserSettings(): Promise<MigrationResult> {
    return migrateScope(KEYS, scope('user settings', vscode.ConfigurationTarget.Global), this.log);
  }

  /**
   * The workspace settings file that still uses old names: the folder's `.vscode/settings.json`, or in a
   * multi-root workspace the `.code-workspace` file. Not the folders' own files there: every one of these
   * settings is window-scoped, so VS Code neither reads nor writes folder values of them in a multi-root
   * workspace (under either name); a folder's file gets the offer when that folder is opened by itself.
   */
  workspaceScopes(): SettingsScope[] {
    const file = vscode.workspace.workspaceFile;
    const folder = vscode.workspace.workspaceFolders?.[0];
    const label = file ? file.fsPath : folder ? vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json').fsPath : '';
    if (!label) return [];
    const s = scope(label, vscode.ConfigurationTarget.Workspace);
    return planMigration(KEYS, s).length > 0 ? [s] : [];
  }

  /** Offers once (per trusted workspace) to move the workspace's old names; "Update" moves them. */
  offerWorkspaceUpdate(): Promise<WorkspaceOffer> {
    this.offering ??= this.offer().finally(() => (this.offering = undefined));
    return this.offering;
  }

  private async offer(): Promise<WorkspaceOffer> {
    const scopes = this.workspaceScopes();
    if (scopes.length === 0) return 'nothing-to-do';
    // An untrusted repository's files are not touched; the old names still apply (with consent where needed).
    if (!vscode.workspace.isTrusted) return 'untrusted';
    if (this.state.get<boolean>(StateKeys.legacySettingsDeclined, false)) return 'declined-before';
    const file = vscode.workspace.workspaceFile;
    const where = file ? file.path.slice(file.path.lastIndexOf('/') + 1) : '.vscode/settings.json';
    const question = `This workspace's settings use the old names \`${LEGACY_CONFIG_SECTION}.*\`. Update ${where}?`;
    this.log.info(`[settings] asking: ${question}`);
    const pick = await this.ask(question, UPDATE_ACTION, NOT_NOW_ACTION);
    if (pick === NOT_NOW_ACTION) {
      await this.state.update(StateKeys.legacySettingsDeclined, true);
      this.log.info('[settings] the workspace keeps its old setting names (Not now); they still apply');
      return 'not-now';
    }
    if (pick !== UPDATE_ACTION) return 'dismissed';
    await this.updateWorkspaceSettings();
    return 'updated';
  }

  /** Moves the workspace file's old names; tells the user about any that stayed. */
  async updateWorkspaceSettings(): Promise<MigrationResult[]> {
    const results: MigrationResult[] = [];
    for (const s of this.workspaceScopes()) {
      const r = await migrateScope(KEYS, s, this.log);
      results.push(r);
      if (r.failed.length)
        void vscode.window.showWarningMessage(
          `Sentry RCA could not update ${r.failed.map((f) => `${LEGACY_CONFIG_SECTION}.${f.key}`).join(', ')} in ${s.label} (${r.failed[0]!.error}). The old names still apply.`,
        );
    }
    return results;
  }
}

/**
 * One settings file as a migration scope: full setting names read and written at exactly that target.
 * Reads go through one inspect per section (dropped after each write), not one per name.
 */
function scope(
  label: string,
  target: vscode.ConfigurationTarget.Global | vscode.ConfigurationTarget.Workspace,
): SettingsScope {
  const field = target === vscode.ConfigurationTarget.Global ? 'globalValue' : 'workspaceValue';
  let sections = new Map<string, SettingLayers<unknown> | undefined>();
  return {
    label,
    read: (name) => {
      const dot = name.indexOf('.');
      const section = name.slice(0, dot);
      if (!sections.has(section)) sections.set(section, vscode.workspace.getConfiguration().inspect<unknown>(section));
      return layersAt(sections.get(section), name.slice(dot + 1))[field];
    },
    write: async (name, value) => {
      sections = new Map();
      await vscode.workspace.getConfiguration().update(name, value, target);
    },
  };
}
