/**
 * Finds where a frame's line is in today's copy of the file. Sentry keeps the source lines around
 * the frame as they were in the release that crashed; when the local file has changed since, the
 * crashing line has usually moved a few lines. We look for it within ±30 lines, nearest first, and
 * let the surrounding context lines decide between look-alikes.
 */

export const RELOCATE_WINDOW = 30;

export type LineStatus =
  /** The local line is the frame's context line. */
  | 'same'
  /** The context line was found nearby; `line` is where it is now. */
  | 'moved'
  /** The local line differs and the context line is not within the window: the code changed. */
  | 'changed'
  /** The frame carries no context line to compare with. */
  | 'unknown';

export interface Relocation {
  line: number;
  status: LineStatus;
  /** Set when status is `moved`. */
  moved?: { from: number; to: number };
}

interface FrameLines {
  lineNo: number | null;
  context: ReadonlyArray<readonly [number, string]>;
}

/**
 * Sentry snips long lines to ~140 characters around the column and marks the cuts with `{snip}`;
 * compare such lines by their kept pieces. Whitespace differences (re-indentation) do not count.
 */
export function sameSourceLine(local: string | undefined, fromSentry: string): boolean {
  if (local === undefined) return false;
  const l = collapse(local);
  if (!fromSentry.includes('{snip}')) return l === collapse(fromSentry);
  const pieces = fromSentry.split('{snip}').map(collapse).filter(Boolean);
  if (pieces.length === 0) return false;
  let at = 0;
  for (const p of pieces) {
    const i = l.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return true;
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Splits file text into lines the way editors number them. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function relocateLine(fileText: string | readonly string[], frame: FrameLines): Relocation {
  const lineNo = frame.lineNo && frame.lineNo > 0 ? frame.lineNo : null;
  if (lineNo === null) return { line: 1, status: 'unknown' };
  const target = frame.context.find(([n]) => n === lineNo)?.[1];
  if (target === undefined) return { line: lineNo, status: 'unknown' };
  const lines = typeof fileText === 'string' ? splitLines(fileText) : fileText;
  if (sameSourceLine(lines[lineNo - 1], target)) return { line: lineNo, status: 'same' };

  // A blank or one-brace line matches everywhere; only accept it when its neighbours agree too.
  const weak = collapse(target).length < 3;
  let best: { line: number; score: number } | undefined;
  for (let d = 1; d <= RELOCATE_WINDOW; d++) {
    for (const line of [lineNo - d, lineNo + d]) {
      if (line < 1 || line > lines.length) continue;
      if (!sameSourceLine(lines[line - 1], target)) continue;
      const score = neighbourScore(lines, frame, lineNo, line);
      if (weak && score === 0) continue;
      // Nearest wins among equals; a candidate whose neighbours match better wins over a nearer one.
      if (!best || score > best.score) best = { line, score };
    }
  }
  if (!best) return { line: lineNo, status: 'changed' };
  return { line: best.line, status: 'moved', moved: { from: lineNo, to: best.line } };
}

/** How many non-blank context lines around the frame line also sit at the same offset around `candidate`. */
function neighbourScore(lines: readonly string[], frame: FrameLines, lineNo: number, candidate: number): number {
  let score = 0;
  for (const [n, text] of frame.context) {
    if (n === lineNo || collapse(text).length < 3) continue;
    if (sameSourceLine(lines[candidate + (n - lineNo) - 1], text)) score++;
  }
  return score;
}
