/**
 * Reads a setting under its new name and its old one (`sentryRCA.<key>`, `sentryRca.<key>`) as one set of
 * layers, scope by scope (core/settings/renamedLayers.ts). Config and the workspace-value trust both
 * read through this, so an old name is never a way around the consent a new name needs.
 */
import * as vscode from 'vscode';
import { mergeRenamedLayers } from '../core/settings/renamedLayers';
import type { SettingLayers } from '../core/trust/workspaceValues';
import { CONFIG_SECTION, LEGACY_CONFIG_SECTION } from './ids';

/** The layers of one setting (a key below the section), old and new names merged. */
export type RenamedLayers = <T = unknown>(key: string) => SettingLayers<T>;

/** A reader over the configuration as it is now (take a new one after a change). */
export function renamedLayers(scope?: vscode.ConfigurationScope): RenamedLayers {
  const current = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const legacy = vscode.workspace.getConfiguration(LEGACY_CONFIG_SECTION, scope);
  return <T>(key: string) => mergeRenamedLayers<T>(layersOf(current.inspect<T>(key)), layersOf(legacy.inspect<T>(key)));
}

function layersOf<T>(i: ReturnType<vscode.WorkspaceConfiguration['inspect']> | undefined): SettingLayers<T> {
  if (!i) return {};
  return {
    defaultValue: i.defaultValue as T | undefined,
    globalValue: i.globalValue as T | undefined,
    workspaceValue: i.workspaceValue as T | undefined,
    workspaceFolderValue: i.workspaceFolderValue as T | undefined,
  };
}

/** Whether a configuration change touches the settings under either name. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(CONFIG_SECTION) || e.affectsConfiguration(LEGACY_CONFIG_SECTION);
}
