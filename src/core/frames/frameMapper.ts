/**
 * Maps a Sentry stack frame to a file and line in the open workspace, or says why it cannot.
 *
 * Rules, in order (the first that finds an indexed file wins):
 *  1. the user's path mappings (`sentryRCA.pathMappings`), per project;
 *  2. the frame's path is itself a file of the workspace (a local run);
 *  3. a root prefix learned for the project from an earlier unique in-app match, applied by prefix
 *     replacement (what Sentry's derived code mappings do);
 *  4. candidate paths, most specific first (deploy-release folder stripped, JVM package path, the
 *     frame's own path, then the Python and Go module paths). Each is tried as a whole root-relative
 *     path, then matched by path segments from the end against the file index: the longest match
 *     wins if it is unique (the workspace folder's own name counts as a segment); ties go to the file
 *     at the workspace root, then to one under a learned prefix, then to the one whose text matches
 *     the frame's context lines; otherwise the frame is ambiguous and says which files compete;
 *  5. a frame whose path goes through node_modules/vendor opens the installed copy below a
 *     workspace folder when it exists (dependencies are usually gitignored, so not indexed).
 * Guards: dependency/build folders (node_modules, vendor, site-packages, dist, build, .git) are only
 * entered when the frame's own path goes through them, and frames that are not in-app never map onto
 * the project's sources by file name alone.
 * A mapped frame's line is checked against the frame's context line and relocated when the code
 * moved (relocateLine). Results are memoised per frame until the index or the mappings change.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Emitter, type Event } from '../common/emitter';
import { DisposableBase } from '../common/lifecycle';
import { nullLogger, tagged, type Logger } from '../common/logger';
import type { StoredFrame } from '../store/model';
import {
  LIBRARY_DIRS,
  candidatePaths,
  normalizeFramePath,
  type NormalizedPath,
  type PathCandidate,
  type UnmappedCode,
} from './framePath';
import { applyMapping, describeMapping, mappingsFor, resolveMappingTarget, type PathMapping } from './pathMappings';
import { relocateLine, sameSourceLine, splitLines, type LineStatus } from './relocateLine';
import type { IndexedFile, WorkspaceFileIndex, WorkspaceRoot } from './workspaceFileIndex';

export type MatchVia = 'mapping' | 'absolute' | 'prefix' | 'dependency' | PathCandidate['via'];
export type TieBreak = 'root-relative' | 'learned-prefix' | 'context';

export interface MappedFrame {
  ok: true;
  /** Absolute local path. */
  path: string;
  /** 1-based line to open: the frame's line, or where its context line moved to. */
  line: number;
  /** 1-based column (1 when Sentry sent none). */
  column: number;
  /** Path of the workspace folder holding the file; undefined when a path mapping points outside. */
  root: string | undefined;
  /** The rule that found the file. */
  via: MatchVia;
  /** How equally long suffix matches were told apart, when there were several. */
  tieBreak?: TieBreak;
  /** The trailing path segments the frame and the file have in common (suffix rules). */
  matchedSuffix?: string;
  /** Whether the local line still is the frame's context line. */
  lineStatus: LineStatus;
  /** Set when the context line was found at another line (code moved since the release). */
  moved?: { from: number; to: number };
}

export interface UnmappedFrame {
  ok: false;
  code: UnmappedCode;
  /** A sentence for the user: why, and what they can do. */
  reason: string;
  /** Local files that came close (ambiguous or guarded matches), absolute. */
  candidates?: string[];
}

export type FrameMapping = MappedFrame | UnmappedFrame;

/** A stack root learned from a unique match: frame paths starting with `stackRoot` live under `localDir`. */
export interface LearnedPrefix {
  stackRoot: string;
  root: WorkspaceRoot;
  /** Folder under the root, `/`-separated, '' for the root itself. */
  localDir: string;
  ignoreCase: boolean;
  /** The frame path it was learned from (for the log and the UI). */
  learnedFrom: string;
}

/** A learned prefix as JSON (roots by name, since paths of workspace folders can change). */
export interface SavedPrefix {
  project: string;
  stackRoot: string;
  rootName: string;
  localDir: string;
  ignoreCase: boolean;
}

