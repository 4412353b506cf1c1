/** The `mcp` command's usage lines: apart from mcpCommand.ts so `sentry-rca --help` does not load the MCP SDK. */
export const MCP_USAGE = `  mcp       --store DIR [--workspace DIR] [--ssh-config FILE] [--logs HOST=SPEC]...
            Serve the stored issues, mapped frames, diagnosis and configured logs to AI agents over
            MCP (stdio). Read-only. Log sources only from --logs or SENTRY_RCA_LOGS (one per line).`;
