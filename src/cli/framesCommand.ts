/**
 * `sentry-rca frames ISSUE_ID --store DIR --workspace DIR [--json]`: every frame of the issue's
 * latest stored event, with the local file and line it maps to, or why it does not map.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { RcaError } from '../core/common/errors';
import { FrameMapper, displayPath, type FrameMapping } from '../core/frames/frameMapper';
import type { PathMapping } from '../core/frames/pathMappings';
import { WorkspaceFileIndex } from '../core/frames/workspaceFileIndex';
import { readWorkspaceFrameSettings } from '../core/frames/workspaceSettings';
import { ignoredRepoSettingsLine, readRepoSettings } from './repoSettings';
import type { StoredEvent, StoredFrame, StoredIssue } from '../core/store/model';
import { EXIT, printable } from './cliIo';

/** The two store reads this command needs; the IssueStore provides them. */
export interface IssueStoreLike {
  findIssue(idOrShortId: string): StoredIssue | undefined;
  /** Newest first. */
  events(issueId: string): StoredEvent[];
}

export interface FramesArgs {
  store: IssueStoreLike;
  issueId: string;
  workspace: string;
  json: boolean;
  /** Text output: list every library frame instead of folding each run of them into one row (`--all`). */
  expand?: boolean;
  /** Path mappings; when absent and `workspaceSettings` is set, `sentryRCA.pathMappings` from the workspace's .vscode/settings.json. */
  mappings?: PathMapping[];
  /** `--workspace-settings`: use the repository's own path mappings (otherwise they are ignored, with a line on `err`). */
  workspaceSettings?: boolean;
  /** stderr. */
  err?: (s: string) => void;
  /** Globs to leave out of the file index (`files.exclude` syntax); when absent, the workspace's own. */
  exclude?: string[];
}

/** One row of `frames --json` (documented in the README). */
export interface FrameJson {
  /** Position in the event's frames, oldest call first across chained exceptions (Sentry's order). */
  index: number;
  /** Type of the exception the frame belongs to. */
  exception: string;
  function: string | null;
  filename: string | null;
  absPath: string | null;
  module: string | null;
  lineNo: number | null;
  colNo: number | null;
  inApp: boolean;
  /** Local file, relative to the workspace (`/`-separated), line and column; null when not mapped. */
  local: { path: string; line: number; column: number } | null;
  /** How it was mapped (`mapping`, `absolute`, `prefix`, `suffix`, …), null when not mapped. */
  via: string | null;
  /** Set when the frame's line was found elsewhere in today's file. */
  moved: { from: number; to: number } | null;
  /** Why the frame is not mapped (null when mapped). */
  reason: string | null;
  /** Machine-readable form of `reason`. */
  code: string | null;
}

export interface FramesJson {
  issue: { id: string; shortId: string; title: string; project: string };
  event: { id: string; timestamp: string; release: string | null } | null;
  workspace: string;
  frames: FrameJson[];
  warnings: string[];
}

/**
 * Runs the command; returns the exit code (0, or 3 when the issue has no stored event with frames).
 * Throws RcaError kind `usage` for an unknown issue or a workspace that is not a folder.
 */
