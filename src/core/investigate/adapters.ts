/**
 * Plugs the real modules into the investigation's narrow ports: the IssueStore as an IssueSource, the
 * FrameMapper as a FrameResolver, the SshLogFetcher (with its validated recipes) as a LogProvider.
 */
import type { FrameMapper } from '../frames/frameMapper';
import { RcaError } from '../common/errors';
import {
  formatLogSource,
  parseLogSpec,
  type HostLogResult,
  type LogRequest,
  type SshLogFetcher,
  type FetchOptions,
} from '../logs';
import type { StoredEvent, StoredIssue } from '../store/model';
import type { SentryClient } from '../sentry/sentryClient';
import { toStoredEvent } from '../sentry/convert';
import type {
  CodeFiles,
  FetchedLogs,
  FrameResolver,
  IssueSource,
  LatestEventFetcher,
  LogProvider,
  LogQuery,
  RepoHistory,
  ResolvedFrame,
} from './ports';
import { GitHistory } from '../history/gitHistory';
import type { ReleaseLookup } from '../history/release';
import { WorkspaceFiles } from './workspaceFiles';

/** The store reads an investigation needs (IssueStore has them). */
export interface IssueStoreReader {
  findIssue(idOrShortId: string): StoredIssue | undefined;
  issues(): StoredIssue[];
  events(issueId: string): StoredEvent[];
}

export function issueSourceFromStore(store: IssueStoreReader): IssueSource {
  return {
    getIssue: (id) => store.findIssue(id),
    getEvents: (id) => store.events(id),
    listIssues: () => store.issues(),
  };
}

/** The newest event of an issue straight from Sentry, trimmed to the stored shape like a sync would. */
export function latestEventFromSentry(client: Pick<SentryClient, 'getEvent'>): LatestEventFetcher {
  return async (issue, signal) =>
    toStoredEvent(await client.getEvent(issue.id, 'latest', signal), issue.id, issue.projectId);
}

/** The workspace's files and git, for an investigation rooted at `root`. */
export function workspaceAccess(root: string): { workspaceRoot: string; files: CodeFiles; git: RepoHistory } {
  return { workspaceRoot: root, files: new WorkspaceFiles(root), git: new GitHistory(root) };
}

/**
 * A release from Sentry's releases API: its commit (`lastCommit.id`, else a SHA `ref`) and the release
 * before it in the same project. 403 (the token lacks `project:releases`/`org:read`) and 404 (unknown
 * release) answer null so the caller falls back to git.
 */
export function releaseLookupFromSentry(
  client: Pick<SentryClient, 'getRelease' | 'listReleases'>,
  projectId: () => string | null,
): ReleaseLookup {
  return async (version, signal) => {
    const r = await client.getRelease(version, signal);
    if (!r) return null;
    const commitOf = (x: { lastCommit?: { id?: string } | null; ref?: string | null }) =>
      x.lastCommit?.id ?? (x.ref && /^[0-9a-f]{7,40}$/i.test(x.ref) ? x.ref : null);
    let previous: { version: string; commit: string | null } | null = null;
    const pid = projectId();
    if (pid) {
      const list = await client.listReleases(pid, signal);
      const at = Date.parse(r.dateReleased ?? r.dateCreated);
      const older = list
        .filter((x) => x.version !== r.version && Date.parse(x.dateReleased ?? x.dateCreated) < at)
        .sort((a, b) => Date.parse(b.dateReleased ?? b.dateCreated) - Date.parse(a.dateReleased ?? a.dateCreated))[0];
      if (older) previous = { version: older.version, commit: commitOf(older) };
    }
    return {
      version: r.version,
      commit: commitOf(r),
      previousVersion: previous?.version ?? null,
      previousCommit: previous?.commit ?? null,
    };
  };
}

export function frameResolverFromMapper(mapper: Pick<FrameMapper, 'map'>): FrameResolver {
  return {
    resolve: async (frame, project): Promise<ResolvedFrame> => {
      const m = await mapper.map(frame, project);
      return m.ok ? { path: m.path, line: m.line, column: m.column } : { reason: m.reason };
    },
  };
}

/** Only the configured requests can ever be fetched; the AI picks among them by host and source name. */
export function sshLogProvider(
  fetcher: Pick<SshLogFetcher, 'fetch'>,
  requests: LogRequest[],
  options: Omit<FetchOptions, 'signal'> = {},
): LogProvider {
  const named = requests.map((r) => ({ req: r, host: r.host, source: formatLogSource(r.source) }));
  return {
    sources: () => named.map(({ host, source }) => ({ host, source })),
    fetch: async (q: LogQuery, signal?: AbortSignal): Promise<FetchedLogs[]> => {
      const chosen = named.filter((n) => (!q.host || n.host === q.host) && (!q.source || n.source === q.source));
      if (chosen.length === 0) return [];
      const results = await fetcher.fetch(
        chosen.map((n) => n.req),
        {
          since: q.window.since,
          until: q.window.until,
          ...(q.around?.length ? { around: q.around } : {}),
          // The log module uses these terms to keep matching lines when it must cut; it never filters by them.
          grep: [...(q.grep ? [q.grep] : []), ...(q.markTerms ?? [])],
        },
        { ...options, ...(signal ? { signal } : {}) },
      );
      return results.map((r, i) => toFetched(r, chosen[i]!.source, q.grep));
    },
  };
}

function toFetched(r: HostLogResult, source: string, grep: string | undefined): FetchedLogs {
  // A grep from the AI narrows the lines; matching is literal and case-insensitive, like the log module's.
  const needle = grep?.toLowerCase();
  const lines = needle ? r.lines.filter((l) => l.marker || l.text.toLowerCase().includes(needle)) : r.lines;
  return {
    host: r.host,
    source,
    status: r.status === 'ok' && lines.length === 0 ? 'empty' : r.status,
    ...(r.message ? { message: r.message } : {}),
    lines: lines.map((l) => l.text),
    times: lines.map((l) => l.time ?? null),
    truncated: r.truncated,
    ...(r.command ? { command: r.command } : {}),
  };
}

/**
 * Log sources as settings and the CLI give them: `HOST=SPEC` (e.g. `web1=file:/var/log/app/*.log`), and
 * also `HOST:SPEC` as the setting's description shows it. A bad entry is a usage error naming `where`.
 */
export function parseLogSources(sources: readonly string[], where: string): LogRequest[] {
  return sources.map((raw) => {
    const s = raw.trim();
    const colonForm = /^([A-Za-z0-9_.-]+):((?:file|journald|journal|docker|cmd|command):[\s\S]*)$/.exec(s);
    try {
      return parseLogSpec(!s.includes('=') && colonForm ? `${colonForm[1]}=${colonForm[2]}` : s);
    } catch (e) {
      throw new RcaError(
        'usage',
        `${where}: ${e instanceof Error ? e.message : String(e)}`,
        e instanceof RcaError ? e.hint : undefined,
        { cause: e },
      );
    }
  });
}
