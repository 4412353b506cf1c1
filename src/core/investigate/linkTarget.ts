/**
 * Where a `path:line` link from the AI's answer (or a report) points: a file inside one of the workspace
 * folders that the read-only rules allow (see workspaceFiles.ts), or why not. A bare file name is looked
 * up once by suffix; a single hit is checked by the same rules and never looked up again, so a hit the
 * rules refuse ends the search instead of starting it over.
 */
import { WorkspaceFiles } from './workspaceFiles';

export type LinkTarget = { abs: string; rel: string } | { error: string };

export async function resolveLinkTarget(
  path: string,
  roots: readonly string[],
  /** Absolute paths of workspace files whose path ends with `suffix` (at most 2 are needed). */
  findBySuffix: (suffix: string) => Promise<string[]>,
): Promise<LinkTarget> {
  const tryRoots = async (p: string): Promise<LinkTarget> => {
    let first: LinkTarget = { error: `${p} is not a file in this workspace` };
    for (const root of roots) {
      const r = await new WorkspaceFiles(root).resolve(p);
      if (!('error' in r)) return r;
      if (roots.length === 1 || !/outside the workspace|no such file/.test(r.error)) first = r;
    }
    return first;
  };
  const direct = await tryRoots(path);
  if (!('error' in direct)) return direct;
  if (path.includes('..') || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return direct;
  const hits = await findBySuffix(path.replace(/[{}[\]*?]/g, ''));
  if (hits.length !== 1) return direct;
  return tryRoots(hits[0]!);
}