export interface FrameMapperOptions {
  mappings?: readonly PathMapping[];
  /** Reads a file's text; undefined when unreadable. Default: fs, files over 4 MiB skipped. */
  readText?: (path: string) => Promise<string | undefined>;
  /** Whether a path-mapping target exists when it is not indexed (e.g. a gitignored file). Default: fs. */
  fileExists?: (path: string) => boolean;
  logger?: Logger;
}

const MAX_READ_BYTES = 4 * 1024 * 1024;
/** File texts kept for line checks; the oldest is dropped beyond this (a long session maps many files). */
const MAX_CACHED_FILES = 256;
/** A root-relative rest that goes into installed dependencies (not indexed when gitignored). */
const INSTALLED_DEPENDENCY = /(^|\/)(node_modules|vendor)\//;
/** Memoised resolutions kept per kind (mapped / not mapped). */
const MAX_MEMO = 100_000;
/** Reading more tied files than this to compare context lines is not worth it; the frame is ambiguous. */
const MAX_CONTEXT_CANDIDATES = 24;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a source file for a line check, synchronously: open (non-blocking, so a FIFO cannot hang
 * us), fstat for the size cap, one read, close — tens of microseconds for a source file on the disk
 * the extension runs next to. The same four calls through the thread pool wait for four round trips
 * each: the first crash-site computation over 2,000 files took 1.6 s with them on a busy machine and
 * 0.3 s with these. Callers that read many files (crash sites) yield to the event loop between slices.
 */
