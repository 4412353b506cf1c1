/**
 * The host side of "a workspace value of a dangerous setting is used only after the user allowed it":
 * the setting layers from `inspect()`, the answers in workspaceState, the question as a modal. The
 * decisions and the bookkeeping are the vscode-free core (core/trust/consentLedger.ts).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/common/logger';
import { ConsentLedger, type ConfirmWorkspaceValue } from '../../core/trust/consentLedger';
import type { ConsentSetting } from '../../core/trust/workspaceValues';
import { CONFIG_SECTION, StateKeys } from '../ids';
import { renamedLayers } from '../renamedSettings';
import { SettingKeys } from '../settings';

export const modalConfirm: ConfirmWorkspaceValue = async (q) =>
  (await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.allow)) === q.allow;

const KEYS: Record<ConsentSetting, string> = {
  baseUrl: SettingKeys.baseUrl,
  aiBaseUrl: SettingKeys.aiBaseUrl,
  sshConfigFile: SettingKeys.sshConfigFile,
  logSources: SettingKeys.logSources,
};

export class WorkspaceValueTrust extends ConsentLedger {
  constructor(state: vscode.Memento, log: Logger) {
    super({
      state,
      stateKey: StateKeys.allowedWorkspaceValues,
      workspaceId: () =>
        vscode.workspace.workspaceFile?.toString() ??
        (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).join('\n'),
      // Old and new names together: a repository's `sentryRca.baseUrl` needs the same consent.
      layers: (setting) => renamedLayers()(KEYS[setting]),
      question: async (setting, value, current) =>
        (await import('../../core/trust/consentQuestion')).consentQuestion(setting, value, current),
      confirm: modalConfirm,
      log,
      label: (setting) => `${CONFIG_SECTION}.${KEYS[setting]}`,
    });
  }
}
