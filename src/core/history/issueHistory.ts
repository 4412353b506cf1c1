/**
 * What the git history says about one issue's cause, in one call: the release's commit and the
 * previous release (release.ts), the suspect commits of that range (suspects.ts), and whether the
 * crash lines changed since the release (skew.ts). Each part degrades on its own: no tags → by time,
 * no release → the 14 days before first seen, no git → a note.
 */
import { errorMessage } from '../common/errors';
import type { HistoryEvidence } from '../investigate/evidence';
import type { GitRunner } from './gitHistory';
import { resolveRelease, type ReleaseLookup } from './release';
import { computeSkew } from './skew';
import { rankSuspects, type StackFrameRef, type SuspectRange } from './suspects';
import { shortFunctionName } from './diffScan';

const DAY = 24 * 3600_000;
/** Suspects kept in the evidence (the panel shows the first few, the model reads these). */
const MAX_SUSPECTS = 10;

export interface HistoryInput {
  version: string | null;
  /** First event of the release anywhere in the store (epoch ms), when known. */
  releaseFirstEventMs: number | null;
  firstSeenMs: number | null;
  frames: Array<StackFrameRef & { eventLine: number | null; mapped: boolean }>;
  /** Crash lines for skew: workspace path and the line as the event has it (the release's line). */
  crashLines: Array<{ path: string; line: number }>;
  /** Functions on the stack as the events name them (`ConnectionPool.acquire`). */
  stackFunctions: string[];
  routes: string[];
  errorText: string;
  /** Crash code and breadcrumbs: where a changed configuration value would show. */
  contextText?: string;
  sentry?: ReleaseLookup;
  signal?: AbortSignal;
}

export async function collectHistory(git: GitRunner, input: HistoryInput): Promise<HistoryEvidence> {
  const empty: HistoryEvidence['suspects'] = { range: null, rangeCommits: 0, scanned: 0, list: [], notes: [] };
  if (!(await git.isRepo())) {
    return {
      release: {
        version: input.version,
        commit: null,
        previousVersion: null,
        previousCommit: null,
        resolvedBy: null,
        notes: [
          'The workspace is not a git repository (or git is not installed): no release commit, suspects or skew.',
        ],
      },
      suspects: empty,
      skew: null,
      skewNote: 'No git history in the workspace.',
    };
  }
  const firstEvent = input.releaseFirstEventMs ?? input.firstSeenMs;
  const release = await resolveRelease(git, {
    version: input.version,
    firstEventMs: firstEvent,
    ...(input.sentry ? { sentry: input.sentry } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  try {
    if ((await git.run(['rev-parse', '--is-shallow-repository'], { signal: input.signal })).trim() === 'true') {
      release.notes.push(
        'The clone is shallow: commits older than its depth are missing, so the release or its range may be incomplete (git fetch --unshallow).',
      );
    }
  } catch {
    /* old git: no such flag */
  }

  const until = input.firstSeenMs ?? firstEvent ?? Date.now();
  let range: SuspectRange;
  if (release.commit && release.previousCommit && release.resolvedBy !== 'time') {
    range = {
      from: release.previousCommit,
      to: release.commit,
      label: `${release.previousVersion ?? release.previousCommit.slice(0, 12)}..${release.version ?? release.commit.slice(0, 12)}`,
    };
  } else if (release.commit && release.resolvedBy !== 'time') {
    range = {
      from: null,
      to: release.commit,
      since: until - 14 * DAY,
      label: `the 14 days before ${release.version ?? 'the release'} (no previous release found)`,
    };
  } else {
    range = {
      from: null,
      to: release.commit ?? 'HEAD',
      since: until - 14 * DAY,
      until,
      label: 'the 14 days before the issue was first seen',
    };
  }
  const stackFunctions = [...new Set(input.stackFunctions.map(shortFunctionName).filter((x): x is string => !!x))];
  const suspects: HistoryEvidence['suspects'] = { ...empty, range: range.label };
  try {
    const r = await rankSuspects(git, {
      range,
      frames: input.frames,
      stackFunctions,
      routes: input.routes,
      errorText: input.errorText,
      ...(input.contextText ? { contextText: input.contextText } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    Object.assign(suspects, {
      rangeCommits: r.rangeCommits,
      scanned: r.scanned,
      list: r.suspects.slice(0, MAX_SUSPECTS),
      notes: r.notes,
    });
  } catch (e) {
    if (input.signal?.aborted) throw e;
    suspects.notes = [`Suspect commits could not be ranked: ${errorMessage(e)}`];
  }

  let skew: HistoryEvidence['skew'] = null;
  let skewNote: string | null = null;
  const crash = input.crashLines.filter((c) => c.line > 0);
  if (!release.commit)
    skewNote = 'The release could not be tied to a commit, so the workspace cannot be compared with it.';
  else if (!crash.length) skewNote = 'No crash line maps into the workspace.';
  else {
    try {
      const r = await computeSkew(git, { commit: release.commit, version: release.version }, crash, input.signal);
      if ('error' in r) skewNote = r.error;
      else skew = r;
    } catch (e) {
      if (input.signal?.aborted) throw e;
      skewNote = `Version skew could not be computed: ${errorMessage(e)}`;
    }
  }
  return { release, suspects, skew, skewNote };
}
