/**
 * Lists a git working tree's files the way git sees them, streamed from three `git ls-files -z`
 * runs at once: `--cached -t` (tracked), `--others --exclude-standard` (untracked files that git's
 * own ignore rules — .gitignore at every level, .git/info/exclude, core.excludesFile — do not
 * ignore) and `--deleted` (tracked files gone from the working tree, dropped by the caller). No walk
 * of the folders by us, and no gitignore dialect of our own to get wrong.
 *
 * - Sparse checkouts: entries tagged `S` (skip-worktree) are not on disk; they are counted and left
 *   out, so a frame never maps onto a file that cannot be opened (frames that miss say so).
 * - Submodules: `--recurse-submodules` cannot be combined with `--others`, so each checked-out
 *   submodule (a gitlink listed in .gitmodules whose folder has a `.git`) is listed by its own
 *   `git ls-files` runs, recursively, with its own ignore rules; its gitlink entry (a folder, not a
 *   file) is dropped. Nested repositories that are not submodules (`--others` shows them as `dir/`)
 *   are listed the same way. A submodule that is not checked out has no files on disk and adds none.
 * Returns undefined when the folder is not in a git working tree, git cannot run, or the folder is
 * ignored by its enclosing repository, so the caller walks the folder instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';

/** One listed path: bytes `buf[start, end)`, relative to the listed folder, `/`-separated, UTF-8. */
export type GitPathSink = (buf: Buffer, start: number, end: number) => void;

export interface GitListing {
  /** Tracked files left out because they are outside the sparse checkout (not on disk). */
  sparseSkipped: number;
  /** Root-relative folders that hold a repository of their own (submodules, nested repositories). */
  nestedRepos: string[];
  /** Submodules named in .gitmodules whose folder is not checked out (no files to list). */
  uncheckedSubmodules: string[];
  /**
   * Root-relative paths of tracked files deleted from the working tree (listed above as tracked;
   * the caller drops them). git must stat every tracked file to know, the slowest of the runs, so
   * this settles on its own and the caller decides whether to wait.
   */
  deleted: Promise<string[]>;
}

const NUL = 0;
const SLASH = 0x2f;

/** Runs git and collects stdout as text; undefined on failure. */
function gitText(cwd: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], signal, windowsHide: true });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks).toString('utf8') : undefined));
  });
}

/**
 * Runs `git <args>` in `cwd` and hands each NUL-terminated record of its output to `onRecord` as
 * bytes, while it streams. Rejects only when cancelled; a git failure resolves to false.
 */
function streamRecords(cwd: string, args: string[], onRecord: GitPathSink, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
    let rest: Buffer | undefined;
    const onAbort = () => child.kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      let start = 0;
      if (rest) {
        // Only the record cut at the chunk boundary is copied, not the whole chunk.
        const end = chunk.indexOf(NUL);
        if (end < 0) {
          rest = Buffer.concat([rest, chunk]);
          return;
        }
        const joined = Buffer.concat([rest, chunk.subarray(0, end)]);
        rest = undefined;
        if (joined.length > 0) onRecord(joined, 0, joined.length);
        start = end + 1;
      }
      for (;;) {
        const end = chunk.indexOf(NUL, start);
        if (end < 0) break;
        if (end > start) onRecord(chunk, start, end);
        start = end + 1;
      }
      if (start < chunk.length) rest = Buffer.from(chunk.subarray(start));
    });
    child.on('error', () => resolve(false));
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      else resolve(code === 0);
    });
  });
}

/**
 * Lists `cwd` with three `git ls-files` runs at once (each is one pass of git's; together they
 * take about as long as the slowest instead of the sum): tracked files (`-t` tags those outside a
 * sparse checkout `S`), untracked files not ignored (a nested repository shows as `dir/`), and
 * tracked files deleted from the working tree (`deleted`, resolved when that run ends).
 */
async function lsFiles(
  cwd: string,
  sinks: { cached: GitPathSink; others: GitPathSink },
  onNested: (rel: string) => void,
  counts: { sparse: number },
  signal?: AbortSignal,
): Promise<{ ok: boolean; deleted: Promise<string[]> }> {
  const quiet = ['-c', 'core.quotePath=false', 'ls-files', '-z'];
  const deletedPaths: string[] = [];
  const deleted = streamRecords(
    cwd,
    [...quiet, '--deleted'],
    (buf, start, end) => void deletedPaths.push(buf.toString('utf8', start, end)),
    signal,
  ).then(
    (ok) => (ok ? deletedPaths : []),
    () => [],
  );
  const oks = await Promise.all([
    streamRecords(
      cwd,
      [...quiet, '--cached', '-t'],
      (buf, start, end) => {
        // `T path`: a one-letter tag, a space, the path.
        if (end <= start + 2) return;
        if (buf[start] === 0x53 /* S: skip-worktree, not on disk */) counts.sparse++;
        else sinks.cached(buf, start + 2, end);
      },
      signal,
    ),
    streamRecords(
      cwd,
      [...quiet, '--others', '--exclude-standard'],
      (buf, start, end) => {
        if (buf[end - 1] === SLASH) onNested(buf.toString('utf8', start, end - 1));
        else sinks.others(buf, start, end);
      },
      signal,
    ),
  ]);
  return { ok: oks.every(Boolean), deleted };
}

