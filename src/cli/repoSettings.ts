/**
 * What the CLI takes from a `--workspace` folder's `.vscode/settings.json`. The folder is usually a
 * repository someone else wrote, so it is never a source of where a secret goes or what runs: the AI
 * endpoint comes only from the environment, and log sources and path mappings only with
 * `--workspace-settings` (otherwise they are ignored, with one line on stderr saying so).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePathMappings, type PathMapping } from '../core/frames/pathMappings';
import { parseJsonc } from '../core/frames/workspaceSettings';
import { legacySettingName, settingInFile, settingName } from '../core/settings/settingNames';

export const WORKSPACE_SETTINGS_FLAG = '--workspace-settings';

export interface RepoSettings {
  file: string;
  logSources: string[];
  mappings: PathMapping[];
  aiModel: string;
  /** Keys present that the CLI never honours from a repository (e.g. sentryRCA.ai.baseUrl). */
  neverUsed: string[];
  warnings: string[];
}

export function readRepoSettings(workspace: string): RepoSettings {
  const file = join(workspace, '.vscode', 'settings.json');
  const out: RepoSettings = { file, logSources: [], mappings: [], aiModel: '', neverUsed: [], warnings: [] };
  let json: unknown;
  try {
    json = parseJsonc(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') out.warnings.push(`ignoring ${file}: ${(e as Error).message}`);
    return out;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return out;
  const s = json as Record<string, unknown>;
  // Old `sentryRca.*` names count too (the new name wins): a repository may not have been updated.
  const sources = settingInFile(s, 'logs.sources');
  out.logSources = Array.isArray(sources) ? sources.filter((x): x is string => typeof x === 'string') : [];
  const { mappings, errors } = parsePathMappings(settingInFile(s, 'pathMappings'));
  out.mappings = mappings;
  out.warnings.push(...errors.map((e) => `${file}: ${e}`));
  const aiModel = settingInFile(s, 'ai.model');
  out.aiModel = typeof aiModel === 'string' ? aiModel : '';
  out.neverUsed = ['ai.baseUrl', 'baseUrl', 'ssh.configFile']
    .flatMap((k) => [settingName(k), legacySettingName(k)])
    .filter((k) => s[k] !== undefined && s[k] !== '');
  return out;
}

/** The one stderr line about repository settings that were not used; empty when there is nothing to say. */
export function ignoredRepoSettingsLine(r: RepoSettings, used: { logSources: boolean; mappings: boolean }): string {
  const skipped = [
    ...(!used.logSources && r.logSources.length ? ['sentryRCA.logs.sources'] : []),
    ...(!used.mappings && r.mappings.length ? ['sentryRCA.pathMappings'] : []),
  ];
  const parts: string[] = [];
  if (skipped.length)
    parts.push(
      `ignoring ${skipped.join(' and ')} from ${r.file} (a repository's settings choose no commands or paths; pass ${WORKSPACE_SETTINGS_FLAG} to use them)`,
    );
  if (r.neverUsed.length)
    parts.push(
      `${parts.length ? 'and ' : 'ignoring '}${r.neverUsed.join(', ')} there (never read from a repository: use --url, OPENAI_BASE_URL or --ssh-config)`,
    );
  return parts.length ? `sentry-rca: ${parts.join('; ')}.\n` : '';
}
