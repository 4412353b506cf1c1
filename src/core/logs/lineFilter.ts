import { redactSecrets } from '../common/redact';
import { parseLogTime, type TimeContext } from './timestamps';

/** Stands in the raw lines where the server cut some out (a raw log line is never exactly this: NUL
 *  bytes in log lines are replaced before they are compared). */
export const GAP_LINE = '\u0000sentry-rca-gap\u0000';

const SERVER_GAP: LogLine = {
  text: '… lines cut on the server (output cap; the lines nearest the events and grep matches are kept) …',
  marker: 'truncated',
};

/** One line shown to the user or the model: cleaned, redacted, with its time when it has one. */
export interface LogLine {
  text: string;
  /** ISO 8601 (UTC) time parsed from the line. */
  time?: string;
  /** The grep terms this line contains. */
  matched?: string[];
  /** Set on the marker lines that stand where lines were cut out. */
  marker?: 'truncated';
}

export interface LineFilterOptions {
  since: Date;
  until: Date;
  around: Date[];
  grep: string[];
  maxLines: number;
  maxBytes: number;
  /** Longer lines are cut, with the cut size stated. */
  maxLineChars: number;
  time: TimeContext;
  /** Only lines inside [since, until] (lines without a time follow the line before them; leading
   *  ones are kept). */
  filterByTime: boolean;
}

// CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL or ST), and two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;
// Remaining control characters other than tab; they would garble a terminal or a webview.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Makes a raw line safe to display: no escape sequences, no control bytes, bounded, secrets redacted. */
export function cleanLine(raw: string, maxChars: number): string {
  let s = stripAnsi(raw.endsWith('\r') ? raw.slice(0, -1) : raw).replace(CONTROL, '\uFFFD');
  if (s.length > maxChars) s = `${s.slice(0, maxChars)} … [${s.length - maxChars} more characters cut]`;
  return redactSecrets(s);
}

export function markTerms(text: string, terms: string[]): string[] | undefined {
  if (terms.length === 0) return undefined;
  const lower = text.toLowerCase();
  const hits = terms.filter((t) => t && lower.includes(t.toLowerCase()));
  return hits.length ? hits : undefined;
}

interface Candidate {
  line: LogLine;
  index: number;
  at: number | undefined;
  bytes: number;
}

/**
 * Turns raw lines into LogLines and applies the caps. When the lines do not fit, the ones nearest an
 * event time are kept (grep matches first), and a marker line stands in for each run of cut lines.
 */
export function filterLines(rawLines: string[], o: LineFilterOptions): { lines: LogLine[]; truncated: boolean } {
  const since = o.since.getTime();
  const until = o.until.getTime();
  const cands: Candidate[] = [];
  // Lines before the first timestamp are kept: a command's output may carry no times at all.
  let inWindow = true;
  let lastAt: number | undefined;
  let serverGaps = 0;
  for (const raw of rawLines) {
    if (raw === GAP_LINE) {
      serverGaps++;
      if (cands.at(-1)?.line.marker !== 'truncated')
        cands.push({ line: SERVER_GAP, index: cands.length, at: lastAt, bytes: 0 });
      continue;
    }
    const text = cleanLine(raw, o.maxLineChars);
    const ms = parseLogTime(text, o.time);
    if (ms !== undefined) {
      lastAt = ms;
      if (o.filterByTime) inWindow = ms >= since && ms <= until;
    }
    if (!inWindow) continue;
    const line: LogLine = { text };
    if (ms !== undefined) line.time = new Date(ms).toISOString();
    const matched = markTerms(text, o.grep);
    if (matched) line.matched = matched;
    cands.push({ line, index: cands.length, at: lastAt, bytes: Buffer.byteLength(text) + 1 });
  }
  const totalBytes = cands.reduce((n, c) => n + c.bytes, 0);
  const count = cands.filter((c) => !c.line.marker).length;
  if (count <= o.maxLines && totalBytes <= o.maxBytes)
    return { lines: cands.map((c) => c.line), truncated: serverGaps > 0 };

  const focus = (o.around.length ? o.around : [new Date((since + until) / 2)]).map((d) => d.getTime());
  const distance = (c: Candidate) =>
    c.at === undefined ? Number.MAX_SAFE_INTEGER : Math.min(...focus.map((f) => Math.abs(c.at! - f)));
  const ranked = [...cands].sort(
    (a, b) => (a.line.matched ? 0 : 1) - (b.line.matched ? 0 : 1) || distance(a) - distance(b) || a.index - b.index,
  );
  const keep = new Set<number>();
  let bytes = 0;
  let kept = 0;
  for (const c of ranked) {
    if (c.line.marker) continue;
    if (kept >= o.maxLines || bytes + c.bytes > o.maxBytes) break;
    keep.add(c.index);
    kept++;
    bytes += c.bytes;
  }
  const lines: LogLine[] = [];
  let cut = 0;
  let serverCut = false;
  const flush = () => {
    if (cut)
      lines.push({
        text: `… ${cut} line${cut === 1 ? '' : 's'} cut${serverCut ? ' here, more on the server' : ''} (output cap; the lines nearest the events are kept) …`,
        marker: 'truncated',
      });
    else if (serverCut) lines.push(SERVER_GAP);
    cut = 0;
    serverCut = false;
  };
  for (const c of cands) {
    if (c.line.marker) serverCut = true;
    else if (keep.has(c.index)) {
      flush();
      lines.push(c.line);
    } else cut++;
  }
  flush();
  return { lines, truncated: true };
}
