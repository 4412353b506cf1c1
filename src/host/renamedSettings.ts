/**
 * Reads a setting under its new name and its old one (`sentryRCA.<key>`, `sentryRca.<key>`) as one set of
 * layers, scope by scope (core/settings/renamedLayers.ts). Config and the workspace-value trust both
 * read through this, so an old name is never a way around the consent a new name needs.
 */
import * as vscode from 'vscode';
import { layersAt, mergeRenamedLayers } from '../core/settings/renamedLayers';
import type { SettingLayers } from '../core/trust/workspaceValues';
import { CONFIG_SECTION, LEGACY_CONFIG_SECTION } from './ids';

/** The layers of one setting (a key below the section), old and new names merged. */
export type RenamedLayers = <T = unknown>(key: string) => SettingLayers<T>;

/** A reader over the configuration as it is now (take a new one after a change): one inspect per section. */
export function renamedLayers(scope?: vscode.ConfigurationScope): RenamedLayers {
  const root = vscode.workspace.getConfiguration(undefined, scope);
  const current = root.inspect<unknown>(CONFIG_SECTION);
  const legacy = root.inspect<unknown>(LEGACY_CONFIG_SECTION);
  return <T>(key: string) => mergeRenamedLayers<T>(layersAt<T>(current, key), layersAt<T>(legacy, key));
}

/** Whether a configuration change touches the settings under either name. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(CONFIG_SECTION) || e.affectsConfiguration(LEGACY_CONFIG_SECTION);
}
