/**
 * Which issue "Diagnose Issue" means when run from the palette or its key, and, when there is none,
 * what stands in the way. Plain data and no VS Code API, so the choice and the wording are unit-tested.
 */
import type { CrashSite } from '../../core/frames/crashSites';
import type { StoredIssue } from '../../core/store/model';
import { sitesByLine } from '../editor/crashSiteIndex';
import { Commands } from '../ids';

/** A tree row as far as this module cares: its parent chain, and an issue or an event on the way up. */
interface RowLike {
  readonly parent?: unknown;
  readonly issue?: unknown;
  readonly event?: unknown;
}

function isIssue(v: unknown): v is StoredIssue {
  return (
    !!v &&
    typeof v === 'object' &&
    typeof (v as StoredIssue).id === 'string' &&
    typeof (v as StoredIssue).shortId === 'string'
  );
}

/**
 * The issue of the first selected tree row: the issue row itself, or the issue above a selected event,
 * frame or "more events" row. Looked up again in the store, so a row left over from before a sync
 * gives the current issue.
 */
export function issueOfSelection(
  selection: readonly unknown[],
  findIssue: (id: string) => StoredIssue | undefined,
): StoredIssue | undefined {
  for (const node of selection) {
    for (let n = node as RowLike | undefined, depth = 0; n && typeof n === 'object' && depth < 16; depth++) {
      if (isIssue(n.issue)) return findIssue(n.issue.id) ?? n.issue;
      const event = n.event as { issueId?: unknown } | undefined;
      if (event && typeof event.issueId === 'string') {
        const found = findIssue(event.issueId);
        if (found) return found;
      }
      n = n.parent as RowLike | undefined;
    }
  }
  return undefined;
}

export interface DiagnoseContextDeps {
  findIssue(idOrShortId: string): StoredIssue | undefined;
  /** The issue tree's selected rows. */
  treeSelection(): readonly unknown[];
  /** The active editor's file (absolute path) and 1-based cursor line, when it shows a local file. */
  cursor(): { path: string; line: number } | undefined;
  /** The crash-site index behind the CodeLens and hover (absent until the frames feature has loaded). */
  crashSites(): { sitesIn(path: string): Promise<readonly CrashSite[]> } | undefined;
}

/**
 * The issue "Diagnose Issue" means without an argument (palette, key binding): the issue of the tree's
 * selected row, else the busiest issue crashing on the cursor's line (the one its CodeLens lists first).
 */
export async function currentIssue(deps: DiagnoseContextDeps): Promise<StoredIssue | undefined> {
  const selected = issueOfSelection(deps.treeSelection(), (id) => deps.findIssue(id));
  if (selected) return selected;
  const at = deps.cursor();
  const sites = deps.crashSites();
  if (!at || !sites) return undefined;
  const onLine = sitesByLine(await sites.sitesIn(at.path)).get(at.line);
  return onLine?.[0] ? deps.findIssue(onLine[0].issueId) : undefined;
}

/** What "Diagnose Issue" needs before there is anything to diagnose. */
export interface DiagnoseReadiness {
  /** Restricted Mode: no sync until the workspace is trusted. */
  restricted: boolean;
  hasToken: boolean;
  hasOrganization: boolean;
  syncing: boolean;
  /** A sync has finished successfully at least once. */
  synced: boolean;
  /** Stored issues. */
  issues: number;
}

export interface Blocker {
  message: string;
  /** Buttons that remove the blocker, the usual one first. */
  actions: Array<{ label: string; command: string }>;
}

/** The first thing between the user and a diagnosis, named as such ("Set your Sentry token first"). */
export function diagnoseBlocker(r: DiagnoseReadiness): Blocker | undefined {
  if (r.issues > 0) return undefined;
  if (r.restricted)
    return {
      message: 'Trust this workspace first: in Restricted Mode nothing is synced, so there is no issue to diagnose.',
      actions: [{ label: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
    };
  if (!r.hasToken)
    return {
      message: 'Set your Sentry token first: there is no synced issue to diagnose yet. No account? Try the demo.',
      actions: [
        { label: 'Set Auth Token', command: Commands.setAuthToken },
        { label: 'Try the Demo', command: Commands.tryDemo },
      ],
    };
  if (!r.hasOrganization)
    return {
      message: 'Set your Sentry organization first: there is no synced issue to diagnose yet.',
      actions: [{ label: 'Open Settings', command: Commands.openSettings }],
    };
  if (r.syncing)
    return { message: 'The sync is still fetching issues: diagnose one as soon as it shows in the tree.', actions: [] };
  if (r.synced)
    return {
      message: 'The last sync found no unresolved issue to diagnose (check the projects and the minimum level).',
      actions: [{ label: 'Open Settings', command: Commands.openSettings }],
    };
  return {
    message: 'Sync first: no issue has been synced yet.',
    actions: [{ label: 'Sync Now', command: Commands.syncNow }],
  };
}
