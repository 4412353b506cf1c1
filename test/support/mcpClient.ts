// Drives `dist/cli.js mcp` with the MCP SDK's own client over stdio, as an agent would.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface McpSession {
  client: Client;
  /** The server's stderr so far (its log). */
  stderr(): string;
  /** Calls a tool; returns its text and whether it is a tool error. */
  call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
  close(): Promise<void>;
}

export async function startMcp(args: string[], env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(repoRoot(), 'dist', 'cli.js'), 'mcp', ...args],
    env: { PATH: process.env.PATH ?? '', ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const client = new Client({ name: 'sentry-rca-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    call: async (name, a) => {
      const r = await client.callTool({ name, arguments: a });
      const content = r.content as Array<{ type: string; text?: string }>;
      return { text: content.map((c) => c.text ?? '').join(''), isError: r.isError === true };
    },
    close: () => client.close(),
  };
}
