/**
 * Sentry-style normalisation of a frame's path, and the reasons a path can never be a workspace file.
 * Mirrors what Sentry strips before it matches code mappings: backslashes, drive letters, `app:///`,
 * `webpack://<name>/`, `webpack:///`, `./`, `../`, `~/` and leading slashes; `file://` URLs become paths.
 */

/** Why a frame did not map; every code comes with a sentence the user can act on. */
export type UnmappedCode =
  | 'no-workspace'
  | 'no-path'
  | 'not-a-file'
  | 'url'
  | 'native'
  | 'runtime'
  | 'bad-mapping'
  | 'mapping-target-missing'
  | 'no-match'
  | 'ambiguous'
  | 'library-frame'
  | 'excluded-dir';

export interface NormalizedPath {
  /** The frame's path as sent, with backslashes turned into `/` (prefix matching works on this). */
  raw: string;
  /** Segments left after stripping; the last is the file name. */
  segments: string[];
  /** The frame came from a case-insensitive file system (drive letter or backslashes). */
  ignoreCase: boolean;
  /** A local absolute path when the frame's path is one (it may be a file of this very workspace). */
  absolute: string | undefined;
  /** Which scheme prefix was stripped (`webpack://app/`, `app:///`), if any. */
  scheme: string | undefined;
}

