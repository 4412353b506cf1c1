import * as vscode from 'vscode';
import { RcaError } from '../../core/common/errors';
import type { StoredIssue } from '../../core/store/model';
import { eventsLink } from '../tree/eventRowFormat';
import { IssueNode } from '../tree/nodes/issueNode';
import { MoreEventsNode } from '../tree/nodes/moreEventsNode';

export interface IssueLookup {
  findIssue(idOrShortId: string): StoredIssue | undefined;
}

/** The issue a command was invoked on: a tree row, an issue object, or an id / short id. */
export function resolveIssue(store: IssueLookup, arg: unknown): StoredIssue {
  if (arg instanceof IssueNode) return arg.issue;
  if (
    arg &&
    typeof arg === 'object' &&
    typeof (arg as StoredIssue).id === 'string' &&
    typeof (arg as StoredIssue).shortId === 'string'
  ) {
    return store.findIssue((arg as StoredIssue).id) ?? (arg as StoredIssue);
  }
  if (typeof arg === 'string' && arg.trim()) {
    const issue = store.findIssue(arg.trim());
    if (issue) return issue;
    throw new RcaError('usage', `No synced issue "${arg}".`, 'Sync first, or check the id.');
  }
  throw new RcaError('usage', 'No issue selected.', 'Run this from an issue in the Sentry view.');
}

function permalinkOf(issue: StoredIssue): string {
  if (!/^https?:\/\//.test(issue.permalink))
    throw new RcaError('remote', `Sentry gave no web link for ${issue.shortId}.`);
  return issue.permalink;
}

/** The issue's page in Sentry; from the "N more events in Sentry…" row, its list of events. */
export function openInSentry(store: IssueLookup) {
  return async (arg?: unknown): Promise<string> => {
    const link =
      arg instanceof MoreEventsNode
        ? (eventsLink(arg.issue) ?? permalinkOf(arg.issue))
        : permalinkOf(resolveIssue(store, arg));
    await vscode.env.openExternal(vscode.Uri.parse(link));
    return link;
  };
}

export function copyLink(store: IssueLookup) {
  return async (arg?: unknown): Promise<string> => {
    const link = permalinkOf(resolveIssue(store, arg));
    await vscode.env.clipboard.writeText(link);
    void vscode.window.setStatusBarMessage('Sentry RCA: link copied', 2000);
    return link;
  };
}

export function copyShortId(store: IssueLookup) {
  return async (arg?: unknown): Promise<string> => {
    const id = resolveIssue(store, arg).shortId;
    await vscode.env.clipboard.writeText(id);
    void vscode.window.setStatusBarMessage(`Sentry RCA: ${id} copied`, 2000);
    return id;
  };
}

/**
 * "Diagnose Issue" on a tree row, a CodeLens or an id. From the palette (no argument) it takes the
 * issue selected in the tree, else the issue crashing at the cursor (`current`), and asks with a pick
 * of the stored issues only when there is neither. The investigation feature provides it to the command
 * table with its panels' `show`.
 */
export function diagnoseIssue(
  store: IssueLookup,
  show: (issue: StoredIssue) => Promise<void> | void,
  pick: () => Promise<StoredIssue | undefined>,
  ensureEvents?: (issueId: string) => Promise<void>,
  current?: () => Promise<StoredIssue | undefined>,
  /** After the panel opened: the walkthrough's Diagnose step is done. */
  onShown?: (issue: StoredIssue) => void,
) {
  return async (arg?: unknown): Promise<void> => {
    const issue = arg === undefined ? ((await current?.()) ?? (await pick())) : resolveIssue(store, arg);
    if (!issue) return;
    // An issue diagnosed before a sync reached it: its events are fetched first (jumping the queue).
    await ensureEvents?.(issue.id);
    await show(issue);
    onShown?.(issue);
  };
}