export async function framesCommand(args: FramesArgs, out: (s: string) => void): Promise<number> {
  const workspace = resolve(args.workspace);
  let isDir = false;
  try {
    isDir = statSync(workspace).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new RcaError(
      'usage',
      `--workspace ${args.workspace} is not a folder.`,
      'Pass the folder of the project checkout the frames should map into.',
    );
  const issue = args.store.findIssue(args.issueId);
  if (!issue) {
    throw new RcaError(
      'usage',
      `Issue ${args.issueId} is not in the store.`,
      'Run `sentry-rca sync` first, or list stored issues with `sentry-rca issues`.',
    );
  }
  const event = args.store.events(issue.id)[0];
  const head: FramesJson = {
    issue: { id: issue.id, shortId: issue.shortId, title: issue.title, project: issue.projectSlug },
    event: event ? { id: event.id, timestamp: event.timestamp, release: event.release } : null,
    workspace,
    frames: [],
    warnings: [],
  };
  const frames: Array<{ frame: StoredFrame; exception: string }> = [];
  for (const ex of event?.exceptions ?? []) for (const frame of ex.frames) frames.push({ frame, exception: ex.type });
  if (!event || frames.length === 0) {
    const why = event
      ? `The latest stored event of ${issue.shortId} has no stack frames.`
      : `No events of ${issue.shortId} are stored.`;
    head.warnings.push(why);
    out(args.json ? JSON.stringify(head, null, 2) + '\n' : `${why}\n`);
    return EXIT.partial;
  }

  // The folder's files.exclude always applies (it only hides files); its path mappings with --workspace-settings.
  const settings = args.mappings && args.exclude ? undefined : readWorkspaceFrameSettings(workspace);
  const repoMappings = args.mappings ? undefined : (settings?.mappings ?? []);
  if (repoMappings?.length && !args.workspaceSettings) {
    args.err?.(
      ignoredRepoSettingsLine(
        { ...readRepoSettings(workspace), logSources: [], neverUsed: [] },
        { logSources: true, mappings: false },
      ),
    );
  }
  const index = await WorkspaceFileIndex.build([{ name: basename(workspace), path: workspace }], {
    exclude: args.exclude ?? settings?.exclude ?? [],
  });
  const mapper = new FrameMapper(index, {
    mappings: args.mappings ?? (args.workspaceSettings ? repoMappings : undefined) ?? [],
  });
  try {
    const mapped = await mapper.mapAll(
      frames.map((f) => f.frame),
      issue.projectSlug,
    );
    head.warnings.push(...(settings?.warnings ?? []), ...index.warnings, ...mapper.checkMappings());
    head.frames = frames.map(({ frame, exception }, i) => toJson(i, exception, frame, mapped[i]!));
  } finally {
    mapper.dispose();
    index.dispose();
  }
  out(args.json ? JSON.stringify(head, null, 2) + '\n' : renderTable(head, args.expand ?? false));
  return EXIT.ok;
}

function toJson(index: number, exception: string, f: StoredFrame, m: FrameMapping): FrameJson {
  return {
    index,
    exception,
    function: f.function,
    filename: f.filename,
    absPath: f.absPath,
    module: f.module,
    lineNo: f.lineNo,
    colNo: f.colNo,
    inApp: f.inApp,
    local: m.ok ? { path: displayPath(m), line: m.line, column: m.column } : null,
    via: m.ok ? m.via : null,
    moved: m.ok && m.moved ? m.moved : null,
    reason: m.ok ? null : m.reason,
    code: m.ok ? null : m.code,
  };
}

/** Short words for why library frames did not map (the folded row counts them by kind). */
const UNMAPPED_WORDS: Record<string, string> = {
  'no-match': 'not in the workspace',
  runtime: 'Node.js runtime',
  native: 'native code',
  'not-a-file': 'generated at run time',
  url: 'URL without source map',
  'library-frame': 'file name only',
  'excluded-dir': 'dependency or build folder',
  ambiguous: 'ambiguous',
  'no-path': 'no file path',
};

type TableRow = { frame: FrameJson } | { library: FrameJson[] };

/**
 * Crash frame first (the order people read a trace in), like the Issues tree: each run of two or more
 * library frames that did not map is folded into one row counting why (`expand` lists them all).
 */
function tableRows(frames: FrameJson[], expand: boolean): TableRow[] {
  const rows: TableRow[] = [];
  for (const f of [...frames].reverse()) {
    const last = rows[rows.length - 1];
    if (expand || f.inApp || f.local) rows.push({ frame: f });
    else if (last && 'library' in last) last.library.push(f);
    else rows.push({ library: [f] });
  }
  return rows.flatMap((r) => ('library' in r && r.library.length === 1 ? [{ frame: r.library[0]! }] : [r]));
}

function libraryCells(run: FrameJson[]): string[] {
  const byKind = new Map<string, number>();
  for (const f of run) {
    const word = UNMAPPED_WORDS[f.code ?? ''] ?? f.code ?? 'not mapped';
    byKind.set(word, (byKind.get(word) ?? 0) + 1);
  }
  const kinds = [...byKind].sort((a, b) => b[1] - a[1]).map(([word, n]) => (byKind.size === 1 ? word : `${n} ${word}`));
  const first = run[0]!;
  const where = printable(shortFolder(first.absPath ?? first.filename ?? first.module ?? '?'));
  return [
    `${first.index}-${run.at(-1)!.index}`,
    '',
    `${run.length} library frames`,
    `${where}${run.length > 1 ? ' …' : ''}`,
    `- not mapped: ${kinds.join(', ')}`,
  ];
}

/** The package folder of a library path (`node_modules/express`), else the path itself. */
function shortFolder(path: string): string {
  const m = /(?:^|[\\/])(node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path);
  return m ? m[1]!.replace(/\\/g, '/') : path;
}

/** In-app frames marked with `*`. */
function renderTable(r: FramesJson, expand: boolean): string {
  const lines: string[] = [];
  const ev = r.event!;
  lines.push(`${r.issue.shortId}  ${printable(r.issue.title)}`);
  lines.push(
    `event ${ev.id} at ${ev.timestamp}${ev.release ? ` (release ${printable(ev.release)})` : ''}; most recent call first; * = in-app`,
  );
  lines.push('');
  const grouped = tableRows(r.frames, expand);
  const rows = grouped.map((row) => {
    if ('library' in row) return libraryCells(row.library);
    const f = row.frame;
    const where = printable(
      `${f.absPath ?? f.filename ?? f.module ?? '?'}${f.lineNo ? `:${f.lineNo}${f.colNo ? `:${f.colNo}` : ''}` : ''}`,
    );
    const local = f.local
      ? `${f.local.path}:${f.local.line}:${f.local.column}${f.moved ? `  (moved from line ${f.moved.from})` : ''}`
      : `- ${f.reason}`;
    return [String(f.index), f.inApp ? '*' : '', printable(f.function ?? '?'), where, local];
  });
  const headRow = ['#', '', 'FUNCTION', 'FRAME', 'LOCAL'];
  const widths = [0, 1, 2, 3].map((c) =>
    Math.min(c === 3 ? 60 : 40, Math.max(headRow[c]!.length, ...rows.map((row) => row[c]!.length))),
  );
  const fit = (s: string, w: number) => (s.length > w ? '…' + s.slice(s.length - w + 1) : s.padEnd(w));
  for (const row of [headRow, ...rows]) {
    lines.push(
      [
        row[0]!.padStart(widths[0]!),
        fit(row[1]!, widths[1]!),
        fit(row[2]!, widths[2]!),
        fit(row[3]!, widths[3]!),
        row[4],
      ]
        .join('  ')
        .trimEnd(),
    );
  }
  const mappedCount = r.frames.filter((f) => f.local).length;
  lines.push('');
  lines.push(`${mappedCount} of ${r.frames.length} frames map to files in ${r.workspace}.`);
  const folded = grouped.filter((g) => 'library' in g);
  if (folded.length)
    lines.push(
      `${folded.reduce((n, g) => n + g.library.length, 0)} library frames are folded into ${folded.length} row${folded.length === 1 ? '' : 's'}; --all lists each with its reason.`,
    );
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
