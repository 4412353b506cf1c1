/**
 * The frame a frame command works on, as it arrives from a tree row, a TreeItem command or a tooltip
 * link, and the checks "Add Path Mapping…" makes on what the user typed. No VS Code API.
 */
import { RcaError } from '../../core/common/errors';
import type { PathMapping } from '../../core/frames/pathMappings';
import type { StoredFrame } from '../../core/store/model';

export interface FrameTarget {
  frame: StoredFrame;
  project: string | undefined;
}

/** What "Open Frame" did, returned to callers (tests, other commands). */
export type OpenFrameResult =
  | {
      opened: true;
      path: string;
      line: number;
      column: number;
      moved?: { from: number; to: number };
      lineStatus: string;
    }
  | { opened: false; reason: string };

/** The frame a command was invoked with: `{ frame, project }` (tree item, tooltip link) or a tree row with `.frame` and `.project`. */
export function resolveFrameTarget(arg: unknown): FrameTarget {
  if (arg && typeof arg === 'object' && 'frame' in arg) {
    const { frame, project } = arg as { frame: unknown; project?: unknown };
    if (frame && typeof frame === 'object') {
      const f = frame as Partial<StoredFrame>;
      // Tooltip links carry only the path fields; fill the rest so the mapper sees a whole frame.
      const full: StoredFrame = {
        filename: str(f.filename),
        absPath: str(f.absPath),
        module: str(f.module),
        package: str(f.package),
        platform: str(f.platform),
        function: str(f.function),
        lineNo: num(f.lineNo),
        colNo: num(f.colNo),
        inApp: f.inApp === true,
        context: Array.isArray(f.context)
          ? f.context.filter(
              (c): c is [number, string] => Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'string',
            )
          : [],
      };
      return { frame: full, project: typeof project === 'string' && project ? project : undefined };
    }
  }
  throw new RcaError('usage', 'No stack frame selected.', 'Run this from a frame in the Sentry view.');
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The path fields of a frame, small enough for a `command:` link in a tooltip. */
export function frameLinkArgs(t: FrameTarget): { frame: Partial<StoredFrame>; project: string | undefined } {
  const f = t.frame;
  return {
    frame: {
      filename: f.filename,
      absPath: f.absPath,
      module: f.module,
      package: f.package,
      platform: f.platform,
      lineNo: f.lineNo,
      colNo: f.colNo,
      inApp: f.inApp,
    },
    project: t.project,
  };
}

/** The prefix must be non-empty and start the frame's path (else the mapping would not apply to it). */
export function validateFrom(from: string, framePath: string): string | undefined {
  const f = from.trim().replace(/\\/g, '/');
  if (!f) return "Enter the start of the frame's path, e.g. /app/";
  const ci = /^[A-Za-z]:\//.test(f);
  const hay = ci ? framePath.toLowerCase() : framePath;
  if (!hay.startsWith(ci ? f.toLowerCase() : f))
    return `The frame's path does not start with ${f}; the mapping would not apply to it.`;
  return undefined;
}

/** Existing mappings plus the new one, without a duplicate of the same from/to/project. */
export function appendMapping(existing: unknown, mapping: PathMapping): PathMapping[] {
  const list = Array.isArray(existing) ? (existing as PathMapping[]).filter((m) => m && typeof m === 'object') : [];
  const same = (m: PathMapping) =>
    m.from === mapping.from && m.to === mapping.to && (m.project ?? '') === (mapping.project ?? '');
  return list.some(same) ? list : [...list, mapping];
}
