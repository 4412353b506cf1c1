/**
 * Server logs around one stored event, for an agent: only from the log sources the user configured
 * (the MCP server's --logs, the extension's `sentryRCA.logs.sources` once trusted), never from a host
 * the agent names on its own; a bounded window around the event; the exception type and trace/request
 * ids marked in the lines. The MCP `fetch_logs` tool and the agent-mode `sentry_rca_logs` tool share it.
 */
import { RcaError } from '../common/errors';
import {
  DEFAULT_AFTER_MS,
  DEFAULT_BEFORE_MS,
  formatLogSource,
  parseDuration,
  windowAround,
  type LogRequest,
  type SshLogFetcher,
} from '../logs';
import { toJson as logsToJson } from '../logs/logsCommand';
import type { StoredEvent, StoredIssue } from '../store/model';
import { quoted } from './resultText';

/** The longest window on either side an agent may ask for. */
export const MAX_MARGIN_MS = 3_600_000;

export interface LogsAroundArgs {
  host?: string | undefined;
  before?: string | undefined;
  after?: string | undefined;
  grep?: string[] | undefined;
  maxLines?: number | undefined;
}

/**
 * The configured sources to read: all of them, or those of `host`. Throws a usage error when none are
 * configured (`noneHint` says how to configure some) or `host` is not one of them.
 */
export function chooseLogSources(
  sources: readonly LogRequest[],
  host: string | undefined,
  noneHint: string,
  where: string,
) {
  if (sources.length === 0)
    throw new RcaError('usage', `No log sources are configured for ${where}, so no logs can be fetched.`, noneHint);
  const chosen = host === undefined ? [...sources] : sources.filter((r) => r.host === host);
  if (chosen.length === 0)
    throw new RcaError(
      'usage',
      `Host ${quoted(host!)} is not a configured log source.`,
      `Configured: ${describeSources(sources)}.`,
    );
  return chosen;
}

/** `web1 (file:/var/log/app.log), db1 (journald:postgres)`: what the user is asked to allow. */
export function describeSources(sources: readonly LogRequest[]): string {
  return sources.map((r) => `${r.host} (${formatLogSource(r.source)})`).join(', ');
}

/** The fetch window around the event: margins checked (at most 1h each), the event's ids marked. */
export function eventLogWindow(event: StoredEvent, a: LogsAroundArgs) {
  const margin = (text: string | undefined, fallback: number, name: string) => {
    const ms = text === undefined ? fallback : parseDuration(text);
    if (ms > MAX_MARGIN_MS)
      throw new RcaError('usage', `${name} ${quoted(text!)} is longer than 1h.`, 'Ask for a narrower window.');
    return ms;
  };
  const marks = [event.exceptions.at(-1)?.type, event.traceId, event.requestId].filter((s): s is string => Boolean(s));
  return {
    ...windowAround(
      [new Date(event.timestamp)],
      margin(a.before, DEFAULT_BEFORE_MS, 'before'),
      margin(a.after, DEFAULT_AFTER_MS, 'after'),
    ),
    grep: [...(a.grep ?? []), ...marks],
  };
}

/** Fetches `chosen` around `event` (window checked before any connection) and shapes the result as JSON. */
export async function logsAroundEvent(
  fetcher: Pick<SshLogFetcher, 'fetch'>,
  chosen: LogRequest[],
  issue: StoredIssue,
  event: StoredEvent,
  a: LogsAroundArgs,
  signal?: AbortSignal,
) {
  const window = eventLogWindow(event, a);
  const results = await fetcher.fetch(chosen, window, { maxLines: a.maxLines ?? 400, ...(signal ? { signal } : {}) });
  return {
    issue: issue.shortId,
    event: { id: event.id, timestamp: event.timestamp },
    hosts: results.map(logsToJson),
  };
}
