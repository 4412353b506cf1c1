/**
 * Labels, descriptions, icons and tooltips of the tree's rows as plain data (no VS Code API), so the
 * wording is unit-tested and the 10k-issue benchmark measures what the provider really does per row.
 */
import {
  ISSUE_COUNT_PERIOD,
  type StoredException,
  type StoredFrame,
  type StoredIssue,
  type StoredProject,
} from '../../core/store/model';

export interface RowIcon {
  /** Codicon id. */
  id: string;
  /** Theme colour id, or none for the default foreground. */
  color?: string;
}

export interface RowDescriptor {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon?: RowIcon;
}

const LEVEL_ICONS: Record<string, RowIcon> = {
  fatal: { id: 'flame', color: 'errorForeground' },
  error: { id: 'error', color: 'errorForeground' },
  warning: { id: 'warning', color: 'editorWarning.foreground' },
  info: { id: 'info', color: 'editorInfo.foreground' },
  debug: { id: 'debug', color: 'descriptionForeground' },
};

export function levelIcon(level: string): RowIcon {
  return LEVEL_ICONS[level] ?? LEVEL_ICONS.error!;
}

/** Relative and absolute times come from the one shared formatter (src/shared/timeFormat.ts). */
import { localDateTime, relativeTime, timeTooltip } from '../../shared/timeFormat';
export { localDateTime, relativeTime, timeTooltip };

/** Escapes text for inclusion in Markdown (titles and messages come from untrusted events). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, '  \n');
}

/** 999 → `999`, 1234 → `1.2k`, 45_000 → `45k`, 1_250_000 → `1.3M`. */
export function compactCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '0';
  if (n < 1000) return String(Math.round(n));
  const [div, unit] = n < 999_500 ? [1000, 'k'] : n < 999_500_000 ? [1_000_000, 'M'] : [1_000_000_000, 'B'];
  const v = n / div;
  const text = v < 9.95 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v));
  return text + unit;
}

/** `90d` → `90 d`: the window of the issue list's counts, as the tree words it. */
const COUNT_WINDOW = ISSUE_COUNT_PERIOD.replace(/^(\d+)([a-z])$/, '$1 $2');

/** Whether an issue's events are here, on their way (queued in a sync or fetched now), or fetched when opened. */
export type EventsState = 'ready' | 'loading' | 'onOpen';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function describeProject(project: StoredProject, shown: number, total: number): RowDescriptor {
  return {
    label: project.slug,
    description: shown === total ? plural(total, 'issue') : `${shown} of ${plural(total, 'issue')}`,
    tooltip: `**${escapeMarkdown(project.name)}** (${escapeMarkdown(project.slug)})${project.platform ? `  \nPlatform: ${escapeMarkdown(project.platform)}` : ''}`,
    icon: { id: 'project' },
  };
}

/**
 * `SHOP-12 · 1.2k events in 90 d · 3h ago · POST /pay`: the count is Sentry's for the list's window
 * (ISSUE_COUNT_PERIOD), not all time; the tooltip has both.
 */
/** Triage facts for an issue's row: who "me" is, and why triage actions are off (if they are). */
export interface TriageRowContext {
  viewerId: string | null;
  unavailable: string | null;
}

/** Assignee, bookmark and archive state in words, for the tooltip (markdown, escaped). */
function triageLines(issue: StoredIssue, triage?: TriageRowContext): string[] {
  const out: string[] = [];
  const a = issue.assignedTo;
  if (a)
    out.push(
      `Assigned to: ${a.type === 'team' ? 'team #' : ''}${escapeMarkdown(a.name)}${a.type === 'user' && a.id === triage?.viewerId ? ' (you)' : ''}`,
    );
  const d = issue.statusDetails ?? {};
  if (issue.status === 'ignored') {
    const until =
      d.ignoreUntilEscalating === true
        ? 'until it escalates'
        : typeof d.ignoreUntil === 'string'
          ? `until ${localDateTime(d.ignoreUntil)}`
          : typeof d.ignoreCount === 'number'
            ? `until ${d.ignoreCount} more events`
            : typeof d.ignoreUserCount === 'number'
              ? `until ${d.ignoreUserCount} more users`
              : 'forever';
    out.push(`Archived ${until}`);
  }
  if (issue.status === 'resolved' && d.inNextRelease === true) out.push('Resolved in the next release');
  if (issue.status === 'resolved' && typeof d.inRelease === 'string')
    out.push(`Resolved in ${escapeMarkdown(d.inRelease)}`);
  if (issue.isBookmarked) out.push('Bookmarked');
  if (triage?.unavailable) out.push(`\nTriage actions are off: ${escapeMarkdown(triage.unavailable)}`);
  return out;
}

