import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // The App composition root arrives with the VS Code layer.
}

export function deactivate(): void {}
