/**
 * The one door to git for the investigation: recent history of the crash lines (`git blame`, `git log -L`)
 * and a raw `run` the release, suspect and skew questions build on. Always execFile with an argument
 * array, never a shell, with a timeout and an output cap; paths are workspace-relative and checked by the
 * caller; revisions come from git itself or are checked with `isRevision` first.
 */
import { execFile } from 'node:child_process';

export interface BlameLine {
  line: number;
  commit: string;
  author: string;
  /** Epoch ms; for uncommitted lines, the time of the blame. */
  time: number;
  summary: string;
  uncommitted: boolean;
  /** Older than `sinceMs`: git stopped walking here, so the commit named is not the one that wrote it. */
  boundary?: boolean;
}

const NOT_COMMITTED = /^0{40}$/;

/** What the history questions need from git (GitHistory has it; tests may pass their own). */
export interface GitRunner {
  isRepo(): Promise<boolean>;
  /** stdout of `git ARGS`; rejects with git's first stderr line. `maxBytes` raises the output cap for one call. */
  run(
    args: string[],
    options?: { signal?: AbortSignal; maxBytes?: number; timeoutMs?: number; input?: string },
  ): Promise<string>;
}

/** A revision name we pass to git: a SHA, or a ref name without option-like or range syntax. */
export function isSafeRevision(rev: string): boolean {
  return (
    /^[A-Za-z0-9][A-Za-z0-9._@/+-]{0,200}$/.test(rev) &&
    !rev.includes('..') &&
    !rev.endsWith('.lock') &&
    !rev.includes('@{')
  );
}

export class GitHistory implements GitRunner {
  private repo: Promise<boolean> | undefined;

  constructor(
    private readonly root: string,
    private readonly timeoutMs = 5_000,
    private readonly maxBytes = 2 * 1024 * 1024,
  ) {}

  /** Whether the workspace is inside a git work tree (and git is installed). */
  isRepo(): Promise<boolean> {
    this.repo ??= this.git(['rev-parse', '--is-inside-work-tree']).then(
      (o) => o.trim() === 'true',
      () => false,
    );
    return this.repo;
  }

  /**
   * `sinceMs` bounds the walk (in a long history, lines older than that are attributed to the boundary
   * commit instead of walking every commit back to the one that wrote them).
   */
  async blame(
    relPath: string,
    start: number,
    end: number,
    signal?: AbortSignal,
    sinceMs?: number,
  ): Promise<BlameLine[]> {
    const out = await this.git(
      [
        'blame',
        '--porcelain',
        ...(sinceMs ? [`--since=${Math.floor(sinceMs / 1000)}`] : []),
        '-L',
        `${start},${end}`,
        '--',
        relPath,
      ],
      signal,
    );
    return parseBlamePorcelain(out);
  }

  /** `git log -L start,end:path` for the newest `maxCommits` commits, in a compact format. */
  async logLines(
    relPath: string,
    start: number,
    end: number,
    maxCommits = 3,
    signal?: AbortSignal,
    sinceMs?: number,
  ): Promise<string> {
    return this.git(
      [
        'log',
        `-L${start},${end}:${relPath}`,
        `-n${maxCommits}`,
        ...(sinceMs ? [`--since=${Math.floor(sinceMs / 1000)}`] : []),
        '--no-color',
        '--date=iso-strict',
        '--format=commit %h  %an  %ad%n    %s',
      ],
      signal,
    );
  }

  /** The newest commits touching a file, one line each. */
  async logFile(relPath: string, maxCommits = 10, signal?: AbortSignal): Promise<string> {
    return this.git(
      ['log', `-n${maxCommits}`, '--no-color', '--date=iso-strict', '--format=%h  %ad  %an  %s', '--', relPath],
      signal,
    );
  }

  run(
    args: string[],
    options: { signal?: AbortSignal; maxBytes?: number; timeoutMs?: number; input?: string } = {},
  ): Promise<string> {
    return this.git(args, options.signal, options.maxBytes, options.timeoutMs, options.input);
  }

  private git(
    args: string[],
    signal?: AbortSignal,
    maxBytes = this.maxBytes,
    timeoutMs = this.timeoutMs,
    input?: string,
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        ['-c', 'core.quotepath=off', ...args],
        {
          cwd: this.root,
          timeout: timeoutMs,
          maxBuffer: maxBytes,
          signal,
          windowsHide: true,
          // Never prompt, never take locks a user's git might be waiting on.
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
        },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`git ${args[0]} failed: ${(stderr || err.message).trim().split('\n')[0]}`));
          else resolve(stdout);
        },
      );
      // Input for batch commands (`cat-file --batch`): names, one a line.
      if (input !== undefined) child.stdin?.end(input);
    });
  }
}

export function parseBlamePorcelain(out: string): BlameLine[] {
  const commits = new Map<string, { author: string; time: number; summary: string; boundary?: boolean }>();
  const lines: BlameLine[] = [];
  let current: { commit: string; line: number } | null = null;
  for (const l of out.split('\n')) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$/.exec(l);
    if (header) {
      current = { commit: header[1]!, line: Number(header[2]) };
      if (!commits.has(current.commit)) commits.set(current.commit, { author: '', time: 0, summary: '' });
      continue;
    }
    if (!current) continue;
    const info = commits.get(current.commit)!;
    if (l.startsWith('author ')) info.author = l.slice(7);
    else if (l.startsWith('author-time ')) info.time = Number(l.slice(12)) * 1000;
    else if (l.startsWith('summary ')) info.summary = l.slice(8);
    else if (l === 'boundary') info.boundary = true;
    else if (l.startsWith('\t')) {
      const uncommitted = NOT_COMMITTED.test(current.commit);
      lines.push({
        line: current.line,
        commit: uncommitted ? 'uncommitted' : current.commit.slice(0, 12),
        author: uncommitted ? 'you (not committed)' : info.author,
        time: info.time,
        summary: uncommitted ? 'Local change not committed yet' : info.summary,
        uncommitted,
        ...(info.boundary ? { boundary: true } : {}),
      });
      current = null;
    }
  }
  return lines;
}
