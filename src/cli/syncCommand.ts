import { RcaError } from '../core/common/errors';
import { tagged, type Logger } from '../core/common/logger';
import { SentryClient } from '../core/sentry/sentryClient';
import { IssueStore } from '../core/store/issueStore';
import { isLevel, type Level } from '../core/store/model';
import { eventsProgressText, SyncEngine } from '../core/sync/syncEngine';
import { EXIT, ProgressLine, type CliIo } from './cliIo';

export interface SyncArgs {
  store: string;
  url: string;
  org: string;
  projects: string[];
  minLevel: string;
  eventsPerIssue: number;
  /** Issues whose events are fetched (most urgent first); 0 = all; default the engine's. */
  eagerEventIssues?: number;
  full: boolean;
  json: boolean;
  timeoutMs: number;
}

/** `sentry-rca sync`: one sync into the store; prints a summary (or JSON). Exit 3 when data was skipped. */
export async function syncCommand(args: SyncArgs, io: CliIo, logger: Logger, signal: AbortSignal): Promise<number> {
  const token = io.env.SENTRY_AUTH_TOKEN?.trim();
  if (!token)
    throw new RcaError(
      'usage',
      'SENTRY_AUTH_TOKEN is not set.',
      'Export a Sentry user auth token with org:read, project:read and event:read.',
    );
  if (!isLevel(args.minLevel))
    throw new RcaError(
      'usage',
      `--min-level must be one of fatal, error, warning, info, debug (got "${args.minLevel}").`,
    );
  const store = await IssueStore.open(args.store, { logger: tagged(logger, 'store') });
  try {
    if (store.recovery)
      io.err(
        `warning: the previous store could not be read (${store.recovery.reason}); it was moved to ${store.recovery.movedTo}.\n`,
      );
    const client = new SentryClient({
      baseUrl: args.url,
      token,
      org: args.org,
      logger: tagged(logger, 'sentry'),
      timeoutMs: args.timeoutMs,
      allowHttp: io.env.SENTRY_RCA_ALLOW_HTTP === '1',
    });
    const engine = new SyncEngine(
      { client, store, baseUrl: args.url, logger: tagged(logger, 'sync') },
      {
        projects: args.projects,
        minLevel: args.minLevel as Level,
        eventsPerIssue: args.eventsPerIssue,
        ...(args.eagerEventIssues === undefined ? {} : { eagerEventIssues: args.eagerEventIssues }),
      },
    );
    const progress = new ProgressLine(io);
    let summary;
    try {
      summary = await engine.run({
        signal,
        mode: args.full ? 'full' : 'auto',
        onProgress: (p) =>
          progress.update(
            p.phase === 'events'
              ? `Syncing ${args.org}: ${eventsProgressText(p)}${p.onDemand ? ` (${p.onDemand.toLocaleString('en-US')} on demand)` : ''}`
              : `Syncing ${args.org}: ${p.phase} (${p.issuesListed} issues listed)`,
          ),
      });
    } finally {
      progress.done();
    }
    if (args.json) {
      io.out(JSON.stringify(summary, null, 2) + '\n');
    } else {
      io.out(
        `${summary.kind === 'full' ? 'Full' : 'Incremental'} sync of ${args.org} (${summary.projects} project${summary.projects === 1 ? '' : 's'}): ` +
          `${summary.issuesNew} new, ${summary.issuesUpdated} updated, ${summary.issuesResolved} resolved issues; ${summary.eventsAdded} events added; ` +
          `${summary.requests} requests, ${summary.retries} retries, ${(summary.durationMs / 1000).toFixed(1)} s.\n`,
      );
      if (summary.eventsOnDemand)
        io.out(
          `${summary.eventsOnDemand} issues beyond --eager-event-issues have no events yet; the editor fetches them when an issue is opened.\n`,
        );
      for (const w of summary.warnings) io.err(`warning: ${w}\n`);
    }
    return summary.warnings.length ? EXIT.partial : EXIT.ok;
  } finally {
    store.dispose();
  }
}
