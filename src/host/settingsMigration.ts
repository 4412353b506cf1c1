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
import { RENAMED_SETTING_KEYS } from '../core/settings/settingNames';
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
   * The workspace's settings files that still use old names: `.vscode/settings.json` of a folder, or in
   * a multi-root workspace the `.code-workspace` file and each folder's `.vscode/settings.json`.
   */
  workspaceScopes(): SettingsScope[] {
    const scopes: SettingsScope[] = [];
    const file = vscode.workspace.workspaceFile;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (file) scopes.push(scope(file.fsPath, vscode.ConfigurationTarget.Workspace));
    else if (folders[0]) scopes.push(scope(settingsFile(folders[0].uri), vscode.ConfigurationTarget.Workspace));
    if (file)
      for (const f of folders)
        scopes.push(scope(settingsFile(f.uri), vscode.ConfigurationTarget.WorkspaceFolder, f.uri));
    return scopes.filter((s) => planMigration(KEYS, s).length > 0);
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
    const where =
      scopes.length === 1 && !vscode.workspace.workspaceFile ? '.vscode/settings.json' : 'its settings files';
    const pick = await this.ask(
      `This workspace's settings use the old names \`${LEGACY_CONFIG_SECTION}.*\`. Update ${where}?`,
      UPDATE_ACTION,
      NOT_NOW_ACTION,
    );
    if (pick === NOT_NOW_ACTION) {
      await this.state.update(StateKeys.legacySettingsDeclined, true);
      this.log.info('[settings] the workspace keeps its old setting names (Not now); they still apply');
      return 'not-now';
    }
    if (pick !== UPDATE_ACTION) return 'dismissed';
    await this.updateWorkspaceSettings();
    return 'updated';
  }

  /** Moves the workspace's (and each folder's) old names; tells the user about any that stayed. */
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

function settingsFile(folder: vscode.Uri): string {
  return vscode.Uri.joinPath(folder, '.vscode', 'settings.json').fsPath;
}

const FIELD = {
  [vscode.ConfigurationTarget.Global]: 'globalValue',
  [vscode.ConfigurationTarget.Workspace]: 'workspaceValue',
  [vscode.ConfigurationTarget.WorkspaceFolder]: 'workspaceFolderValue',
} as const;

/** One settings file as a migration scope: full setting names read and written at exactly that target. */
function scope(label: string, target: vscode.ConfigurationTarget, folder?: vscode.Uri): SettingsScope {
  return {
    label,
    read: (name) => vscode.workspace.getConfiguration(undefined, folder).inspect<unknown>(name)?.[FIELD[target]],
    write: async (name, value) => {
      await vscode.workspace.getConfiguration(undefined, folder).update(name, value, target);
    },
  };
}
