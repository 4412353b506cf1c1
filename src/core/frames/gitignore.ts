/**
 * `.gitignore` rules as git reads them (gitignore(5)), enough to keep ignored files out of the
 * workspace file index: comments, `\#`/`\!` escapes, trailing-space trimming, `!` negation, `dir/`
 * directory-only patterns, anchoring (a `/` anywhere but the end ties the pattern to the file's own
 * folder), `**` segments, and "the last matching pattern wins", deeper files overriding shallower ones.
 * A path under an ignored folder stays ignored whatever a later `!` says, as in git; the index gets
 * that by never walking into ignored folders and by checking every ancestor on incremental adds.
 */
import { globToRegExpSource } from './glob';

interface Rule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export class GitignoreFile {
  private constructor(
    /** Folder holding the file, relative to the workspace root, `/`-separated, '' for the root. */
    readonly dir: string,
    private readonly rules: Rule[],
  ) {}

  static parse(text: string, dir: string): GitignoreFile {
    const rules: Rule[] = [];
    for (const rawLine of text.split(/\r?\n/)) {
      const rule = parseLine(rawLine);
      if (rule) rules.push(rule);
    }
    return new GitignoreFile(dir, rules);
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /**
   * Verdict of this file alone for a path relative to its folder: true = ignored, false = re-included
   * by a `!` rule, undefined = no rule matches.
   */
  verdict(relToDir: string, isDir: boolean): boolean | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const r = this.rules[i]!;
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(relToDir)) return !r.negate;
    }
    return undefined;
  }
}

function parseLine(rawLine: string): Rule | undefined {
  let line = rawLine;
  // Trailing spaces are ignored unless escaped with a backslash.
  line = line.replace(/(?<!\\)\s+$/, '');
  if (!line || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/')) {
    dirOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (!line) return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  let source: string;
  try {
    source = globToRegExpSource(line, { braces: false });
  } catch {
    return undefined; // git skips patterns it cannot read; so do we
  }
  const re = new RegExp(anchored ? `^${source}$` : `^(?:.*/)?${source}$`);
  return { re, negate, dirOnly };
}

/**
 * Whether a root-relative path is ignored by a chain of gitignore files ordered root first. Only
 * files whose folder contains the path take part; the deepest file with a matching rule decides.
 */
export function isIgnoredByChain(chain: readonly GitignoreFile[], relPath: string, isDir: boolean): boolean {
  for (let i = chain.length - 1; i >= 0; i--) {
    const g = chain[i]!;
    let rel: string;
    if (g.dir === '') rel = relPath;
    else if (relPath.startsWith(g.dir + '/')) rel = relPath.slice(g.dir.length + 1);
    else continue;
    const v = g.verdict(rel, isDir);
    if (v !== undefined) return v;
  }
  return false;
}
