import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * How our webview panels are opened, in one place because it is their security posture: scripts only from
 * the bundle (see the CSP below), no command links, resources only from dist/ and media/. The panel keeps its
 * state while hidden and shows the Sentry icon on its tab.
 */
export function openWebviewPanel(viewType: string, title: string, extensionUri: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    {
      enableScripts: true,
      enableCommandUris: false,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    },
  );
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'sentry.svg');
  return panel;
}

/**
 * The HTML shell of our webviews: one bundle from dist/ (by nonce), one stylesheet from media/, and a
 * CSP that allows nothing else — no inline script, no remote anything.
 */
export function webviewPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  page: { script: string; css: string; title: string; body?: string },
): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', page.script));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.css));
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<title>${page.title}</title>
</head>
<body>
<div id="app">${page.body ?? ''}</div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
