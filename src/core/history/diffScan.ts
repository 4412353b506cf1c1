/**
 * Reads `git log -p` output into commits with their changed files and added/removed lines (with line
 * numbers), and answers what a change does to the functions on a stack: calls added or removed, and
 * early exits added between taking a resource and giving it back (the classic off-stack leak).
 */

export interface DiffLine {
  /** Line number in the new file for `+` lines, in the old file for `-` lines. */
  line: number;
  text: string;
}

export interface FileDiff {
  path: string;
  /** The path before a rename, when renamed. */
  oldPath: string | null;
  added: DiffLine[];
  removed: DiffLine[];
  /** Hunks as old/new ranges (`-a,b +c,d`), for line tracking. */
  hunks: Array<{ oldStart: number; oldLines: number; newStart: number; newLines: number }>;
}

export interface CommitDiff {
  sha: string;
  author: string;
  /** ISO author date. */
  date: string;
  subject: string;
  files: FileDiff[];
}

/** The format `parseLog` reads: a record separator, then SHA, author, ISO date and subject. */
export const LOG_FORMAT = '--format=%x1e%H%x1f%an%x1f%aI%x1f%s';

/** Lines of one file's diff kept for scanning; a generated or vendored file's diff beyond this is skipped. */
const MAX_LINES_PER_FILE = 4000;

export function parseLog(out: string): CommitDiff[] {
  const commits: CommitDiff[] = [];
  for (const rec of out.split('\x1e')) {
    if (!rec.trim()) continue;
    const nl = rec.indexOf('\n');
    const header = nl < 0 ? rec : rec.slice(0, nl);
    const [sha, author, date, subject] = header.split('\x1f');
    if (!sha || !/^[0-9a-f]{40}$/.test(sha)) continue;
    const commit: CommitDiff = { sha, author: author ?? '', date: date ?? '', subject: subject ?? '', files: [] };
    commits.push(commit);
    if (nl < 0) continue;
    let file: FileDiff | null = null;
    let oldNo = 0;
    let newNo = 0;
    let kept = 0;
    for (const l of rec.slice(nl + 1).split('\n')) {
      if (l.startsWith('diff --git ')) {
        const m = /^diff --git a\/(.*) b\/(.*)$/.exec(l);
        file = { path: m?.[2] ?? '', oldPath: null, added: [], removed: [], hunks: [] };
        commit.files.push(file);
        kept = 0;
        continue;
      }
      if (!file) continue;
      if (l.startsWith('rename from ')) {
        file.oldPath = l.slice(12);
        continue;
      }
      if (l.startsWith('rename to ')) {
        file.path = l.slice(10);
        continue;
      }
      if (l.startsWith('+++ ')) {
        if (l !== '+++ /dev/null') file.path = l.slice(l.startsWith('+++ b/') ? 6 : 4);
        continue;
      }
      if (l.startsWith('--- ')) continue;
      if (l.startsWith('@@')) {
        const h = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(l);
        if (h) {
          oldNo = Number(h[1]);
          newNo = Number(h[3]);
          file.hunks.push({
            oldStart: oldNo,
            oldLines: h[2] === undefined ? 1 : Number(h[2]),
            newStart: newNo,
            newLines: h[4] === undefined ? 1 : Number(h[4]),
          });
        }
        continue;
      }
      if (kept >= MAX_LINES_PER_FILE) continue;
      if (l.startsWith('+')) {
        file.added.push({ line: newNo++, text: l.slice(1) });
        kept++;
      } else if (l.startsWith('-')) {
        file.removed.push({ line: oldNo++, text: l.slice(1) });
        kept++;
      } else if (l.startsWith(' ')) {
        oldNo++;
        newNo++;
      }
    }
  }
  return commits;
}