export type NormalizeResult = { ok: true; path: NormalizedPath } | { ok: false; code: UnmappedCode; reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const WEBPACK_PREFIX = /^(webpack(?:-internal)?:\/\/[^/]*\/)/i;
const APP_PREFIX = /^(app:\/\/\/?)/i;

function rejected(code: UnmappedCode, reason: string): NormalizeResult {
  return { ok: false, code, reason };
}

export function normalizeFramePath(input: string): NormalizeResult {
  const text = input.trim();
  if (!text) return rejected('no-path', 'The frame has no file path.');
  if (/^\[native code\]$|^native$/i.test(text)) {
    return rejected('native', `The frame is in native code (${text}); there is no source file to open.`);
  }
  if (/^<[^>]*>$/.test(text) || /^\(?eval\)?$/.test(text) || /^eval at /.test(text)) {
    return rejected(
      'not-a-file',
      `The frame's file is ${text}: code created at run time (eval, new Function, a REPL) has no source file.`,
    );
  }
  if (/^node:/.test(text) || /^internal\//.test(text)) {
    return rejected('runtime', `${text} is part of the Node.js runtime, not a file of your workspace.`);
  }

  let raw = text.replace(/\\/g, '/');
  let scheme: string | undefined;
  let rest = raw;
  const webpack = WEBPACK_PREFIX.exec(raw);
  const app = APP_PREFIX.exec(raw);
  if (webpack || app) {
    scheme = (webpack ?? app)![1]!;
    // Loader queries (`?vue&type=script`, `?3a5f`) are not part of the file name.
    rest = raw.slice(scheme.length).replace(/[?#].*$/, '');
    raw = scheme + rest;
  } else if (/^file:\/\//i.test(raw)) {
    try {
      rest = decodeURIComponent(raw.replace(/^file:\/\/(localhost)?/i, '').replace(/[?#].*$/, ''));
    } catch {
      rest = raw.replace(/^file:\/\//i, '');
    }
    if (/^\/[A-Za-z]:\//.test(rest)) rest = rest.slice(1); // file:///C:/x → C:/x
    raw = rest;
  } else if (SCHEME.test(raw) && !/^[A-Za-z]:\//.test(raw)) {
    const s = SCHEME.exec(raw)![1]!.toLowerCase();
    return rejected(
      'url',
      `The frame points at a URL (${text})${s === 'http' || s === 'https' ? '; upload source maps to Sentry so it resolves to a source file, or add a path mapping from that URL prefix to a local folder' : ''}.`,
    );
  }

  let ignoreCase = /\\/.test(text);
  let absolute: string | undefined;
  const drive = /^([A-Za-z]):\//.exec(rest);
  if (drive) {
    ignoreCase = true;
    absolute = text.replace(/^file:\/\/\/?/i, '');
    rest = rest.slice(2);
  } else if (!scheme && rest.startsWith('/') && !rest.startsWith('//') && !ignoreCase) {
    absolute = rest;
  }

  const segments: string[] = [];
  for (const seg of rest.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      // A leading `../` says only "somewhere above"; an inner one cancels the previous segment.
      if (segments.length) segments.pop();
      continue;
    }
    if (seg === '~' && segments.length === 0) continue;
    segments.push(seg);
  }
  if (segments.length === 0 || rest.endsWith('/')) {
    return rejected('no-path', `The frame's path ${text} names a folder, not a file.`);
  }
  return { ok: true, path: { raw, segments, ignoreCase, absolute, scheme } };
}

/** Folders whose files are dependencies or build output, not the project's sources. */
export const LIBRARY_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  'vendor',
  'site-packages',
  'dist-packages',
  'dist',
  'build',
  '.git',
]);

/** A path the mapper will try, in order, with the rule that produced it. */
export interface PathCandidate {
  segments: string[];
  via: 'deploy-path' | 'java-package' | 'suffix' | 'python-module' | 'go-module';
  ignoreCase: boolean;
  /** The normalised frame path this candidate came from (learned prefixes are cut from its `raw`). */
  from: NormalizedPath | undefined;
}

const JVM_EXT = /\.(java|kt|kts|scala|groovy|clj|cljc)$/i;

/**
 * Candidate paths for a frame, most specific first: a Capistrano/Deployer release folder stripped,
 * the JVM package path, the frame's own path(s), then the Python and Go module fallbacks.
 */
export function candidatePaths(
  frame: {
    filename: string | null;
    absPath: string | null;
    module: string | null;
    platform: string | null;
  },
  paths: readonly NormalizedPath[],
): PathCandidate[] {
  const out: PathCandidate[] = [];
  const push = (c: PathCandidate) => {
    if (!out.some((o) => sameSegments(o.segments, c.segments))) out.push(c);
  };

  for (const p of paths) {
    const deployRest = stripDeployRoot(p.raw);
    if (deployRest) push({ segments: deployRest, via: 'deploy-path', ignoreCase: p.ignoreCase, from: p });
  }

  const fileName = frame.filename ?? '';
  const platform = (frame.platform ?? '').toLowerCase();
  if (
    frame.module &&
    fileName &&
    !fileName.includes('/') &&
    !fileName.includes('\\') &&
    (JVM_EXT.test(fileName) || platform === 'java')
  ) {
    const parts = frame.module.split('.').filter(Boolean);
    // The last part is the class (`Cart$Line`, `CartKt`); the rest is the package, i.e. the folders.
    if (parts.length > 1)
      push({ segments: [...parts.slice(0, -1), fileName], via: 'java-package', ignoreCase: false, from: undefined });
  }

  for (const p of paths) {
    const segments = p.segments.some((seg) => seg.includes('@v')) ? p.segments.map(stripGoVersion) : p.segments;
    push({ segments, via: 'suffix', ignoreCase: p.ignoreCase, from: p });
  }

  const last = paths[0]?.segments[paths[0].segments.length - 1] ?? '';
  if (frame.module && (platform === 'python' || /\.py[wi]?$/.test(last)) && /^[A-Za-z_][\w.]*$/.test(frame.module)) {
    const parts = frame.module.split('.');
    push({
      segments: [...parts.slice(0, -1), parts[parts.length - 1]! + '.py'],
      via: 'python-module',
      ignoreCase: false,
      from: undefined,
    });
    push({ segments: [...parts, '__init__.py'], via: 'python-module', ignoreCase: false, from: undefined });
  }

  if (frame.module && (platform === 'go' || last.endsWith('.go')) && frame.module.includes('/') && last) {
    // sentry-go sends the import path as `module`; the file lives in that package's folder.
    const segs = frame.module.split('/').filter(Boolean).map(stripGoVersion);
    push({ segments: [...segs, last], via: 'go-module', ignoreCase: false, from: undefined });
  }
  return out;
}

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** `shop@v1.2.3` (Go module cache) → `shop`. */
function stripGoVersion(seg: string): string {
  const i = seg.indexOf('@v');
  return i > 0 ? seg.slice(0, i) : seg;
}

/**
 * The part of a Ruby/PHP deploy path below the release folder:
 * `/var/www/app/releases/20240101120000/app/models/x.rb` → `app/models/x.rb`,
 * `/srv/app/current/lib/x.php` → `lib/x.php`.
 */
export function stripDeployRoot(raw: string): string[] | undefined {
  const m = /^(?:[A-Za-z]:)?\/.*?\/(?:releases\/[0-9][\w.-]*|current)\/(.+)$/.exec(raw);
  if (!m) return undefined;
  const segs = m[1]!.split('/').filter((s) => s && s !== '.');
  return segs.length ? segs : undefined;
}
