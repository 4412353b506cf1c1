/**
 * `sentry-rca diagnose ISSUE_ID --store DIR --workspace DIR [--ssh-config FILE] [--logs HOST=SPEC]...
 *  [--ai openai|none] [--json|--markdown]`: the same evidence and analysis as the panel, headless.
 * Log sources come from --logs, else (only with --workspace-settings) from the workspace's
 * `.vscode/settings.json` (`sentryRCA.logs.sources`); the repository is never where the AI key goes.
 * AI: key from OPENAI_API_KEY, base URL from OPENAI_BASE_URL only, model from OPENAI_MODEL (or SENTRY_RCA_AI_MODEL, or the settings).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RcaError, errorMessage } from '../core/common/errors';
import { nullLogger, type Logger } from '../core/common/logger';
import { FrameMapper } from '../core/frames/frameMapper';
import type { PathMapping } from '../core/frames/pathMappings';
import { WorkspaceFileIndex } from '../core/frames/workspaceFileIndex';
import {
  frameResolverFromMapper,
  issueSourceFromStore,
  latestEventFromSentry,
  parseLogSources,
  releaseLookupFromSentry,
  sshLogProvider,
  workspaceAccess,
  type IssueStoreReader,
} from '../core/investigate/adapters';
import { SentryClient } from '../core/sentry/sentryClient';
import {
  runInvestigation,
  type InvestigationOutcome,
  type InvestigationRecord,
} from '../core/investigate/investigation';
import type { LlmConfig } from '../core/investigate/llmInvestigator';
import type { LogProvider } from '../core/investigate/ports';
import { secretsFromEnv } from '../core/investigate/secretScrubber';
import { SshLogFetcher, type LogRequest } from '../core/logs';
import { EXIT } from './cliIo';
import { ignoredRepoSettingsLine, readRepoSettings } from './repoSettings';

export interface DiagnoseArgs {
  /** The opened store; `update` (IssueStore has it) saves the investigation so the panel can reopen it. */
  store: IssueStoreReader & {
    update?(mutate: (draft: { investigations: Record<string, unknown[]> }) => void): Promise<void>;
    /** Where the store was synced from: with SENTRY_AUTH_TOKEN, newer events are fetched from there. */
    meta?(): { baseUrl: string | null; org: string | null };
  };
  issueId: string;
  workspace: string;
  sshConfig?: string;
  /** `HOST=SPEC`, repeatable. */
  logs?: string[];
  ai?: 'openai' | 'none';
  format?: 'text' | 'json' | 'markdown';
  env?: NodeJS.ProcessEnv;
  /** `--workspace-settings`: use the repository's log sources and path mappings. */
  workspaceSettings?: boolean;
  /** Evidence token budget (default 12k). */
  tokenBudget?: number;
  mappings?: PathMapping[];
  logger?: Logger;
  signal?: AbortSignal;
  /** Progress lines (stderr); streamed AI text goes here too in text mode. */
  err?: (s: string) => void;
  /** Tests: known_hosts and home for the SSH module. */
  ssh?: { knownHostsPath?: string; home?: string; identityAgent?: string };
}

import { toJson } from '../core/investigate/diagnosisJson';
export { toJson, type DiagnoseJson } from '../core/investigate/diagnosisJson';

