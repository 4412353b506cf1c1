import * as vscode from 'vscode';
import { ContextValues } from '../../ids';
import type { TreeNode } from './treeNode';

/** A leaf that explains an absence ("no events synced", "no stack trace"). */
export class MessageNode implements TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    readonly id: string,
    readonly text: string,
    private readonly icon = 'info',
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = ContextValues.message;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
