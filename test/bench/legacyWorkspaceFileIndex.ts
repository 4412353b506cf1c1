/**
 * Benchmark baseline only: the workspace file index as it was before issue 17 (one object and map
 * entries per file, a walk of every folder, a 500k cap), kept so `npm run bench -- frames` measures
 * the compact index against it in the same run. Not used by the extension.
 */
import { promises as fsp, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { DisposableBase, toDisposable, type Disposable } from '../../src/core/common/lifecycle';
import { Emitter, type Event } from '../../src/core/common/emitter';
import { nullLogger, type Logger } from '../../src/core/common/logger';
import { compileExcludeGlobs, type PathMatcher } from '../../src/core/frames/glob';
import { LIBRARY_DIRS } from '../../src/core/frames/framePath';
import { GitignoreFile, isIgnoredByChain } from '../../src/core/frames/gitignore';

export interface WorkspaceRoot {
  /** The folder's name as VS Code shows it (used by `${workspaceFolder:name}`). */
  readonly name: string;
  /** Absolute path of the folder. */
  readonly path: string;
}

/**
 * One indexed file. Paths are derived on demand from the root and the segments (folder names are
 * shared strings): 100k stored path strings would cost tens of megabytes.
 */
export class IndexedFile {
  /** Filled on first use: only files that frames map to need their path as a string. */
  private absPath: string | undefined;

  constructor(
    readonly root: WorkspaceRoot,
    /** The path relative to its root, split on `/`; suffix matching compares these from the end. */
    readonly segments: readonly string[],
    /** Dependency/build folders (node_modules, dist, …) on the way to the file; undefined for most files. */
    readonly libraryDirs: readonly string[] | undefined,
  ) {}

  /** Adapter so today's FrameMapper runs over this baseline: suffix match on the strings (the old way). */
  get depth(): number {
    return this.segments.length;
  }

  /** Adapter (see depth): `segs` are the frame's segment strings, as `segmentIds` below passes them. */
  commonSuffix(segs: readonly string[]): number {
    let i = segs.length - 1;
    let j = this.segments.length - 1;
    let n = 0;
    while (i >= 0 && j >= 0 && segs[i] === this.segments[j]) {
      n++;
      i--;
      j--;
    }
    return n;
  }

  /** Path relative to its root, `/`-separated. */
  get rel(): string {
    return this.segments.join('/');
  }

  /** Absolute local path. */
  get path(): string {
    return (this.absPath ??= this.root.path + sep + this.segments.join(sep));
  }
}

/** The part of vscode.FileSystemWatcher the index listens to (core code cannot import vscode). */
export interface FileWatcherLike {
  onDidCreate: Event<{ fsPath: string }>;
  onDidDelete: Event<{ fsPath: string }>;
  onDidChange: Event<{ fsPath: string }>;
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

const NONE: readonly IndexedFile[] = Object.freeze([]);

/** Most names are unique: a bucket is the file itself until a second one arrives (saves 100k arrays). */
type Bucket = IndexedFile | IndexedFile[];

function bucketFiles(b: Bucket | undefined): readonly IndexedFile[] {
  return b === undefined ? NONE : Array.isArray(b) ? b : [b];
}

function addTo(map: Map<string, Bucket>, key: string, f: IndexedFile): void {
  const b = map.get(key);
  if (b === undefined) map.set(key, f);
  else if (Array.isArray(b)) b.push(f);
  else map.set(key, [b, f]);
}

function removeFrom(map: Map<string, Bucket>, key: string, f: IndexedFile): void {
  const b = map.get(key);
  if (b === f) map.delete(key);
  else if (Array.isArray(b)) {
    const i = b.indexOf(f);
    if (i >= 0) b.splice(i, 1);
    if (b.length === 1) map.set(key, b[0]!);
  }
}

/** Directories never indexed: version-control internals can never be a frame's source. */
const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn']);

const WALK_CONCURRENCY = 16;

interface DirJob {
  root: WorkspaceRoot;
  abs: string;
  rel: string;
  /** `rel` split, with shared folder-name strings. */
  segs: readonly string[];
  chain: readonly GitignoreFile[];
}

export class WorkspaceFileIndex extends DisposableBase {
  /** Root → folder (root-relative) → file name → file. Keys are per folder, not per file, to save memory. */
  private readonly byDir = new Map<WorkspaceRoot, Map<string, Map<string, IndexedFile>>>();
  private count = 0;
  /** Basename → files, exact and lower-cased (frames from case-insensitive systems). */
  private readonly byName = new Map<string, Bucket>();
  /** Built on first use: only frames from case-insensitive systems need it. */
  private byLowerName: Map<string, IndexedFile[]> | undefined;
  /** One string per distinct folder name: `src` or `packages` repeated 100k times costs memory. */
  private readonly names = new Map<string, string>();
  /**
   * `parent/basename` → files (a file at a root has the root's name as parent). Suffix matching
   * starts here: a file with two matching segments always beats one with only the name, and these
   * buckets are small even where every folder has an index.ts.
   */
  private readonly byTail2 = new Map<string, Map<string, Bucket>>();
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

  private constructor(
    readonly roots: readonly WorkspaceRoot[],
    options: FileIndexOptions,
  ) {
    super();
    const { matcher, errors } = compileExcludeGlobs(options.exclude ?? []);
    this.exclude = matcher;
    this.warnings.push(...errors);
    this.useGitignore = options.useGitignore ?? true;
    this.maxFiles = options.maxFiles ?? 500_000;
    this.logger = options.logger ?? nullLogger;
    const names = new Set<string>();
    for (const r of roots) {
      if (names.has(r.name))
        this.warnings.push(
          `Two workspace folders are named "${r.name}"; \${workspaceFolder:${r.name}} refers to the first.`,
        );
      names.add(r.name);
    }
  }

  /** Walks every root and returns the finished index. Unreadable folders are skipped with a warning. */
  static async build(
    roots: readonly WorkspaceRoot[],
    options: FileIndexOptions = {},
    signal?: AbortSignal,
  ): Promise<WorkspaceFileIndex> {
    const index = new WorkspaceFileIndex(
      roots.map((r) => ({ name: r.name, path: trimSep(r.path) })),
      options,
    );
    const started = performance.now();
    for (const root of index.roots) {
      await index.walk(root, '', signal);
    }
    index.logger.info(
      `indexed ${index.size} files in ${index.roots.length} folder(s) in ${Math.round(performance.now() - started)} ms${index._truncated ? ' (truncated)' : ''}`,
    );
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** Adapter for today's FrameMapper (see IndexedFile.commonSuffix): the segments themselves. */
  segmentIds(segments: readonly string[]): readonly string[] {
    return segments;
  }

  /** True when `maxFiles` stopped the walk; lookups then miss files that exist. */
  get truncated(): boolean {
    return this._truncated;
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  get(path: string): IndexedFile | undefined {
    const loc = this.locate(path);
    return loc && this.fileAt(loc.root, loc.rel);
  }

  /** Files with this exact basename (or any case, for frames from case-insensitive systems). */
  filesNamed(basename: string, ignoreCase = false): readonly IndexedFile[] {
    if (!ignoreCase) return bucketFiles(this.byName.get(basename));
    if (!this.byLowerName) {
      this.byLowerName = new Map();
      for (const [name, b] of this.byName) {
        const key = name.toLowerCase();
        const files = bucketFiles(b);
        const bucket = this.byLowerName.get(key);
        if (bucket) bucket.push(...files);
        else this.byLowerName.set(key, [...files]);
      }
    }
    return this.byLowerName.get(basename.toLowerCase()) ?? NONE;
  }

  /** The indexed file at a root-relative, `/`-separated path, if any. */
  fileAt(root: WorkspaceRoot, rel: string): IndexedFile | undefined {
    const i = rel.lastIndexOf('/');
    return this.byDir
      .get(root)
      ?.get(i < 0 ? '' : rel.slice(0, i))
      ?.get(i < 0 ? rel : rel.slice(i + 1));
  }

  /** Files whose last two segments are `parent/basename` (for a file at a root, parent is the root's name). */
  filesEndingWith(parent: string, basename: string): readonly IndexedFile[] {
    return bucketFiles(this.byTail2.get(parent)?.get(basename));
  }

  /** The innermost root containing the path (roots may nest). */
  rootOf(path: string): WorkspaceRoot | undefined {
    let best: WorkspaceRoot | undefined;
    for (const r of this.roots) {
      if (!path.startsWith(r.path)) continue;
      const next = path.charCodeAt(r.path.length);
      // Inside the root: the path is the root itself or continues with a separator (`/`, `\`).
      if ((Number.isNaN(next) || next === 47 || next === 92) && (!best || r.path.length > best.path.length)) best = r;
    }
    return best;
  }

  /** Names of the first-level entries under a root that hold indexed files (for mapping suggestions). */
  topLevelNames(root: WorkspaceRoot): Set<string> {
    const out = new Set<string>();
    for (const [dir, files] of this.byDir.get(root) ?? []) {
      if (dir === '') for (const name of files.keys()) out.add(name);
      else out.add(dir.split('/', 1)[0]!);
    }
    return out;
  }

  *all(): IterableIterator<IndexedFile> {
    for (const dirs of this.byDir.values()) for (const files of dirs.values()) yield* files.values();
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
    if (this.fileAt(loc.root, loc.rel)) return true;
    // Events inside ignored folders (npm install writes thousands) are dropped before any stat.
    const parent = parentRel(loc.rel);
    if (parent && !this.isIncluded(loc.root, parent, true)) return false;
    let isDir: boolean;
    try {
      const st = statSync(path);
      if (!st.isFile() && !st.isDirectory()) return false;
      isDir = st.isDirectory();
    } catch {
      return false; // gone again before we looked
    }
    if (!this.isIncluded(loc.root, loc.rel, isDir)) return false;
    if (isDir) {
      // A folder moved or unpacked into the workspace is reported once, without its files.
      this.pending = this.pending
        .then(() => this.rescan(loc.root, loc.rel))
        .catch((e) => this.logger.error(e as Error));
      return false;
    }
    if (this.count >= this.maxFiles) {
      this.markTruncated();
      return false;
    }
    const segs = loc.rel.split('/');
    const name = segs.pop()!;
    this.insert(
      loc.root,
      segs.map((x) => this.intern(x)),
      name,
    );
    this.onDidChangeEmitter.fire({ added: [path], removed: [], changed: [] });
    return true;
  }

  /** A file or folder was deleted (watchers report a folder once); returns how many files left the index. */
  remove(path: string): number {
    const p = trimSep(path);
    const removed: string[] = [];
    const loc = this.locate(p);
    const file = loc && this.fileAt(loc.root, loc.rel);
    if (file) {
      this.delete(file);
      removed.push(p);
    } else if (loc && !this.isIncluded(loc.root, loc.rel, true)) {
      // Inside an ignored folder (npm uninstall): nothing of it was indexed.
    } else if (loc || this.roots.some((r) => r.path === p)) {
      const root = loc?.root ?? this.roots.find((r) => r.path === p)!;
      const top = loc?.rel ?? '';
      for (const [key, files] of [...(this.byDir.get(root) ?? [])]) {
        if (top !== '' && key !== top && !key.startsWith(top + '/')) continue;
        for (const f of [...files.values()]) {
          removed.push(f.path);
          this.delete(f);
        }
      }
    }
    if (loc && isGitignore(p)) this.rescanAfterGitignoreChange(loc.root, parentRel(loc.rel));
    if (removed.length) this.onDidChangeEmitter.fire({ added: [], removed, changed: [] });
    return removed.length;
  }

  /**
   * Keeps the index current from a file watcher shaped like vscode.FileSystemWatcher (create, delete
   * and change events carrying a `fsPath`), e.g. `createFileSystemWatcher('**')`.
   */
  watch(watcher: FileWatcherLike): Disposable {
    const subs = [
      watcher.onDidCreate((u) => this.add(u.fsPath)),
      watcher.onDidDelete((u) => this.remove(u.fsPath)),
      watcher.onDidChange((u) => this.changed(u.fsPath)),
    ];
    return this.register(toDisposable(() => subs.forEach((d) => d.dispose())));
  }

  override dispose(): void {
    super.dispose();
    // Owners may keep a reference for a while; the maps are what is large.
    this.byDir.clear();
    this.byName.clear();
    this.byTail2.clear();
    this.byLowerName = undefined;
    this.count = 0;
  }

  /** A file's content changed (watcher). Only `.gitignore` changes alter the index itself. */
  changed(path: string): void {
    const loc = this.locate(path);
    if (loc && isGitignore(path)) this.rescanAfterGitignoreChange(loc.root, parentRel(loc.rel));
    if (this.has(path)) this.onDidChangeEmitter.fire({ added: [], removed: [], changed: [path] });
  }

  // ---------------------------------------------------------------------------------------------

  private locate(path: string): { root: WorkspaceRoot; rel: string } | undefined {
    const root = this.rootOf(path);
    if (!root || path === root.path) return undefined;
    return { root, rel: path.slice(root.path.length + 1).replace(/\\/g, '/') };
  }

  private intern(seg: string): string {
    const known = this.names.get(seg);
    if (known !== undefined) return known;
    this.names.set(seg, seg);
    return seg;
  }

  /** `dirSegs` must hold interned folder names; `name` is the file name. */
  private insert(root: WorkspaceRoot, dirSegs: readonly string[], name: string): void {
    const segments = [...dirSegs, name];
    this.byLowerName = undefined;
    let libraryDirs: string[] | undefined;
    for (const seg of dirSegs) if (LIBRARY_DIRS.has(seg)) (libraryDirs ??= []).push(seg);
    const file = new IndexedFile(root, segments, libraryDirs);
    let dirs = this.byDir.get(root);
    if (!dirs) this.byDir.set(root, (dirs = new Map()));
    const key = dirSegs.join('/');
    let dir = dirs.get(key);
    if (!dir) dirs.set(key, (dir = new Map()));
    if (dir.has(name)) return;
    dir.set(name, file);
    this.count++;
    addTo(this.byName, name, file);
    const parent = dirSegs.length > 0 ? dirSegs[dirSegs.length - 1]! : root.name;
    let inner = this.byTail2.get(parent);
    if (!inner) this.byTail2.set(parent, (inner = new Map()));
    addTo(inner, name, file);
  }

  private delete(file: IndexedFile): void {
    const n = file.segments.length;
    const name = file.segments[n - 1]!;
    const key = file.segments.slice(0, -1).join('/');
    const dirs = this.byDir.get(file.root);
    const dir = dirs?.get(key);
    if (!dir || dir.get(name) !== file) return;
    dir.delete(name);
    if (dir.size === 0) dirs!.delete(key);
    this.count--;
    this.byLowerName = undefined;
    removeFrom(this.byName, name, file);
    const parent = n > 1 ? file.segments[n - 2]! : file.root.name;
    const inner = this.byTail2.get(parent);
    if (inner) {
      removeFrom(inner, name, file);
      if (inner.size === 0) this.byTail2.delete(parent);
    }
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
      if (
        k === prefix ||
        (dirRel === '' ? k.startsWith(`${root.path}\0`) && !k.endsWith('\0info') : k.startsWith(prefix + '/'))
      )
        this.gitignores.delete(k);
    }
    this.pending = this.pending.then(() => this.rescan(root, dirRel)).catch((e) => this.logger.error(e as Error));
  }

  private async rescan(root: WorkspaceRoot, dirRel: string): Promise<void> {
    const absDir = dirRel ? join(root.path, dirRel) : root.path;
    const before = new Set<string>();
    const beforeFiles: IndexedFile[] = [];
    for (const f of this.all()) {
      if (f.root === root && (dirRel === '' || f.rel.startsWith(dirRel + '/'))) beforeFiles.push(f);
    }
    for (const f of beforeFiles) {
      before.add(f.path);
      this.delete(f);
    }
    if (dirRel === '' || this.isIncluded(root, dirRel, true)) await this.walk(root, dirRel);
    const added: string[] = [];
    const removed: string[] = [];
    const after = new Set<string>();
    for (const f of this.all()) {
      if (f.root === root && (dirRel === '' || f.rel.startsWith(dirRel + '/'))) after.add(f.path);
    }
    for (const p of after) if (!before.has(p)) added.push(p);
    for (const p of before) if (!after.has(p)) removed.push(p);
    this.logger.debug(`rescanned ${absDir} after a .gitignore change: +${added.length} -${removed.length}`);
    if (added.length || removed.length) this.onDidChangeEmitter.fire({ added, removed, changed: [] });
  }

  /** Walks one folder subtree with a few directory reads in flight at once. */
  private async walk(root: WorkspaceRoot, startRel: string, signal?: AbortSignal): Promise<void> {
    const startChain = this.useGitignore ? this.chainTo(root, startRel) : [];
    const segs = startRel ? startRel.split('/').map((x) => this.intern(x)) : [];
    const queue: DirJob[] = [
      { root, abs: startRel ? join(root.path, startRel) : root.path, rel: startRel, segs, chain: startChain },
    ];
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
            () => {
              active--;
              pump();
            },
            (e) => {
              active--;
              reject(e);
            },
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
      if (job.rel === '')
        this.warnings.push(
          `Cannot read workspace folder ${job.abs} (${code ?? (e as Error).message}); its files will not map.`,
        );
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
        // A folder that is itself a workspace folder (nested roots) is indexed once, under its own root.
        if (this.roots.length > 1 && this.roots.some((r) => r !== job.root && r.path === join(job.abs, d.name)))
          continue;
        if (this.useGitignore && isIgnoredByChain(chain, rel, true)) continue;
        queue.push({
          root: job.root,
          abs: join(job.abs, d.name),
          rel,
          segs: [...job.segs, this.intern(d.name)],
          chain,
        });
      } else if (isFile) {
        if (this.exclude(rel)) continue;
        if (this.useGitignore && isIgnoredByChain(chain, rel, false)) continue;
        if (this.count >= this.maxFiles) {
          this.markTruncated();
          return;
        }
        this.insert(job.root, job.segs, d.name);
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
