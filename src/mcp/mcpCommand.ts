/**
 * `sentry-rca mcp --store DIR [--workspace DIR] [--ssh-config FILE] [--logs HOST=SPEC]...`: the MCP
 * server on stdio (stdout carries the protocol, stderr the log). Composition root of the MCP side, like
 * cli.ts is of the CLI: it opens the store and hands the configured parts to createMcpServer.
 * Log sources come only from --logs and SENTRY_RCA_LOGS (one HOST=SPEC per line): an agent working in
 * a checkout must not be able to point the SSH module elsewhere by editing the workspace's files.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { RcaError } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { parseLogSources } from '../core/investigate/adapters';
import { IssueStore } from '../core/store/issueStore';
import { createMcpServer } from './mcpServer';
import { MCP_USAGE } from './mcpUsage';

export interface McpCommandIo {
  env: NodeJS.ProcessEnv;
  /** The protocol streams; default process.stdin / process.stdout. */
  stdin?: Readable;
  stdout?: Writable;
}

export async function mcpCommand(
  argv: string[],
  io: McpCommandIo,
  logger: Logger,
  version: string,
  signal?: AbortSignal,
): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        store: { type: 'string' },
        workspace: { type: 'string' },
        'ssh-config': { type: 'string' },
        logs: { type: 'string', multiple: true },
      },
    }).values;
  } catch (e) {
    throw new RcaError('usage', `mcp: ${(e as Error).message}`, `Usage:\n${MCP_USAGE}`);
  }
  const storeDir = v.store ?? io.env.SENTRY_RCA_STORE;
  if (!storeDir)
    throw new RcaError(
      'usage',
      'mcp needs --store DIR (or SENTRY_RCA_STORE).',
      'Point it at the directory `sentry-rca sync --store` writes.',
    );
  // Read-only: a mistyped --store is an error, not a new empty store.
  if (!isDir(resolve(storeDir)))
    throw new RcaError(
      'usage',
      `The store folder ${storeDir} does not exist.`,
      `Run \`sentry-rca sync --store ${storeDir}\` first, or point --store at the folder sync writes.`,
    );
  const workspace = resolve(v.workspace ?? process.cwd());
  if (!isDir(workspace)) throw new RcaError('usage', `--workspace ${v.workspace} is not a folder.`);
  const fromFlags = v.logs ?? [];
  const fromEnv = (io.env.SENTRY_RCA_LOGS ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  const logSources = fromFlags.length
    ? parseLogSources(fromFlags, '--logs')
    : parseLogSources(fromEnv, 'SENTRY_RCA_LOGS');

  const store = await IssueStore.open(resolve(storeDir), { logger });
  const server = createMcpServer({
    store,
    workspace,
    logSources,
    ...(v['ssh-config'] ? { sshConfig: resolve(v['ssh-config']) } : {}),
    env: io.env,
    logger,
    version,
  });
  const transport = new StdioServerTransport(io.stdin, io.stdout);
  const closed = new Promise<void>((done) => {
    transport.onclose = () => done();
    (io.stdin ?? process.stdin).once('end', () => done());
    signal?.addEventListener('abort', () => done(), { once: true });
  });
  try {
    await server.connect(transport);
    logger.info(
      `[mcp] serving ${store.file} for ${workspace}; log sources: ${logSources.map((r) => r.host).join(', ') || 'none'}`,
    );
    await closed;
  } finally {
    await server.close().catch(() => {});
    store.dispose();
  }
  return 0;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