/** `pool.acquire` → `acquire`; `Object.<anonymous>` / `<anonymous>` → null. */
export function shortFunctionName(fn: string | null): string | null {
  if (!fn) return null;
  const last =
    fn
      .split(/[.#:]|::/)
      .filter(Boolean)
      .pop() ?? '';
  const clean = last.replace(/^(async|new|get|set) /, '').replace(/[^A-Za-z0-9_$]/g, '');
  return clean.length >= 3 && !/^(anonymous|Object|Module|default|exports)$/.test(clean) ? clean : null;
}

/** Calls of `name(` in a line, not its definition (`function name(`, `name(…) {`). */
export function callsFunction(text: string, name: string): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/\$/g, '\\$')}\\s*\\(`);
  if (!re.test(text)) return false;
  if (new RegExp(`\\b(function|def|func|fn)\\s+${name}\\b`).test(text)) return false;
  return !new RegExp(`^\\s*(async\\s+)?${name}\\s*\\([^)]*\\)\\s*\\{\\s*$`).test(text);
}

/** Taking a resource and the calls that give it back. */
export const RESOURCE_PAIRS: Array<{ take: string; give: string[] }> = [
  { take: 'acquire', give: ['release', 'destroy'] },
  { take: 'getConnection', give: ['release', 'close', 'end'] },
  { take: 'connect', give: ['release', 'close', 'end', 'disconnect'] },
  { take: 'checkout', give: ['checkin', 'release'] },
  { take: 'lock', give: ['unlock', 'release'] },
  { take: 'open', give: ['close'] },
  { take: 'begin', give: ['commit', 'rollback'] },
];

export interface EarlyExit {
  /** The line (new file) that leaves before the resource is given back. */
  line: number;
  text: string;
  takeLine: number;
  takeText: string;
  give: string;
}

/**
 * Early exits that a change added between `take()` and the `give()` that normally follows, outside any
 * try/finally that gives it back. `file` is the new file's lines; `added` the change's `+` lines.
 */
export function addedEarlyExits(file: string[], added: DiffLine[], take: string, gives: string[]): EarlyExit[] {
  const out: EarlyExit[] = [];
  const exits = added.filter((a) => /^\s*(return\b|throw\b|continue;|break;)/.test(a.text));
  for (const ex of exits) {
    // The take() before the exit in the same function: scan up until a line indented less than the
    // function body that opens a function.
    let takeLine = -1;
    for (let n = ex.line - 1; n >= 1 && ex.line - n < 200; n--) {
      const t = file[n - 1] ?? '';
      if (callsFunction(t, take)) {
        takeLine = n;
        break;
      }
      if (/^\s*(export\s+)?(async\s+)?function\b|^\s*(def|func|fn)\s/.test(t) && indent(t) < indent(ex.text)) break;
    }
    if (takeLine < 0) continue;
    const varName =
      /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=/.exec(file[takeLine - 1] ?? '')?.[1] ??
      /^\s*([A-Za-z_$][\w$]*)\s*=/.exec(file[takeLine - 1] ?? '')?.[1] ??
      null;
    const gives_ = (t: string) => gives.some((g) => callsFunction(t, g) && (!varName || t.includes(varName)));
    // Given back between take and exit: no leak on this path.
    let givenBefore = false;
    for (let n = takeLine + 1; n < ex.line; n++) if (gives_(file[n - 1] ?? '')) givenBefore = true;
    if (givenBefore) continue;
    // Inside a try whose finally gives it back: safe.
    let tryDepth = false;
    for (let n = takeLine + 1; n < ex.line; n++)
      if (/\btry\s*\{|\btry:\s*$/.test(file[n - 1] ?? '') && indent(file[n - 1] ?? '') < indent(ex.text))
        tryDepth = true;
    if (tryDepth) continue;
    // The function normally gives it back later: this exit skips that.
    let give: string | null = null;
    for (let n = ex.line + 1; n <= file.length && n - ex.line < 300; n++) {
      const t = file[n - 1] ?? '';
      const g = gives.find((x) => callsFunction(t, x) && (!varName || t.includes(varName)));
      if (g) {
        give = g;
        break;
      }
      if (
        /^\s*(export\s+)?(async\s+)?function\b|^\s*(def|func|fn)\s/.test(t) &&
        indent(t) <= indent(file[takeLine - 1] ?? '') - 2
      )
        break;
    }
    if (!give) continue;
    out.push({
      line: ex.line,
      text: ex.text.trim(),
      takeLine,
      takeText: (file[takeLine - 1] ?? '').trim(),
      give: varName ? `${varName}.${give}()` : `${give}()`,
    });
  }
  return out;
}

function indent(s: string): number {
  return /^\s*/.exec(s)![0].replace(/\t/g, '  ').length;
}
