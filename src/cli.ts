// Composition root of the headless CLI `sentry-rca` (same core as the extension, no VS Code).
import { parseArgs } from 'node:util';
import { RcaError, errorMessage } from './core/common/errors';
import { streamLogger } from './core/common/logger';
import { EXIT, exitCodeFor, type CliIo } from './cli/cliIo';
import { diagnoseCommand } from './cli/diagnoseCommand';
import { framesCommand } from './cli/framesCommand';
import { issuesCommand } from './cli/issuesCommand';
import { LOGS_USAGE, logsCommand } from './core/logs/logsCommand';
import { IssueStore } from './core/store/issueStore';
import { syncCommand } from './cli/syncCommand';
import { MCP_USAGE } from './mcp/mcpUsage';
import { isTriageCommand, TRIAGE_USAGE, triageCommand } from './cli/triageCommand';
import { version } from '../package.json';

const WORKSPACE_NOTE = `            A --workspace folder is treated as someone else's repository: its .vscode/settings.json
            never chooses where a key goes (sentryRCA.baseUrl and sentryRCA.ai.baseUrl are not read;
            the AI endpoint is OPENAI_BASE_URL) and runs nothing. --workspace-settings uses its
            sentryRCA.logs.sources and sentryRCA.pathMappings; without it they are ignored, with one
            line on stderr saying so.`;

const COMMAND_USAGE: Record<string, string> = {
  sync: `  sync      --store DIR [--url URL] [--org ORG] [--project SLUG]... [--min-level LEVEL]
            [--events-per-issue N] [--eager-event-issues N] [--full] [--json]
            Sync Sentry into the store (token from SENTRY_AUTH_TOKEN). Issues are stored as soon as
            they are listed, events in batches; an interrupted sync resumes where it stopped.
            --eager-event-issues caps the issues whose events are fetched (default 2000, 0 = all).`,
  issues: `  issues    --store DIR [--json] [--all] [--project SLUG]... [--min-level LEVEL]
            List the stored issues (offline).`,
  frames: `  frames    ISSUE_ID --store DIR --workspace DIR [--workspace-settings] [--json] [--all]
            Map the latest event's stack frames to files in the workspace (--all: list each
            library frame instead of folding runs of them).
${WORKSPACE_NOTE}`,
  diagnose: `  diagnose  ISSUE_ID --store DIR --workspace DIR [--ssh-config FILE] [--logs HOST=SPEC]...
            [--workspace-settings] [--ai openai|none] [--json|--markdown]
            Root-cause analysis: events, code, git history, server logs over SSH, and the
            deterministic report (plus the AI's, with OPENAI_API_KEY and --ai openai).
${WORKSPACE_NOTE}`,
  logs: LOGS_USAGE,
  mcp: MCP_USAGE,
  ...TRIAGE_USAGE,
};

const ENVIRONMENT = `Environment: SENTRY_AUTH_TOKEN (required for sync and triage), SENTRY_URL (default https://sentry.io), SENTRY_ORG,
OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL (diagnose --ai openai), SENTRY_RCA_STORE and
SENTRY_RCA_LOGS (mcp), SENTRY_RCA_LOG=debug|info|warn (log level on stderr, default warn),
SENTRY_RCA_ALLOW_HTTP=1 (plain http to a Sentry host other than this machine; the token travels in clear).
Exit codes: 0 ok, 1 usage, 2 remote or auth error, 3 partial result.
`;

const USAGE = `Usage: sentry-rca <command> [options]
       sentry-rca <command> --help | sentry-rca --version

Commands:
${Object.values(COMMAND_USAGE).join('\n')}

${ENVIRONMENT}`;

/** `sentry-rca <command> --help`: that command's usage and the shared environment and exit codes. */
function commandUsage(command: string): string {
  return `Usage: sentry-rca ${command} [options]\n\n${COMMAND_USAGE[command]}\n\n${ENVIRONMENT}`;
}

