/**
 * Where each issue crashed in the local code, grouped by file: what the editor needs to put a
 * CodeLens or an end-of-line note on the crashing line of every open file. The crashing frame is the
 * newest in-app frame of the exception raised last (what Sentry shows first and names as culprit);
 * an event without in-app frames has no crash site in the project.
 */
import type { StoredEvent, StoredFrame, StoredIssue } from '../store/model';
import type { FrameMapper, MappedFrame } from './frameMapper';

export interface CrashSite {
  issueId: string;
  shortId: string;
  /** `TypeError: x is undefined`. */
  title: string;
  level: string;
  count: number;
  lastSeen: string;
  /** Absolute local path. */
  path: string;
  /** 1-based line and column in today's file (after relocation when the code moved). */
  line: number;
  column: number;
  /** The event the site comes from (its newest stored one). */
  eventId: string;
  /** Set when the crashing line was found elsewhere in the local file. */
  moved?: { from: number; to: number };
  /** `changed`: the local line no longer is the crashing line and was not found nearby. */
  lineStatus: MappedFrame['lineStatus'];
}

/** The newest in-app frame of the last exception, or undefined. */
export function crashFrame(event: StoredEvent): StoredFrame | undefined {
  const last = event.exceptions[event.exceptions.length - 1];
  if (!last) return undefined;
  for (let i = last.frames.length - 1; i >= 0; i--) if (last.frames[i]!.inApp) return last.frames[i];
  return undefined;
}

/**
 * Maps the crash frame of each issue's newest event. Issues whose crash frame does not map are left
 * out (the tree explains why when the user opens the frame). Sites in one file are ordered by line.
 */
export async function collectCrashSites(
  items: ReadonlyArray<{ issue: StoredIssue; event: StoredEvent | undefined }>,
  mapper: FrameMapper,
): Promise<Map<string, CrashSite[]>> {
  const byFile = new Map<string, CrashSite[]>();
  for (const { issue, event } of items) {
    if (!event) continue;
    const frame = crashFrame(event);
    if (!frame) continue;
    const m = await mapper.map(frame, issue.projectSlug);
    if (!m.ok) continue;
    const site: CrashSite = {
      issueId: issue.id,
      shortId: issue.shortId,
      title: issue.title,
      level: issue.level,
      count: issue.count,
      lastSeen: issue.lastSeen,
      path: m.path,
      line: m.line,
      column: m.column,
      eventId: event.id,
      lineStatus: m.lineStatus,
      ...(m.moved ? { moved: m.moved } : {}),
    };
    const list = byFile.get(m.path);
    if (list) list.push(site);
    else byFile.set(m.path, [site]);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line || b.count - a.count);
  return byFile;
}
