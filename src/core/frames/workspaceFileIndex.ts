/**
 * Every file of the workspace folders, held in memory so that frame paths can be matched from their
 * last segment backwards without touching the disk. Built once by walking the folders (honouring
 * `.gitignore`, `.git/info/exclude` and the host's `files.exclude` globs), then kept current by the
 * host's file watcher through `add` / `remove` / `changed`.
 */
import { promises as fsp, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { DisposableBase } from '../common/lifecycle';
import { Emitter, type Event } from '../common/emitter';
import { nullLogger, type Logger } from '../common/logger';
import { compileExcludeGlobs, type PathMatcher } from './glob';
import { GitignoreFile, isIgnoredByChain } from './gitignore';

export interface WorkspaceRoot {
  /** The folder's name as VS Code shows it (used by `${workspaceFolder:name}`). */
  readonly name: string;
  /** Absolute path of the folder. */
  readonly path: string;
}

export interface IndexedFile {
  /** Absolute local path. */
  readonly path: string;
  readonly root: WorkspaceRoot;
  /** Path relative to its root, `/`-separated. */
  readonly rel: string;
  /** `rel` split on `/`; suffix matching compares these from the end. */
  readonly segments: readonly string[];
}

export interface FileIndexChange {
  added: string[];
  removed: string[];
  /** Files whose content changed (the mapper drops its cached text for them). */
  changed: string[];
}

export interface FileIndexOptions {
  /** Globs relative to each root, VS Code `files.exclude` syntax (the host passes the enabled keys). */
  exclude?: readonly string[];
  /** Read `.gitignore` files and `.git/info/exclude` (default true). */
  useGitignore?: boolean;
  /** Stop indexing after this many files so a huge folder cannot exhaust memory (default 500 000). */
  maxFiles?: number;
  logger?: Logger;
}

/** Directories never indexed: version-control internals can never be a frame's source. */
const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn']);

const WALK_CONCURRENCY = 16;

interface DirJob {
  root: WorkspaceRoot;
  abs: string;
  rel: string;
  chain: readonly GitignoreFile[];
}

export class WorkspaceFileIndex extends DisposableBase {
  private readonly byPath = new Map<string, IndexedFile>();
  /** Lower-cased basename → files; case-sensitive lookups filter the bucket. */
  private readonly byName = new Map<string, IndexedFile[]>();
  /** Root-relative folder → its parsed `.gitignore` (null: the folder has none). Keyed per root. */
  private readonly gitignores = new Map<string, GitignoreFile | null>();
  private readonly exclude: PathMatcher;
  private readonly useGitignore: boolean;
  private readonly maxFiles: number;
  private readonly logger: Logger;
  private readonly onDidChangeEmitter = this.register(new Emitter<FileIndexChange>());
  private pending: Promise<void> = Promise.resolve();
  private _truncated = false;
  /** Problems worth showing the user once (bad exclude globs, truncation). */
  readonly warnings: string[] = [];

  readonly onDidChange: Event<FileIndexChange> = this.onDidChangeEmitter.event;

  private constructor(readonly roots: readonly WorkspaceRoot[], options: FileIndexOptions) {
    super();
    const { matcher, errors } = compileExcludeGlobs(options.exclude ?? []);
    this.exclude = matcher;
    this.warnings.push(...errors);
    this.useGitignore = options.useGitignore ?? true;
    this.maxFiles = options.maxFiles ?? 500_000;
    this.logger = options.logger ?? nullLogger;
    const names = new Set<string>();
    for (const r of roots) {
      if (names.has(r.name)) this.warnings.push(`Two workspace folders are named "${r.name}"; \${workspaceFolder:${r.name}} refers to the first.`);
      names.add(r.name);
    }
  }

  /** Walks every root and returns the finished index. Unreadable folders are skipped with a warning. */
  static async build(roots: readonly WorkspaceRoot[], options: FileIndexOptions = {}, signal?: AbortSignal): Promise<WorkspaceFileIndex> {
    const index = new WorkspaceFileIndex(roots.map((r) => ({ name: r.name, path: trimSep(r.path) })), options);
    const started = performance.now();
    for (const root of index.roots) {
      await index.walk(root, '', signal);
    }
    index.logger.info(`indexed ${index.size} files in ${index.roots.length} folder(s) in ${Math.round(performance.now() - started)} ms${index._truncated ? ' (truncated)' : ''}`);
    return index;
  }

  get size(): number {
    return this.byPath.size;
  }

  /** True when `maxFiles` stopped the walk; lookups then miss files that exist. */
  get truncated(): boolean {
    return this._truncated;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  get(path: string): IndexedFile | undefined {
    return this.byPath.get(path);
  }

  /** Files with this exact basename (or any case, for frames from case-insensitive systems). */
  filesNamed(basename: string, ignoreCase = false): readonly IndexedFile[] {
    const bucket = this.byName.get(basename.toLowerCase());
    if (!bucket) return [];
    return ignoreCase ? bucket : bucket.filter((f) => f.segments[f.segments.length - 1] === basename);
  }

  /** The innermost root containing the path (roots may nest). */
  rootOf(path: string): WorkspaceRoot | undefined {
    let best: WorkspaceRoot | undefined;
    for (const r of this.roots) {
      if ((path === r.path || path.startsWith(r.path + '/') || path.startsWith(r.path + '\\')) && (!best || r.path.length > best.path.length)) best = r;
    }
    return best;
  }

  /** Names of the first-level entries under a root that hold indexed files (for mapping suggestions). */
  topLevelNames(root: WorkspaceRoot): Set<string> {
    const out = new Set<string>();
    for (const f of this.byPath.values()) if (f.root === root) out.add(f.segments[0]!);
    return out;
  }

  all(): IterableIterator<IndexedFile> {
    return this.byPath.values();
  }

  /** Resolves once rescans started by `.gitignore` changes have finished (tests and the CLI wait on it). */
  settled(): Promise<void> {
    return this.pending;
  }

  /**
   * A file was created (watcher). Indexes it unless excluded or ignored; returns whether it was
   * indexed. A new `.gitignore` also rescans its folder, since it may hide files already indexed.
   */
  add(path: string): boolean {
    const loc = this.locate(path);
    if (!loc) return false;
    if (isGitignore(path)) this.rescanAfterGitignoreChange(loc.root, parentRel(loc.rel));
    if (this.byPath.has(path)) return true;
    if (!this.isIncluded(loc.root, loc.rel)) return false;
    if (this.byPath.size >= this.maxFiles) {
      this.markTruncated();
      return false;
    }
    this.insert(loc.root, path, loc.rel);
    this.onDidChangeEmitter.fire({ added: [path], removed: [], changed: [] });
    return true;
  }

  /** A file or folder was deleted (watchers report a folder once); returns how many files left the index. */
  remove(path: string): number {
    const p = trimSep(path);
    const removed: string[] = [];
    if (this.byPath.has(p)) {
      this.delete(p);
      removed.push(p);
    } else {
      for (const key of [...this.byPath.keys()]) {
        if (key.startsWith(p + '/') || key.startsWith(p + '\\')) {
          this.delete(key);
          removed.push(key);
        }
      }
    }
    const loc = this.locate(p);
    if (loc && isGitignore(p)) this.rescanAfterGitignoreChange(loc.root, parentRel(loc.rel));
    if (removed.length) this.onDidChangeEmitter.fire({ added: [], removed, changed: [] });
    return removed.length;
  }

  /** A file's content changed (watcher). Only `.gitignore` changes alter the index itself. */
  changed(path: string): void {
    const loc = this.locate(path);
    if (loc && isGitignore(path)) this.rescanAfterGitignoreChange(loc.root, parentRel(loc.rel));
    if (this.byPath.has(path)) this.onDidChangeEmitter.fire({ added: [], removed: [], changed: [path] });
  }

  // ---------------------------------------------------------------------------------------------

  private locate(path: string): { root: WorkspaceRoot; rel: string } | undefined {
    const root = this.rootOf(path);
    if (!root || path === root.path) return undefined;
    return { root, rel: path.slice(root.path.length + 1).replace(/\\/g, '/') };
  }

  private insert(root: WorkspaceRoot, path: string, rel: string): void {
    const segments = rel.split('/');
    const file: IndexedFile = { path, root, rel, segments };
    this.byPath.set(path, file);
    const key = segments[segments.length - 1]!.toLowerCase();
    const bucket = this.byName.get(key);
    if (bucket) bucket.push(file);
    else this.byName.set(key, [file]);
  }

  private delete(path: string): void {
    const file = this.byPath.get(path);
    if (!file) return;
    this.byPath.delete(path);
    const key = file.segments[file.segments.length - 1]!.toLowerCase();
    const bucket = this.byName.get(key);
    if (!bucket) return;
    const i = bucket.indexOf(file);
    if (i >= 0) bucket.splice(i, 1);
    if (bucket.length === 0) this.byName.delete(key);
  }

  private markTruncated(): void {
    if (this._truncated) return;
    this._truncated = true;
    const msg = `The workspace has more than ${this.maxFiles} files; frames in files beyond that limit will not map. Exclude build and dependency folders with files.exclude or .gitignore.`;
    this.warnings.push(msg);
    this.logger.warn(msg);
  }

  /** Full check for one path, ancestors included (the walk checks ancestors by not descending). */
  private isIncluded(root: WorkspaceRoot, rel: string, isDirTarget = false): boolean {
    const segs = rel.split('/');
    let chain: GitignoreFile[] = this.useGitignore ? this.chainFor(root, '') : [];
    let dirRel = '';
    for (let i = 0; i < segs.length; i++) {
      const isDir = i < segs.length - 1 || isDirTarget;
      const name = segs[i]!;
      const r = dirRel ? `${dirRel}/${name}` : name;
      if (isDir && ALWAYS_SKIPPED_DIRS.has(name)) return false;
      if (this.exclude(r)) return false;
      if (this.useGitignore && isIgnoredByChain(chain, r, isDir)) return false;
      if (isDir && i < segs.length - 1) {
        dirRel = r;
        if (this.useGitignore) {
          const g = this.gitignoreSync(root, dirRel);
          if (g) chain = [...chain, g];
        }
      }
    }
    return true;
  }

  /** Root-level chain: `.git/info/exclude` first (lower precedence), then the root `.gitignore`. */
  private chainFor(root: WorkspaceRoot, _dirRel: ''): GitignoreFile[] {
    const out: GitignoreFile[] = [];
    const info = this.cachedGitignore(root, '\0info', () => readTextSync(join(root.path, '.git', 'info', 'exclude')));
    if (info) out.push(info);
    const top = this.gitignoreSync(root, '');
    if (top) out.push(top);
    return out;
  }

  private gitignoreSync(root: WorkspaceRoot, dirRel: string): GitignoreFile | null {
    return this.cachedGitignore(root, dirRel, () => readTextSync(join(root.path, dirRel, '.gitignore')));
  }

  private cachedGitignore(root: WorkspaceRoot, key: string, read: () => string | undefined): GitignoreFile | null {
    const k = `${root.path}\0${key}`;
    if (this.gitignores.has(k)) return this.gitignores.get(k)!;
    const text = read();
    const g = text === undefined ? null : GitignoreFile.parse(text, key === '\0info' ? '' : key);
    this.gitignores.set(k, g);
    return g;
  }

  private rescanAfterGitignoreChange(root: WorkspaceRoot, dirRel: string): void {
    // Drop cached rules at and below the folder: they are re-read as the walk meets them.
    const prefix = `${root.path}\0${dirRel}`;
    for (const k of [...this.gitignores.keys()]) {
      if (k === prefix || (dirRel === '' ? k.startsWith(`${root.path}\0`) && !k.endsWith('\0info') : k.startsWith(prefix + '/'))) this.gitignores.delete(k);
    }
    this.pending = this.pending.then(() => this.rescan(root, dirRel)).catch((e) => this.logger.error(e as Error));
  }

  private async rescan(root: WorkspaceRoot, dirRel: string): Promise<void> {
    const absDir = dirRel ? join(root.path, dirRel) : root.path;
    const before = new Set<string>();
    for (const f of this.byPath.values()) {
      if (f.root === root && (dirRel === '' || f.rel.startsWith(dirRel + '/'))) before.add(f.path);
    }
    for (const p of before) this.delete(p);
    if (dirRel === '' || this.isIncluded(root, dirRel, true)) await this.walk(root, dirRel);
    const added: string[] = [];
    const removed: string[] = [];
    for (const f of this.byPath.values()) {
      if (f.root === root && (dirRel === '' || f.rel.startsWith(dirRel + '/')) && !before.has(f.path)) added.push(f.path);
    }
    for (const p of before) if (!this.byPath.has(p)) removed.push(p);
    this.logger.debug(`rescanned ${absDir} after a .gitignore change: +${added.length} -${removed.length}`);
    if (added.length || removed.length) this.onDidChangeEmitter.fire({ added, removed, changed: [] });
  }

  /** Walks one folder subtree with a few directory reads in flight at once. */
  private async walk(root: WorkspaceRoot, startRel: string, signal?: AbortSignal): Promise<void> {
    const startChain = this.useGitignore ? this.chainTo(root, startRel) : [];
    const queue: DirJob[] = [{ root, abs: startRel ? join(root.path, startRel) : root.path, rel: startRel, chain: startChain }];
    let active = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        if (signal?.aborted) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
          return;
        }
        while (active < WALK_CONCURRENCY && queue.length > 0) {
          const job = queue.pop()!;
          active++;
          this.readDir(job, queue).then(
            () => { active--; pump(); },
            (e) => { active--; reject(e); },
          );
        }
        if (active === 0 && queue.length === 0) resolve();
      };
      pump();
    });
  }

  /** Gitignore chain in force inside `dirRel` (root rules plus each ancestor folder's file). */
  private chainTo(root: WorkspaceRoot, dirRel: string): GitignoreFile[] {
    const chain = this.chainFor(root, '');
    if (!dirRel) return chain;
    let acc = '';
    for (const seg of dirRel.split('/')) {
      acc = acc ? `${acc}/${seg}` : seg;
      const g = this.gitignoreSync(root, acc);
      if (g) chain.push(g);
    }
    return chain;
  }

  private async readDir(job: DirJob, queue: DirJob[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fsp.readdir(job.abs, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (job.rel === '') this.warnings.push(`Cannot read workspace folder ${job.abs} (${code ?? (e as Error).message}); its files will not map.`);
      else this.logger.debug(`skipping unreadable folder ${job.abs}: ${code}`);
      return;
    }
    let chain = job.chain;
    if (this.useGitignore && job.rel !== '' && entries.some((d) => d.name === '.gitignore' && !d.isDirectory())) {
      const key = `${job.root.path}\0${job.rel}`;
      let g = this.gitignores.get(key);
      if (g === undefined) {
        const text = await fsp.readFile(join(job.abs, '.gitignore'), 'utf8').catch(() => undefined);
        g = text === undefined ? null : GitignoreFile.parse(text, job.rel);
        this.gitignores.set(key, g);
      }
      if (g) chain = [...chain, g];
    } else if (this.useGitignore && job.rel !== '') {
      this.gitignores.set(`${job.root.path}\0${job.rel}`, null);
    }
    for (const d of entries) {
      const rel = job.rel ? `${job.rel}/${d.name}` : d.name;
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        // Follow links to files only: linked folders can form cycles and usually point at dependencies.
        try {
          isFile = statSync(join(job.abs, d.name)).isFile();
        } catch {
          isFile = false;
        }
        isDir = false;
      }
      if (isDir) {
        if (ALWAYS_SKIPPED_DIRS.has(d.name) || this.exclude(rel)) continue;
        if (this.useGitignore && isIgnoredByChain(chain, rel, true)) continue;
        queue.push({ root: job.root, abs: join(job.abs, d.name), rel, chain });
      } else if (isFile) {
        if (this.exclude(rel)) continue;
        if (this.useGitignore && isIgnoredByChain(chain, rel, false)) continue;
        if (this.byPath.size >= this.maxFiles) {
          this.markTruncated();
          return;
        }
        this.insert(job.root, join(job.abs, d.name), rel);
      }
    }
  }
}

function trimSep(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

function isGitignore(path: string): boolean {
  return /(^|[\\/])\.gitignore$/.test(path);
}

function parentRel(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function readTextSync(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
