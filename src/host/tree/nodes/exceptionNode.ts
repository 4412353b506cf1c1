import * as vscode from 'vscode';
import type { StoredException } from '../../../core/store/model';
import { ContextValues } from '../../ids';
import { describeException, frameRows } from '../issueTreeFormat';
import { FrameNode } from './frameNode';
import { LibraryFramesNode } from './libraryFramesNode';
import { MessageNode } from './messageNode';
import { toTreeItem, type TreeNode } from './treeNode';

/** One exception of a chain (shown only when an event has more than one). */
export class ExceptionNode implements TreeNode {
  constructor(
    readonly exception: StoredException,
    private readonly index: number,
    private readonly total: number,
    private readonly idBase: string,
    readonly parent: TreeNode,
  ) {}

  get id(): string {
    return this.idBase;
  }

  getTreeItem(): vscode.TreeItem {
    return toTreeItem(describeException(this.exception, this.index, this.total), {
      id: this.idBase,
      contextValue: ContextValues.exception,
      collapsible:
        this.index === this.total - 1
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
    });
  }

  getChildren(): TreeNode[] {
    return frameRowNodes(this.exception, this.idBase, this);
  }
}

export function frameRowNodes(exc: StoredException, idBase: string, parent: TreeNode): TreeNode[] {
  if (exc.frames.length === 0)
    return [new MessageNode(parent, `${idBase}:noframes`, `${exc.type}: ${exc.value} (no frames)`)];
  return frameRows(exc).map((row) =>
    row.kind === 'frame'
      ? new FrameNode(row.frame, `${idBase}:f${row.index}`, parent)
      : new LibraryFramesNode(row.frames, `${idBase}:lib${row.frames[0]!.index}`, parent),
  );
}
