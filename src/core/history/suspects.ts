/**
 * Suspect commits: the commits of the release range (`previousCommit..commit`; without releases, the 14
 * days before the issue was first seen) ranked by how they link to the issue, each link said in words:
 * touches a file of an in-app frame; adds an early exit that skips giving back what a stack function
 * took (a leak); adds/removes calls of a function on the stack; touches the code that serves the
 * route/transaction of the events; lies in the same service folder; its message shares words with the
 * error. Commits that touch only docs, lockfiles, CI or lint configs rank last.
 */
import { errorMessage } from '../common/errors';
import {
  addedEarlyExits,
  callsFunction,
  LOG_FORMAT,
  parseLog,
  RESOURCE_PAIRS,
  type CommitDiff,
  type FileDiff,
} from './diffScan';
import { isSafeRevision, type GitRunner } from './gitHistory';

export interface SuspectCite {
  path: string;
  line: number;
  text: string;
}

export interface Suspect {
  /** 12-character SHA. */
  commit: string;
  summary: string;
  author: string;
  date: string;
  files: string[];
  score: number;
  why: string[];
  /** Lines of the change the reasons point at (new-file line numbers). */
  cites: SuspectCite[];
}

export interface SuspectRange {
  /** Exclusive start (the previous release's commit); null = by time. */
  from: string | null;
  /** Inclusive end (the release's commit), or HEAD. */
  to: string;
  /** Used when `from` is null: commits in [since, until] (epoch ms). */
  since?: number;
  until?: number;
  /** How the range was chosen, for people. */
  label: string;
}

export interface StackFrameRef {
  /** Workspace-relative path (mapped) or the event's filename (unmapped). */
  path: string;
  function: string | null;
  line: number;
  culprit: boolean;
}

export interface SuspectQuery {
  range: SuspectRange;
  frames: StackFrameRef[];
  /** Short names of the functions on the stack (in-app first). */
  stackFunctions: string[];
  /** Route or transaction paths seen in the events (`/checkout`, `POST /api/orders/:id`). */
  routes: string[];
  /** Exception type, value and title, for word overlap. */
  errorText: string;
  /** Code around the crash frames and log lines near the errors: what a config change must show up in. */
  contextText?: string;
  /** At most this many commits of the range are scanned (newest first). */
  maxCommits?: number;
  signal?: AbortSignal;
}

export interface SuspectResult {
  suspects: Suspect[];
  /** Commits in the range (≥ scanned when capped). */
  rangeCommits: number;
  scanned: number;
  range: SuspectRange;
  notes: string[];
}

const NOISE = [
  /(^|\/)(readme|changelog|changes|contributing|license|authors|notice)(\.[a-z]+)?$/i,
  /\.(md|mdx|rst|adoc|txt)$/i,
  /(^|\/)docs?\//i,
  /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|Gemfile\.lock|composer\.lock|packages\.lock\.json)$/,
  /(^|\/)\.github\//,
  /(^|\/)\.gitlab-ci\.yml$/,
  /(^|\/)\.circleci\//,
  /(^|\/)Jenkinsfile$/,
  /(^|\/)\.travis\.yml$/,
  /(^|\/)azure-pipelines\.ya?ml$/,
  /(^|\/)\.buildkite\//,
  /(^|\/)(\.eslintrc(\.\w+)?|eslint\.config\.\w+|\.prettierrc(\.\w+)?|prettier\.config\.\w+|\.editorconfig|\.stylelintrc(\.\w+)?|\.markdownlint\w*|\.gitignore|\.gitattributes|\.pre-commit-config\.yaml|ruff\.toml|\.flake8|\.rubocop\.yml)$/,
];
const MONOREPO_ROOTS = new Set([
  'services',
  'packages',
  'apps',
  'libs',
  'modules',
  'cmd',
  'svc',
  'projects',
  'components',
]);
const STOP = new Set([
  'error',
  'errors',
  'with',
  'from',
  'that',
  'this',
  'when',
  'into',
  'undefined',
  'null',
  'cannot',
  'read',
  'property',
  'properties',
  'failed',
  'fails',
  'typeerror',
  'more',
  'than',
  'have',
  'make',
  'update',
  'updates',
  'change',
  'changes',
  'fix',
  'fixes',
  'add',
  'adds',
  'the',
  'and',
  'for',
  'not',
  'only',
  'after',
  'before',
  'release',
]);
/** Patch text read for one range; a range bigger than this is scanned newest first up to it. */
const MAX_PATCH_BYTES = 48 * 1024 * 1024;

