import * as vscode from 'vscode';
import type { StoredFrame } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import { describeLibraryFrames } from '../issueTreeFormat';
import { FrameNode } from './frameNode';
import { toTreeItem, type TreeNode } from './treeNode';

/** "n library frames": a collapsed run of consecutive frames outside the app. */
export class LibraryFramesNode implements TreeNode {
  constructor(
    readonly frames: Array<{ frame: StoredFrame; index: number }>,
    readonly id: string,
    readonly parent: TreeNode,
  ) {}

  getTreeItem(): vscode.TreeItem {
    return toTreeItem(describeLibraryFrames(this.frames.length), {
      id: this.id,
      contextValue: ContextValues.libraryFrames,
      collapsible: vscode.TreeItemCollapsibleState.Collapsed,
    });
  }

  getChildren(): TreeNode[] {
    const base = this.id.replace(/:lib\d+$/, '');
    return this.frames.map(({ frame, index }) => new FrameNode(frame, `${base}:f${index}`, this));
  }
}
