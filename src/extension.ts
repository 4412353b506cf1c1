import * as vscode from 'vscode';
import { App, type SentryRcaTestApi } from './app';

/** Builds the App and hands it to VS Code for disposal; nothing else happens here. */
export async function activate(context: vscode.ExtensionContext): Promise<SentryRcaTestApi | undefined> {
  const started = performance.now();
  try {
    const app = await App.create(context);
    context.subscriptions.push(app);
    const activationMs = performance.now() - started;
    app.log.info(`[app] activated in ${activationMs.toFixed(1)} ms`);
    return context.extensionMode === vscode.ExtensionMode.Test ? { app, activationMs } : undefined;
  } catch (e) {
    void vscode.window.showErrorMessage(`Sentry RCA could not start: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {}