const CONFIG_FILE =
  /(^|\/)(config|conf|settings)(\/|\.)|\.(ya?ml|toml|ini|env|properties|conf)$|(^|\/)\.env(\.\w+)?$|(^|\/)[^/]*config[^/]*\.json$/i;

/**
 * A suspect's published fields, copied one by one: the CLI's `--json` diagnosis and the panel show exactly
 * these, so a field added to a suspect for ranking never leaks into either by accident.
 */
export function publishedSuspect(x: Suspect): Suspect {
  return {
    commit: x.commit,
    summary: x.summary,
    author: x.author,
    date: x.date,
    files: x.files,
    score: x.score,
    why: x.why,
    cites: x.cites,
  };
}

export function isNoiseFile(path: string): boolean {
  return NOISE.some((r) => r.test(path));
}

/** The service folder of a path: `services/orders/` in a monorepo, else its first directory. */
export function serviceFolder(path: string): string | null {
  const seg = path.split('/');
  if (seg.length >= 3 && MONOREPO_ROOTS.has(seg[0]!)) return `${seg[0]}/${seg[1]}/`;
  return seg.length >= 2 ? `${seg[0]}/` : null;
}

/** Same file, allowing for one side being the event's path (`/app/src/x.js`) and the other workspace-relative. */
export function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const x = a.replace(/^\/+/, '');
  const y = b.replace(/^\/+/, '');
  return x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[a-z][a-z0-9]{3,}/g) ?? []).filter((w) => !STOP.has(w)));
}

