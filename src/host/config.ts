import * as vscode from 'vscode';
import { Emitter, type Event } from '../core/common/emitter';
import { DisposableBase } from '../core/common/lifecycle';
import { parsePathMappings } from '../core/frames/pathMappings';
import { isLevel } from '../core/store/model';
import type { ConsentSetting, SettingLayers, WorkspaceValueDecision } from '../core/trust/workspaceValues';
import { effectiveProvider } from '../core/ai/providerChoice';
import { effectiveValue } from '../core/settings/renamedLayers';
import { CONFIG_SECTION } from './ids';
import { affectsSettings, renamedLayers } from './renamedSettings';
import { DEFAULT_SETTINGS, MIN_EVIDENCE_TOKENS, SettingKeys, type Settings } from './settings';

export { DEFAULT_SETTINGS, SettingKeys, type Settings } from './settings';

/** Decides the value of a setting a workspace may only set with the user's consent (host/trust). */
export interface WorkspaceValueGuard {
  decision<T>(setting: ConsentSetting, fallback: T, layers?: SettingLayers<T>): WorkspaceValueDecision<T>;
  /** Fires when the user allowed a workspace value: the effective settings changed. */
  onDidAllow: Event<ConsentSetting>;
}

/** Settings no workspace can set (package.json declares them `application` scope). */
const MACHINE_SCOPED = new Set<string>([SettingKeys.allowHttp]);

/** Settings whose change makes the stored data stale, so a fresh sync follows. */
const SYNC_SCOPE: Array<keyof Settings> = [
  'allowHttp',
  'baseUrl',
  'organization',
  'projects',
  'minLevel',
  'eventsPerIssue',
];

export interface ConfigChange {
  /** Which settings changed. */
  changed: Array<keyof Settings>;
  /** Org, URL, projects, level or events per issue changed: the store must be synced again. */
  syncScopeChanged: boolean;
  intervalChanged: boolean;
  /** The user just allowed a workspace value, while something (a sync, a diagnosis) waited to use it. */
  consented: boolean;
}

/** Reads `sentryRCA.*` (and the old `sentryRca.*` names, see renamedSettings.ts) through one typed object and reports changes by setting. */
export class Config extends DisposableBase {
  private readonly changed = this.register(new Emitter<ConfigChange>());
  readonly onDidChange: Event<ConfigChange> = this.changed.event;
  private current: Settings;
  private mappingErrors: string[];

