import * as vscode from 'vscode';
import type { StoredFrame } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import { describeFrame } from '../issueTreeFormat';
import { toTreeItem, type TreeNode } from './treeNode';

/** `function  file:line`; in-app frames are emphasised, library frames sit under LibraryFramesNode. */
export class FrameNode implements TreeNode {
  constructor(readonly frame: StoredFrame, private readonly id: string, readonly parent: TreeNode) {}

  getTreeItem(): vscode.TreeItem {
    return toTreeItem(describeFrame(this.frame), { id: this.id, contextValue: ContextValues.frame, collapsible: vscode.TreeItemCollapsibleState.None });
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
