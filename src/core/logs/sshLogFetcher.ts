import { RcaError, errorMessage } from '../common/errors';
import type { Disposable } from '../common/lifecycle';
import { nullLogger, tagged, type Logger } from '../common/logger';
import { cleanLine, filterLines, GAP_LINE, type LogLine } from './lineFilter';
import { buildRemoteScript } from './remoteScript';
import { validateHostAlias } from './shellQuote';
import { formatLogSource, parseLogSource, type LogSourceSpec } from './spec';
import { CancelledError, SshConnector, SshFailure, type HostStatus, type SshConnectorOptions } from './sshConnector';
import { parseZoneOffset } from './timestamps';
import { validateWindow, type LogWindow } from './window';

export interface HostLogResult {
  host: string;
  source: LogSourceSpec;
  status: HostStatus;
  /** Always set unless status is ok with lines; says what happened in words a user can act on. */
  message?: string;
  lines: LogLine[];
  truncated: boolean;
  /** Bytes received from the host for this result. */
  bytes: number;
  /** Exactly what ran on the host, for the evidence panel. */
  command?: string;
  since: string;
  until: string;
  /** Files the window was read from (file sources). */
  files?: string[];
  durationMs: number;
}

export interface LogRequest {
  host: string;
  source: LogSourceSpec;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Lines kept per host (nearest the events). Default 2000. */
  maxLines?: number;
  /** Bytes kept per host; also the server-side cap. Default 1 MiB. */
  maxBytes?: number;
  /** Hosts fetched at once. Default 4. */
  concurrency?: number;
  /** Per-host command timeout. Default 60 s. */
  commandTimeoutMs?: number;
}

export interface SshLogFetcherOptions extends SshConnectorOptions {
  /** Connect timeout when the ssh config sets none (default 10 s). */
  timeoutMs?: number;
}

const DEFAULT_MAX_LINES = 2000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const MAX_LINE_CHARS = 4096;

/**
 * Fetches the log lines of a time window from several hosts over SSH. One result per request, in
 * request order, whatever happens to the others; connections are reused until `dispose()`.
 */
export class SshLogFetcher implements Disposable {
  private readonly connector: SshConnector;
  private readonly log: Logger;

  constructor(opts: SshLogFetcherOptions = {}) {
    this.log = tagged(opts.logger ?? nullLogger, 'ssh-logs');
    this.connector = new SshConnector({ ...opts, timeoutMs: opts.timeoutMs ?? 10_000, logger: this.log });
  }

  /** The resolver over the ssh config, e.g. to list host aliases or check a Sentry `server_name`. */
  get sshConfig() {
    return this.connector.resolver;
  }