/**
 * How many entries git's index holds, from its 12-byte header (`DIRC`, version, count), to size the
 * tables before the listing streams in; undefined when it cannot be read (a hint, never trusted).
 */
async function indexEntryCount(indexPath: string): Promise<number | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(indexPath, 'r');
    const header = Buffer.alloc(12);
    const { bytesRead } = await handle.read(header, 0, 12, 0);
    if (bytesRead < 12 || header.toString('latin1', 0, 4) !== 'DIRC') return undefined;
    return header.readUInt32BE(8);
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Submodule paths (relative to the repository's top) from its .gitmodules. */
async function submodulePaths(top: string, signal?: AbortSignal): Promise<string[]> {
  const file = join(top, '.gitmodules');
  if (!existsSync(file)) return [];
  const out = await gitText(top, ['config', '-z', '--file', file, '--get-regexp', '^submodule\\..*\\.path$'], signal);
  if (!out) return [];
  // `-z`: `key\nvalue\0` per entry.
  return out
    .split('\0')
    .filter(Boolean)
    .map((e) => e.slice(e.indexOf('\n') + 1))
    .filter(Boolean);
}

/**
 * Lists `root` (and the repositories nested in it) into `sink(prefix, …)`, where `prefix` is the
 * nested repository's folder relative to `root` ('' for the root's own repository). `isFile(rel)`
 * tells whether a root-relative path was listed as a file, `dropFile(rel)` removes one (a gitlink).
 */
export async function listGitWorkspace(
  root: string,
  sink: (prefix: string) => GitPathSink,
  files: { isFile(rel: string): boolean; dropFile(rel: string): void; reserve?(count: number): void },
  signal?: AbortSignal,
): Promise<GitListing | undefined> {
  const deletedLists: Array<Promise<string[]>> = [];
  const result: GitListing = {
    sparseSkipped: 0,
    nestedRepos: [],
    uncheckedSubmodules: [],
    deleted: Promise.resolve([]),
  };
  const listOne = async (prefix: string, first: boolean): Promise<boolean> => {
    const cwd = prefix ? join(root, ...prefix.split('/')) : root;
    // Where the folder sits in its repository, to find the repository's .gitmodules.
    const lines = (
      await gitText(cwd, ['rev-parse', '--show-toplevel', '--show-prefix', '--git-path', 'index'], signal)
    )?.split('\n');
    if (!lines || !lines[0]) {
      if (first) return false;
      result.uncheckedSubmodules.push(prefix);
      return true;
    }
    const top = lines[0];
    const inRepo = lines[1] ?? '';
    // A folder its enclosing repository ignores (a build output, a scratch checkout): git lists
    // nothing there, so it is walked with its own .gitignore files instead.
    if (first && inRepo && (await gitText(cwd, ['check-ignore', '-q', '--', '.'], signal)) !== undefined) return false;
    // Only for a repository's top: a subfolder of a monorepo lists a part of what the index holds.
    if (files.reserve && lines[2] && !inRepo) {
      const entries = await indexEntryCount(resolve(cwd, lines[2]));
      if (entries) files.reserve(entries);
    }
    const nested: string[] = [];
    const counts = { sparse: 0 };
    const inRoot = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
    const { ok, deleted } = await lsFiles(
      cwd,
      { cached: sink(prefix), others: sink(prefix) },
      (rel) => nested.push(inRoot(rel)),
      counts,
      signal,
    );
    deletedLists.push(deleted.then((paths) => paths.map(inRoot)));
    if (!ok) {
      if (first) return false;
      result.uncheckedSubmodules.push(prefix);
      return true;
    }
    result.sparseSkipped += counts.sparse;
    for (const sub of await submodulePaths(top, signal)) {
      if (inRepo && !sub.startsWith(inRepo)) continue;
      const rel = (prefix ? `${prefix}/` : '') + sub.slice(inRepo.length);
      // The gitlink is listed like a file; it is the submodule's folder.
      if (files.isFile(rel)) files.dropFile(rel);
      if (existsSync(join(root, ...rel.split('/'), '.git'))) nested.push(rel);
      else result.uncheckedSubmodules.push(rel);
    }
    for (const rel of new Set(nested)) {
      result.nestedRepos.push(rel);
      await listOne(rel, false);
    }
    return true;
  };
  if (!(await listOne('', true))) return undefined;
  result.deleted = Promise.all(deletedLists).then((lists) => lists.flat());
  return result;
}
