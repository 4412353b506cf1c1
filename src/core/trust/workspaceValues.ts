/**
 * Which value of a "dangerous" setting to use: one that decides where a secret goes or what runs on a
 * server. A folder's `.vscode/settings.json` comes with the repository, so its value for such a setting
 * is used only after the user said yes to exactly that value in exactly that workspace; until then the
 * user's own value (user settings, else the default) applies. Pure: the host feeds in the setting's
 * layers (VS Code's `inspect()`) and the remembered answers, and shows the question this module words.
 */
import { createHash } from 'node:crypto';

/** Settings a workspace may share, but only with the user's consent (see README "Security and trust"). */
export const CONSENT_SETTINGS = ['baseUrl', 'aiBaseUrl', 'sshConfigFile', 'logSources'] as const;
export type ConsentSetting = (typeof CONSENT_SETTINGS)[number];

/** The layers of one setting, as VS Code's `WorkspaceConfiguration.inspect()` reports them. */
export interface SettingLayers<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface WorkspaceValueDecision<T> {
  /** What to use now. */
  value: T;
  /** `user`: no workspace value (or the same as the user's); `allowed`: the user said yes to it;
   *  `pending`: the workspace asks for a value the user has not allowed, so the user's own is used. */
  state: 'user' | 'allowed' | 'pending';
  /** The workspace's value, when it has one that differs from the user's. */
  workspaceValue?: T;
  /** Identifies (workspace, setting, value): the answer to remember. Set unless `state` is `user`. */
  fingerprint?: string;
}

/** The user's own value: user settings, else the default. */
export function userValue<T>(layers: SettingLayers<T>, fallback: T): T {
  return layers.globalValue ?? layers.defaultValue ?? fallback;
}

/** The repository's value: a folder setting wins over a `.code-workspace` one, as VS Code applies them. */
export function workspaceValue<T>(layers: SettingLayers<T>): T | undefined {
  return layers.workspaceFolderValue ?? layers.workspaceValue;
}

/** A stable digest of the workspace, the setting and its value; a changed value asks again. */
export function fingerprint(workspaceId: string, setting: ConsentSetting, value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([workspaceId, setting, value]))
    .digest('hex');
}

export function decide<T>(
  setting: ConsentSetting,
  layers: SettingLayers<T>,
  fallback: T,
  workspaceId: string,
  allowed: (fingerprint: string) => boolean,
): WorkspaceValueDecision<T> {
  const mine = userValue(layers, fallback);
  const theirs = workspaceValue(layers);
  if (theirs === undefined || JSON.stringify(theirs) === JSON.stringify(mine)) return { value: mine, state: 'user' };
  const fp = fingerprint(workspaceId, setting, theirs);
  return allowed(fp)
    ? { value: theirs, state: 'allowed', workspaceValue: theirs, fingerprint: fp }
    : { value: mine, state: 'pending', workspaceValue: theirs, fingerprint: fp };
}
