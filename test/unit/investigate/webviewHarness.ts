/**
 * Runs the built panel bundle (dist/webview.js) in Debian Chromium under the same CSP the host panel
 * sets, with a stand-in for `acquireVsCodeApi` that records what the panel posts. Messages reach the
 * panel as window `message` events, the way VS Code delivers them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DetailsHostToWebview } from '../../../src/shared/eventDetailsProtocol';
import type { HostToWebview, WebviewToHost } from '../../../src/shared/protocol';

export const CHROMIUM = '/usr/bin/chromium';
/** The repository root, found from wherever this file was bundled to (out/test/unit/…, out/test/bench/). */
const ROOT = (() => {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'media', 'panel.css'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
})();

/** Which page to run: the panel (default) or another bundle of ours with its stylesheet. */
export interface HarnessPage {
  script: string;
  css: string;
}

export class WebviewHarness {
  constructor(private readonly bundle: HarnessPage = { script: 'webview.js', css: 'panel.css' }) {}

  private server!: Server;
  private browser!: Browser;
  page!: Page;
  readonly cspViolations: string[] = [];
  readonly consoleErrors: string[] = [];

  static available(): string | null {
    if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (scripts/ensure-test-env.sh installs it)`;
    if (!existsSync(join(ROOT, 'dist', 'webview.js'))) return 'dist/webview.js is not built (node esbuild.mjs)';
    return null;
  }

  async start(): Promise<this> {
    const nonce = 'dGVzdG5vbmNlMTIzNDU2';
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/') {
        const csp = [
          `default-src 'none'`,
          `script-src 'nonce-${nonce}'`,
          `style-src http://127.0.0.1:${(this.server.address() as AddressInfo).port}`,
          `font-src 'none'`,
          `img-src 'none'`,
        ].join('; ');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!DOCTYPE html><html><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><link rel="stylesheet" href="/media/${this.bundle.css}"></head>
<body><div id="app"></div>
<script nonce="${nonce}">window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => JSON.parse(sessionStorage.getItem('vscodeState') || 'null') ?? undefined, setState: (s) => sessionStorage.setItem('vscodeState', JSON.stringify(s)) });
document.addEventListener('securitypolicyviolation', (e) => { (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });</script>
<script nonce="${nonce}" src="/dist/${this.bundle.script}"></script></body></html>`);
        return;
      }
      const file =
        url === `/dist/${this.bundle.script}`
          ? join(ROOT, 'dist', this.bundle.script)
          : url === `/media/${this.bundle.css}`
            ? join(ROOT, 'media', this.bundle.css)
            : null;
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // A pinned zone, so local times read the same on every machine (Berlin: GMT+1 in winter).
    this.page = await this.browser.newPage({ timezoneId: 'Europe/Berlin' });
    this.page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    await this.page.goto(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`);
    await this.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return this;
  }

  /** Reloads the page (as VS Code does when a hidden webview comes back); its saved state survives. */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  }

  async send(...messages: Array<HostToWebview | DetailsHostToWebview>): Promise<void> {
    await this.page.evaluate((ms) => {
      for (const m of ms) window.postMessage(m, '*');
    }, messages);
  }

  posted<T = WebviewToHost>(): Promise<T[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: T[] }).__posted);
  }

  async csp(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}
