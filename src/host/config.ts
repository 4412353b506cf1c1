import * as vscode from 'vscode';
import { Emitter, type Event } from '../core/common/emitter';
import { DisposableBase } from '../core/common/lifecycle';
import { parsePathMappings } from '../core/frames/pathMappings';
import { isLevel } from '../core/store/model';
import { CONFIG_SECTION } from './ids';
import { DEFAULT_SETTINGS, MIN_EVIDENCE_TOKENS, SettingKeys, type Settings } from './settings';

export { DEFAULT_SETTINGS, SettingKeys, type Settings } from './settings';

/** Settings whose change makes the stored data stale, so a fresh sync follows. */
const SYNC_SCOPE: Array<keyof Settings> = ['baseUrl', 'organization', 'projects', 'minLevel', 'eventsPerIssue'];

export interface ConfigChange {
  /** Which settings changed. */
  changed: Array<keyof Settings>;
  /** Org, URL, projects, level or events per issue changed: the store must be synced again. */
  syncScopeChanged: boolean;
  intervalChanged: boolean;
}

/** Reads `sentryRca.*` through one typed object and reports changes by setting. */
export class Config extends DisposableBase {
  private readonly changed = this.register(new Emitter<ConfigChange>());
  readonly onDidChange: Event<ConfigChange> = this.changed.event;
  private current: Settings;
  private mappingErrors: string[];

  constructor() {
    super();
    ({ settings: this.current, pathMappingErrors: this.mappingErrors } = Config.read());
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      const before = this.current;
      ({ settings: this.current, pathMappingErrors: this.mappingErrors } = Config.read());
      const changed = (Object.keys(SettingKeys) as Array<keyof Settings>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(this.current[k]));
      if (changed.length === 0) return;
      this.changed.fire({
        changed,
        syncScopeChanged: changed.some((k) => SYNC_SCOPE.includes(k)),
        intervalChanged: changed.includes('syncIntervalMinutes'),
      });
    }));
  }

  get settings(): Readonly<Settings> {
    return this.current;
  }

  /** What is wrong with the `pathMappings` entries that `settings.pathMappings` left out. */
  get pathMappingErrors(): readonly string[] {
    return this.mappingErrors;
  }

  get syncIntervalMs(): number {
    return this.current.syncIntervalMinutes * 60_000;
  }

  /** Writes one setting to the user's (global) settings. */
  async update<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update(SettingKeys[key], value, vscode.ConfigurationTarget.Global);
    ({ settings: this.current, pathMappingErrors: this.mappingErrors } = Config.read());
  }

  static read(): { settings: Settings; pathMappingErrors: string[] } {
    const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const d = DEFAULT_SETTINGS;
    const str = (k: string, def: string) => { const v = c.get<unknown>(k); return typeof v === 'string' ? v.trim() : def; };
    const num = (k: string, def: number, min: number, max: number) => {
      const v = c.get<unknown>(k);
      return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
    };
    const strings = (k: string) => { const v = c.get<unknown>(k); return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : []; };
    const level = c.get<unknown>(SettingKeys.minLevel);
    const ai = c.get<unknown>(SettingKeys.aiProvider);
    const bool = (k: string, def: boolean) => { const v = c.get<unknown>(k); return typeof v === 'boolean' ? v : def; };
    const mappings = parsePathMappings(c.get<unknown>(SettingKeys.pathMappings), `${CONFIG_SECTION}.${SettingKeys.pathMappings}`);
    const settings: Settings = {
      baseUrl: str(SettingKeys.baseUrl, d.baseUrl) || d.baseUrl,
      organization: str(SettingKeys.organization, d.organization),
      projects: strings(SettingKeys.projects),
      minLevel: isLevel(level) ? level : d.minLevel,
      syncIntervalMinutes: minInterval(num(SettingKeys.syncIntervalMinutes, d.syncIntervalMinutes, 0, 24 * 60)),
      eventsPerIssue: Math.round(num(SettingKeys.eventsPerIssue, d.eventsPerIssue, 1, 100)),
      pathMappings: mappings.mappings,
      editorCodeLens: bool(SettingKeys.editorCodeLens, d.editorCodeLens),
      editorProblems: bool(SettingKeys.editorProblems, d.editorProblems),
      aiProvider: ai === 'none' ? 'none' : 'openai',
      aiModel: str(SettingKeys.aiModel, d.aiModel) || d.aiModel,
      aiBaseUrl: str(SettingKeys.aiBaseUrl, d.aiBaseUrl),
      aiEvidenceTokens: Math.floor(num(SettingKeys.aiEvidenceTokens, d.aiEvidenceTokens, MIN_EVIDENCE_TOKENS, Number.MAX_SAFE_INTEGER)),
      sshConfigFile: str(SettingKeys.sshConfigFile, d.sshConfigFile),
      logSources: strings(SettingKeys.logSources),
    };
    return { settings, pathMappingErrors: mappings.errors };
  }
}

/**
 * 0 turns the timer off; anything else is at least 3 seconds. Sub-minute intervals exist for tests
 * and demos against a local server; below that a sync would start again as soon as one ends.
 */
function minInterval(minutes: number): number {
  return minutes <= 0 ? 0 : Math.max(0.05, minutes);
}
