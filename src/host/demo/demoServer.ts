/**
 * Starts and finds the demo process (dist/demo.js) for "Try the Demo". It runs detached, so it
 * outlives the window reload that opens the demo workspace; it writes a state file once it answers,
 * and stops by itself after an idle hour. No `vscode` import: plain paths and a Logger.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RcaError } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { DemoState } from '../../demo/constants';

export interface DemoPaths {
  /** dist/demo.js in the installed extension. */
  script: string;
  /** dist/demo/recording.json: the SDK envelopes recorded at package time. */
  recording: string;
  /** Global storage folder of the demo: state, logs, the workspace. */
  root: string;
  workspace: string;
  state: string;
  /** The sample service's log, as the demo's "server" wrote it. */
  serviceLog: string;
  /** The demo process's own stdout/stderr. */
  processLog: string;
}

export function demoPaths(extensionPath: string, globalStoragePath: string): DemoPaths {
  const root = join(globalStoragePath, 'demo');
  return {
    script: join(extensionPath, 'dist', 'demo.js'),
    recording: join(extensionPath, 'dist', 'demo', 'recording.json'),
    root,
    workspace: join(root, 'orders-service'),
    state: join(root, 'server.json'),
    serviceLog: join(root, 'logs', 'orders.log'),
    processLog: join(root, 'demo-server.log'),
  };
}

export function readState(paths: DemoPaths): DemoState | null {
  try {
    return JSON.parse(readFileSync(paths.state, 'utf8')) as DemoState;
  } catch {
    return null;
  }
}

/** True when a demo server answers at `state.url` with its token (it may have idled out). */
export async function isAlive(state: DemoState, signal?: AbortSignal): Promise<boolean> {
  try {
    const r = await fetch(`${state.url}/api/0/organizations/${state.org}/`, {
      headers: { authorization: `Bearer ${state.token}` },
      signal: signal ?? AbortSignal.timeout(2000),
    });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

function missing(what: string, path: string): RcaError {
  return new RcaError(
    'usage',
    `The demo is not part of this build: ${what} is missing (${path}).`,
    'Install a .vsix built with "npm run package", or in a checkout run: node esbuild.mjs && node scripts/package-demo.mjs --out dist/demo',
  );
}

/** The running demo server, started when none answers; reuses the previous port when it is free. */
export async function ensureDemoServer(paths: DemoPaths, log: Logger, timeoutMs = 20_000): Promise<DemoState> {
  const previous = readState(paths);
  if (previous && (await isAlive(previous))) return previous;
  if (!existsSync(paths.script)) throw missing('dist/demo.js', paths.script);
  if (!existsSync(paths.recording)) throw missing('the recorded demo events', paths.recording);
  mkdirSync(paths.root, { recursive: true });
  const port = previous ? Number(new URL(previous.url).port) || 0 : 0;
  const out = openSync(paths.processLog, 'a');
  // process.execPath is Electron in desktop VS Code: ELECTRON_RUN_AS_NODE makes it a plain Node.
  const child = spawn(
    process.execPath,
    [
      paths.script,
      'serve',
      '--recording',
      paths.recording,
      '--state',
      paths.state,
      '--port',
      String(port),
      '--log-file',
      paths.serviceLog,
    ],
    {
      detached: true,
      windowsHide: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    },
  );
  closeSync(out);
  let exit: string | null = null;
  child.once('exit', (code, signal) => {
    exit = `exited with ${code ?? signal}`;
  });
  child.once('error', (e) => {
    exit = `could not start: ${e.message}`;
  });
  child.unref();
  log.info(`[demo] starting the demo Sentry server (pid ${child.pid}), log: ${paths.processLog}`);

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = readState(paths);
    if (state && state.pid === child.pid && (await isAlive(state))) {
      log.info(`[demo] demo Sentry server at ${state.url} with ${state.issues} issues`);
      return state;
    }
    if (exit) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = existsSync(paths.processLog)
    ? readFileSync(paths.processLog, 'utf8').trim().split('\n').slice(-5).join(' | ')
    : '';
  if (!exit && child.pid) {
    try {
      process.kill(child.pid);
    } catch {
      /* already gone */
    }
  }
  throw new RcaError(
    'internal',
    `The demo Sentry server ${exit ?? `did not answer within ${timeoutMs / 1000} s`}${tail ? `: ${tail}` : ''}.`,
    `See ${paths.processLog}.`,
  );
}
