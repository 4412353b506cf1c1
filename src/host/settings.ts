/**
 * The `sentryRca.*` settings as data: their types, keys and defaults. package.json declares the same
 * keys and defaults (test/unit/host/manifest.test.ts checks both directions). `Config` (config.ts)
 * reads them; this module stays free of `vscode` so plain-Node tests can import it.
 */
import type { PathMapping } from '../core/frames/pathMappings';
import type { Level } from '../core/store/model';
import type { AiProvider } from '../core/ai/providerChoice';

/** Every `sentryRca.*` setting, typed and defaulted. */
export interface Settings {
  baseUrl: string;
  organization: string;
  projects: string[];
  minLevel: Level;
  syncIntervalMinutes: number;
  eventsPerIssue: number;
  /** Issues whose events a sync fetches (most urgent first); 0 = all. */
  eagerEventIssues: number;
  /** The valid entries; `Config.pathMappingErrors` says what was wrong with the others. */
  pathMappings: PathMapping[];
  editorCodeLens: boolean;
  editorProblems: boolean;
  aiProvider: AiProvider;
  /** `vendor/family` (or `vendor`) of the VS Code language model to use; empty: the first available. */
  aiVscodeModel: string;
  aiModel: string;
  aiBaseUrl: string;
  /** Token budget of a diagnosis's evidence. */
  aiEvidenceTokens: number;
  sshConfigFile: string;
  logSources: string[];
  /** Plain http to a Sentry host that is not this machine (the token travels in clear text). */
  allowHttp: boolean;
  /** New-issue notifications after a sync (core/alerts). */
  alertsMinLevel: Level | 'off';
  alertsProjects: string[];
  alertsEnvironments: string[];
  alertsRelease: string;
}

export const DEFAULT_SETTINGS: Settings = {
  baseUrl: 'https://sentry.io',
  organization: '',
  projects: [],
  minLevel: 'warning',
  syncIntervalMinutes: 10,
  eventsPerIssue: 5,
  eagerEventIssues: 2000,
  pathMappings: [],
  editorCodeLens: true,
  editorProblems: false,
  aiProvider: 'auto',
  aiVscodeModel: '',
  aiModel: 'gpt-4o-mini',
  aiBaseUrl: '',
  aiEvidenceTokens: 12_000,
  sshConfigFile: '',
  logSources: [],
  allowHttp: false,
  alertsMinLevel: 'fatal',
  alertsProjects: [],
  alertsEnvironments: [],
  alertsRelease: '',
};

/** Setting keys (relative to `sentryRca.`) as declared in package.json. */
export const SettingKeys = {
  baseUrl: 'baseUrl',
  organization: 'organization',
  projects: 'projects',
  minLevel: 'minLevel',
  syncIntervalMinutes: 'syncIntervalMinutes',
  eventsPerIssue: 'eventsPerIssue',
  eagerEventIssues: 'eagerEventIssues',
  pathMappings: 'pathMappings',
  editorCodeLens: 'editor.codeLens',
  editorProblems: 'editor.problems',
  aiProvider: 'ai.provider',
  aiVscodeModel: 'ai.vscodeModel',
  aiModel: 'ai.model',
  aiBaseUrl: 'ai.baseUrl',
  aiEvidenceTokens: 'ai.evidenceTokens',
  sshConfigFile: 'ssh.configFile',
  logSources: 'logs.sources',
  allowHttp: 'allowHttp',
  alertsMinLevel: 'alerts.minLevel',
  alertsProjects: 'alerts.projects',
  alertsEnvironments: 'alerts.environments',
  alertsRelease: 'alerts.release',
} as const satisfies Record<keyof Settings, string>;

/** The smallest evidence budget a diagnosis accepts (package.json's `minimum`). */
export const MIN_EVIDENCE_TOKENS = 1000;
