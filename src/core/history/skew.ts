/**
 * Version skew: is the code in the workspace the code that crashed? Compares the release's commit with
 * the workspace HEAD (and uncommitted edits) for the crash files and lines: changed since the release
 * (possibly fixed and not deployed yet — the commits are named), the workspace behind the release, or
 * the same. Each crash line is followed through the commits after the release, hunk by hunk, so a line
 * that only moved is not reported as changed.
 */
import { errorMessage } from '../common/errors';
import { LOG_FORMAT, parseLog, type FileDiff } from './diffScan';
import { isSafeRevision, type GitRunner } from './gitHistory';
import { resolveRelease } from './release';

export type SkewRelation = 'same' | 'ahead' | 'behind' | 'diverged';

export interface SkewLine {
  path: string;
  /** The line in the release's version of the file (the event's line). */
  line: number;
  /** Where that line is now, or null when it was changed or removed. */
  nowLine: number | null;
  /** The commit that changed it (12 chars), `uncommitted`, or null when unchanged. */
  changedBy: string | null;
}

export interface Skew {
  releaseCommit: string;
  head: string;
  relation: SkewRelation;
  /** A crash line itself changed after the release (in a commit or uncommitted). */
  changedSinceRelease: boolean;
  /** Commits after the release that touched the crash files, oldest first. */
  commits: Array<{ commit: string; summary: string; date: string; files: string[]; changedCrashLine: boolean }>;
  lines: SkewLine[];
  /** One sentence for people. */
  summary: string;
}

export async function computeSkew(
  git: GitRunner,
  release: { commit: string; version: string | null },
  crash: Array<{ path: string; line: number }>,
  signal?: AbortSignal,
): Promise<Skew | { error: string }> {
  if (!isSafeRevision(release.commit)) return { error: 'the release commit is not a revision' };
  let head: string;
  try {
    head = (await git.run(['rev-parse', 'HEAD'], { signal })).trim();
  } catch (e) {
    return { error: `no HEAD: ${errorMessage(e)}` };
  }
  const isAncestor = async (a: string, b: string) =>
    git.run(['merge-base', '--is-ancestor', a, b], { signal }).then(
      () => true,
      () => false,
    );
  const relation: SkewRelation =
    head === release.commit
      ? 'same'
      : (await isAncestor(release.commit, head))
        ? 'ahead'
        : (await isAncestor(head, release.commit))
          ? 'behind'
          : 'diverged';
  const name = release.version ?? release.commit.slice(0, 12);
  const paths = [...new Set(crash.map((c) => c.path))];
  const lines: SkewLine[] = crash.map((c) => ({ path: c.path, line: c.line, nowLine: c.line, changedBy: null }));
  const commits: Skew['commits'] = [];

  if (relation === 'ahead' || relation === 'diverged') {
    // Oldest first, so each hunk moves the tracked lines in order. Renames are followed per file.
    const out = await git.run(
      [
        'log',
        '--reverse',
        '--no-merges',
        '-p',
        '-U0',
        '--no-color',
        '--no-ext-diff',
        '-M',
        LOG_FORMAT,
        `${release.commit}..${head}`,
        '--',
        ...paths,
      ],
      { signal, maxBytes: 32 * 1024 * 1024 },
    );
    for (const c of parseLog(out)) {
      let changedCrashLine = false;
      for (const f of c.files) {
        for (const l of lines) {
          if (l.nowLine === null || !(l.path === f.path || l.path === f.oldPath)) continue;
          const moved = follow(l.nowLine, f);
          if (moved === null) {
            l.nowLine = null;
            l.changedBy = c.sha.slice(0, 12);
            changedCrashLine = true;
          } else l.nowLine = moved;
        }
      }
      commits.push({
        commit: c.sha.slice(0, 12),
        summary: c.subject,
        date: c.date,
        files: c.files.map((f) => f.path),
        changedCrashLine,
      });
    }
  }
  // Uncommitted edits to the crash lines.
  try {
    const out = await git.run(['diff', '-U0', '--no-color', '--no-ext-diff', 'HEAD', '--', ...paths], { signal });
    const files = parseLog(`\x1e${'0'.repeat(40)}\x1f\x1f\x1f\n${out}`)[0]?.files ?? [];
    for (const f of files) {
      for (const l of lines) {
        if (l.nowLine === null || l.path !== f.path) continue;
        const moved = follow(l.nowLine, f);
        if (moved === null) {
          l.nowLine = null;
          l.changedBy = 'uncommitted';
        } else l.nowLine = moved;
      }
    }
  } catch {
    /* a path git does not track: nothing uncommitted to report */
  }

  const changed = lines.filter((l) => l.changedBy);
  let summary: string;
  if (changed.length) {
    const l = changed[0]!;
    summary =
      l.changedBy === 'uncommitted'
        ? `${l.path}:${l.line} has uncommitted edits since ${name} — the workspace is not what crashed.`
        : `${l.path}:${l.line} changed after ${name} by ${l.changedBy} — not deployed yet?`;
  } else if (relation === 'behind') {
    summary = `The workspace (${head.slice(0, 12)}) is behind ${name} (${release.commit.slice(0, 12)}): the crashing code may not be checked out; pull or check out ${name}.`;
  } else if (relation === 'same') {
    summary = `The workspace is at ${name}: the code you see is the code that crashed.`;
  } else if (commits.length) {
    summary = `The crash files changed after ${name} (${commits.map((c) => c.commit.slice(0, 7)).join(', ')}), but not at the crash lines.`;
  } else {
    summary = `The crash files are unchanged since ${name}.`;
  }
  return {
    releaseCommit: release.commit,
    head,
    relation,
    changedSinceRelease: changed.length > 0,
    commits,
    lines,
    summary,
  };
}

/** Where old line `n` is after this file diff (`-U0` hunks), or null when the diff changed it. */
function follow(n: number, f: FileDiff): number | null {
  let delta = 0;
  for (const h of f.hunks) {
    if (h.oldLines === 0) {
      // Pure insertion after old line oldStart.
      if (h.oldStart < n) delta += h.newLines;
      continue;
    }
    const end = h.oldStart + h.oldLines - 1;
    if (n >= h.oldStart && n <= end) return null;
    if (end < n) delta += h.newLines - h.oldLines;
  }
  return n + delta;
}

/**
 * What the editor says on a crashing line when the workspace is not the code that crashed: the line
 * changed after the release (a fix not deployed yet?), was edited locally, or the workspace is behind
 * the release. Null when the release cannot be tied to a commit (by tag or SHA: a guess by time would
 * mislead here) or nothing differs.
 */
export async function skewAtLine(
  git: GitRunner,
  version: string,
  relPath: string,
  eventLine: number,
  signal?: AbortSignal,
): Promise<string | null> {
  const rel = await resolveRelease(git, { version, firstEventMs: null, ...(signal ? { signal } : {}) });
  if (!rel.commit || (rel.resolvedBy !== 'tag' && rel.resolvedBy !== 'sha')) return null;
  const s = await computeSkew(git, { commit: rel.commit, version }, [{ path: relPath, line: eventLine }], signal);
  if ('error' in s) return null;
  const l = s.lines[0];
  if (l?.changedBy === 'uncommitted') return `edited locally since ${version} — not the code that crashed`;
  if (l?.changedBy) return `changed after ${version} by ${l.changedBy.slice(0, 7)} — not deployed yet?`;
  if (s.relation === 'behind') return `workspace is behind ${version} — the crashing code is not checked out`;
  return null;
}