  constructor(private readonly guard: WorkspaceValueGuard) {
    super();
    ({ settings: this.current, pathMappingErrors: this.mappingErrors } = Config.read(guard));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSettings(e)) this.refresh(false);
      }),
    );
    this.register(guard.onDidAllow(() => this.refresh(true)));
  }

  private refresh(consented: boolean): void {
    const before = this.current;
    ({ settings: this.current, pathMappingErrors: this.mappingErrors } = Config.read(this.guard));
    const changed = (Object.keys(SettingKeys) as Array<keyof Settings>).filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(this.current[k]),
    );
    if (changed.length === 0) return;
    this.changed.fire({
      changed,
      syncScopeChanged: changed.some((k) => SYNC_SCOPE.includes(k)),
      intervalChanged: changed.includes('syncIntervalMinutes'),
      consented,
    });
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
    await vscode.workspace
      .getConfiguration(CONFIG_SECTION)
      .update(SettingKeys[key], value, vscode.ConfigurationTarget.Global);
    ({ settings: this.current, pathMappingErrors: this.mappingErrors } = Config.read(this.guard));
  }

  /**
   * The settings as the extension may use them: a workspace value of a consent setting only once the
   * user allowed it (else the user's own), and application-scoped settings only from the user's settings.
   */
  static read(guard: WorkspaceValueGuard): { settings: Settings; pathMappingErrors: string[] } {
    const layers = renamedLayers();
    const d = DEFAULT_SETTINGS;
    const consent: Record<string, ConsentSetting> = {
      [SettingKeys.baseUrl]: 'baseUrl',
      [SettingKeys.aiBaseUrl]: 'aiBaseUrl',
      [SettingKeys.sshConfigFile]: 'sshConfigFile',
      [SettingKeys.logSources]: 'logSources',
    };
    const get = (k: string): unknown => {
      if (consent[k]) return guard.decision<unknown>(consent[k], undefined, layers(k)).value;
      // VS Code ignores workspace values of these; read only the user's, whatever the version does.
      if (MACHINE_SCOPED.has(k)) return layers(k).globalValue;
      return effectiveValue(layers(k));
    };
    const str = (k: string, def: string) => {
      const v = get(k);
      return typeof v === 'string' ? v.trim() : def;
    };
    const num = (k: string, def: number, min: number, max: number) => {
      const v = get(k);
      return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
    };
    const strings = (k: string) => {
      const v = get(k);
      return Array.isArray(v)
        ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim())
        : [];
    };
    const level = get(SettingKeys.minLevel);
    const bool = (k: string, def: boolean) => {
      const v = get(k);
      return typeof v === 'boolean' ? v : def;
    };
    const mappings = parsePathMappings(get(SettingKeys.pathMappings), `${CONFIG_SECTION}.${SettingKeys.pathMappings}`);
    const settings: Settings = {
      baseUrl: str(SettingKeys.baseUrl, d.baseUrl) || d.baseUrl,
      organization: str(SettingKeys.organization, d.organization),
      projects: strings(SettingKeys.projects),
      minLevel: isLevel(level) ? level : d.minLevel,
      syncIntervalMinutes: minInterval(num(SettingKeys.syncIntervalMinutes, d.syncIntervalMinutes, 0, 24 * 60)),
      eventsPerIssue: Math.round(num(SettingKeys.eventsPerIssue, d.eventsPerIssue, 1, 100)),
      eagerEventIssues: Math.round(num(SettingKeys.eagerEventIssues, d.eagerEventIssues, 0, 1_000_000)),
      pathMappings: mappings.mappings,
      editorCodeLens: bool(SettingKeys.editorCodeLens, d.editorCodeLens),
      editorProblems: bool(SettingKeys.editorProblems, d.editorProblems),
      aiProvider: effectiveProvider(layers(SettingKeys.aiProvider)),
      aiVscodeModel: str(SettingKeys.aiVscodeModel, d.aiVscodeModel),
      aiModel: str(SettingKeys.aiModel, d.aiModel) || d.aiModel,
      aiBaseUrl: str(SettingKeys.aiBaseUrl, d.aiBaseUrl),
      aiEvidenceTokens: Math.floor(
        num(SettingKeys.aiEvidenceTokens, d.aiEvidenceTokens, MIN_EVIDENCE_TOKENS, Number.MAX_SAFE_INTEGER),
      ),
      sshConfigFile: str(SettingKeys.sshConfigFile, d.sshConfigFile),
      logSources: strings(SettingKeys.logSources),
      allowHttp: bool(SettingKeys.allowHttp, d.allowHttp),
      alertsMinLevel: alertLevel(get(SettingKeys.alertsMinLevel), d.alertsMinLevel),
      alertsProjects: strings(SettingKeys.alertsProjects),
      alertsEnvironments: strings(SettingKeys.alertsEnvironments),
      alertsRelease: str(SettingKeys.alertsRelease, d.alertsRelease),
    };
    return { settings, pathMappingErrors: mappings.errors };
  }
}

function alertLevel(v: unknown, def: Settings['alertsMinLevel']): Settings['alertsMinLevel'] {
  return v === 'off' || isLevel(v) ? v : def;
}

/**
 * 0 turns the timer off; anything else is at least 3 seconds. Sub-minute intervals exist for tests
 * and demos against a local server; below that a sync would start again as soon as one ends.
 */
function minInterval(minutes: number): number {
  return minutes <= 0 ? 0 : Math.max(0.05, minutes);
}
