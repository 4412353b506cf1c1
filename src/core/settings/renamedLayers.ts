/**
 * Reading a renamed setting: at each scope (user, workspace, folder) the value under the new name wins
 * over the value under the old name, and the scopes keep VS Code's precedence (folder over workspace over
 * user over default). So a repository's `.vscode/settings.json` that still says `sentryRca.baseUrl` is a
 * workspace value like `sentryRCA.baseUrl` would be — it goes through the same consent (core/trust) —
 * and never outranks a new-name value of the same scope.
 */
import type { SettingLayers } from '../trust/workspaceValues';

export function mergeRenamedLayers<T>(current: SettingLayers<T>, legacy: SettingLayers<T>): SettingLayers<T> {
  const layers: SettingLayers<T> = {};
  const defaultValue = current.defaultValue;
  const globalValue = current.globalValue ?? legacy.globalValue;
  const workspaceValue = current.workspaceValue ?? legacy.workspaceValue;
  const workspaceFolderValue = current.workspaceFolderValue ?? legacy.workspaceFolderValue;
  // Only the layers that hold a value, as VS Code's inspect() reports them.
  if (defaultValue !== undefined) layers.defaultValue = defaultValue;
  if (globalValue !== undefined) layers.globalValue = globalValue;
  if (workspaceValue !== undefined) layers.workspaceValue = workspaceValue;
  if (workspaceFolderValue !== undefined) layers.workspaceFolderValue = workspaceFolderValue;
  return layers;
}

/** The value that applies: the most specific scope that sets one. None of these settings is an object,
 *  so no scope's value is merged into another's. */
export function effectiveValue<T>(layers: SettingLayers<T>): T | undefined {
  return layers.workspaceFolderValue ?? layers.workspaceValue ?? layers.globalValue ?? layers.defaultValue;
}

/**
 * One setting's layers out of the layers of its whole section (VS Code's `inspect('sentryRCA')`: each
 * layer an object tree such as `{ ai: { model: 'x' } }`). One inspect per section instead of one per
 * setting: VS Code's inspect costs a fraction of a millisecond each, a whole read of 22 settings ~10 ms.
 */
export function layersAt<T>(section: SettingLayers<unknown> | undefined, key: string): SettingLayers<T> {
  const path = key.split('.');
  const pick = (tree: unknown): T | undefined => {
    let v = tree;
    for (const p of path) {
      if (!v || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, p)) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v as T;
  };
  const layers: SettingLayers<T> = {};
  if (!section) return layers;
  for (const layer of ['defaultValue', 'globalValue', 'workspaceValue', 'workspaceFolderValue'] as const) {
    const v = pick(section[layer]);
    if (v !== undefined) layers[layer] = v;
  }
  return layers;
}
