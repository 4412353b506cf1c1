/**
 * Moves values from the settings' old names (`sentryRca.<key>`) to the new ones (`sentryRCA.<key>`) within one
 * scope — the user's settings, a workspace's or a folder's settings file. Per setting: write the new
 * name, then remove the old one; a value already under the new name is the user's newer choice and is
 * kept (the old one is only removed, and the log says so). A write that fails leaves the old value in
 * place, where reading still finds it (renamedLayers.ts). No `vscode`: the host passes the scope.
 */
import type { Logger } from '../common/logger';
import { legacySettingName, settingName } from './settingNames';

/** One settings scope, as the host reads and writes it. */
export interface SettingsScope {
  /** Names the scope in log lines and messages ("user settings", a settings file's path). */
  readonly label: string;
  /** The value set in this scope under `name` (a full key), or undefined. */
  read(name: string): unknown;
  /** Sets `name` in this scope; `undefined` removes it. */
  write(name: string, value: unknown): Promise<void>;
}

export interface MigrationStep {
  /** The key below the section (`baseUrl`, `ai.model`). */
  key: string;
  value: unknown;
  /** `move`: only the old name is set; `drop`: the new name is set too, so the old value goes. */
  action: 'move' | 'drop';
}

export interface MigrationResult {
  moved: string[];
  /** Old values removed because the new name already had one. */
  dropped: string[];
  /** Settings left under the old name, with why. */
  failed: Array<{ key: string; error: string }>;
}

/** What migrating `scope` would do; empty when no old name is set there. */
export function planMigration(keys: readonly string[], scope: Pick<SettingsScope, 'read'>): MigrationStep[] {
  const steps: MigrationStep[] = [];
  for (const key of keys) {
    const value = scope.read(legacySettingName(key));
    if (value === undefined) continue;
    steps.push({ key, value, action: scope.read(settingName(key)) === undefined ? 'move' : 'drop' });
  }
  return steps;
}

export async function migrateScope(
  keys: readonly string[],
  scope: SettingsScope,
  log: Logger,
): Promise<MigrationResult> {
  const result: MigrationResult = { moved: [], dropped: [], failed: [] };
  for (const step of planMigration(keys, scope)) {
    const from = legacySettingName(step.key);
    const to = settingName(step.key);
    try {
      if (step.action === 'move') await scope.write(to, step.value);
      else
        log.info(
          `[settings] ${scope.label}: ${to} is already set, so ${from} is removed without being used${
            JSON.stringify(scope.read(to)) === JSON.stringify(step.value) ? ' (same value)' : ' (its value differed)'
          }`,
        );
    } catch (e) {
      result.failed.push({ key: step.key, error: message(e) });
      log.warn(`[settings] ${scope.label}: could not write ${to}, so ${from} stays (it still applies): ${message(e)}`);
      continue;
    }
    try {
      await scope.write(from, undefined);
    } catch (e) {
      // The new name holds the value and wins over the old one: only a stale line stays behind.
      log.warn(`[settings] ${scope.label}: ${to} is set, but ${from} could not be removed: ${message(e)}`);
    }
    (step.action === 'move' ? result.moved : result.dropped).push(step.key);
  }
  if (result.moved.length || result.dropped.length)
    log.info(
      `[settings] ${scope.label}: moved ${result.moved.length} setting(s) to ${settingName('*')}${result.dropped.length ? `, removed ${result.dropped.length} old one(s) already set under the new name` : ''}`,
    );
  return result;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
