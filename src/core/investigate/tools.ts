/**
 * The read-only tools the model may call during an investigation. Every argument comes from the model
 * (and so, indirectly, from whatever text an attacker put in a log line or an event), so each tool
 * validates its arguments, stays inside the workspace or the configured log recipes, runs nothing
 * through a shell, and returns redacted text. There is deliberately no tool that runs a command or writes.
 */
import { errorMessage } from '../common/errors';
import type { StoredEvent } from '../store/model';
import type { IssueSource, LogProvider } from './ports';
import { GitHistory } from '../history/gitHistory';
import { WorkspaceFiles } from './workspaceFiles';
import { SecretScrubber } from './secretScrubber';

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ToolOutcome {
  /** The text the model receives (before the output cap). */
  output: string;
  ok: boolean;
}

export const TOOL_NAMES = ['read_file', 'search_code', 'fetch_logs', 'get_events', 'git_log'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

const MAX_READ_LINES = 200;
const MAX_LOG_SPAN_MS = 6 * 3600_000;
const LOG_REACH_MS = 24 * 3600_000;

export interface ToolContext {
  issueId: string;
  workspaceRoot: string;
  issues: IssueSource;
  logs?: LogProvider;
  /** Event window of the issue (ms); fetch_logs may reach a day either side, no further. */
  eventWindow: { first: number; last: number } | null;
  scrubber: SecretScrubber;
}

export class InvestigationTools {
  private readonly files: WorkspaceFiles;
  private readonly git: GitHistory;

  constructor(private readonly ctx: ToolContext) {
    this.files = new WorkspaceFiles(ctx.workspaceRoot);
    this.git = new GitHistory(ctx.workspaceRoot);
  }

  definitions(): ToolDefinition[] {
    const defs: ToolDefinition[] = [
      fn(
        'read_file',
        `Read lines of a file in the workspace (relative path). At most ${MAX_READ_LINES} lines a call.`,
        {
          path: { type: 'string', description: 'Workspace-relative path, e.g. src/db/orders.ts' },
          startLine: { type: 'integer', minimum: 1 },
          endLine: { type: 'integer', minimum: 1 },
        },
        ['path', 'startLine', 'endLine'],
      ),
      fn(
        'search_code',
        'Search the workspace for a literal string (case-insensitive). Returns path:line: text for up to 50 matches.',
        {
          pattern: { type: 'string', description: 'Literal text, at least 3 characters' },
        },
        ['pattern'],
      ),
      fn(
        'get_events',
        'Get the newest stored Sentry events of this issue with stack frames, breadcrumbs and tags.',
        {
          limit: { type: 'integer', minimum: 1, maximum: 20 },
        },
        ['limit'],
      ),
      fn(
        'git_log',
        'Recent git history of a workspace file, or of a line range of it (git log -L).',
        {
          path: { type: 'string' },
          lines: { type: 'string', description: 'Optional line range "start,end", e.g. "40,60"' },
        },
        ['path'],
      ),
    ];
    const sources = this.ctx.logs?.sources() ?? [];
    if (sources.length) {
      defs.push(
        fn(
          'fetch_logs',
          `Fetch server log lines from a configured source within a time window (at most 6 h, within a day of the events). Configured: ${sources.map((s) => `${s.host} ${s.source}`).join('; ')}.`,
          {
            host: { type: 'string', enum: [...new Set(sources.map((s) => s.host))] },
            source: { type: 'string', enum: [...new Set(sources.map((s) => s.source))] },
            since: { type: 'string', description: 'ISO 8601 time' },
            until: { type: 'string', description: 'ISO 8601 time' },
            grep: { type: 'string', description: 'Optional literal text the lines must contain' },
          },
          ['host', 'source', 'since', 'until'],
        ),
      );
    }
    return defs;
  }

  async run(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome> {
    try {
      switch (name) {
        case 'read_file':
          return await this.readFile(args);
        case 'search_code':
          return await this.searchCode(args);
        case 'get_events':
          return this.getEvents(args);
        case 'git_log':
          return await this.gitLog(args, signal);
        case 'fetch_logs':
          return await this.fetchLogs(args, signal);
        default:
          return refuse(
            `there is no tool named "${name}". The only tools are read-only: ${this.definitions()
              .map((d) => d.function.name)
              .join(', ')}.`,
          );
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      return { ok: false, output: `Error: ${this.ctx.scrubber.scrub(errorMessage(e))}` };
    }
  }

  private async readFile(args: Record<string, unknown>): Promise<ToolOutcome> {
    const path = str(args.path);
    const start = int(args.startLine);
    let end = int(args.endLine);
    if (path === null || start === null || end === null)
      return refuse('read_file needs path (string), startLine and endLine (integers).');
    if (end < start) return refuse('endLine is before startLine.');
    const r = await this.files.resolve(path);
    if ('error' in r) return refuse(`${r.error}.`);
    let note = '';
    if (end - start + 1 > MAX_READ_LINES) {
      end = start + MAX_READ_LINES - 1;
      note = `\n[only ${MAX_READ_LINES} lines a call; ask again from line ${end + 1} if you need more]`;
    }
    const { lines, total } = await this.files.readLines(r.abs, start, end);
    if (lines.length === 0) return { ok: false, output: `${r.rel} has ${total} lines; nothing at ${start}-${end}.` };
    return {
      ok: true,
      output: `${r.rel} lines ${lines[0]![0]}-${lines[lines.length - 1]![0]} of ${total}:\n${lines.map(([n, t]) => `${String(n).padStart(5)} | ${this.ctx.scrubber.scrub(t)}`).join('\n')}${note}`,
    };
  }

  private async searchCode(args: Record<string, unknown>): Promise<ToolOutcome> {
    const pattern = str(args.pattern);
    if (pattern === null || pattern.trim().length < 3)
      return refuse('search_code needs a pattern of at least 3 characters.');
    if (pattern.length > 200 || /[\r\n\0]/.test(pattern))
      return refuse('pattern must be one line of at most 200 characters.');
    const r = await this.files.search(pattern);
    if (r.hits.length === 0) return { ok: true, output: `No matches for "${pattern}" in ${r.filesScanned} files.` };
    return {
      ok: true,
      output: `${r.hits.length} match(es)${r.complete ? '' : ' (stopped early; use a more specific pattern)'}:\n${r.hits.map((h) => `${h.path}:${h.line}: ${this.ctx.scrubber.scrub(h.text)}`).join('\n')}`,
    };
  }

  private getEvents(args: Record<string, unknown>): ToolOutcome {
    const limit = Math.min(20, Math.max(1, int(args.limit) ?? 3));
    const events = this.ctx.issues.getEvents(this.ctx.issueId).slice(0, limit);
    if (events.length === 0) return { ok: true, output: 'No stored events for this issue.' };
    return { ok: true, output: this.ctx.scrubber.scrub(events.map(describeEvent).join('\n\n')) };
  }

  private async gitLog(args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome> {
    const path = str(args.path);
    if (path === null) return refuse('git_log needs a path.');
    const r = await this.files.resolve(path);
    if ('error' in r) return refuse(`${r.error}.`);
    if (!(await this.git.isRepo())) return { ok: false, output: 'The workspace is not a git repository.' };
    const lines =
      args.lines === undefined || args.lines === null || args.lines === ''
        ? null
        : /^\s*(\d+)\s*[,-]\s*(\d+)\s*$/.exec(String(args.lines));
    if (args.lines !== undefined && args.lines !== null && args.lines !== '' && !lines)
      return refuse('lines must look like "40,60".');
    const out = lines
      ? await this.git.logLines(r.rel, Number(lines[1]), Math.max(Number(lines[1]), Number(lines[2])), 5, signal)
      : await this.git.logFile(r.rel, 15, signal);
    return {
      ok: true,
      output: out.trim()
        ? this.ctx.scrubber.scrub(out)
        : `No commits touch ${r.rel}${lines ? ` lines ${lines[1]}-${lines[2]}` : ''}.`,
    };
  }

  private async fetchLogs(args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome> {
    const logs = this.ctx.logs;
    if (!logs) return refuse('no log sources are configured.');
    const host = str(args.host);
    const source = str(args.source);
    const configured = logs.sources();
    if (!configured.some((s) => s.host === host && s.source === source)) {
      return refuse(
        `only configured sources can be read: ${configured.map((s) => `${s.host} ${s.source}`).join('; ')}.`,
      );
    }
    const since = Date.parse(str(args.since) ?? '');
    const until = Date.parse(str(args.until) ?? '');
    if (!Number.isFinite(since) || !Number.isFinite(until) || until <= since)
      return refuse('since and until must be ISO 8601 times with since < until.');
    if (until - since > MAX_LOG_SPAN_MS) return refuse('the window may span at most 6 hours; narrow it.');
    const w = this.ctx.eventWindow;
    if (w && (since < w.first - LOG_REACH_MS || until > w.last + LOG_REACH_MS))
      return refuse("the window must be within a day of the issue's events.");
    const grep = args.grep === undefined || args.grep === null || args.grep === '' ? undefined : str(args.grep);
    if (grep === null || (grep !== undefined && (grep.length > 120 || /[\r\n\0]/.test(grep))))
      return refuse('grep must be one line of at most 120 characters of literal text.');
    const result = await logs.fetch(
      {
        window: { since: new Date(since), until: new Date(until) },
        host: host!,
        source: source!,
        ...(grep ? { grep } : {}),
      },
      signal,
    );
    const parts = result.map(
      (r) =>
        `${r.host} ${r.source}: ${r.status}${r.message ? ` (${r.message})` : ''}, ${r.lines.length} line(s)\n${r.lines.join('\n')}`,
    );
    return {
      ok: result.every((r) => r.status === 'ok' || r.status === 'empty' || r.status === 'truncated'),
      output: this.ctx.scrubber.scrub(parts.join('\n\n') || 'No output.'),
    };
  }
}

function fn(
  name: string,
  description: string,
  properties: Record<string, unknown>,
  required: string[],
): ToolDefinition {
  return {
    type: 'function',
    function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } },
  };
}

function refuse(why: string): ToolOutcome {
  return { ok: false, output: `Refused: ${why}` };
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function int(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

function describeEvent(e: StoredEvent): string {
  const L: string[] = [
    `event ${e.id} at ${e.timestamp} release=${e.release ?? '-'} env=${e.environment ?? '-'}${e.traceId ? ` trace=${e.traceId}` : ''}${e.request ? ` ${e.request.method ?? ''} ${e.request.url ?? ''}` : ''}`,
  ];
  if (e.message) L.push(`message: ${e.message}`);
  for (const x of e.exceptions) {
    L.push(`${x.type}: ${x.value}${x.handled === false ? ' (unhandled)' : ''}`);
    for (const f of [...x.frames].reverse().slice(0, 12))
      L.push(
        `  at ${f.function ?? '?'} (${f.filename ?? f.absPath ?? '?'}:${f.lineNo ?? '?'})${f.inApp ? '' : ' [library]'}`,
      );
  }
  const tags = Object.entries(e.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (tags) L.push(`tags: ${tags}`);
  for (const b of e.breadcrumbs.slice(-8))
    L.push(`breadcrumb ${b.timestamp ?? ''} ${b.category ?? ''} ${b.message ?? ''}`.trim());
  return L.join('\n');
}