export function describeIssue(
  issue: StoredIssue,
  now: number,
  events: EventsState = 'ready',
  triage?: TriageRowContext,
): RowDescriptor {
  const lifetime = (n: number | null | undefined) =>
    typeof n === 'number' ? ` (${n.toLocaleString('en-US')} since first seen)` : '';
  const lines = [
    `**${escapeMarkdown(issue.title)}**`,
    '',
    `${escapeMarkdown(issue.shortId)} · ${escapeMarkdown(issue.level)} · ${escapeMarkdown(issue.status)}${issue.substatus ? ` (${escapeMarkdown(issue.substatus)})` : ''}${issue.isUnhandled ? ' · unhandled' : ''}`,
    '',
    issue.culprit ? `Culprit: \`${issue.culprit.replace(/`/g, "'")}\`` : '',
    `Events: ${issue.count.toLocaleString('en-US')} in the last ${COUNT_WINDOW}${lifetime(issue.lifetimeCount)}`,
    `Users: ${issue.userCount.toLocaleString('en-US')} in the last ${COUNT_WINDOW}${lifetime(issue.lifetimeUserCount)}`,
    `First seen: ${timeTooltip(issue.firstSeen, now)}`,
    `Last seen: ${timeTooltip(issue.lastSeen, now)}`,
    issue.firstRelease ? `First release: ${escapeMarkdown(issue.firstRelease)}` : '',
    ...triageLines(issue, triage),
    events === 'loading'
      ? '\nStack traces: loading…'
      : events === 'onOpen'
        ? '\nStack traces: fetched when you expand or open the issue'
        : '',
    issue.permalink && /^https?:\/\//.test(issue.permalink)
      ? `\n[Open in Sentry](${issue.permalink.replace(/[()\s]/g, encodeURIComponent)})`
      : '',
  ].filter((l, i, all) => l !== '' || (all[i - 1] ?? '') !== '');
  const state = events === 'loading' ? ' · events loading…' : events === 'onOpen' ? ' · events when opened' : '';
  return {
    label: issue.title,
    description: `${issue.isBookmarked ? '★ ' : ''}${issue.shortId}${issue.assignedTo ? ` → ${issue.assignedTo.type === 'team' ? '#' : ''}${issue.assignedTo.name}` : ''} · ${compactCount(issue.count)} event${issue.count === 1 ? '' : 's'} in ${COUNT_WINDOW} · ${relativeTime(issue.lastSeen, now)}${state}${issue.culprit ? ` · ${issue.culprit}` : ''}`,
    tooltip: lines.join('  \n'),
    icon: levelIcon(issue.level),
  };
}

/** The last two path segments (`sample-app/server.js`): long absolute paths would hide the line number. */
export function shortPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length <= 2 ? path : parts.slice(-2).join('/');
}

function functionName(frame: StoredFrame): string {
  return frame.function && frame.function !== '?' ? frame.function : '<anonymous>';
}

/** `src/handler.js:42:3` (the column only when asked and known). */
export function frameLocation(frame: StoredFrame, opts: { column?: boolean } = {}): string {
  const file = shortPath(frame.filename ?? frame.absPath ?? frame.module ?? '<unknown>');
  const column = (opts.column ?? true) && frame.colNo !== null ? `:${frame.colNo}` : '';
  return frame.lineNo !== null ? `${file}:${frame.lineNo}${column}` : file;
}

export function describeFrame(frame: StoredFrame): RowDescriptor {
  const ctx = frame.context.length
    ? '\n\n```\n' +
      frame.context
        .map(([n, t]) => `${n === frame.lineNo ? '>' : ' '}${String(n).padStart(5)}  ${t.replace(/```/g, "'''")}`)
        .join('\n') +
      '\n```'
    : '';
  // `file:line` first: at 300 px the description is cut off, and the line is what a frame row is for.
  return {
    label: frameLocation(frame, { column: false }),
    description: functionName(frame),
    tooltip: `\`${functionName(frame).replace(/`/g, "'")}\` in ${escapeMarkdown(frame.absPath ?? frame.filename ?? frame.module ?? 'unknown file')}${frame.lineNo !== null ? ` line ${frame.lineNo}${frame.colNo !== null ? `, column ${frame.colNo}` : ''}` : ''}${frame.inApp ? '' : ' (library)'}${ctx}`,
    // In-app frames stand out by a coloured icon; library frames are grey (and folded into groups).
    icon: frame.inApp
      ? { id: 'symbol-function', color: 'symbolIcon.functionForeground' }
      : { id: 'library', color: 'disabledForeground' },
  };
}

export function describeLibraryFrames(count: number): RowDescriptor {
  return {
    label: `${count} library frame${count === 1 ? '' : 's'}`,
    icon: { id: 'library', color: 'descriptionForeground' },
  };
}

export function describeException(exc: StoredException, index: number, total: number): RowDescriptor {
  return {
    label: `${exc.type}: ${exc.value}`.slice(0, 200),
    description:
      index === total - 1
        ? 'raised last'
        : `caused ${total - 1 - index} step${total - 1 - index === 1 ? '' : 's'} before`,
    tooltip: `**${escapeMarkdown(exc.type)}**: ${escapeMarkdown(exc.value)}${exc.handled === false ? '  \nunhandled' : ''}${exc.mechanism ? `  \nmechanism: ${escapeMarkdown(exc.mechanism)}` : ''}`,
    icon: { id: 'bug' },
  };
}

export type FrameRow =
  | { kind: 'frame'; frame: StoredFrame; index: number }
  | { kind: 'library'; frames: Array<{ frame: StoredFrame; index: number }> };

/**
 * Frames crashing frame first (the reverse of Sentry's order), with each run of consecutive library
 * frames folded into one row so the in-app path stays readable.
 */
export function frameRows(exc: StoredException): FrameRow[] {
  const rows: FrameRow[] = [];
  for (let i = exc.frames.length - 1; i >= 0; i--) {
    const frame = exc.frames[i]!;
    if (frame.inApp) {
      rows.push({ kind: 'frame', frame, index: i });
      continue;
    }
    const last = rows[rows.length - 1];
    if (last?.kind === 'library') last.frames.push({ frame, index: i });
    else rows.push({ kind: 'library', frames: [{ frame, index: i }] });
  }
  return rows;
}
