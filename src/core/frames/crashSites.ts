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
  /** The release the event came from (else the issue's first release), for version skew. */
  release?: string | null;
  /** The crashing line as the event has it (the release's line numbers). */
  eventLine?: number | null;
}

/** The newest in-app frame of the last exception, or undefined. */
export function crashFrame(event: StoredEvent): StoredFrame | undefined {
  const last = event.exceptions[event.exceptions.length - 1];
  if (!last) return undefined;
  for (let i = last.frames.length - 1; i >= 0; i--) if (last.frames[i]!.inApp) return last.frames[i];
  return undefined;
}

/** Work between two turns of the event loop: the extension host stays responsive while 10k issues map. */
const SLICE_MS = 8;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Maps the crash frame of each issue's newest event. Issues whose crash frame does not map are left
 * out (the tree explains why when the user opens the frame). Sites in one file are ordered by line.
 * Frames are mapped in the items' order (a prefix learned from one serves the next; callers sort the
 * items by path, so each file's text is read once for the line checks), in slices of a few
 * milliseconds with a turn of the event loop between them.
 */
export async function collectCrashSites(
  items: ReadonlyArray<{ issue: StoredIssue; event: StoredEvent | undefined }>,
  mapper: FrameMapper,
): Promise<Map<string, CrashSite[]>> {
  const mapped = new Array<MappedFrame | undefined>(items.length);
  let slice = performance.now();
  for (let i = 0; i < items.length; i++) {
    const { issue, event } = items[i]!;
    const frame = event && crashFrame(event);
    if (!frame) continue;
    const m = await mapper.map(frame, issue.projectSlug);
    if (m.ok) mapped[i] = m;
    if (performance.now() - slice > SLICE_MS) {
      await nextTurn();
      slice = performance.now();
    }
  }
  const byFile = new Map<string, CrashSite[]>();
  for (let i = 0; i < items.length; i++) {
    const m = mapped[i];
    const { issue, event } = items[i]!;
    if (!m || !event) continue;
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
      release: event.release ?? issue.firstRelease,
      eventLine: crashFrame(event)?.lineNo ?? null,
      ...(m.moved ? { moved: m.moved } : {}),
    };
    const list = byFile.get(m.path);
    if (list) list.push(site);
    else byFile.set(m.path, [site]);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line || b.count - a.count);
  return byFile;
}
