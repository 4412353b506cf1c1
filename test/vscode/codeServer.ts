/**
 * Starts one code-server (real VS Code 1.100.3: workbench + Node extension host) per test run, on a
 * free loopback port with a fresh profile, and stops it by its process group. Each page load leaves
 * an extension host running until the server stops, so the server must never outlive the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';

/** The project root, wherever this file was bundled to (out/test/<suite>/, out/test/unit/<dir>/…). */
export const projectRoot = repoRoot();

export const CODE_SERVER_ENTRY = join(
  projectRoot,
  '.tools',
  'code-server',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER_ENTRY);
}

export function requireCodeServer(): void {
  if (!codeServerInstalled()) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}. Run: bash scripts/ensure-test-env.sh`);
  }
}

export interface CodeServerOptions {
  /** Folder the workbench opens. */
  workspace: string;
  /** Extra environment for the server; it reaches the extension host (and so the tests). */
  env?: Record<string, string>;
  /** User settings merged over the test defaults. */
  settings?: Record<string, unknown>;
  /** Where the profile goes; a fresh temp dir by default, removed on stop. */
  dataRoot?: string;
  /** Receives the server's output lines (for diagnosis when a run fails). */
  onOutput?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Workspace trust as users have it (off in the test defaults): the opened folder starts in Restricted
   *  Mode, without the start-up prompt. */
  workspaceTrust?: boolean;
  /** More code-server arguments, e.g. `--enable-proposed-api <extension id>`. */
  extraArgs?: string[];
}

export interface CodeServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly dataRoot: string;
  /** The `vscode-remote://` URI of a path on this machine, as the workbench addresses it. */
  remoteUri(absPath: string): string;
  /** Workbench URL for a folder, with the extension-development payload when given. */
  workbenchUrl(payload?: Array<[string, string]>): string;
  /** Everything the server printed, newest last (bounded). */
  output(): string;
  stop(): Promise<void>;
}

export const TEST_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
};

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  requireCodeServer();
  const dataRoot = opts.dataRoot ?? mkdtempSync(join(tmpdir(), 'sentry-rca-code-server-'));
  const ownsDataRoot = opts.dataRoot === undefined;
  const userDir = join(dataRoot, 'data', 'User');
  mkdirSync(userDir, { recursive: true });
  mkdirSync(join(dataRoot, 'exts'), { recursive: true });
  const trust = opts.workspaceTrust
    ? {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.emptyWindow': false,
      }
    : {};
  writeFileSync(
    join(userDir, 'settings.json'),
    JSON.stringify({ ...TEST_SETTINGS, ...trust, ...opts.settings }, null, 2),
  );
  writeFileSync(join(dataRoot, 'config.yaml'), 'auth: none\ncert: false\n');

  let lastError: Error | undefined;
  // The free port can be taken between probing and binding; a second try covers that race.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(port, dataRoot, ownsDataRoot, opts);
    } catch (e) {
      lastError = e as Error;
    }
  }
  if (ownsDataRoot) rmSync(dataRoot, { recursive: true, force: true });
  throw lastError ?? new Error('code-server did not start');
}

async function launch(
  port: number,
  dataRoot: string,
  ownsDataRoot: boolean,
  opts: CodeServerOptions,
): Promise<CodeServer> {
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir',
    join(dataRoot, 'data'),
    '--extensions-dir',
    join(dataRoot, 'exts'),
    '--config',
    join(dataRoot, 'config.yaml'),
    ...(opts.extraArgs ?? []),
    opts.workspace,
  ];
  // Its own process group, so stopping it also stops the extension hosts and watchers it forked.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 2000) lines.shift();
      opts.onOutput?.(line);
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited !== undefined)
      throw new Error(`code-server exited with ${exited} before it was ready:\n${lines.slice(-20).join('\n')}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(
        `code-server did not answer ${url}/healthz within ${opts.readyTimeoutMs ?? 30_000} ms:\n${lines.slice(-20).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    pid: child.pid!,
    dataRoot,
    remoteUri: (p) => `vscode-remote://127.0.0.1:${port}${p.startsWith('/') ? '' : '/'}${p}`,
    workbenchUrl: (payload) => {
      // A `.code-workspace` file opens as a (multi-root) workspace, anything else as a folder.
      const q = new URLSearchParams(
        opts.workspace.endsWith('.code-workspace') ? { workspace: opts.workspace } : { folder: opts.workspace },
      );
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${url}/?${q.toString()}`;
    },
    output: () => lines.join('\n'),
    stop: () => (stopped ??= stop(child, () => exited !== undefined, dataRoot, ownsDataRoot)),
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function stop(
  child: ChildProcess,
  hasExited: () => boolean,
  dataRoot: string,
  ownsDataRoot: boolean,
): Promise<void> {
  killGroup(child, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (!hasExited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // Extension hosts may linger after the server itself is gone; the group kill reaches them too.
  killGroup(child, 'SIGKILL');
  if (ownsDataRoot) rmSync(dataRoot, { recursive: true, force: true });
}