export async function diagnoseCommand(args: DiagnoseArgs, out: (s: string) => void): Promise<number> {
  const env = args.env ?? process.env;
  const logger = args.logger ?? nullLogger;
  const err = args.err ?? (() => {});
  const format = args.format ?? 'text';
  const workspace = resolve(args.workspace);
  if (!isDir(workspace))
    throw new RcaError(
      'usage',
      `--workspace ${args.workspace} is not a folder.`,
      'Pass the folder of the project checkout the frames map into.',
    );
  const issue = args.store.findIssue(args.issueId);
  if (!issue)
    throw new RcaError(
      'usage',
      `Issue ${args.issueId} is not in the store.`,
      'Run `sentry-rca sync` first, or list stored issues with `sentry-rca issues`.',
    );

  const settings = readRepoSettings(workspace);
  for (const w of settings.warnings) logger.warn(w);
  const useRepo = args.workspaceSettings === true;
  const specs = args.logs?.length ? args.logs : useRepo ? settings.logSources : [];
  const ignored = ignoredRepoSettingsLine(settings, {
    logSources: useRepo || !!args.logs?.length,
    mappings: useRepo || args.mappings !== undefined,
  });
  if (ignored) err(ignored);
  const requests: LogRequest[] = parseLogSources(
    specs,
    args.logs?.length ? '--logs' : `${settings.file} sentryRCA.logs.sources`,
  );
  let ai: LlmConfig | null = null;
  if ((args.ai ?? 'openai') === 'openai') {
    const apiKey = env.OPENAI_API_KEY ?? '';
    if (!apiKey) {
      if (args.ai === 'openai')
        throw new RcaError(
          'usage',
          '--ai openai needs OPENAI_API_KEY.',
          'Set OPENAI_API_KEY (and OPENAI_BASE_URL for another compatible endpoint), or pass --ai none.',
        );
      err('No OPENAI_API_KEY: deterministic report only.\n');
    } else {
      // Never the repository's sentryRCA.ai.baseUrl: the key goes only where the user's environment says.
      const baseUrl = env.OPENAI_BASE_URL;
      ai = {
        apiKey,
        model: env.OPENAI_MODEL || env.SENTRY_RCA_AI_MODEL || settings.aiModel || 'gpt-4o-mini',
        ...(baseUrl ? { baseUrl } : {}),
      };
    }
  }

  const index = await WorkspaceFileIndex.build(
    [{ name: workspace.split(/[\\/]/).pop() || 'workspace', path: workspace }],
    { logger },
    args.signal,
  );
  const mapper = new FrameMapper(index, { mappings: args.mappings ?? (useRepo ? settings.mappings : []), logger });
  const meta = args.store.meta?.();
  const token = env.SENTRY_AUTH_TOKEN;
  // Online only when the store says where it came from and a token is there; otherwise stored events only.
  const client =
    token && meta?.baseUrl && meta.org
      ? new SentryClient({
          baseUrl: meta.baseUrl,
          token,
          org: meta.org,
          logger,
          timeoutMs: 15_000,
          maxRetries: 1,
          allowHttp: env.SENTRY_RCA_ALLOW_HTTP === '1',
        })
      : null;
  const latestEvent = client ? latestEventFromSentry(client) : undefined;
  const releases = client ? releaseLookupFromSentry(client, () => issue.projectId) : undefined;
  const fetcher = requests.length
    ? new SshLogFetcher({ ...(args.sshConfig ? { sshConfigPath: resolve(args.sshConfig) } : {}), ...args.ssh, logger })
    : null;
  const logs: LogProvider | undefined = fetcher ? sshLogProvider(fetcher, requests) : undefined;
  let outcome: InvestigationOutcome;
  try {
    outcome = await runInvestigation(
      {
        issues: issueSourceFromStore(args.store),
        frames: frameResolverFromMapper(mapper),
        ...(logs ? { logs } : {}),
        ...(latestEvent ? { latestEvent } : {}),
        ...(releases ? { releases } : {}),
        ...workspaceAccess(workspace),
      },
      issue.id,
      {
        collect: { ...(args.tokenBudget ? { tokenBudget: args.tokenBudget } : {}) },
        ai,
        secrets: secretsFromEnv(env),
        logger,
      },
      {
        phase: (p, m) => {
          if (m && format === 'text') err(`${m}\n`);
          else if (p === 'error' || p === 'cancelled') err(`${p}${m ? `: ${m}` : ''}\n`);
        },
        onToolCall: (c) => {
          if (c.status !== 'running')
            err(`tool ${c.name}(${c.args.slice(0, 120)}) → ${c.status}, ${c.resultChars} chars\n`);
        },
        aiError: (e) => err(`AI investigation failed: ${e.message}\n`),
      },
      args.signal,
    );
  } finally {
    fetcher?.dispose();
    mapper.dispose();
    index.dispose();
  }

  await saveRecord(args.store, outcome.record, logger);
  if (format === 'json') out(JSON.stringify(toJson(outcome), null, 2) + '\n');
  else out(toMarkdown(outcome) + '\n');

  const logsFailed = outcome.evidence.logs.some((h) => h.status !== 'ok' && h.status !== 'empty');
  return outcome.aiError || logsFailed ? EXIT.partial : EXIT.ok;
}

function toMarkdown(o: InvestigationOutcome): string {
  const parts = [o.report.markdown];
  if (o.ai)
    parts.push(
      `---\n\n# AI investigation (${o.ai.model}, ${o.ai.steps} step(s), ${o.ai.toolCalls.length} tool call(s))\n\n${o.ai.markdown}`,
    );
  if (o.aiError) parts.push(`---\n\n**AI investigation failed:** ${o.aiError.display}`);
  return parts.join('\n\n');
}

/** Keeps the newest investigations per issue so the panel can reopen them without re-running. */
async function saveRecord(store: DiagnoseArgs['store'], record: InvestigationRecord, logger: Logger): Promise<void> {
  if (!store.update) return;
  try {
    await store.update((d) => {
      const list = d.investigations[record.issueId] ?? [];
      d.investigations[record.issueId] = [record, ...list].slice(0, 5);
    });
  } catch (e) {
    logger.warn(`could not save the investigation in the store: ${errorMessage(e)}`);
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
