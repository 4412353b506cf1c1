/**
 * Every file of the workspace folders, held in memory so that frame paths can be matched from their
 * last segment backwards without touching the disk. Built once per folder — from `git ls-files`
 * where the folder is in a git working tree (git's own ignore rules, submodules listed one by one,
 * files outside a sparse checkout left out; see gitFileList), otherwise by walking it (honouring
 * `.gitignore` and `.git/info/exclude`) — with the host's `files.exclude` globs applied either way.
 * Kept current by the host's file watcher through `add` / `remove` / `changed`.
 *
 * Paths are stored as integers in a PathTable (a few tens of bytes a file); an IndexedFile object is
 * made only for the files a lookup returns.
 */
import { existsSync, promises as fsp, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { DisposableBase, toDisposable, type Disposable } from '../common/lifecycle';
import { Emitter, type Event } from '../common/emitter';
import { nullLogger, type Logger } from '../common/logger';
import { compileExcludeGlobs, type PathMatcher } from './glob';
import { LIBRARY_DIRS } from './framePath';
import { GitignoreFile, isIgnoredByChain } from './gitignore';
import { listGitWorkspace, type GitPathSink } from './gitFileList';
import { PathTable } from './pathTable';

export interface WorkspaceRoot {
  /** The folder's name as VS Code shows it (used by `${workspaceFolder:name}`). */
  readonly name: string;
  /** Absolute path of the folder. */
  readonly path: string;
}

/** One indexed file, made when a lookup returns it (the index itself holds no per-file objects). */
export class IndexedFile {
  private absPath: string | undefined;
  private segs: readonly string[] | undefined;
  private libs: readonly string[] | undefined | null = null;

  /** @internal Made by the index only. */
  constructor(
    readonly root: WorkspaceRoot,
    /** The file's id in its index while it is indexed (ids of removed files are reused). */
    readonly id: number,
    private readonly table: PathTable,
    private readonly dir: number,
    /** The name's segment id, kept so the object stays right if the file leaves and its id is reused. */
    private readonly name: number,
    rel?: string,
  ) {
    if (rel !== undefined) this.segs = rel.split('/');
  }

  /** The path relative to its root, split on `/`; suffix matching compares these from the end. */
  get segments(): readonly string[] {
    if (!this.segs) {
      const segs = this.table.dirSegments(this.dir);
      segs.push(this.table.segment(this.name));
      this.segs = segs;
    }
    return this.segs;
  }

  /** Number of segments (without building them). */
  get depth(): number {
    return this.segs ? this.segs.length : this.table.depthOf(this.dir) + 1;
  }

  /** Dependency/build folders (node_modules, dist, …) on the way to the file; undefined for most files. */
  get libraryDirs(): readonly string[] | undefined {
    if (this.libs === null) {
      let out: string[] | undefined;
      if (this.table.inLibraryDir(this.dir))
        for (const s of this.segments.slice(0, -1)) if (LIBRARY_DIRS.has(s)) (out ??= []).push(s);
      this.libs = out;
    }
    return this.libs;
  }

  /**
   * How many trailing segments the file shares with a path given as segment ids (`segmentIds` of
   * the index; -1 for a segment no indexed path has), compared as integers.
   */
  commonSuffix(ids: readonly number[]): number {
    return this.table.commonSuffix(this.dir, this.name, ids);
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

/** How a folder's files are listed: git where possible (`auto`), or always by walking the folder. */
export type FileListing = 'auto' | 'walk';

export interface FileIndexOptions {
  /** Globs relative to each root, VS Code `files.exclude` syntax (the host passes the enabled keys). */
  exclude?: readonly string[];
  /** Honour git's ignore rules (default true). False also means walking rather than asking git. */
  useGitignore?: boolean;
  /** `auto` (default): `git ls-files` for folders in a git working tree, a walk for the others. */
  listing?: FileListing;
  /**
   * Tracked files deleted from the working tree (not staged) are known only once git has checked
   * every tracked file, the slowest part of a git listing. `wait` (default): `build` resolves after
   * they are dropped. `background`: `build` resolves as soon as the files are listed and drops them
   * when git is done (an `onDidChange` like a watcher event; `settled()` waits for it) — for the
   * editor, where the index is usable a second or two sooner on large repositories.
   */
  deletedFiles?: 'wait' | 'background';
  /**
   * An upper bound on indexed files, for callers that must bound memory. None by default. When it
   * is hit, the index says so in `warnings`, the log and `incompleteNote` (frames that do not map
   * name it), and counts the files it left out.
   */
  maxFiles?: number;
  logger?: Logger;
}

const NONE: readonly IndexedFile[] = Object.freeze([]);

/** Directories never indexed: version-control internals can never be a frame's source. */
const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn']);

const WALK_CONCURRENCY = 16;
/** IndexedFile objects kept so that repeated lookups of a file return the same object. */
const MAX_CACHED_OBJECTS = 16_384;

/** Folder state while listing: not yet decided, indexed, or left out (excluded or another root). */
const DIR_UNKNOWN = 0;
const DIR_INCLUDED = 1;
const DIR_EXCLUDED = 2;

interface DirJob {
  root: WorkspaceRoot;
  abs: string;
  rel: string;
  dir: number;
  chain: readonly GitignoreFile[];
}

export class WorkspaceFileIndex extends DisposableBase {
  private table = new PathTable((name) => LIBRARY_DIRS.has(name));
  /** Root folder ids by root, and roots by root folder id. */
  private readonly rootDir = new Map<WorkspaceRoot, number>();
  private readonly rootByDir = new Map<number, WorkspaceRoot>();
  /** Per folder id: DIR_UNKNOWN / DIR_INCLUDED / DIR_EXCLUDED (git listings decide per folder once). */
  private dirState = new Uint8Array(1024);
  private readonly objects = new Map<number, IndexedFile>();
  private topLevel: Map<WorkspaceRoot, Set<string>> | undefined;
  /** Root-relative folder → its parsed `.gitignore` (null: the folder has none). Keyed per root. */
  private readonly gitignores = new Map<string, GitignoreFile | null>();
  private readonly exclude: PathMatcher;
  /** Names excluded anywhere, and whether other exclude globs need whole paths (see ExcludeMatcher). */
  private readonly excludeNames: ReadonlySet<string>;
  private readonly excludeNeedsPath: boolean;
  /** Root-relative path of each folder, while a git listing runs (filled for excludes that need paths). */
  private dirRels: string[] = [];
  private readonly useGitignore: boolean;
  private readonly listing: FileListing;
  private readonly deletedFiles: 'wait' | 'background';
  private readonly maxFiles: number;
  private readonly logger: Logger;
  private readonly onDidChangeEmitter = this.register(new Emitter<FileIndexChange>());
  private pending: Promise<void> = Promise.resolve();
  private _truncated = false;
  private dropped = 0;
  private sparseSkipped = 0;
  /** How each root was listed (for the log, the CLI and tests). */
  private readonly listedBy = new Map<WorkspaceRoot, 'git' | 'walk'>();
  /** Problems worth showing the user once (bad exclude globs, a file limit). */
  readonly warnings: string[] = [];

  readonly onDidChange: Event<FileIndexChange> = this.onDidChangeEmitter.event;

  private constructor(
    readonly roots: readonly WorkspaceRoot[],
    options: FileIndexOptions,
  ) {
    super();
    const { matcher, errors, names: excludeNames, needsPath } = compileExcludeGlobs(options.exclude ?? []);
    this.exclude = matcher;
    this.excludeNames = excludeNames;
    this.excludeNeedsPath = needsPath;
    this.warnings.push(...errors);
    this.useGitignore = options.useGitignore ?? true;
    this.listing = options.listing ?? 'auto';
    this.deletedFiles = options.deletedFiles ?? 'wait';
    this.maxFiles = options.maxFiles ?? Infinity;
    this.logger = options.logger ?? nullLogger;
    const names = new Set<string>();
    for (const r of roots) {
      if (names.has(r.name))
        this.warnings.push(
          `Two workspace folders are named "${r.name}"; \${workspaceFolder:${r.name}} refers to the first.`,
        );
      names.add(r.name);
      const d = this.table.addRoot(r.name);
      this.rootDir.set(r, d);
      this.rootByDir.set(d, r);
      this.setDirState(d, DIR_INCLUDED);
    }
  }

  /** Lists every root and returns the finished index. Unreadable folders are skipped with a warning. */
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
    for (const root of index.roots) await index.listRoot(root, signal);
    index.table.trim();
    const how = index.roots.map((r) => index.listedBy.get(r)).join(', ');
    index.logger.info(
      `indexed ${index.size} files in ${index.roots.length} folder(s) (${how}) in ${Math.round(performance.now() - started)} ms${index._truncated ? ` (limit of ${index.maxFiles} files reached: ${index.dropped} left out)` : ''}`,
    );
    return index;
  }

  get size(): number {
    return this.table.size;
  }

  /** True when `maxFiles` was reached; lookups then miss files that exist (see `incompleteNote`). */
  get truncated(): boolean {
    return this._truncated;
  }

  /** How a root's files were listed: by `git ls-files` or by walking the folder. */
  listedWith(root: WorkspaceRoot): 'git' | 'walk' | undefined {
    return this.listedBy.get(root);
  }

  /**
   * Why a frame may not find a file that exists, for frames that do not map; '' when the index
   * holds every file it should.
   */
  get incompleteNote(): string {
    const out: string[] = [];
    if (this._truncated)
      out.push(
        `The file index stopped at its limit of ${this.maxFiles} files; ${this.dropped} files were left out and were not checked.`,
      );
    if (this.sparseSkipped > 0)
      out.push(
        `${this.sparseSkipped} tracked files are outside the sparse checkout (not on disk) and were not searched.`,
      );
    return out.join(' ');
  }

  has(path: string): boolean {
    return this.fileId(path) >= 0;
  }

  get(path: string): IndexedFile | undefined {
    const loc = this.locate(path);
    const id = loc ? this.fileIdAt(loc.root, loc.rel) : -1;
    return id < 0 ? undefined : this.object(id, loc!.rel);
  }

  /** Segment ids of a path's segments, for IndexedFile.commonSuffix (-1: no indexed path has it). */
  segmentIds(segments: readonly string[]): number[] {
    return segments.map((s) => this.table.segmentId(s));
  }

  /** Files with this exact basename (or any case, for frames from case-insensitive systems). */
  filesNamed(basename: string, ignoreCase = false): readonly IndexedFile[] {
    if (!ignoreCase) {
      const id = this.table.segmentId(basename);
      return id < 0 ? NONE : this.objectsOf(this.table.filesNamed(id));
    }
    const ids: number[] = [];
    for (const seg of this.table.namesIgnoringCase(basename)) this.table.filesNamed(seg, ids);
    return ids.length ? this.objectsOf(ids) : NONE;
  }

  /** The indexed file at a root-relative, `/`-separated path, if any. */
  fileAt(root: WorkspaceRoot, rel: string): IndexedFile | undefined {
    const id = this.fileIdAt(root, rel);
    return id < 0 ? undefined : this.object(id, rel);
  }

  /** Files whose last two segments are `parent/basename` (for a file at a root, parent is the root's name). */
  filesEndingWith(parent: string, basename: string): readonly IndexedFile[] {
    const ids = this.table.filesEndingWith(this.table.segmentId(parent), this.table.segmentId(basename));
    return ids.length ? this.objectsOf(ids) : NONE;
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
    if (!this.topLevel) {
      const ids = new Map<WorkspaceRoot, Set<number>>();
      const t = this.table;
      for (let f = 0; f < t.capacity; f++) {
        if (!t.isLive(f)) continue;
        let d = t.dirOf(f);
        let name = t.nameOf(f);
        while (t.parentOf(d) >= 0) {
          name = t.dirNameOf(d);
          d = t.parentOf(d);
        }
        const r = this.rootByDir.get(d)!;
        let set = ids.get(r);
        if (!set) ids.set(r, (set = new Set()));
        set.add(name);
      }
      this.topLevel = new Map([...ids].map(([r, set]) => [r, new Set([...set].map((id) => t.segment(id)))]));
    }
    return new Set(this.topLevel.get(root));
  }

  *all(): IterableIterator<IndexedFile> {
    const t = this.table;
    for (let f = 0; f < t.capacity; f++) if (t.isLive(f)) yield this.objects.get(f) ?? this.make(f);
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
    if (this.fileIdAt(loc.root, loc.rel) >= 0) return true;
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
    const segs = loc.rel.split('/');
    const name = segs.pop()!;
    const dir = this.table.dirAt(this.rootDir.get(loc.root)!, segs, true);
    this.includeNewDirs(dir);
    if (!this.insert(dir, this.table.intern(name))) return false;
    this.onDidChangeEmitter.fire({ added: [path], removed: [], changed: [] });
    return true;
  }

  /** A file or folder was deleted (watchers report a folder once); returns how many files left the index. */
  remove(path: string): number {
    const p = trimSep(path);
    const removed: string[] = [];
    const loc = this.locate(p);
    const id = loc ? this.fileIdAt(loc.root, loc.rel) : -1;
    if (id >= 0) {
      this.delete(id);
      removed.push(p);
    } else if (loc && !this.isIncluded(loc.root, loc.rel, true)) {
      // Inside an ignored folder (npm uninstall): nothing of it was indexed.
    } else if (loc || this.roots.some((r) => r.path === p)) {
      const root = loc?.root ?? this.roots.find((r) => r.path === p)!;
      const top = this.table.dirAt(this.rootDir.get(root)!, loc ? loc.rel.split('/') : [], false);
      if (top >= 0) {
        for (const f of this.filesUnder(top)) {
          removed.push(this.object(f).path);
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
    // Owners may keep a reference for a while; the table is what is large.
    this.table = new PathTable((name) => LIBRARY_DIRS.has(name));
    this.objects.clear();
    this.topLevel = undefined;
    this.rootDir.clear();
    this.rootByDir.clear();
    this.dirState = new Uint8Array(0);
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

  private fileId(path: string): number {
    const loc = this.locate(path);
    return loc ? this.fileIdAt(loc.root, loc.rel) : -1;
  }

  private fileIdAt(root: WorkspaceRoot, rel: string): number {
    const rootDir = this.rootDir.get(root);
    return rootDir === undefined ? -1 : this.table.fileAtPath(rootDir, rel);
  }

  /** `rel`, when the caller has it, saves decoding the segments. */
  private object(id: number, rel?: string): IndexedFile {
    let o = this.objects.get(id);
    if (!o) {
      if (this.objects.size >= MAX_CACHED_OBJECTS) this.objects.clear();
      o = this.make(id, rel);
      this.objects.set(id, o);
    }
    return o;
  }

  private objectsOf(ids: readonly number[]): IndexedFile[] {
    return ids.map((id) => this.object(id));
  }

  private make(id: number, rel?: string): IndexedFile {
    const t = this.table;
    const dir = t.dirOf(id);
    return new IndexedFile(this.rootByDir.get(t.rootDirOf(dir))!, id, t, dir, t.nameOf(id), rel);
  }

  /** Live file ids in the folder `top` and below. */
  private filesUnder(top: number): number[] {
    const t = this.table;
    const under = t.dirsUnder(top);
    const out: number[] = [];
    for (let f = 0; f < t.capacity; f++) if (t.isLive(f) && under[t.dirOf(f)] === 1) out.push(f);
    return out;
  }

  /**
   * Adds a file (`dir`, `name` ids); false when it was there already or the limit is reached.
   * `known`: the caller knows it is not indexed yet (a git listing of distinct paths).
   */
  private insert(dir: number, name: number, known = false): boolean {
    if (this.table.size >= this.maxFiles) {
      if (this.table.fileIn(dir, name) < 0) this.markTruncated();
      return false;
    }
    if (this.table.addFile(dir, name, known) < 0) return false;
    this.table.namesChanged();
    this.topLevel = undefined;
    return true;
  }

  private delete(id: number): void {
    this.table.removeFile(id);
    this.objects.delete(id);
    this.topLevel = undefined;
  }

  private markTruncated(): void {
    this.dropped++;
    if (this._truncated) return;
    this._truncated = true;
    const msg = `The workspace has more than ${this.maxFiles} files, the file index's limit; frames in files beyond that limit will not map (they say so). Exclude build and dependency folders with files.exclude or .gitignore.`;
    this.warnings.push(msg);
    this.logger.warn(msg);
  }

  private setDirState(dir: number, state: number): void {
    if (dir >= this.dirState.length) {
      const next = new Uint8Array(Math.max(dir + 1, this.dirState.length * 2));
      next.set(this.dirState);
      this.dirState = next;
    }
    this.dirState[dir] = state;
  }

  /** Folders created by a watcher event passed isIncluded; record them as indexed. */
  private includeNewDirs(dir: number): void {
    for (let d = dir; d >= 0 && (this.dirState[d] ?? DIR_UNKNOWN) === DIR_UNKNOWN; d = this.table.parentOf(d))
      this.setDirState(d, DIR_INCLUDED);
  }

  // ---- listing --------------------------------------------------------------------------------

  private async listRoot(root: WorkspaceRoot, signal?: AbortSignal): Promise<void> {
    if (this.listing === 'auto' && this.useGitignore && (await this.listWithGit(root, signal))) {
      this.listedBy.set(root, 'git');
      return;
    }
    this.listedBy.set(root, 'walk');
    await this.walk(root, '', signal);
  }

  /** Lists a root with `git ls-files`; false (nothing indexed) when the root is not in a git working tree. */
  private async listWithGit(root: WorkspaceRoot, signal?: AbortSignal): Promise<boolean> {
    const rootDir = this.rootDir.get(root)!;
    const t = this.table;
    const sinkFor = (prefix: string): GitPathSink => {
      const base = prefix ? t.dirAt(rootDir, prefix.split('/'), true) : rootDir;
      return this.gitSink(root, base);
    };
    const listing = await listGitWorkspace(
      root.path,
      sinkFor,
      {
        isFile: (rel) => this.fileIdAt(root, rel) >= 0,
        dropFile: (rel) => this.delete(this.fileIdAt(root, rel)),
        reserve: (count) => t.reserveFiles(count),
      },
      signal,
    );
    this.dirRels = [];
    if (!listing) {
      for (const f of this.filesUnder(rootDir)) this.delete(f);
      return false;
    }
    const dropDeleted = (paths: string[]) => {
      const removed: string[] = [];
      for (const rel of paths) {
        const id = this.fileIdAt(root, rel);
        // Created again since git looked (a watcher event indexed it): keep it.
        if (id < 0 || existsSync(join(root.path, rel))) continue;
        removed.push(this.object(id).path);
        this.delete(id);
      }
      if (removed.length)
        this.logger.debug(`${root.name}: ${removed.length} tracked files are deleted from the working tree`);
      return removed;
    };
    if (this.deletedFiles === 'wait') dropDeleted(await listing.deleted);
    else {
      this.pending = this.pending
        .then(() => listing.deleted)
        .then((paths) => {
          const removed = dropDeleted(paths);
          if (removed.length) this.onDidChangeEmitter.fire({ added: [], removed, changed: [] });
        })
        .catch((e) => this.logger.error(e as Error));
    }
    this.sparseSkipped += listing.sparseSkipped;
    if (listing.sparseSkipped)
      this.logger.info(
        `${root.name}: sparse checkout, ${listing.sparseSkipped} tracked files outside it are not on disk and not indexed`,
      );
    if (listing.nestedRepos.length)
      this.logger.info(
        `${root.name}: listed ${listing.nestedRepos.length} submodule(s)/nested repositories separately: ${listing.nestedRepos.slice(0, 5).join(', ')}${listing.nestedRepos.length > 5 ? ', …' : ''}`,
      );
    if (listing.uncheckedSubmodules.length)
      this.logger.info(
        `${root.name}: submodule(s) not checked out, no files to index: ${listing.uncheckedSubmodules.join(', ')}`,
      );
    this.table.namesChanged();
    this.topLevel = undefined;
    return true;
  }

  /**
   * Parses listed paths straight from git's output bytes. git lists paths sorted, so each path
   * shares its leading folders with the one before: only the differing tail is looked up.
   */
  private gitSink(root: WorkspaceRoot, base: number): GitPathSink {
    const t = this.table;
    /** Folder ids of the previous path, by depth. */
    let dirs = new Int32Array(64);
    let prev = new Uint8Array(4096);
    let prevLen = 0;
    let slashes = new Int32Array(256);
    let depth = 0;
    // Name-only excludes as segment ids: checked per file without making the name a string.
    const excludedNames = new Set([...this.excludeNames].map((n) => t.intern(n)));
    return (buf, start, end) => {
      if (this.table !== t) return; // disposed while git was still listing
      const len = end - start;
      if (len > prev.length) {
        const next = new Uint8Array(len * 2);
        next.set(prev.subarray(0, prevLen));
        prev = next;
      }
      if (len > slashes.length) slashes = new Int32Array(len);
      if (len > dirs.length) dirs = Int32Array.from({ length: len }, (_, i) => dirs[i] ?? -1);
      const prevWas = prevLen;
      // One pass: where the path leaves the previous one (folders before that are shared), and
      // where its `/` are; the previous path is overwritten as we go.
      let shared = -1;
      let n = 0;
      for (let i = 0; i < len; i++) {
        const b = buf[start + i]!;
        if (shared < 0 && (i >= prevLen || b !== prev[i])) shared = n;
        if (b === 0x2f) slashes[n++] = start + i;
        prev[i] = b;
      }
      prevLen = len;
      // The same path again: an unmerged file is listed once per conflict stage.
      if (shared < 0 && len === prevWas) return;
      if (shared < 0 || shared > depth) shared = Math.min(n, depth);
      let dir = shared > 0 ? dirs[shared - 1]! : base;
      for (let k = shared; k < n; k++) {
        dir = t.child(dir, t.internBytes(buf, k === 0 ? start : slashes[k - 1]! + 1, slashes[k]!), true);
        dirs[k] = dir;
      }
      depth = n;
      if (!this.gitDirIncluded(root, dir)) return;
      const name = t.internBytes(buf, n === 0 ? start : slashes[n - 1]! + 1, end);
      if (excludedNames.size > 0 && excludedNames.has(name)) return;
      if (this.excludeNeedsPath && this.exclude(this.dirRel(dir) + t.segment(name))) return;
      this.insert(dir, name, true);
    };
  }

  /** Whether files of a folder git listed are indexed (files.exclude, VCS folders, nested roots); decided once per folder. */
  private gitDirIncluded(root: WorkspaceRoot, dir: number): boolean {
    const s = this.dirState[dir] ?? DIR_UNKNOWN;
    if (s !== DIR_UNKNOWN) return s === DIR_INCLUDED;
    const t = this.table;
    const parent = t.parentOf(dir);
    let ok = parent < 0 || this.gitDirIncluded(root, parent);
    if (ok && parent >= 0) {
      const name = t.segment(t.dirNameOf(dir));
      const rel = this.dirRel(dir).slice(0, -1);
      if (ALWAYS_SKIPPED_DIRS.has(name) || this.exclude(rel)) ok = false;
      else if (this.roots.length > 1 && this.roots.some((r) => r !== root && r.path === join(root.path, rel)))
        ok = false;
    }
    this.setDirState(dir, ok ? DIR_INCLUDED : DIR_EXCLUDED);
    return ok;
  }

  /** Root-relative path of a folder with a trailing `/` ('' for a root), cached while listing. */
  private dirRel(dir: number): string {
    let rel = this.dirRels[dir];
    if (rel === undefined) {
      const parent = this.table.parentOf(dir);
      rel = parent < 0 ? '' : this.dirRel(parent) + this.table.segment(this.table.dirNameOf(dir)) + '/';
      this.dirRels[dir] = rel;
    }
    return rel;
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

  /** Lists a folder again: git for a whole root listed by git, otherwise a walk of the folder. */
  private async rescan(root: WorkspaceRoot, dirRel: string): Promise<void> {
    const absDir = dirRel ? join(root.path, dirRel) : root.path;
    const rootDir = this.rootDir.get(root);
    if (rootDir === undefined) return; // disposed
    const top = dirRel ? this.table.dirAt(rootDir, dirRel.split('/'), false) : rootDir;
    const before = new Set<string>();
    if (top >= 0) {
      for (const f of this.filesUnder(top)) {
        before.add(this.object(f).path);
        this.delete(f);
      }
    }
    if (dirRel === '' && this.listedBy.get(root) === 'git') {
      this.dirState.fill(DIR_UNKNOWN);
      for (const d of this.rootDir.values()) this.setDirState(d, DIR_INCLUDED);
      if (!(await this.listWithGit(root))) await this.walk(root, '');
    } else if (dirRel === '' || this.isIncluded(root, dirRel, true)) await this.walk(root, dirRel);
    const added: string[] = [];
    const removed: string[] = [];
    const after = new Set<string>();
    const topAfter = dirRel ? this.table.dirAt(rootDir, dirRel.split('/'), false) : rootDir;
    if (topAfter >= 0) for (const f of this.filesUnder(topAfter)) after.add(this.object(f).path);
    for (const p of after) if (!before.has(p)) added.push(p);
    for (const p of before) if (!after.has(p)) removed.push(p);
    this.logger.debug(`rescanned ${absDir} after a .gitignore change: +${added.length} -${removed.length}`);
    if (added.length || removed.length) this.onDidChangeEmitter.fire({ added, removed, changed: [] });
  }

  /** Walks one folder subtree with a few directory reads in flight at once. */
  private async walk(root: WorkspaceRoot, startRel: string, signal?: AbortSignal): Promise<void> {
    const startChain = this.useGitignore ? this.chainTo(root, startRel) : [];
    const dir = this.table.dirAt(this.rootDir.get(root)!, startRel ? startRel.split('/') : [], true);
    this.includeNewDirs(dir);
    const queue: DirJob[] = [
      { root, abs: startRel ? join(root.path, startRel) : root.path, rel: startRel, dir, chain: startChain },
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
    this.table.namesChanged();
    this.topLevel = undefined;
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
    if (this.rootDir.get(job.root) === undefined) return; // disposed while reading
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
    const t = this.table;
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
        const child = t.child(job.dir, t.intern(d.name), true);
        this.setDirState(child, DIR_INCLUDED);
        queue.push({ root: job.root, abs: join(job.abs, d.name), rel, dir: child, chain });
      } else if (isFile) {
        if (this.exclude(rel)) continue;
        if (this.useGitignore && isIgnoredByChain(chain, rel, false)) continue;
        this.insert(job.dir, t.intern(d.name));
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
