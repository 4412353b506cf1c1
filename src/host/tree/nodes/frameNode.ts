import * as vscode from 'vscode';
import type { StoredFrame, StoredIssue } from '../../../core/store/model';
import { Commands, ContextValues } from '../../ids';
import { describeFrame } from '../issueTreeFormat';
import { toTreeItem, type TreeNode } from './treeNode';

/** Where a frame opens locally, or why not, as tooltip markdown (the frames feature provides it). */
export type FrameDetails = (frame: StoredFrame, project: string | undefined) => Promise<string>;

/** `function  file:line`; in-app frames are emphasised, library frames sit under LibraryFramesNode. */
export class FrameNode implements TreeNode {
  constructor(
    readonly frame: StoredFrame,
    readonly id: string,
    readonly parent: TreeNode,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = toTreeItem(describeFrame(this.frame), {
      id: this.id,
      contextValue: ContextValues.frame,
      collapsible: vscode.TreeItemCollapsibleState.None,
    });
    item.command = {
      command: Commands.openFrame,
      title: 'Open Frame',
      arguments: [{ frame: this.frame, project: this.project }],
    };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }

  /** The Sentry project of the issue above: path mappings and learned prefixes are per project. */
  get project(): string | undefined {
    for (let n: TreeNode | undefined = this.parent; n; n = n.parent) {
      const issue = (n as { issue?: StoredIssue }).issue;
      if (issue && typeof issue.projectSlug === 'string') return issue.projectSlug;
    }
    return undefined;
  }

  /** The row's tooltip with where the frame opens (or why not) on top. */
  async resolveTooltip(details: FrameDetails): Promise<vscode.MarkdownString> {
    const note = await details(this.frame, this.project);
    const md = new vscode.MarkdownString(`${note}\n\n---\n\n${describeFrame(this.frame).tooltip ?? ''}`);
    // The note links to "Add Path Mapping…"; no other command may run from Sentry-derived text.
    md.isTrusted = { enabledCommands: [Commands.addPathMapping] };
    md.supportHtml = false;
    return md;
  }
}
