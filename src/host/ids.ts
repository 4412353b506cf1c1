/** Every id the extension shares with package.json, in one place (package.json must match these). */

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
  /** The token may change issues (false only once known otherwise: a token check or a 403). */
  canWrite: 'sentryRca.canWrite',
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
} as const;

/** Ids VS Code knows that package.json does not declare. */
export const InternalIds = {
  statusBarItem: 'sentryRca.status',
  investigationPanel: 'sentryRca.investigation',
  eventDetailsPanel: 'sentryRca.eventDetails',
} as const;

export const CONFIG_SECTION = 'sentryRca';
export const LOG_CHANNEL_NAME = 'Sentry RCA';
