// Public API of the SSH log module: what the investigation, the CLI and the host layer use.
export { parseLogSpec, parseLogSource, formatLogSource, type LogSourceSpec } from './spec';
export { windowAround, parseDuration, DEFAULT_BEFORE_MS, DEFAULT_AFTER_MS, type LogWindow } from './window';
export type { LogLine } from './lineFilter';
export {
  SshLogFetcher,
  type HostLogResult,
  type LogRequest,
  type FetchOptions,
  type SshLogFetcherOptions,
} from './sshLogFetcher';
export type { HostStatus } from './sshConnector';
export { SshConfigResolver, type ResolvedHost } from './sshConfig';
export { logsCommand, LOGS_USAGE, type LogsJson } from './logsCommand';
export { parseLogRule, selectLogRequests, type LogRule, type SelectionContext } from './hostSelection';