/** `GET /api/orders/:id` → `['api', 'orders']` (the literal path segments). */
export function routeSegments(route: string): string[] {
  const p =
    route
      .replace(/^[A-Z]+\s+/, '')
      .replace(/^https?:\/\/[^/]+/, '')
      .split(/[?#]/)[0] ?? '';
  return p
    .split('/')
    .filter((s) => s && !/^[:{<*]|^\d+$|^[0-9a-f-]{16,}$/i.test(s) && s !== 'api' && !/^v\d+$/.test(s));
}

export async function rankSuspects(git: GitRunner, q: SuspectQuery): Promise<SuspectResult> {
  const notes: string[] = [];
  const max = q.maxCommits ?? 300;
  const r = q.range;
  const revs: string[] = [];
  if (!isSafeRevision(r.to) || (r.from !== null && !isSafeRevision(r.from)))
    return {
      suspects: [],
      rangeCommits: 0,
      scanned: 0,
      range: r,
      notes: ['The release range names a revision git cannot be asked about.'],
    };
  if (r.from) revs.push(`${r.from}..${r.to}`);
  else {
    revs.push(r.to);
    if (r.since !== undefined) revs.push(`--since=${Math.floor(r.since / 1000)}`);
    if (r.until !== undefined) revs.push(`--until=${Math.floor(r.until / 1000)}`);
  }
  let rangeCommits = 0;
  try {
    rangeCommits =
      Number((await git.run(['rev-list', '--count', '--no-merges', ...revs], { signal: q.signal })).trim()) || 0;
  } catch (e) {
    return {
      suspects: [],
      rangeCommits: 0,
      scanned: 0,
      range: r,
      notes: [`git could not list the range ${r.label}: ${errorMessage(e)}`],
    };
  }
  if (rangeCommits === 0)
    return { suspects: [], rangeCommits: 0, scanned: 0, range: r, notes: [`No commits in ${r.label}.`] };
  let commits: CommitDiff[];
  try {
    const out = await git.run(
      ['log', '--no-merges', '-M', '-p', '-U3', '--no-color', '--no-ext-diff', `-n${max}`, LOG_FORMAT, ...revs],
      { signal: q.signal, maxBytes: MAX_PATCH_BYTES, timeoutMs: 20_000 },
    );
    commits = parseLog(out);
  } catch (e) {
    if (q.signal?.aborted) throw e;
    notes.push(
      `The diffs of ${r.label} could not be read whole (${errorMessage(e)}); ranking by the files each commit touched.`,
    );
    const out = await git.run(['log', '--no-merges', '-M', '--name-only', `-n${max}`, LOG_FORMAT, ...revs], {
      signal: q.signal,
      maxBytes: MAX_PATCH_BYTES,
    });
    commits = parseNameOnly(out);
  }
  if (rangeCommits > commits.length)
    notes.push(`${r.label} holds ${rangeCommits} commits; the newest ${commits.length} were scanned.`);

  // The leak scan reads whole files at each commit: all of them in one `git cat-file --batch`.
  const fileCache = await filesForLeakScan(git, commits, new Set(q.stackFunctions), q.signal);
  const fileAt = async (sha: string, path: string): Promise<string[] | null> => fileCache.get(`${sha}:${path}`) ?? null;

  const suspects: Suspect[] = [];
  for (let idx = 0; idx < commits.length; idx++) {
    q.signal?.throwIfAborted();
    suspects.push(await scoreCommit(commits[idx]!, q, fileAt, idx));
  }
  suspects.sort((a, b) => b.score - a.score || b.date.localeCompare(a.date));
  return { suspects, rangeCommits, scanned: commits.length, range: r, notes };
}

async function scoreCommit(
  c: CommitDiff,
  q: SuspectQuery,
  fileAt: (sha: string, path: string) => Promise<string[] | null>,
  newestIndex: number,
): Promise<Suspect> {
  const why: string[] = [];
  const cites: Suspect['cites'] = [];
  let score = 0;
  const paths = c.files.map((f) => f.path);
  const touched = (f: FileDiff) => [f.path, ...(f.oldPath ? [f.oldPath] : [])];

  // 1. Files of in-app frames.
  const culprit = q.frames.find((f) => f.culprit);
  // A pure rename changes no line: it moves the file, it does not change what runs.
  const changesContent = (f: FileDiff) => !f.oldPath || f.added.length > 0 || f.removed.length > 0;
  const frameHits = q.frames.filter((fr) =>
    c.files.some((f) => changesContent(f) && touched(f).some((p) => samePath(p, fr.path))),
  );
  // The very line a frame points at was written by this commit.
  const lineHits = q.frames.filter(
    (fr) =>
      fr.line > 0 &&
      c.files.some((f) => touched(f).some((p) => samePath(p, fr.path)) && f.added.some((a) => a.line === fr.line)),
  );
  for (const fr of lineHits.slice(0, 2)) {
    const f = c.files.find((x) => touched(x).some((p) => samePath(p, fr.path)))!;
    const a = f.added.find((x) => x.line === fr.line)!;
    score += fr.culprit ? 2 : 1.5;
    why.push(
      `writes ${fr.path}:${fr.line}, the line ${fr.culprit ? 'that crashed' : `where ${fr.function ?? 'a frame'} is on the stack`}`,
    );
    cites.push({ path: f.path, line: a.line, text: a.text.trim() });
  }
  const frameFiles = [...new Set(frameHits.map((f) => f.path))];
  if (culprit && frameHits.some((f) => f.path === culprit.path)) {
    score += 3;
    why.push(`touches ${culprit.path}, the crash frame's file`);
  }
  const others = frameFiles.filter((p) => p !== culprit?.path);
  if (others.length) {
    score += 2 + Math.min(1, 0.5 * (others.length - 1));
    why.push(`touches ${others.slice(0, 3).join(', ')}, file(s) of in-app frames on the stack`);
  }
  const renamed = c.files.filter(
    (f) => f.oldPath && q.frames.some((fr) => samePath(f.oldPath!, fr.path) || samePath(f.path, fr.path)),
  );
  if (renamed.length) why.push(`renames ${renamed.map((f) => `${f.oldPath} → ${f.path}`).join(', ')}`);

  // 2. What the diff does to the stack's functions: early exits that skip giving a resource back, and calls added or removed.
  const stack = new Set(q.stackFunctions);
  for (const f of c.files) {
    if (isNoiseFile(f.path)) continue;
    for (const pair of RESOURCE_PAIRS) {
      if (!stack.has(pair.take)) continue;
      if (!f.added.some((a) => /^\s*(return\b|throw\b|continue;|break;)/.test(a.text))) continue;
      const text = await fileAt(c.sha, f.path);
      if (!text) continue;
      for (const ex of addedEarlyExits(text, f.added, pair.take, pair.give)) {
        score += 4;
        why.push(
          `${f.path}:${ex.line} \`${clip(ex.text)}\` leaves before ${ex.give} — what \`${clip(ex.takeText)}\` (line ${ex.takeLine}) took is never given back on that path, and ${pair.take}() is on the stack`,
        );
        cites.push({ path: f.path, line: ex.line, text: ex.text });
      }
    }
    for (const fn of stack) {
      const add = f.added.filter((a) => callsFunction(a.text, fn));
      const rem = f.removed.filter((a) => callsFunction(a.text, fn));
      if (!add.length && !rem.length) continue;
      score += add.length && rem.length ? 2 : 2.5;
      const verb =
        add.length && rem.length
          ? `changes ${add.length} call(s)`
          : add.length
            ? `adds ${add.length} call(s)`
            : `removes ${rem.length} call(s)`;
      why.push(`${verb} of ${fn}(), which is on the stack (${f.path}:${(add[0] ?? rem[0])!.line})`);
      if (add[0]) cites.push({ path: f.path, line: add[0].line, text: add[0].text.trim() });
    }
  }

  // 2b. A configuration value the error, the crash code or the logs mention.
  for (const f of c.files) {
    if (!CONFIG_FILE.test(f.path) || isNoiseFile(f.path)) continue;
    const hay = `${q.errorText}\n${q.contextText ?? ''}`;
    for (const a of f.added) {
      const m = /^\s*["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?([^"',#\s]+)/.exec(a.text);
      if (!m) continue;
      const [, key, value] = m;
      const valueHit =
        value!.length >= 2 &&
        !/^(true|false|null|\{|\[)$/.test(value!) &&
        new RegExp(`(^|[^\\w.-])${value!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w-]|$)`).test(hay);
      const keyHit = key!.length >= 4 && new RegExp(`\\b${key!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(hay);
      if (valueHit || keyHit) {
        score += valueHit ? 3.5 : 3;
        why.push(
          `${f.path}:${a.line} sets ${key} to ${value}, which ${valueHit ? 'the error or its logs show' : 'the crashing code reads'}`,
        );
        cites.push({ path: f.path, line: a.line, text: a.text.trim() });
        break;
      }
    }
  }

  // 3. The route / transaction of the events.
  const routeHit = routeLink(c, q.routes);
  if (routeHit) {
    score += 1.5;
    // A file already named as a frame's file is not named again: the route joins that reason.
    const named = routeHit.serves
      ? why.findIndex((w) => w.startsWith('touches ') && w.slice(8).split(', ').includes(routeHit.path))
      : -1;
    if (named >= 0) {
      // `touches a.mjs, <reason>` → `…; it serves POST /x`; with several files listed, the file by name.
      const alone = why[named]!.slice(8).split(', ').length === 2;
      why[named] = `${why[named]}; ${alone ? 'it' : routeHit.path} serves ${routeHit.serves}`;
    } else why.push(routeHit.text);
  }

  // 4. Service folder.
  const folders = [...new Set(q.frames.map((f) => serviceFolder(f.path)).filter((x): x is string => !!x))];
  const code = c.files.filter((f) => !isNoiseFile(f.path));
  if (folders.length && code.length) {
    const inside = code.filter((f) => folders.some((d) => f.path.startsWith(d)));
    if (inside.length) {
      score += 0.5;
      why.push(
        `in the same service folder (${folders.filter((d) => inside.some((f) => f.path.startsWith(d))).join(', ')})`,
      );
    } else if (folders.some((d) => MONOREPO_ROOTS.has(d.split('/')[0]!))) {
      score -= 1;
      why.push(
        `only touches other folders (${[...new Set(code.map((f) => serviceFolder(f.path) ?? f.path))].slice(0, 3).join(', ')})`,
      );
    }
  }

  // 5. Message words shared with the error.
  const shared = [...words(c.subject)].filter((w) => words(q.errorText).has(w));
  if (shared.length) {
    score += Math.min(1.2, 0.4 * shared.length);
    why.push(`its message shares "${shared.slice(0, 4).join('", "')}" with the error`);
  }

  // 6. Only docs, lockfiles, CI or lint config: last.
  if (c.files.length > 0 && code.length === 0) {
    score = -5;
    why.length = 0;
    why.push('touches only docs, lockfiles, CI or lint config');
  } else if (c.files.length === 0) {
    score = -5;
    why.push('changes no files');
  }
  if (why.length === 0) why.push('no link to the stack, the routes or the error found');
  // Newer commits of the range break ties (the range is read newest first).
  score -= newestIndex * 1e-4;
  return {
    commit: c.sha.slice(0, 12),
    summary: c.subject,
    author: c.author,
    date: c.date,
    files: paths.slice(0, 20),
    score: Math.round(score * 100) / 100,
    why,
    cites: cites.slice(0, 5),
  };
}

/** Blobs the leak scan will read: files whose change adds an early exit, when a resource-taking function is on the stack. */
async function filesForLeakScan(
  git: GitRunner,
  commits: CommitDiff[],
  stack: Set<string>,
  signal?: AbortSignal,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!RESOURCE_PAIRS.some((p) => stack.has(p.take))) return out;
  const names: string[] = [];
  for (const c of commits) {
    for (const f of c.files) {
      if (
        !isNoiseFile(f.path) &&
        f.added.some((a) => /^\s*(return\b|throw\b|continue;|break;)/.test(a.text)) &&
        !/[\n\r]/.test(f.path)
      )
        names.push(`${c.sha}:${f.path}`);
    }
  }
  if (!names.length) return out;
  let raw: string;
  try {
    raw = await git.run(['cat-file', '--batch'], {
      signal,
      input: `${names.slice(0, 5000).join('\n')}\n`,
      maxBytes: 128 * 1024 * 1024,
      timeoutMs: 20_000,
    });
  } catch {
    return out;
  }
  // `<oid> blob <size>\n<content>\n` per name, or `<name> missing\n`. Sizes are bytes.
  const buf = Buffer.from(raw, 'utf8');
  let pos = 0;
  for (const name of names.slice(0, 5000)) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    if (header.endsWith(' missing')) continue;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    // Lost our place (a blob that was not UTF-8 text changed length when decoded): stop reading.
    if (!m) break;
    const size = Number(m[2]);
    if (m[1] === 'blob')
      out.set(
        name,
        buf
          .subarray(pos, pos + size)
          .toString('utf8')
          .split('\n'),
      );
    pos += size + 1;
  }
  return out;
}

/** The first changed file that serves a route of the events: the reason, the file and (by name) the route. */
function routeLink(c: CommitDiff, routes: string[]): { text: string; path: string; serves?: string } | null {
  for (const route of routes) {
    const segs = routeSegments(route);
    if (!segs.length) continue;
    const literal = `/${segs.join('/')}`;
    for (const f of c.files) {
      if (isNoiseFile(f.path)) continue;
      const base = f.path
        .split('/')
        .pop()!
        .replace(/\.[^.]+$/, '')
        .toLowerCase();
      const dirs = f.path.toLowerCase().split('/').slice(0, -1);
      const last = segs[segs.length - 1]!.toLowerCase();
      if (base === last || (segs.length > 1 && dirs.includes(last)))
        return { text: `touches ${f.path}, which serves ${route}`, path: f.path, serves: route };
      const hit = f.added.find(
        (a) => a.text.includes(`'${literal}`) || a.text.includes(`"${literal}`) || a.text.includes(`\`${literal}`),
      );
      if (hit) return { text: `${f.path}:${hit.line} routes ${literal} (${route} in the events)`, path: f.path };
    }
  }
  return null;
}

function parseNameOnly(out: string): CommitDiff[] {
  const commits: CommitDiff[] = [];
  for (const rec of out.split('\x1e')) {
    if (!rec.trim()) continue;
    const [header, ...rest] = rec.split('\n');
    const [sha, author, date, subject] = header!.split('\x1f');
    if (!sha || !/^[0-9a-f]{40}$/.test(sha)) continue;
    commits.push({
      sha,
      author: author ?? '',
      date: date ?? '',
      subject: subject ?? '',
      files: rest.filter(Boolean).map((p) => ({ path: p, oldPath: null, added: [], removed: [], hunks: [] })),
    });
  }
  return commits;
}

function clip(s: string): string {
  const one = s.replace(/`/g, 'ʼ').replace(/\s+/g, ' ').trim();
  return one.length > 100 ? `${one.slice(0, 100)}…` : one;
}
