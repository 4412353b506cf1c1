// Composition root of the headless CLI `sentry-rca` (same core as the extension, no VS Code).
import { parseArgs } from 'node:util';
import { RcaError, errorMessage } from './core/common/errors';
import { streamLogger } from './core/common/logger';
import { EXIT, exitCodeFor, type CliIo } from './cli/cliIo';
import { issuesCommand } from './cli/issuesCommand';
import { syncCommand } from './cli/syncCommand';

const USAGE = `Usage: sentry-rca <command> [options]

Commands:
  sync      --store DIR [--url URL] [--org ORG] [--project SLUG]... [--min-level LEVEL]
            [--events-per-issue N] [--full] [--json]
            Sync Sentry into the store (token from SENTRY_AUTH_TOKEN).
  issues    --store DIR [--json] [--all] [--project SLUG]... [--min-level LEVEL]
            List the stored issues (offline).

Environment: SENTRY_AUTH_TOKEN (required for sync), SENTRY_URL (default https://sentry.io), SENTRY_ORG,
SENTRY_RCA_LOG=debug|info|warn (log level on stderr, default warn).
Exit codes: 0 ok, 1 usage, 2 remote or auth error, 3 partial result.
`;

export async function main(argv: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const logLevel = (io.env.SENTRY_RCA_LOG as 'debug' | 'info' | 'warn' | undefined) ?? 'warn';
  const logger = streamLogger((l) => io.err(l + '\n'), ['trace', 'debug', 'info', 'warn', 'error'].includes(logLevel) ? logLevel : 'warn');
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        store: { type: 'string' },
        url: { type: 'string' },
        org: { type: 'string' },
        project: { type: 'string', multiple: true },
        'min-level': { type: 'string' },
        'events-per-issue': { type: 'string' },
        'timeout': { type: 'string' },
        full: { type: 'boolean' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`sentry-rca: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const v = parsed.values;
  if (v.help) { io.out(USAGE); return EXIT.ok; }
  const need = (name: string, value: string | undefined): string => {
    if (!value) throw new RcaError('usage', `${command} needs --${name}.`);
    return value;
  };
  try {
    switch (command) {
      case 'sync': {
        const events = Number(v['events-per-issue'] ?? 5);
        return await syncCommand({
          store: need('store', v.store),
          url: v.url ?? io.env.SENTRY_URL ?? 'https://sentry.io',
          org: need('org (or SENTRY_ORG)', v.org ?? io.env.SENTRY_ORG),
          projects: v.project ?? [],
          minLevel: v['min-level'] ?? 'warning',
          eventsPerIssue: events,
          full: v.full ?? false,
          json: v.json ?? false,
          timeoutMs: Number(v.timeout ?? 30) * 1000,
        }, io, logger, signal);
      }
      case 'issues':
        return await issuesCommand({ store: need('store', v.store), json: v.json ?? false, all: v.all ?? false, projects: v.project ?? [], minLevel: v['min-level'] }, io);
      default:
        io.err(`sentry-rca: unknown command "${command}".\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (e) {
    const code = exitCodeFor(e);
    io.err(`sentry-rca: ${errorMessage(e)}\n`);
    if (!(e instanceof RcaError)) logger.error(e as Error);
    return code;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort(new RcaError('cancelled', 'Interrupted; the store is unchanged.'));
  });
  const io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    columns: process.stdout.columns || 100,
  };
  main(process.argv.slice(2), io, controller.signal).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`sentry-rca: ${errorMessage(e)}\n`);
    process.exitCode = EXIT.remote;
  });
}
