/**
 * The section of the extension's settings, and the one it had before: VS Code's Settings editor makes a
 * setting's label from its key, so `sentryRca.baseUrl` read "Sentry Rca: Base Url" and `sentryRCA.baseUrl`
 * reads "Sentry RCA: Base Url". Values under the old names still count (renamedLayers.ts) and are moved
 * to the new ones (settingsMigration.ts).
 */
export const SETTINGS_SECTION = 'sentryRCA';
export const LEGACY_SETTINGS_SECTION = 'sentryRca';

/**
 * The settings that existed under the old section when it was renamed: these are declared (deprecated)
 * under their old names too, and migrated. A setting added since has only its new name.
 */
export const RENAMED_SETTING_KEYS: readonly string[] = [
  'baseUrl',
  'organization',
  'projects',
  'minLevel',
  'syncIntervalMinutes',
  'eventsPerIssue',
  'eagerEventIssues',
  'pathMappings',
  'editor.codeLens',
  'editor.problems',
  'ai.provider',
  'ai.vscodeModel',
  'ai.model',
  'ai.baseUrl',
  'ai.evidenceTokens',
  'ssh.configFile',
  'logs.sources',
  'allowHttp',
  'alerts.minLevel',
  'alerts.projects',
  'alerts.environments',
  'alerts.release',
];

/** `sentryRCA.<key>`. */
export const settingName = (key: string): string => `${SETTINGS_SECTION}.${key}`;
/** `sentryRca.<key>`: the name the setting had before the rename. */
export const legacySettingName = (key: string): string => `${LEGACY_SETTINGS_SECTION}.${key}`;

/**
 * A settings file's object with every old name moved to its new one (a value already under the new name
 * stays, the old one goes): for files the extension owns, such as the demo folder's.
 */
export function withNewNames(file: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file)) {
    if (!k.startsWith(`${LEGACY_SETTINGS_SECTION}.`)) out[k] = v;
  }
  for (const [k, v] of Object.entries(file)) {
    if (!k.startsWith(`${LEGACY_SETTINGS_SECTION}.`)) continue;
    const renamed = settingName(k.slice(LEGACY_SETTINGS_SECTION.length + 1));
    if (out[renamed] === undefined) out[renamed] = v;
  }
  return out;
}

/**
 * A setting's value in one settings file read as JSON (a repository's `.vscode/settings.json`, for the
 * CLI): the new name wins, the old one still counts. `undefined` when the file sets neither.
 */
export function settingInFile(file: Record<string, unknown>, key: string): unknown {
  return file[settingName(key)] ?? file[legacySettingName(key)];
}