  async fetch(requests: LogRequest[], window: LogWindow, opts: FetchOptions = {}): Promise<HostLogResult[]> {
    validateWindow(window);
    const results: HostLogResult[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const i = next++;
        results[i] = await this.fetchOne(requests[i]!, window, opts);
      }
    };
    const n = Math.max(1, Math.min(opts.concurrency ?? 4, requests.length));
    await Promise.all(Array.from({ length: n }, worker));
    if (opts.signal?.aborted) throw new RcaError('cancelled', 'Fetching server logs was cancelled.');
    return results;
  }

  private async fetchOne(req: LogRequest, w: LogWindow, opts: FetchOptions): Promise<HostLogResult> {
    const started = Date.now();
    const base = {
      host: req.host,
      source: req.source,
      lines: [] as LogLine[],
      truncated: false,
      bytes: 0,
      since: w.since.toISOString(),
      until: w.until.toISOString(),
    };
    const done = (r: Omit<HostLogResult, 'durationMs'>): HostLogResult => {
      const out = { ...r, durationMs: Date.now() - started };
      this.log.info(
        `${req.host} ${formatLogSource(req.source).slice(0, 120)}: ${out.status}, ${out.lines.length} lines, ${out.bytes} bytes, ${out.durationMs} ms${out.message ? ` — ${out.message}` : ''}`,
      );
      return out;
    };
    if (opts.signal?.aborted) return done({ ...base, status: 'error', message: 'Cancelled.' });
    let command: string | undefined;
    try {
      validateHostAlias(req.host);
      // Re-validate: requests may be built by code (settings, tags, an AI tool call), not by parseLogSpec.
      const source = parseLogSource(formatLogSource(req.source));
      const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
      const around = w.around?.length
        ? w.around.map((d) => d.getTime()).sort((a, b) => a - b)
        : [(w.since.getTime() + w.until.getTime()) / 2];
      const focusMs = around[Math.floor((around.length - 1) / 2)]!;
      const rs = buildRemoteScript({
        source,
        sinceMs: w.since.getTime(),
        untilMs: w.until.getTime(),
        focusMs,
        grep: w.grep ?? [],
        capBytes: maxBytes,
        maxLineBytes: MAX_LINE_CHARS * 4,
      });
      command = `${rs.command} <<'SENTRY_RCA_SCRIPT'\n${rs.script}SENTRY_RCA_SCRIPT`;
      const execOpts: { signal?: AbortSignal; timeoutMs: number; maxStdoutBytes: number } = {
        timeoutMs: opts.commandTimeoutMs ?? 60_000,
        maxStdoutBytes: maxBytes * 3 + 65536,
      };
      if (opts.signal) execOpts.signal = opts.signal;
      const r = await this.connector.exec(req.host, rs.command, rs.script, execOpts);
      const parsed = parseScriptOutput(r.stdout, rs.nonce);
      const status = judge(source, parsed, r.code, r.stderr, req.host);
      const filtered = filterLines(parsed.lines, {
        since: w.since,
        until: w.until,
        around: w.around?.length ? w.around : [new Date(focusMs)],
        grep: w.grep ?? [],
        maxLines: opts.maxLines ?? DEFAULT_MAX_LINES,
        maxBytes,
        maxLineChars: MAX_LINE_CHARS,
        time: { tzOffsetMinutes: parsed.tzOffsetMinutes ?? 0, refMs: w.until.getTime() },
        filterByTime: true,
      });
      const lines = filtered.lines;
      const truncated = filtered.truncated || parsed.gaps > 0;
      const result: Omit<HostLogResult, 'durationMs'> = {
        ...base,
        status: status.status,
        lines: status.status === 'ok' ? lines : [],
        truncated,
        bytes: r.bytes,
        command,
      };
      if (status.message) result.message = status.message;
      else if (lines.length === 0) result.message = `No log lines between ${base.since} and ${base.until}.`;
      if (parsed.files.length) result.files = parsed.files;
      return done(result);
    } catch (e) {
      if (e instanceof CancelledError)
        return done({ ...base, status: 'error', message: 'Cancelled.', ...(command ? { command } : {}) });
      if (e instanceof SshFailure)
        return done({ ...base, status: e.status, message: e.message, ...(command ? { command } : {}) });
      if (e instanceof RcaError && e.kind === 'usage') return done({ ...base, status: 'error', message: e.display });
      this.log.error(e instanceof Error ? e : String(e));
      return done({
        ...base,
        status: 'error',
        message: `Unexpected failure: ${errorMessage(e)}`,
        ...(command ? { command } : {}),
      });
    }
  }

  dispose(): void {
    this.connector.dispose();
  }
}

export interface ParsedOutput {
  lines: string[];
  tzOffsetMinutes?: number;
  files: string[];
  unreadable: string[];
  noFile: boolean;
  missingTool?: string;
  exitCode?: number;
  /** Places where the server cut lines (each also stands in `lines` as GAP_LINE). */
  gaps: number;
  done: boolean;
  /** Lines printed before the script started (login shell noise), dropped. */
  preamble: number;
}

/** Splits the script's stdout into log lines and the `@@nonce` control lines. Bytes are decoded per
 *  line, so one invalid sequence garbles one line only. */
