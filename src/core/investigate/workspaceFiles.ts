/**
 * Read-only access to the workspace for the investigation and the AI's tools, and nothing outside it:
 * no `..`, no absolute paths elsewhere, no symlink that resolves outside, no files that typically hold
 * credentials (.git internals, .env, keys).
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export type Resolved = { abs: string; rel: string } | { error: string };

const SECRET_FILES = [
  /^\.env(\..*)?$/i,
  /\.(pem|key|p12|pfx|keystore|jks)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^\.(npmrc|netrc|pgpass|git-credentials)$/i,
];
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'out',
  'build',
  'coverage',
  '.tools',
  '.venv',
  'venv',
  '__pycache__',
  'target',
  '.next',
]);

export class WorkspaceFiles {
  private realRoot: Promise<string> | undefined;

  constructor(readonly root: string) {}

  /** Checks a path the model or Sentry gave and returns where it really is, or why it is refused. */
  async resolve(requested: string): Promise<Resolved> {
    if (typeof requested !== 'string' || !requested.trim()) return { error: 'path is empty' };
    if (requested.includes('\0')) return { error: 'path contains a NUL byte' };
    if (requested.startsWith('~')) return { error: 'paths must be inside the workspace (no ~)' };
    const norm = requested.replace(/\\/g, '/');
    if (norm.split('/').includes('..')) return { error: 'paths may not contain ".." segments' };
    const root = resolve(this.root);
    const abs = isAbsolute(norm) ? resolve(norm) : resolve(root, norm);
    if (!isInside(root, abs)) return { error: 'path is outside the workspace' };
    const rel = relative(root, abs).split(sep).join('/');
    const refused = refusedName(rel);
    if (refused) return { error: refused };
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      return { error: `no such file in the workspace: ${rel}` };
    }
    const realRoot = await this.root_();
    if (!isInside(realRoot, real)) return { error: 'path resolves (through a symlink) outside the workspace' };
    // The same checks on where it really is: a symlink notes.txt → .env must not read the .env.
    const refusedReal = refusedName(relative(realRoot, real).split(sep).join('/'));
    if (refusedReal) return { error: `${rel} is a link to a file that is not readable (${refusedReal})` };
    return { abs: real, rel };
  }

  /** Lines `start..end` (1-based, inclusive) as `[lineNo, text]`, plus the file's line count. */
  async readLines(abs: string, start: number, end: number): Promise<{ lines: Array<[number, string]>; total: number }> {
    const st = await stat(abs);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > 8 * 1024 * 1024) throw new Error(`file is ${Math.round(st.size / 1048576)} MB; too large to read`);
    const text = await readText(abs, st.size);
    const all = text.split(/\r?\n/);
    const s = Math.max(1, start);
    const e = Math.min(all.length, end);
    const lines: Array<[number, string]> = [];
    for (let i = s; i <= e; i++) lines.push([i, all[i - 1]!]);
    return { lines, total: all.length };
  }

  /** Literal, case-insensitive search over text files; stops at `maxHits`. */
  async search(
    pattern: string,
    maxHits = 50,
    maxFiles = 20_000,
  ): Promise<{ hits: Array<{ path: string; line: number; text: string }>; filesScanned: number; complete: boolean }> {
    const needle = pattern.toLowerCase();
    const hits: Array<{ path: string; line: number; text: string }> = [];
    const root = await this.root_();
    let filesScanned = 0;
    let complete = true;
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const ent of entries) {
        if (hits.length >= maxHits || filesScanned >= maxFiles) {
          complete = false;
          return;
        }
        const p = join(dir, ent.name);
        if (ent.isDirectory()) {
          if (!SKIP_DIRS.has(ent.name.toLowerCase())) await walk(p);
          continue;
        }
        if (!ent.isFile() || SECRET_FILES.some((r) => r.test(ent.name))) continue;
        filesScanned++;
        let text: string;
        try {
          const st = await stat(p);
          if (st.size > 512 * 1024) continue;
          text = await readText(p, st.size);
        } catch {
          continue;
        }
        if (text.includes('\0')) continue; // binary
        if (!text.toLowerCase().includes(needle)) continue;
        const lines = text.split(/\r?\n/);
        for (let i = 0; i < lines.length && hits.length < maxHits; i++) {
          if (lines[i]!.toLowerCase().includes(needle))
            hits.push({
              path: relative(root, p).split(sep).join('/'),
              line: i + 1,
              text: lines[i]!.trim().slice(0, 200),
            });
        }
      }
    };
    await walk(root);
    return { hits, filesScanned, complete };
  }

  private root_(): Promise<string> {
    this.realRoot ??= realpath(resolve(this.root)).catch(() => resolve(this.root));
    return this.realRoot;
  }
}

/** Why a workspace-relative path may not be read: git internals (any case: `.GIT` is `.git` on
 *  case-insensitive file systems) and files that typically hold credentials. */
function refusedName(rel: string): string | undefined {
  const segments = rel.split('/');
  if (segments.some((s) => s.toLowerCase() === '.git')) return 'git internals are not readable';
  const base = segments.pop() ?? '';
  if (SECRET_FILES.some((r) => r.test(base))) return `${base} may hold credentials and is not readable`;
  return undefined;
}

function isInside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

async function readText(abs: string, size: number): Promise<string> {
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(size);
    await fh.read(buf, 0, size, 0);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
