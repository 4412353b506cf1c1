/**
 * Release → commit: which commit an issue's release was built from, and the release before it. Asked in
 * this order, each step only when the one before could not answer:
 *   1. Sentry's releases API (`lastCommit`/`ref` of the release, the project's previous release), when the
 *      token may read it — a 403/404 just moves on (see core/sentry/sentryClient.ts `getRelease`);
 *   2. a git tag named like the version: the version itself, `v`+version, the part after `name@`
 *      (`orders@3.1.0` → `orders@3.1.0`, `v3.1.0`, `3.1.0`), and `v` + that part;
 *   3. a version that is itself a commit SHA;
 *   4. time: the newest commit before the release's first event.
 * The previous release is the previous tag of the same naming scheme by version order (then tag date).
 */
import { errorMessage } from '../common/errors';
import { isSafeRevision, type GitRunner } from './gitHistory';

export type ReleaseResolvedBy = 'sentry' | 'tag' | 'sha' | 'time';

export interface ReleaseInfo {
  version: string | null;
  /** Full SHA the release was built from, when found. */
  commit: string | null;
  previousVersion: string | null;
  previousCommit: string | null;
  resolvedBy: ReleaseResolvedBy | null;
  /** How it was found, or why not, in words. */
  notes: string[];
}

/** What Sentry knows about a release (a port: the Sentry client satisfies it through an adapter). */
export interface SentryRelease {
  version: string;
  /** The commit the release points at (`lastCommit.id`, else `ref` when it is a SHA). */
  commit: string | null;
  previousVersion: string | null;
  previousCommit: string | null;
}
export type ReleaseLookup = (version: string, signal?: AbortSignal) => Promise<SentryRelease | null>;

export interface Tag {
  name: string;
  /** The commit the tag points at (peeled). */
  commit: string;
  /** Epoch seconds: the tag's own date for annotated tags, the commit's for lightweight ones. */
  date: number;
}

/** Every tag with its peeled commit, in one `git for-each-ref` (cheap even with thousands of tags). */
export async function listTags(git: GitRunner, signal?: AbortSignal): Promise<Tag[]> {
  const out = await git.run(
    ['for-each-ref', 'refs/tags', '--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)%09%(creatordate:unix)'],
    { signal, maxBytes: 64 * 1024 * 1024 },
  );
  const tags: Tag[] = [];
  for (const line of out.split('\n')) {
    const [name, obj, peeled, date] = line.split('\t');
    if (!name || !obj) continue;
    tags.push({ name, commit: peeled || obj, date: Number(date) || 0 });
  }
  return tags;
}

/** Tag names a version may have been tagged as, most specific first. */
export function tagCandidates(version: string): string[] {
  const after = version.includes('@') ? version.slice(version.lastIndexOf('@') + 1) : null;
  const c = [version, `v${version}`];
  if (after) c.push(after, `v${after}`);
  if (/^v\d/.test(version)) c.push(version.slice(1));
  return [...new Set(c.filter(Boolean))];
}

