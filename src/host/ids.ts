/** Every id the extension shares with package.json, in one place (package.json must match these). */
import { LEGACY_SETTINGS_SECTION, SETTINGS_SECTION } from '../core/settings/settingNames';

export const EXTENSION_ID = 'sentry-rca.sentry-rca';

export const Commands = {
  setAuthToken: 'sentryRca.setAuthToken',
  clearAuthToken: 'sentryRca.clearAuthToken',
  syncNow: 'sentryRca.syncNow',
  cancelSync: 'sentryRca.cancelSync',
  showLog: 'sentryRca.showLog',
  openSettings: 'sentryRca.openSettings',
  diagnoseIssue: 'sentryRca.diagnoseIssue',
  openInSentry: 'sentryRca.openInSentry',
  copyLink: 'sentryRca.copyLink',
  copyShortId: 'sentryRca.copyShortId',
  sortIssues: 'sentryRca.sortIssues',
  filterByLevel: 'sentryRca.filterByLevel',
  filterByProject: 'sentryRca.filterByProject',
  filterByText: 'sentryRca.filterByText',
  clearFilters: 'sentryRca.clearFilters',
  tryDemo: 'sentryRca.tryDemo',
  openFrame: 'sentryRca.openFrame',
  addPathMapping: 'sentryRca.addPathMapping',
  setOpenAiKey: 'sentryRca.setOpenAiApiKey',
  clearOpenAiKey: 'sentryRca.clearOpenAiApiKey',
  showEventDetails: 'sentryRca.showEventDetails',
  chooseAiModel: 'sentryRca.chooseAiModel',
  setUpAi: 'sentryRca.setUpAi',
  resolveIssue: 'sentryRca.resolveIssue',
  resolveInNextRelease: 'sentryRca.resolveInNextRelease',
  resolveInCurrentRelease: 'sentryRca.resolveInCurrentRelease',
  unresolveIssue: 'sentryRca.unresolveIssue',
  archiveIssue: 'sentryRca.archiveIssue',
  assignIssue: 'sentryRca.assignIssue',
  toggleBookmark: 'sentryRca.toggleBookmark',
  toggleSubscribe: 'sentryRca.toggleSubscribe',
  addNote: 'sentryRca.addNote',
  postDiagnosisNote: 'sentryRca.postDiagnosisNote',
  filterByTriage: 'sentryRca.filterByTriage',
} as const;

/** A command id; the command table (host/commands/commandTable.ts) has an entry for each. */
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'sentryRca',
  issues: 'sentryRca.issues',
} as const;

/** `when`-clause context keys. */
export const ContextKeys = {
  /** Token and organization are both set. */
  configured: 'sentryRca.configured',
  hasToken: 'sentryRca.hasToken',
  syncing: 'sentryRca.syncing',
  filtered: 'sentryRca.filtered',
  /** The organization setting is set (the walkthrough's organization step). */
  hasOrganization: 'sentryRca.hasOrganization',
  /** A sync has succeeded at least once (the walkthrough's sync step). */
  synced: 'sentryRca.synced',
  /** At least one issue is stored (Diagnose's key binding). */
  hasIssues: 'sentryRca.hasIssues',
  /** An issue was expanded or selected in the tree (the walkthrough's "Open an issue" step). */
  issueOpened: 'sentryRca.issueOpened',
  /** A diagnosis panel opened for an issue (the walkthrough's Diagnose step). */
  diagnosed: 'sentryRca.diagnosed',
  /** Log sources are configured (the walkthrough's logs step). */
  hasLogSources: 'sentryRca.hasLogSources',
  /** An OpenAI API key is stored or in the environment (the walkthrough's AI step). */
  hasAiKey: 'sentryRca.hasAiKey',
  /** A walkthrough tab is open (see WalkthroughContext: steps whose goal was met before it opened). */
  walkthroughOpen: 'sentryRca.walkthroughOpen',
  /** The token may change issues (false only once known otherwise: a token check or a 403). */
  canWrite: 'sentryRca.canWrite',
  /** The window shows the demo folder (the Restricted Mode welcome offers "Close the Demo"). */
  demoFolder: 'sentryRca.demoFolder',
} as const;

/** Tree item contextValues, used by menus in package.json. */
export const ContextValues = {
  project: 'sentryRca.project',
  issue: 'sentryRca.issue',
  event: 'sentryRca.event',
  frame: 'sentryRca.frame',
  libraryFrames: 'sentryRca.libraryFrames',
  exception: 'sentryRca.exception',
  message: 'sentryRca.message',
  /** "N more events in Sentry…" under an issue's stored events. */
  moreEvents: 'sentryRca.moreEvents',
} as const;

export const SECRET_TOKEN_KEY = 'sentryRca.authToken';
export const SECRET_AI_KEY = 'sentryRca.openaiApiKey';

/** workspaceState keys. */
export const StateKeys = {
  treeView: 'sentryRca.treeView',
  /** Stack-root prefixes the frame mapper learned, per workspace. */
  learnedPrefixes: 'sentryRca.frames.learnedPrefixes',
  /** Digests of workspace values of consent settings the user allowed (host/trust). */
  allowedWorkspaceValues: 'sentryRca.trust.allowedWorkspaceValues',
  /** globalState: whether the token may write (triage), per Sentry URL and organization. */
  triageWriteAccess: 'sentryRca.triage.writeAccess',
  /** The user answered "Not now" to moving this workspace's old `sentryRca.*` setting names. */
  legacySettingsDeclined: 'sentryRca.settings.legacyNamesKept',
} as const;

/** Ids VS Code knows that package.json does not declare. */
export const InternalIds = {
  statusBarItem: 'sentryRca.status',
  investigationPanel: 'sentryRca.investigation',
  eventDetailsPanel: 'sentryRca.eventDetails',
} as const;

/** The settings' section (`sentryRCA.*`); command, view and context ids keep `sentryRca.`. */
export const CONFIG_SECTION = SETTINGS_SECTION;
/** The settings' old section, still read and migrated (core/settings/settingNames.ts). */
export const LEGACY_CONFIG_SECTION = LEGACY_SETTINGS_SECTION;
export const LOG_CHANNEL_NAME = 'Sentry RCA';

/** Agent-mode tools (package.json `languageModelTools`; host/ai/agentTools.ts registers them). */
export const AgentToolNames = {
  issues: 'sentry_rca_issues',
  issue: 'sentry_rca_issue',
  diagnose: 'sentry_rca_diagnose',
  logs: 'sentry_rca_logs',
} as const;