export function parseScriptOutput(stdout: Buffer, nonce: string): ParsedOutput {
  const mk = `@@${nonce} `;
  const out: ParsedOutput = { lines: [], files: [], unreadable: [], noFile: false, gaps: 0, done: false, preamble: 0 };
  let start = 0;
  let seenMarker = false;
  while (start < stdout.length) {
    let end = stdout.indexOf(0x0a, start);
    if (end < 0) end = stdout.length;
    const line = stdout.subarray(start, end).toString('utf8');
    start = end + 1;
    if (!line.startsWith(mk) && line !== mk.trimEnd()) {
      // Whatever comes before the script's first marker is the login shell talking (a banner echoed
      // by .bashrc), not log output.
      if (seenMarker) out.lines.push(line);
      else out.preamble++;
      continue;
    }
    seenMarker = true;
    const body = line.slice(mk.length);
    const sp = body.indexOf(' ');
    const kind = sp < 0 ? body : body.slice(0, sp);
    const arg = sp < 0 ? '' : body.slice(sp + 1);
    switch (kind) {
      case 'tz': {
        const z = parseZoneOffset(arg);
        if (z !== undefined) out.tzOffsetMinutes = z;
        break;
      }
      case 'file':
        out.files.push(arg);
        break;
      case 'unreadable':
        out.unreadable.push(arg);
        break;
      case 'nofile':
        out.noFile = true;
        break;
      case 'missing':
        out.missingTool = arg;
        break;
      case 'exit':
        out.exitCode = Number(arg);
        break;
      case 'gap':
        out.gaps++;
        out.lines.push(GAP_LINE);
        break;
      case 'done':
        out.done = true;
        break;
      default:
        break; // `old` (skipped rotated files) and future kinds are informational
    }
  }
  return out;
}

function judge(
  source: LogSourceSpec,
  p: ParsedOutput,
  code: number | null,
  stderr: string,
  host: string,
): { status: HostStatus; message?: string } {
  // Text from the server goes into messages: clean and redact it like log lines.
  const errText = cleanLine(stderr.trim().split('\n').slice(-3).join(' '), 500);
  if (!p.done)
    return {
      status: 'error',
      message: `The log command on ${host} ended early (exit ${code ?? 'unknown'})${errText ? `: ${errText}` : ''}.`,
    };
  if (p.missingTool)
    return { status: 'error', message: `${p.missingTool} is not installed (or not on PATH) on ${host}.` };
  if (source.kind === 'file') {
    if (p.noFile)
      return {
        status: 'no-such-file',
        message: `No file matches ${source.path} on ${host} (rotated .N and .gz siblings were looked for too). Check the path and that the SSH user can see it.`,
      };
    if (p.files.length === 0 && p.unreadable.length)
      return {
        status: 'error',
        message: `Permission denied reading ${p.unreadable.join(', ')} on ${host}. Give the SSH user read access (e.g. the adm group).`,
      };
    if (p.unreadable.length)
      return { status: 'ok', message: `Some files could not be read on ${host}: ${p.unreadable.join(', ')}.` };
    return { status: 'ok' };
  }
  const ok = p.exitCode === 0 || (source.kind === 'command' && p.exitCode === 1); // grep's "no match"
  if (!ok) {
    const said = cleanLine(
      p.lines
        .filter((l) => l.trim() && l !== GAP_LINE)
        .slice(-3)
        .join(' '),
      500,
    );
    const what = source.kind === 'journald' ? 'journalctl' : source.kind === 'docker' ? 'docker logs' : 'The command';
    const hint =
      source.kind === 'docker' && /permission denied while trying to connect to the Docker daemon socket/i.test(said)
        ? ' Add the SSH user to the docker group on that host (or read the log with a cmd: source that may use the socket).'
        : '';
    return {
      status: 'error',
      message: `${what} on ${host} failed (exit ${p.exitCode ?? 'unknown'})${said ? `: ${said}` : ''}${hint}`,
    };
  }
  return { status: 'ok' };
}