/** The naming scheme of a tag: its text with the version number replaced, e.g. `orders@#`, `v#`, `#`. */
function scheme(name: string): { pattern: string; parts: number[] } | null {
  const m = /(\d+(?:\.\d+)*)([-+][0-9A-Za-z.-]+)?$/.exec(name);
  if (!m) return null;
  return {
    pattern: `${name.slice(0, m.index)}#${m[2] && /^-/.test(m[2]) ? '-pre' : ''}`,
    parts: m[1]!.split('.').map(Number),
  };
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The tag before `tag` in the same naming scheme, by version order and then date. */
export function previousTag(tags: Tag[], tag: Tag): Tag | null {
  const s = scheme(tag.name);
  if (!s) {
    // No version number: the newest other tag older than this one.
    return (
      tags
        .filter((t) => t.name !== tag.name && t.date < tag.date && t.commit !== tag.commit)
        .sort((a, b) => b.date - a.date)[0] ?? null
    );
  }
  let best: { tag: Tag; parts: number[] } | null = null;
  for (const t of tags) {
    if (t.name === tag.name || t.commit === tag.commit) continue;
    const ts = scheme(t.name);
    if (!ts || ts.pattern.replace('-pre', '') !== s.pattern.replace('-pre', '')) continue;
    const c = compareParts(ts.parts, s.parts);
    if (c > 0 || (c === 0 && t.date >= tag.date)) continue;
    if (
      !best ||
      compareParts(ts.parts, best.parts) > 0 ||
      (compareParts(ts.parts, best.parts) === 0 && t.date > best.tag.date)
    )
      best = { tag: t, parts: ts.parts };
  }
  return best?.tag ?? null;
}

export interface ResolveReleaseInput {
  version: string | null;
  /** When the release (or the issue) first reported an event, epoch ms; the fallback by time. */
  firstEventMs: number | null;
  sentry?: ReleaseLookup;
  signal?: AbortSignal;
}

export async function resolveRelease(git: GitRunner, input: ResolveReleaseInput): Promise<ReleaseInfo> {
  const { version, signal } = input;
  const info: ReleaseInfo = {
    version,
    commit: null,
    previousVersion: null,
    previousCommit: null,
    resolvedBy: null,
    notes: [],
  };
  if (!(await git.isRepo())) {
    info.notes.push('The workspace is not a git repository, so the release cannot be tied to a commit.');
    return info;
  }
  const verify = async (rev: string | null): Promise<string | null> => {
    if (!rev || !isSafeRevision(rev)) return null;
    try {
      return (await git.run(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { signal })).trim() || null;
    } catch {
      return null;
    }
  };

  if (version && input.sentry) {
    try {
      const r = await input.sentry(version, signal);
      const commit = await verify(r?.commit ?? null);
      if (r && commit) {
        Object.assign(info, {
          commit,
          resolvedBy: 'sentry' as const,
          previousVersion: r.previousVersion,
          previousCommit: await verify(r.previousCommit),
        });
        info.notes.push(`Release ${version} → ${commit.slice(0, 12)} from Sentry's releases API.`);
      } else if (r?.commit) {
        info.notes.push(
          `Sentry says release ${version} is commit ${r.commit.slice(0, 12)}, which this workspace does not have (fetch it, or the clone is shallow).`,
        );
      } else if (r) {
        info.notes.push(
          `Sentry knows release ${version} but has no commits for it (no repository integration, or \`sentry-cli releases set-commits\` was not run).`,
        );
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      info.notes.push(
        `Sentry's releases API could not be read (${errorMessage(e)}); the release is looked up in git instead.`,
      );
    }
  }

  let tags: Tag[] = [];
  try {
    tags = await listTags(git, signal);
  } catch (e) {
    info.notes.push(`git tags could not be listed: ${errorMessage(e)}`);
  }
  const byName = new Map(tags.map((t) => [t.name, t]));
  const tag = version
    ? tagCandidates(version)
        .map((n) => byName.get(n))
        .find((t) => t !== undefined)
    : undefined;

  if (!info.commit && tag) {
    info.commit = tag.commit;
    info.resolvedBy = 'tag';
    info.notes.push(`Release ${version} → tag ${tag.name} (${tag.commit.slice(0, 12)}).`);
  }
  if (!info.commit && version && /^[0-9a-f]{7,40}$/i.test(version)) {
    const c = await verify(version);
    if (c) {
      info.commit = c;
      info.resolvedBy = 'sha';
      info.notes.push(`Release ${version} is a commit SHA.`);
    }
  }
  // The previous release from the tags, unless Sentry already said.
  if (info.commit && !info.previousCommit) {
    const own = tag ?? tags.find((t) => t.commit === info.commit);
    const prev = own ? previousTag(tags, own) : null;
    if (prev) {
      info.previousVersion = previousVersionName(version, own!, prev);
      info.previousCommit = prev.commit;
    } else if (info.resolvedBy === 'sha') {
      // A SHA release: the previous release is the previous SHA-named release Sentry saw, which git cannot know.
      info.notes.push('No previous release found; suspects come from the 14 days before the issue was first seen.');
    }
  }
  if (!info.commit && input.firstEventMs !== null && Number.isFinite(input.firstEventMs)) {
    try {
      const c = (
        await git.run(['rev-list', '-1', `--before=${Math.floor(input.firstEventMs / 1000)}`, 'HEAD'], { signal })
      ).trim();
      if (c) {
        info.commit = c;
        info.resolvedBy = 'time';
        info.notes.push(
          version
            ? `No tag or SHA names release ${version}; the newest commit before its first event (${new Date(input.firstEventMs).toISOString()}) stands in for it.`
            : `No release on the events; the newest commit before the first event (${new Date(input.firstEventMs).toISOString()}) stands in for the deployed code.`,
        );
      }
    } catch (e) {
      info.notes.push(`git rev-list by time failed: ${errorMessage(e)}`);
    }
  }
  if (!info.commit && !info.notes.length)
    info.notes.push(`Release ${version ?? '(none)'} could not be tied to a commit.`);
  return info;
}

/** The previous release's name in the version's own scheme: `orders@2.4.0` tagged `v2.4.0`, previous tag `v2.3.0` → `orders@2.3.0`. */
function previousVersionName(version: string | null, own: Tag, prev: Tag): string {
  const ownNum = scheme(own.name) && /(\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]+)?)$/.exec(own.name)?.[1];
  const prevNum = /(\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]+)?)$/.exec(prev.name)?.[1];
  if (version && version !== own.name && ownNum && prevNum && version.endsWith(ownNum))
    return version.slice(0, version.length - ownNum.length) + prevNum;
  return prev.name;
}
