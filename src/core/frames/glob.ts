/**
 * Glob patterns compiled to one RegExp each, in the two dialects the file index must read:
 * VS Code's `files.exclude` (braces `{a,b}` are alternatives) and `.gitignore` (braces are literal).
 * Both: `*` and `?` never cross `/`, `**` spans whole segments, `[...]` / `[!...]` are classes.
 * Written here rather than taken from a package because no single well-kept package speaks both
 * dialects, and one compiler keeps the two consistent.
 */

export interface GlobOptions {
  /** `{a,b}` alternatives (VS Code globs); off for gitignore, where braces are ordinary characters. */
  braces: boolean;
}

const REGEX_SPECIAL = /[.+^$()|{}[\]\\*?/]/;

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) ? '\\' + c : c;
}

/** Translates a glob into the body of a RegExp (no anchors). Throws on an unbalanced brace or bracket. */
export function globToRegExpSource(glob: string, opts: GlobOptions): string {
  let out = '';
  let braceDepth = 0;
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**` only has its "any number of segments" meaning as a whole segment.
        const prev = glob[i - 1];
        const atSegStart = i === 0 || prev === '/' || (opts.braces && braceDepth > 0 && (prev === '{' || prev === ','));
        let j = i;
        while (glob[j] === '*') j++;
        const atSegEnd =
          j === glob.length ||
          glob[j] === '/' ||
          (opts.braces && braceDepth > 0 && (glob[j] === ',' || glob[j] === '}'));
        if (atSegStart && atSegEnd) {
          if (glob[j] === '/') {
            out += '(?:[^/]*/)*'; // `**/` : zero or more whole segments
            i = j + 1;
          } else {
            out += '.*'; // trailing `**`: everything below
            i = j;
          }
          continue;
        }
        out += '[^/]*';
        i = j;
        continue;
      }
      out += '[^/]*';
      i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      const end = findClassEnd(glob, i);
      if (end < 0) {
        out += '\\[';
        i++;
        continue;
      }
      let body = glob.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      const cls = body.replace(/\\/g, '\\\\').replace(/]/g, '\\]');
      out += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end + 1;
      continue;
    }
    if (opts.braces && c === '{') {
      braceDepth++;
      out += '(?:';
      i++;
      continue;
    }
    if (opts.braces && c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
      i++;
      continue;
    }
    if (opts.braces && c === ',' && braceDepth > 0) {
      out += '|';
      i++;
      continue;
    }
    out += escapeChar(c);
    i++;
  }
  if (braceDepth > 0) throw new Error(`unclosed "{" in glob ${JSON.stringify(glob)}`);
  return out;
}

function findClassEnd(glob: string, start: number): number {
  let j = start + 1;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++; // a leading `]` is part of the class
  while (j < glob.length) {
    if (glob[j] === '\\') j += 2;
    else if (glob[j] === ']') return j;
    else j++;
  }
  return -1;
}

/** A compiled matcher for workspace-relative, `/`-separated paths. */
export type PathMatcher = (relPath: string) => boolean;

/** Compiled `files.exclude` globs. */
export interface ExcludeMatcher {
  matcher: PathMatcher;
  errors: string[];
  /**
   * File and folder names excluded wherever they are (name-only patterns such as the default
   * `.git` and `.DS_Store` entries): a listing of a million paths checks these by name alone.
   */
  names: ReadonlySet<string>;
  /** Whether some pattern needs the whole relative path (anything but a name-only pattern). */
  needsPath: boolean;
}

const LITERAL_NAME = /^\*\*\/([^*?[\]{}\\/]+)$/;

/**
 * Compiles VS Code `files.exclude`-style globs into one matcher. A pattern matches a path when it
 * matches the whole relative path; a path is also excluded when one of its parent folders is, which
 * the index gets for free by not descending into excluded folders.
 * Invalid patterns are reported (so the host can name the broken setting) and skipped.
 */
export function compileExcludeGlobs(globs: readonly string[]): ExcludeMatcher {
  const sources: string[] = [];
  const errors: string[] = [];
  const names = new Set<string>();
  for (const raw of globs) {
    const g = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    if (!g) continue;
    const literal = LITERAL_NAME.exec(g);
    if (literal) {
      names.add(literal[1]!);
      continue;
    }
    try {
      sources.push(globToRegExpSource(g, { braces: true }));
    } catch (e) {
      errors.push(`Ignoring exclude pattern ${JSON.stringify(raw)}: ${(e as Error).message}.`);
    }
  }
  const re = sources.length ? new RegExp(`^(?:${sources.join('|')})$`) : undefined;
  const byName = (p: string) => names.size > 0 && names.has(p.slice(p.lastIndexOf('/') + 1));
  const matcher: PathMatcher = re ? (p) => byName(p) || re.test(p) : byName;
  return { matcher, errors, names, needsPath: re !== undefined };
}
