import * as vscode from 'vscode';
import { Emitter, type Event } from '../core/common/emitter';
import { DisposableBase } from '../core/common/lifecycle';
import { isLevel, type Level } from '../core/store/model';
import { CONFIG_SECTION } from './ids';

export interface PathMapping {
  /** Path prefix as Sentry reports it, e.g. `/app/` or `app:///`. */
  from: string;
  /** Workspace-relative or absolute prefix it stands for. */
  to: string;
}

/** Every `sentryRca.*` setting, typed and defaulted (package.json declares the same keys). */
export interface Settings {
  baseUrl: string;
  organization: string;
  projects: string[];
  minLevel: Level;
  syncIntervalMinutes: number;
  eventsPerIssue: number;
  pathMappings: PathMapping[];
  aiProvider: 'openai' | 'none';
  aiModel: string;
  aiBaseUrl: string;
  sshConfigFile: string;
  logSources: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  baseUrl: 'https://sentry.io',
  organization: '',
  projects: [],
  minLevel: 'warning',
  syncIntervalMinutes: 10,
  eventsPerIssue: 5,
  pathMappings: [],
  aiProvider: 'openai',
  aiModel: 'gpt-4o-mini',
  aiBaseUrl: '',
  sshConfigFile: '',
  logSources: [],
};

/** Setting keys (relative to `sentryRca.`) as declared in package.json. */
export const SettingKeys = {
  baseUrl: 'baseUrl',
  organization: 'organization',
  projects: 'projects',
  minLevel: 'minLevel',
  syncIntervalMinutes: 'syncIntervalMinutes',
  eventsPerIssue: 'eventsPerIssue',
  pathMappings: 'pathMappings',
  aiProvider: 'ai.provider',
  aiModel: 'ai.model',
  aiBaseUrl: 'ai.baseUrl',
  sshConfigFile: 'ssh.configFile',
  logSources: 'logs.sources',
} as const satisfies Record<keyof Settings, string>;

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

  constructor() {
    super();
    this.current = Config.read();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      const before = this.current;
      this.current = Config.read();
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

  get syncIntervalMs(): number {
    return this.current.syncIntervalMinutes * 60_000;
  }

  /** Writes one setting to the user's (global) settings. */
  async update<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update(SettingKeys[key], value, vscode.ConfigurationTarget.Global);
    this.current = Config.read();
  }

  static read(): Settings {
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
    const mappings = c.get<unknown>(SettingKeys.pathMappings);
    return {
      baseUrl: str(SettingKeys.baseUrl, d.baseUrl) || d.baseUrl,
      organization: str(SettingKeys.organization, d.organization),
      projects: strings(SettingKeys.projects),
      minLevel: isLevel(level) ? level : d.minLevel,
      syncIntervalMinutes: minInterval(num(SettingKeys.syncIntervalMinutes, d.syncIntervalMinutes, 0, 24 * 60)),
      eventsPerIssue: Math.round(num(SettingKeys.eventsPerIssue, d.eventsPerIssue, 1, 100)),
      pathMappings: Array.isArray(mappings)
        ? mappings.filter((m): m is PathMapping => !!m && typeof m === 'object' && typeof (m as PathMapping).from === 'string' && typeof (m as PathMapping).to === 'string')
        : [],
      aiProvider: ai === 'none' ? 'none' : 'openai',
      aiModel: str(SettingKeys.aiModel, d.aiModel) || d.aiModel,
      aiBaseUrl: str(SettingKeys.aiBaseUrl, d.aiBaseUrl),
      sshConfigFile: str(SettingKeys.sshConfigFile, d.sshConfigFile),
      logSources: strings(SettingKeys.logSources),
    };
  }
}

/**
 * 0 turns the timer off; anything else is at least 3 seconds. Sub-minute intervals exist for tests
 * and demos against a local server; below that a sync would start again as soon as one ends.
 */
function minInterval(minutes: number): number {
  return minutes <= 0 ? 0 : Math.max(0.05, minutes);
}