function readTextSync(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_READ_BYTES) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    return buf.toString('utf8', 0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function defaultReadText(path: string): Promise<string | undefined> {
  return Promise.resolve(readTextSync(path));
}

interface Resolved {
  file: string;
  root: WorkspaceRoot | undefined;
  via: MatchVia;
  tieBreak?: TieBreak;
  matchedSuffix?: string;
  /** The indexed file, when a suffix rule found one (learning a prefix needs its segments). */
  indexed?: IndexedFile;
}

type Resolution = { ok: true; r: Resolved } | UnmappedFrame;

/** What the candidates that failed saw, to explain the failure. */
interface Misses {
  ambiguous?: { suffix: string; files: IndexedFile[]; line: number | null };
  excluded: IndexedFile[];
  bareName: IndexedFile[];
  mappingMissing?: string;
  mappingError?: string;
}

export class FrameMapper extends DisposableBase {
  private mappings: readonly PathMapping[];
  private readonly readText: (path: string) => Promise<string | undefined>;
  private readonly fileExists: (path: string) => boolean;
  private readonly logger: Logger;
  private readonly learned = new Map<string, LearnedPrefix[]>();
  private readonly lines = new Map<string, Promise<string[] | undefined>>();
  /** Resolved frames by frame identity; failures kept apart so a newly learned prefix can drop them cheaply. */
  /** Resolutions that hold for every line of a frame's file (by paths and project). */
  private readonly memo = new Map<string, Resolution>();
  /** Resolutions that depend on the frame's line (ties broken by its context lines). */
  private readonly memoByLine = new Map<string, Resolution>();
  private readonly memoFailed = new Map<string, Resolution>();
  private readonly onDidChangeEmitter = this.register(new Emitter<void>());
  /**
   * Mapped results may differ from now on (files added or removed, mappings changed, prefixes
   * restored): views showing mapped frames or crash sites should map again. Not fired for prefixes
   * learned while mapping, so that a view re-mapping on this event cannot loop.
   */
  readonly onDidChange: Event<void> = this.onDidChangeEmitter.event;

  constructor(
    private readonly index: WorkspaceFileIndex,
    options: FrameMapperOptions = {},
  ) {
    super();
    this.mappings = options.mappings ?? [];
    this.readText = options.readText ?? defaultReadText;
    this.fileExists = options.fileExists ?? isFile;
    this.logger = tagged(options.logger ?? nullLogger, 'frames');
    this.register(
      index.onDidChange((e) => {
        this.memo.clear();
        this.memoByLine.clear();
        this.memoFailed.clear();
        let affected = e.added.length > 0 || e.removed.length > 0;
        for (const p of [...e.changed, ...e.removed]) if (this.lines.delete(p)) affected = true;
        // Saving a file no frame maps to changes nothing a view shows.
        if (affected) this.onDidChangeEmitter.fire();
      }),
    );
  }

  setMappings(mappings: readonly PathMapping[]): void {
    this.mappings = mappings;
    this.memo.clear();
    this.memoByLine.clear();
    this.memoFailed.clear();
    this.onDidChangeEmitter.fire();
  }

  /** Problems with the current mappings for the open folders (e.g. an unknown `${workspaceFolder:name}`), to show once. */
  checkMappings(): string[] {
    const out: string[] = [];
    for (const m of this.mappings) {
      const t = resolveMappingTarget(m.to, this.index.roots);
      if (!t.ok) out.push(`Path mapping ${describeMapping(m)} cannot be used: ${t.error}.`);
    }
    return out;
  }

  /** Prefixes learned so far for a project (shown in the UI, and a starting point for a path mapping). */
  learnedPrefixes(project: string | undefined): readonly LearnedPrefix[] {
    return this.learned.get(project ?? '') ?? [];
  }

  /** Learned prefixes as plain JSON, for the host to keep in workspace state across sessions. */
  exportLearned(): SavedPrefix[] {
    const out: SavedPrefix[] = [];
    for (const [project, list] of this.learned) {
      for (const l of list)
        out.push({
          project,
          stackRoot: l.stackRoot,
          rootName: l.root.name,
          localDir: l.localDir,
          ignoreCase: l.ignoreCase,
        });
    }
    return out;
  }

  /** Restores saved prefixes; entries for folders that are no longer open, or malformed ones, are skipped. */
  importLearned(saved: unknown): number {
    if (!Array.isArray(saved)) return 0;
    let n = 0;
    for (const s of saved as Array<Partial<SavedPrefix>>) {
      if (
        !s ||
        typeof s.project !== 'string' ||
        typeof s.stackRoot !== 'string' ||
        !s.stackRoot ||
        typeof s.localDir !== 'string'
      )
        continue;
      const root = this.index.roots.find((r) => r.name === s.rootName);
      if (!root) continue;
      const list = this.learned.get(s.project) ?? [];
      if (list.some((l) => l.stackRoot === s.stackRoot)) continue;
      list.push({
        stackRoot: s.stackRoot,
        root,
        localDir: s.localDir,
        ignoreCase: s.ignoreCase === true,
        learnedFrom: '(saved)',
      });
      this.learned.set(s.project, list);
      n++;
    }
    if (n) {
      this.memoFailed.clear();
      this.onDidChangeEmitter.fire();
    }
    return n;
  }

  /** Forgets learned prefixes and cached file text (after a mapping change or a branch switch). */
  reset(): void {
    this.learned.clear();
    this.lines.clear();
    this.memo.clear();
    this.memoByLine.clear();
    this.memoFailed.clear();
    this.onDidChangeEmitter.fire();
  }

  /** Maps one frame. `project` is the Sentry project slug (path mappings and learned prefixes are per project). */
  async map(frame: StoredFrame, project?: string): Promise<FrameMapping> {
    // Where a frame's file is depends on its paths, not its line, unless ties were broken by the
    // frame's context lines: most frames of one file share one resolution (10k crash sites in 2k files
    // resolve 2k times). Line-dependent results and failures are memoised per line.
    const key = memoKey(frame, project);
    let res: Resolution | undefined = this.memo.get(key);
    if (!res) {
      const lineKey = `${key}\0${frame.lineNo ?? ''}`;
      res = this.memoByLine.get(lineKey) ?? this.memoFailed.get(lineKey);
      if (!res) {
        res = await this.resolve(frame, project);
        const byPath = res.ok && res.r.tieBreak !== 'context';
        const memo = byPath ? this.memo : res.ok ? this.memoByLine : this.memoFailed;
        if (memo.size >= MAX_MEMO) memo.clear(); // bounded; a refill costs one resolution per frame
        memo.set(byPath ? key : lineKey, res);
      }
    }
    if (!res.ok) return res;
    return this.finish(frame, res.r);
  }

  /**
   * Maps all frames of a stack trace, keeping their order. In-app frames go first, crash frame first,
   * so that a prefix learned from them maps the rest of the trace the way Sentry's code mappings do.
   */
  async mapAll(frames: readonly StoredFrame[], project?: string): Promise<FrameMapping[]> {
    const order = frames.map((_f, i) => i).sort((a, b) => Number(frames[b]!.inApp) - Number(frames[a]!.inApp) || b - a);
    const out = new Array<FrameMapping>(frames.length);
    const learnedBefore = this.learnedPrefixes(project).length;
    for (const i of order) out[i] = await this.map(frames[i]!, project);
    // A prefix learned half-way through may map frames that failed earlier in the pass.
    if (this.learnedPrefixes(project).length > learnedBefore) {
      for (const i of order) if (!out[i]!.ok) out[i] = await this.map(frames[i]!, project);
    }
    return out;
  }

  /**
   * A path mapping to offer for an unmapped frame ("Add Path Mapping…"): the frame's folder prefix up
   * to the first segment that names a top-level entry of a workspace folder, mapped onto that folder.
   */
  suggestMapping(frame: StoredFrame, project?: string): PathMapping | undefined {
    const raw = frame.absPath || frame.filename;
    if (!raw) return undefined;
    const norm = normalizeFramePath(raw);
    const path = raw.replace(/\\/g, '/');
    const roots = this.index.roots;
    const multi = roots.length > 1;
    const target = (r: WorkspaceRoot) => (multi ? `\${workspaceFolder:${r.name}}/` : '${workspaceFolder}/');
    if (norm.ok) {
      const segs = norm.path.segments;
      for (let i = 0; i < segs.length - 1; i++) {
        for (const r of roots) {
          if (!this.index.topLevelNames(r).has(segs[i]!)) continue;
          const at = path.lastIndexOf('/' + segs.slice(i).join('/'));
          if (at < 0) continue;
          return withProject({ from: path.slice(0, at + 1), to: target(r) }, project);
        }
      }
    }
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    if (!dir || roots.length === 0) return undefined;
    return withProject({ from: dir, to: target(roots[0]!) }, project);
  }

  // ---------------------------------------------------------------------------------------------

  /** Synchronous unless the file has to be read to check the frame's line. */
  private finish(frame: StoredFrame, r: Resolved): MappedFrame | Promise<MappedFrame> {
    const out: MappedFrame = {
      ok: true,
      path: r.file,
      line: 1,
      column: frame.colNo && frame.colNo > 0 ? frame.colNo : 1,
      root: r.root?.path,
      via: r.via,
      lineStatus: 'unknown',
    };
    if (r.tieBreak) out.tieBreak = r.tieBreak;
    if (r.matchedSuffix) out.matchedSuffix = r.matchedSuffix;
    const lineNo = frame.lineNo && frame.lineNo > 0 ? frame.lineNo : null;
    if (lineNo === null) return out;
    out.line = lineNo;
    if (!frame.context.some(([n]) => n === lineNo)) return out;
    return this.fileLines(r.file).then((lines) => {
      if (!lines) return out;
      const rel = relocateLine(lines, frame);
      out.line = rel.line;
      out.lineStatus = rel.status;
      if (rel.moved) out.moved = rel.moved;
      return out;
    });
  }

  private fileLines(path: string): Promise<string[] | undefined> {
    let p = this.lines.get(path);
    if (p) {
      // Refresh its place in the insertion order, which doubles as least-recently-used order.
      this.lines.delete(path);
      this.lines.set(path, p);
      return p;
    }
    p = this.readText(path).then((t) => (t === undefined ? undefined : splitLines(t)));
    this.lines.set(path, p);
    if (this.lines.size > MAX_CACHED_FILES) this.lines.delete(this.lines.keys().next().value!);
    return p;
  }

  private async resolve(frame: StoredFrame, project: string | undefined): Promise<Resolution> {
    const misses: Misses = { excluded: [], bareName: [] };
    const rawPaths = unique([frame.absPath, frame.filename]);

    // 1. User path mappings.
    for (const m of mappingsFor(this.mappings, project)) {
      const target = resolveMappingTarget(m.to, this.index.roots);
      for (const raw of rawPaths) {
        if (!target.ok) {
          if (applyMapping(raw, m, '/') !== undefined)
            misses.mappingError ??= `Path mapping ${describeMapping(m)} cannot be used: ${target.error}.`;
          continue;
        }
        const local = applyMapping(raw, m, target.path);
        if (local === undefined) continue;
        if (this.index.has(local) || this.fileExists(local)) {
          return { ok: true, r: { file: local, root: this.index.rootOf(local), via: 'mapping' } };
        }
        misses.mappingMissing ??= `Path mapping ${describeMapping(m)} turns ${raw} into ${local}, which does not exist.`;
      }
    }

    if (this.index.roots.length === 0) {
      return {
        ok: false,
        code: 'no-workspace',
        reason: 'No folder is open; open the project folder to map frames to files.',
      };
    }

    // Normalise; a URL absPath decides even when filename looks like a path (it was derived from the URL).
    const paths: NormalizedPath[] = [];
    let rejection: UnmappedFrame | undefined;
    for (const raw of rawPaths) {
      const n = normalizeFramePath(raw);
      if (n.ok) paths.push(n.path);
      else if (!rejection) rejection = { ok: false, code: n.code, reason: n.reason };
      if (!n.ok && n.code === 'url' && raw === frame.absPath) return withMappingHints(rejection!, misses);
    }
    const python = (frame.platform ?? '').toLowerCase() === 'python';
    if (paths.length === 0 && !(python && frame.module)) {
      if (rejection) return withMappingHints(rejection, misses);
      return withMappingHints(
        {
          ok: false,
          code: 'no-path',
          reason: `The frame has no file name${frame.module ? ` (only the module ${frame.module}, e.g. a compiler-generated class)` : ''}; there is nothing to open.`,
        },
        misses,
      );
    }

    // 2. The frame's own path is a workspace file.
    for (const p of paths) {
      if (p.absolute && this.index.has(p.absolute)) {
        return { ok: true, r: { file: p.absolute, root: this.index.rootOf(p.absolute), via: 'absolute' } };
      }
    }

    // 3. Learned prefixes.
    for (const p of paths) {
      const hit = this.byLearnedPrefix(p, project);
      if (hit) return { ok: true, r: hit };
    }

    // 4. Candidate paths by suffix.
    for (const c of candidatePaths(frame, paths)) {
      const found = this.byRootRelative(c, frame) ?? this.bySuffix(c, frame, project, misses);
      const hit = found instanceof Promise ? await found : found;
      if (!hit) continue;
      // Deploy paths map by their own rule; a prefix per release folder would only pile up.
      if (c.from && c.via !== 'deploy-path' && frame.inApp) this.learn(c.from, hit, project);
      // The memo keeps resolutions, not indexed-file objects (up to 100k of them).
      hit.indexed = undefined;
      return { ok: true, r: hit };
    }
    // 5. Dependencies are usually gitignored, so not indexed; a frame whose path goes through
    //    node_modules or vendor may still name a file installed in the workspace.
    const dep = this.byDependencyPath(paths);
    if (dep) return { ok: true, r: dep };
    // A path Sentry could not resolve explains itself better than a failed module fallback.
    if (paths.length === 0 && rejection) return withMappingHints(rejection, misses);
    return this.explain(frame, paths, misses);
  }

  private byLearnedPrefix(p: NormalizedPath, project: string | undefined): Resolved | undefined {
    const learned = this.learned.get(project ?? '');
    if (!learned) return undefined;
    for (const l of learned) {
      const raw = l.ignoreCase ? p.raw.toLowerCase() : p.raw;
      if (!raw.startsWith(l.stackRoot)) continue;
      let rest = p.raw.slice(l.stackRoot.length);
      if (/(^|\/)\.{0,2}(\/|$)/.test(rest)) {
        const segs = rest.split('/').filter((s) => s && s !== '.');
        if (segs.length === 0 || segs.includes('..')) continue;
        rest = segs.join('/');
      }
      const rel = l.localDir ? `${l.localDir}/${rest}` : rest;
      const f = this.index.fileAt(l.root, rel);
      if (f) return { file: f.path, root: f.root, via: 'prefix' };
      if (INSTALLED_DEPENDENCY.test(rest)) {
        const local = join(l.root.path, ...rel.split('/'));
        if (this.fileExists(local)) return { file: local, root: l.root, via: 'prefix' };
      }
    }
    return undefined;
  }

  /** `…/node_modules/pkg/lib/x.js` → `<root>/node_modules/pkg/lib/x.js` if that file exists (one stat per root). */
  private byDependencyPath(paths: readonly NormalizedPath[]): Resolved | undefined {
    for (const p of paths) {
      const segs = p.segments;
      let i = -1;
      for (let k = segs.length - 2; k >= 0; k--)
        if (segs[k] === 'node_modules' || segs[k] === 'vendor') {
          i = k;
          break;
        }
      if (i < 0) continue;
      for (const root of this.index.roots) {
        const local = join(root.path, ...segs.slice(i));
        if (this.fileExists(local)) return { file: local, root, via: 'dependency' };
      }
    }
    return undefined;
  }

  /**
   * A candidate that is a whole root-relative path of exactly one root: the longest possible suffix
   * match, found without a scan. Not for a bare file name of a library frame (never mapped by name).
   */
  private byRootRelative(c: PathCandidate, frame: StoredFrame): Resolved | undefined {
    if (c.ignoreCase || (c.segments.length < 2 && !frame.inApp)) return undefined;
    const rel = c.segments.join('/');
    let hit: IndexedFile | undefined;
    for (const root of this.index.roots) {
      const f = this.index.fileAt(root, rel);
      if (!f) continue;
      if (hit) return undefined; // in two roots: let suffix matching and its tie-breaks decide
      hit = f;
    }
    return hit && { file: hit.path, root: hit.root, via: c.via, matchedSuffix: rel, indexed: hit };
  }

  private learn(from: NormalizedPath, hit: Resolved, project: string | undefined): void {
    if (!hit.matchedSuffix || !hit.root) return;
    const f = hit.indexed ?? this.index.get(hit.file);
    if (!f) return;
    const suffix = '/' + hit.matchedSuffix;
    const raw = from.ignoreCase ? from.raw.toLowerCase() : from.raw;
    const tail = from.ignoreCase ? suffix.toLowerCase() : suffix;
    if (!raw.endsWith(tail)) return; // the candidate was rewritten (Go version, `..`): no clean prefix
    const stackRoot = raw.slice(0, raw.length - tail.length + 1);
    // A relative frame path leaves no root to learn (an empty root would claim every frame).
    if (!stackRoot) return;
    const n = hit.matchedSuffix.split('/').length;
    const localDir = f.segments.slice(0, f.segments.length - n).join('/');
    // One matching file name says little about where the rest of the tree lives: a nested file found
    // by name alone would send every other frame of the project into its folder.
    if (n < 2 && localDir !== '') return;
    const key = project ?? '';
    const list = this.learned.get(key) ?? [];
    if (list.some((l) => l.stackRoot === stackRoot)) return;
    list.unshift({ stackRoot, root: f.root, localDir, ignoreCase: from.ignoreCase, learnedFrom: from.raw });
    this.learned.set(key, list);
    // Earlier failures may now resolve by prefix.
    this.memoFailed.clear();
    this.logger.debug(`learned ${stackRoot} → ${f.root.name}/${localDir} for project ${key || '(none)'}`);
  }

  /** Synchronous unless a tie has to be settled by reading files (most frames never wait). */
  private bySuffix(
    c: PathCandidate,
    frame: StoredFrame,
    project: string | undefined,
    misses: Misses,
  ): Resolved | undefined | Promise<Resolved | undefined> {
    const segs = c.segments;
    const n = segs.length;
    const name = segs[n - 1]!;
    let framePathSegs: Set<string> | undefined;
    // The frame's segments as the index's segment ids: files are compared as integers, and their
    // own segments are never built unless they win.
    let segIds: number[] | undefined;
    let bestLen = 0;
    let best: IndexedFile[] = [];
    const scan = (files: readonly IndexedFile[]) => {
      for (const f of files) {
        if (f.libraryDirs) {
          framePathSegs ??= new Set((c.from?.segments ?? segs).map((s) => (c.ignoreCase ? s.toLowerCase() : s)));
          if (f.libraryDirs.some((d) => !framePathSegs!.has(c.ignoreCase ? d.toLowerCase() : d))) {
            misses.excluded.push(f);
            continue;
          }
        }
        let len = c.ignoreCase
          ? commonSuffix(segs, f.segments, true)
          : f.commonSuffix((segIds ??= this.index.segmentIds(segs)));
        if (len === 0) continue;
        // Servers usually deploy a checkout under the repository's own name (`/home/ci/shop/main.go`
        // for a workspace folder named `shop`): the folder name counts as one more matching segment.
        if (len === f.depth && len < n && sameSeg(segs[n - len - 1]!, f.root.name, c.ignoreCase)) len++;
        // A path built from a module name (package folders + file) is only evidence if at least the
        // file's folder matches too; `__init__.py` or `Cart.kt` alone says nothing about the package.
        if (c.via !== 'suffix' && c.via !== 'deploy-path' && len < Math.min(2, n)) continue;
        if (!frame.inApp && len === 1) {
          misses.bareName.push(f);
          continue;
        }
        if (len > bestLen) {
          bestLen = len;
          best = [f];
        } else if (len === bestLen) {
          best.push(f);
        }
      }
    };
    // Files sharing the last two segments always beat files sharing only the name, so the small
    // `parent/name` bucket settles most frames; the name bucket is the fallback.
    if (n >= 2 && !c.ignoreCase) scan(this.index.filesEndingWith(segs[n - 2]!, name));
    if (best.length === 0) scan(this.index.filesNamed(name, c.ignoreCase));
    if (best.length === 0) return undefined;
    const matchedSuffix = best[0]!.segments.slice(-bestLen).join('/');
    const make = (f: IndexedFile, tieBreak?: TieBreak): Resolved => ({
      file: f.path,
      root: f.root,
      via: c.via,
      matchedSuffix,
      indexed: f,
      ...(tieBreak ? { tieBreak } : {}),
    });
    if (best.length === 1) return make(best[0]!);

    // Ties. A fully matched relative path that is exactly a root-relative path beats deeper copies.
    if (bestLen === segs.length) {
      const exact = best.filter((f) => f.depth === bestLen);
      if (exact.length === 1) return make(exact[0]!, 'root-relative');
    }
    const learned = this.learnedPrefixes(project);
    if (learned.length) {
      const under = best.filter((f) =>
        learned.some((l) => l.root === f.root && (l.localDir === '' || f.rel.startsWith(l.localDir + '/'))),
      );
      if (under.length === 1) return make(under[0]!, 'learned-prefix');
    }
    const ambiguous = () => {
      if (!misses.ambiguous || misses.ambiguous.files.length > best.length) {
        misses.ambiguous = { suffix: matchedSuffix, files: best, line: frame.lineNo };
      }
      return undefined;
    };
    if (!frame.context.some(([, t]) => t.trim().length >= 3) || best.length > MAX_CONTEXT_CANDIDATES)
      return ambiguous();
    return this.pickByContext(best, frame).then((byContext) => (byContext ? make(byContext, 'context') : ambiguous()));
  }

  /** The one file whose text agrees with most of the frame's context lines, if there is exactly one. */
  private async pickByContext(files: IndexedFile[], frame: StoredFrame): Promise<IndexedFile | undefined> {
    const ctx = frame.context.filter(([, t]) => t.trim().length >= 3);
    if (ctx.length === 0 || files.length > MAX_CONTEXT_CANDIDATES) return undefined;
    let bestScore = 0;
    let winners: IndexedFile[] = [];
    for (const f of files) {
      const lines = await this.fileLines(f.path);
      if (!lines) continue;
      let score = 0;
      for (const [n, text] of ctx) if (sameSourceLine(lines[n - 1], text)) score++;
      if (score > bestScore) {
        bestScore = score;
        winners = [f];
      } else if (score === bestScore && score > 0) {
        winners.push(f);
      }
    }
    return winners.length === 1 ? winners[0] : undefined;
  }

  private explain(frame: StoredFrame, paths: NormalizedPath[], misses: Misses): UnmappedFrame {
    const shown = frame.absPath || frame.filename || frame.module || '(no path)';
    const rel = (f: IndexedFile) => (this.index.roots.length > 1 ? `${f.root.name}/${f.rel}` : f.rel);
    misses.excluded = uniqueFiles(misses.excluded);
    misses.bareName = uniqueFiles(misses.bareName);
    let out: UnmappedFrame;
    if (misses.ambiguous) {
      const a = misses.ambiguous;
      const list =
        a.files.slice(0, 3).map(rel).join(', ') + (a.files.length > 3 ? `, and ${a.files.length - 3} more` : '');
      out = {
        ok: false,
        code: 'ambiguous',
        reason: `${a.files.length} workspace files end in ${a.suffix} equally well (${list}) and the frame's context lines do not single one out; add a path mapping for ${dirOf(shown)}.`,
        candidates: a.files.map((f) => f.path),
      };
    } else if (misses.excluded.length > 0 && misses.bareName.length === 0) {
      const dirs = [
        ...new Set(misses.excluded.flatMap((f) => f.segments.slice(0, -1).filter((s) => LIBRARY_DIRS.has(s)))),
      ];
      out = {
        ok: false,
        code: 'excluded-dir',
        reason: `The only files named like it are under ${dirs.join(', ')} (${rel(misses.excluded[0]!)}); frames map into dependency and build folders only when their own path goes through them.`,
        candidates: misses.excluded.map((f) => f.path),
      };
    } else if (misses.bareName.length > 0) {
      out = {
        ok: false,
        code: 'library-frame',
        reason: `This is a library frame (not in-app) and shares only its file name with ${rel(misses.bareName[0]!)}; library frames are never mapped onto your sources by file name alone.`,
        candidates: misses.bareName.map((f) => f.path),
      };
    } else {
      const name = paths[0]?.segments[paths[0].segments.length - 1] ?? frame.module ?? '';
      const where =
        this.index.roots.length === 1 ? 'the workspace folder' : `${this.index.roots.length} workspace folders`;
      const lib = frame.inApp
        ? " Files ignored by .gitignore or files.exclude are not searched; if the project is checked out under other folder names, add a path mapping for this frame's folder."
        : ' It is a library frame, so its source is usually not part of the project.';
      const note = this.index.incompleteNote;
      const trunc = note ? ` ${note}` : '';
      out = {
        ok: false,
        code: 'no-match',
        reason: `No file named ${name} in ${where} matches ${shown}.${lib}${trunc}`,
      };
    }
    return withMappingHints(out, misses);
  }
}

/** A mapping that matched but failed is the more useful explanation: the user wrote it. */
function withMappingHints(out: UnmappedFrame, misses: Misses): UnmappedFrame {
  if (misses.mappingError) return { ok: false, code: 'bad-mapping', reason: misses.mappingError };
  if (misses.mappingMissing)
    return { ...out, code: 'mapping-target-missing', reason: `${misses.mappingMissing} ${out.reason}` };
  return out;
}

/** Files once each (the index may hand out a new object for a file it returned before). */
function uniqueFiles(files: readonly IndexedFile[]): IndexedFile[] {
  const seen = new Set<number>();
  return files.filter((f) => !seen.has(f.id) && seen.add(f.id) !== undefined);
}

function sameSeg(a: string, b: string, ignoreCase: boolean): boolean {
  return a === b || (ignoreCase && a.toLowerCase() === b.toLowerCase());
}

function commonSuffix(a: readonly string[], b: readonly string[], ignoreCase: boolean): number {
  let i = a.length - 1;
  let j = b.length - 1;
  let n = 0;
  while (i >= 0 && j >= 0) {
    const x = a[i]!;
    const y = b[j]!;
    if (x !== y && !(ignoreCase && x.toLowerCase() === y.toLowerCase())) break;
    n++;
    i--;
    j--;
  }
  return n;
}

function unique(xs: Array<string | null>): string[] {
  const out: string[] = [];
  for (const x of xs) if (x && x.trim() && !out.includes(x)) out.push(x);
  return out;
}

function memoKey(f: StoredFrame, project: string | undefined): string {
  return `${project ?? ''}\0${f.absPath ?? ''}\0${f.filename ?? ''}\0${f.module ?? ''}\0${f.platform ?? ''}\0${f.inApp ? 'a' : 'l'}`;
}

function dirOf(p: string): string {
  const s = p.replace(/\\/g, '/');
  const i = s.lastIndexOf('/');
  return i > 0 ? s.slice(0, i + 1) : s;
}

function withProject(m: PathMapping, project: string | undefined): PathMapping {
  return project ? { ...m, project } : m;
}

/** Path of a mapped file for display: relative to its workspace folder when inside one. */
export function displayPath(m: MappedFrame): string {
  return m.root ? relative(m.root, m.path).split('\\').join('/') : m.path;
}
