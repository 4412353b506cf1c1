/**
 * `sentry-rca logs --ssh-config FILE --host ALIAS --source SPEC --around ISO_TIME [--before 5m --after 2m]
 *  [--grep TEXT]... [--json]`: prints the log window of one host (or several: --host repeats).
 * Exit codes: 0 ok, 1 usage, 2 a host could not be reached, refused us, or had no such log, 3 some hosts ok.
 * Kept beside the log module (no VS Code, no process globals) so cli.ts only routes to it.
 */
import { parseArgs } from 'node:util';
import { RcaError } from '../common/errors';
import type { Logger } from '../common/logger';
import { formatLogSource, parseLogSource } from './spec';
import { SshLogFetcher, type HostLogResult } from './sshLogFetcher';
import { validateHostAlias } from './shellQuote';
import { DEFAULT_AFTER_MS, DEFAULT_BEFORE_MS, parseDuration, windowAround } from './window';

export const LOGS_USAGE = `  logs      --host ALIAS --source SPEC --around ISO_TIME [--ssh-config FILE] [--before 5m] [--after 2m]
            [--grep TEXT]... [--max-lines N] [--json]
            Print the server log lines around a time. SPEC: file:GLOB, journal:UNIT, docker:CONTAINER,
            cmd:TEMPLATE ({since} {until} {sinceEpoch} {untilEpoch} {grep}). --host and --around may repeat.`;

/** `--json` shape (one object per host; an array when --host repeats). */
export interface LogsJson {
  host: string;
  source: string;
  status: HostLogResult['status'];
  message: string | null;
  since: string;
  until: string;
  truncated: boolean;
  bytes: number;
  lines: Array<{ text: string; time: string | null; match: string[] }>;
}

export interface LogsCommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** Test hooks: known_hosts, home and agent for the SSH module. */
export interface LogsCommandSshOptions {
  knownHostsPath?: string;
  home?: string;
  identityAgent?: string;
}

export async function logsCommand(
  argv: string[],
  io: LogsCommandIo,
  logger: Logger,
  signal?: AbortSignal,
  ssh: LogsCommandSshOptions = {},
): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'ssh-config': { type: 'string' },
        host: { type: 'string', multiple: true },
        source: { type: 'string' },
        around: { type: 'string', multiple: true },
        before: { type: 'string' },
        after: { type: 'string' },
        grep: { type: 'string', multiple: true },
        'max-lines': { type: 'string' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    throw new RcaError('usage', `logs: ${(e as Error).message}`, `Usage:\n${LOGS_USAGE}`);
  }
  const hosts = (v.host ?? []).map((h) => validateHostAlias(h));
  if (hosts.length === 0) throw new RcaError('usage', 'logs needs --host ALIAS (an alias from your ssh config).');
  if (!v.source)
    throw new RcaError(
      'usage',
      'logs needs --source SPEC.',
      'e.g. --source file:/var/log/app/*.log, journal:app.service, docker:api or cmd:TEMPLATE.',
    );
  if (!v.around?.length)
    throw new RcaError('usage', 'logs needs --around ISO_TIME.', 'e.g. --around 2026-11-25T14:03:00Z');
  const source = parseLogSource(v.source);
  const times = v.around.map((t) => {
    const d = new Date(t);
    if (!/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t) || Number.isNaN(d.getTime()))
      throw new RcaError(
        'usage',
        `--around ${JSON.stringify(t)} is not an ISO 8601 time.`,
        'e.g. 2026-11-25T14:03:00Z',
      );
    return d;
  });
  const maxLines = v['max-lines'] === undefined ? undefined : Number(v['max-lines']);
  if (maxLines !== undefined && !(Number.isInteger(maxLines) && maxLines > 0))
    throw new RcaError('usage', '--max-lines must be a positive whole number.');
  const window = {
    ...windowAround(
      times,
      v.before ? parseDuration(v.before) : DEFAULT_BEFORE_MS,
      v.after ? parseDuration(v.after) : DEFAULT_AFTER_MS,
    ),
    grep: v.grep ?? [],
  };

  const fetcher = new SshLogFetcher({ ...(v['ssh-config'] ? { sshConfigPath: v['ssh-config'] } : {}), ...ssh, logger });
  let results: HostLogResult[];
  try {
    results = await fetcher.fetch(
      hosts.map((host) => ({ host, source })),
      window,
      { ...(signal ? { signal } : {}), ...(maxLines ? { maxLines } : {}) },
    );
  } finally {
    fetcher.dispose();
  }

  if (v.json) {
    const json = results.map(toJson);
    io.out(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
  } else {
    for (const r of results) io.out(renderText(r));
  }
  for (const r of results) if (r.status !== 'ok') io.err(`sentry-rca: ${r.host}: ${r.message ?? r.status}\n`);
  const ok = results.filter((r) => r.status === 'ok').length;
  return ok === results.length ? 0 : ok === 0 ? 2 : 3;
}

export function toJson(r: HostLogResult): LogsJson {
  return {
    host: r.host,
    source: formatLogSource(r.source),
    status: r.status,
    message: r.message ?? null,
    since: r.since,
    until: r.until,
    truncated: r.truncated,
    bytes: r.bytes,
    lines: r.lines.map((l) => ({ text: l.text, time: l.time ?? null, match: l.matched ?? [] })),
  };
}

function renderText(r: HostLogResult): string {
  const head = `== ${r.host} ${formatLogSource(r.source)}: ${r.status}, ${r.lines.filter((l) => !l.marker).length} lines, ${r.since} .. ${r.until}${r.truncated ? ' (truncated)' : ''}\n`;
  // Lines are already cleaned of escapes and control bytes; matches get a marker in the gutter.
  const body = r.lines.map((l) => `${l.marker ? '~' : l.matched ? '>' : ' '} ${l.text}\n`).join('');
  return head + body + (r.message && r.status === 'ok' ? `   (${r.message})\n` : '');
}