export async function main(argv: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    io.out(`sentry-rca ${version}\n`);
    return EXIT.ok;
  }
  if (command === 'help' && rest[0] && COMMAND_USAGE[rest[0]]) {
    io.out(commandUsage(rest[0]));
    return EXIT.ok;
  }
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (!Object.hasOwn(COMMAND_USAGE, command)) {
    io.err(`sentry-rca: unknown command "${command}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  // Before any parsing, so every command answers --help the same way (logs and mcp parse their own flags).
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandUsage(command));
    return EXIT.ok;
  }
  const logLevel = (io.env.SENTRY_RCA_LOG as 'debug' | 'info' | 'warn' | undefined) ?? 'warn';
  const logger = streamLogger(
    (l) => io.err(l + '\n'),
    ['trace', 'debug', 'info', 'warn', 'error'].includes(logLevel) ? logLevel : 'warn',
  );
  if (isTriageCommand(command)) {
    try {
      return await triageCommand(command, rest, io, logger, signal);
    } catch (e) {
      io.err(`sentry-rca: ${errorMessage(e)}\n`);
      return exitCodeFor(e);
    }
  }
  if (command === 'logs' || command === 'mcp') {
    try {
      return command === 'logs'
        ? await logsCommand(rest, io, logger, signal)
        : await (await import('./mcp/mcpCommand')).mcpCommand(rest, { env: io.env }, logger, version, signal);
    } catch (e) {
      io.err(`sentry-rca: ${errorMessage(e)}\n`);
      return exitCodeFor(e);
    }
  }
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
        'eager-event-issues': { type: 'string' },
        timeout: { type: 'string' },
        full: { type: 'boolean' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        workspace: { type: 'string' },
        'ssh-config': { type: 'string' },
        logs: { type: 'string', multiple: true },
        'workspace-settings': { type: 'boolean' },
        ai: { type: 'string' },
        markdown: { type: 'boolean' },
      },
    });
  } catch (e) {
    io.err(`sentry-rca: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const v = parsed.values;
  const need = (name: string, value: string | undefined): string => {
    if (!value) throw new RcaError('usage', `${command} needs --${name}.`);
    return value;
  };
  try {
    switch (command) {
      case 'sync': {
        const events = Number(v['events-per-issue'] ?? 5);
        return await syncCommand(
          {
            store: need('store', v.store),
            url: v.url ?? io.env.SENTRY_URL ?? 'https://sentry.io',
            org: need('org (or SENTRY_ORG)', v.org ?? io.env.SENTRY_ORG),
            projects: v.project ?? [],
            minLevel: v['min-level'] ?? 'warning',
            eventsPerIssue: events,
            eagerEventIssues: v['eager-event-issues'] === undefined ? undefined : Number(v['eager-event-issues']),
            full: v.full ?? false,
            json: v.json ?? false,
            timeoutMs: Number(v.timeout ?? 30) * 1000,
          },
          io,
          logger,
          signal,
        );
      }
      case 'issues':
        return await issuesCommand(
          {
            store: need('store', v.store),
            json: v.json ?? false,
            all: v.all ?? false,
            projects: v.project ?? [],
            minLevel: v['min-level'],
          },
          io,
        );
      case 'frames':
      case 'diagnose': {
        const issueId = parsed.positionals[0];
        if (!issueId)
          throw new RcaError('usage', `${command} needs an ISSUE_ID (numeric id or short id such as ORDERS-1).`);
        const workspace = need('workspace', v.workspace);
        const store = await IssueStore.open(need('store', v.store));
        try {
          if (store.issues().length === 0)
            throw new RcaError('usage', `The store ${store.file} holds no issues.`, 'Run `sentry-rca sync` first.');
          if (command === 'frames')
            return await framesCommand(
              {
                store,
                issueId,
                workspace,
                json: v.json ?? false,
                expand: v.all ?? false,
                workspaceSettings: v['workspace-settings'] ?? false,
                err: io.err,
              },
              io.out,
            );
          if (v.ai !== undefined && v.ai !== 'openai' && v.ai !== 'none')
            throw new RcaError('usage', `--ai must be openai or none (got "${v.ai}").`);
          if (v.json && v.markdown) throw new RcaError('usage', 'Choose one of --json and --markdown.');
          return await diagnoseCommand(
            {
              store,
              issueId,
              workspace,
              sshConfig: v['ssh-config'],
              logs: v.logs ?? [],
              ai: v.ai as 'openai' | 'none' | undefined,
              workspaceSettings: v['workspace-settings'] ?? false,
              format: v.json ? 'json' : v.markdown ? 'markdown' : 'text',
              env: io.env,
              logger,
              signal,
              err: io.err,
            },
            io.out,
          );
        } finally {
          store.dispose();
        }
      }
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
  main(process.argv.slice(2), io, controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`sentry-rca: ${errorMessage(e)}\n`);
      process.exitCode = EXIT.remote;
    },
  );
}
