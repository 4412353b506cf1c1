/**
 * A real VS Code workbench in Debian Chromium (playwright-core), served by a fresh code-server.
 * Used two ways: extension-test mode (extensionTestsPath; the exit code comes back through
 * `codeAutomationExit`, as in VS Code's own browser integration tests) and UI tests that drive the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot, startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';

export const CHROMIUM = process.env.SENTRY_RCA_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Workbench noise that says nothing about the extension (no gallery offline, no vsda). */
const HARMLESS = [
  /open-vsx\.org/,
  /vsda/,
  /An unknown error occurred/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /Service Worker/,
  /ChatSessionStore/,
  /additional builtin extensions/,
  /^\s+at (async )?\S+ \(http/,
];

export interface WorkbenchOptions extends CodeServerOptions {
  /** The extension under development; leave out to test what is installed in the profile's extensions dir. */
  extensionDevelopmentPath?: string;
  /** Set for extension-test mode: the compiled tests entry that exports `run()`. */
  extensionTestsPath?: string;
  /** Lines the workbench logs through `codeAutomationLog` and the page console. */
  onLog?: (line: string) => void;
  viewport?: { width: number; height: number };
  /** The browser's time zone (IANA, e.g. `Europe/Berlin`), so local times in the UI are checked as such. */
  timezoneId?: string;
}

export interface Workbench {
  readonly server: CodeServer;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Resolves with the code passed to `codeAutomationExit` (extension-test mode). */
  readonly exitCode: Promise<number>;
  close(): Promise<void>;
}

export async function openWorkbench(opts: WorkbenchOptions): Promise<Workbench> {
  const log = opts.onLog ?? (() => {});
  const server = await startCodeServer(opts);
  const profile = mkdtempSync(join(tmpdir(), 'sentry-rca-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
    });
    const page = context.pages()[0] ?? (await context.newPage());
    let resolveExit!: (code: number) => void;
    const exitCode = new Promise<number>((r) => {
      resolveExit = r;
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!HARMLESS.some((re) => re.test(text))) log(type === 'info' || type === 'log' ? text : `[${type}] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      resolveExit(code);
    });
    page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));

    const payload: Array<[string, string]> = [
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    if (opts.extensionDevelopmentPath)
      payload.push(['extensionDevelopmentPath', server.remoteUri(opts.extensionDevelopmentPath)]);
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(opts.extensionTestsPath)]);
    await page.goto(server.workbenchUrl(payload), { waitUntil: 'domcontentloaded' });

    const ctx = context;
    let closed: Promise<void> | undefined;
    return {
      server,
      context: ctx,
      page,
      exitCode,
      close: () =>
        (closed ??= (async () => {
          try {
            await ctx.close();
          } catch {
            /* the browser may already be gone */
          }
          await server.stop();
          rmSync(profile, { recursive: true, force: true });
        })()),
    };
  } catch (e) {
    try {
      await context?.close();
    } catch {
      /* ignore */
    }
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

export interface ExtensionTestRun {
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
}

/** Runs an extension-test entry in the real workbench and returns its exit code; always cleans up. */
export async function runExtensionTests(
  opts: WorkbenchOptions & { extensionTestsPath: string; timeoutMs?: number; drive?: (page: Page) => Promise<void> },
): Promise<ExtensionTestRun> {
  const started = Date.now();
  const wb = await openWorkbench(opts);
  try {
    // What only a user can do while the tests run (e.g. click "Trust" in the workspace trust editor).
    if (opts.drive)
      void opts
        .drive(wb.page)
        .catch((e: unknown) => opts.onLog?.(`[harness] drive: ${e instanceof Error ? e.message : String(e)}`));
    const timeoutMs = opts.timeoutMs ?? 300_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const result = await Promise.race([wb.exitCode, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      opts.onLog?.(
        `[harness] no exit code after ${timeoutMs} ms; last server output:\n${wb.server.output().split('\n').slice(-30).join('\n')}`,
      );
      return { exitCode: 1, timedOut: true, durationMs: Date.now() - started };
    }
    return { exitCode: result, timedOut: false, durationMs: Date.now() - started };
  } finally {
    await wb.close();
  }
}

/**
 * The workbench as the UI suites open it: this extension under development, pointed at a test Sentry
 * server (URL and organization set, no token), in the dark theme at 1280×800.
 */
export function openWithSentry(workspace: string, sentry: { url: string; org: string }): Promise<Workbench> {
  return openWorkbench({
    workspace,
    extensionDevelopmentPath: projectRoot,
    settings: {
      'sentryRCA.baseUrl': sentry.url,
      'sentryRCA.organization': sentry.org,
      'workbench.colorTheme': 'Default Dark Modern',
    },
    viewport: { width: 1280, height: 800 },
    onLog: process.env.SENTRY_RCA_TEST_VERBOSE === '1' ? (l) => console.log(l) : undefined,
  });
}

/** After a failed step: a screenshot of how the workbench looked, when the page is still there. */
export async function shotIfFailed(wb: Workbench | undefined, failed: number, path: string): Promise<void> {
  if (failed === 0 || !wb) return;
  try {
    await wb.page.screenshot({ path });
  } catch {
    /* the page may be gone */
  }
}
