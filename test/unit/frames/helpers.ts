/**
 * Shared by the frame-mapping tests: temporary workspace trees, Sentry ingest frames turned into
 * StoredFrames (the renames of SENTRY_API.md §5), and runs of the real @sentry/node SDK.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StoredFrame } from '../../../src/core/store/model';
import { repoRoot, sentryFixture } from '../../support/paths';

export { repoRoot, sentryFixture };

export function framesFixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'frames', ...parts);
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rca-frames-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Writes `{ 'a/b.js': 'text' }` under `root` (text may be a line array). */
export function writeTree(root: string, files: Record<string, string | string[]>): string {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, ...rel.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, Array.isArray(text) ? text.join('\n') + '\n' : text);
  }
  return root;
}

/** A frame as the store keeps it; tests give only the fields that matter to them. */
export function frame(f: Partial<StoredFrame>): StoredFrame {
  return {
    filename: null,
    absPath: null,
    module: null,
    package: null,
    platform: null,
    function: null,
    lineNo: null,
    colNo: null,
    inApp: true,
    context: [],
    ...f,
  };
}

interface IngestFrame {
  filename?: string | null;
  abs_path?: string | null;
  module?: string | null;
  package?: string | null;
  platform?: string | null;
  function?: string | null;
  lineno?: number | null;
  colno?: number | null;
  in_app?: boolean | null;
  pre_context?: string[];
  context_line?: string | null;
  post_context?: string[];
}

/** Ingest (snake_case) frame → StoredFrame: `abs_path→absPath`, `lineno→lineNo`, contexts merged. */
export function storedFrameFromIngest(f: IngestFrame): StoredFrame {
  const context: Array<[number, string]> = [];
  const line = f.lineno ?? null;
  if (line !== null && f.context_line != null) {
    const pre = f.pre_context ?? [];
    pre.forEach((t, i) => context.push([line - pre.length + i, t]));
    context.push([line, f.context_line]);
    (f.post_context ?? []).forEach((t, i) => context.push([line + 1 + i, t]));
  }
  return {
    filename: f.filename ?? null,
    absPath: f.abs_path ?? null,
    module: f.module ?? null,
    package: f.package ?? null,
    platform: f.platform ?? null,
    function: f.function ?? null,
    lineNo: line,
    colNo: f.colno ?? null,
    inApp: f.in_app === true,
    context,
  };
}

/** Frames of every exception of an ingest event, oldest first; `exception` may be `{values}` or a bare array. */
export function ingestEventFrames(event: { exception?: unknown; platform?: string }): StoredFrame[] {
  const ex = event.exception as { values?: unknown[] } | unknown[] | undefined;
  const values = (Array.isArray(ex) ? ex : (ex?.values ?? [])) as Array<{ stacktrace?: { frames?: IngestFrame[] } }>;
  return values.flatMap((v) =>
    (v.stacktrace?.frames ?? []).map((f) =>
      storedFrameFromIngest({ ...f, platform: f.platform ?? event.platform ?? null }),
    ),
  );
}

/** The event items of a raw envelope file (header line, then item header + payload pairs). */
export function envelopeEvents(path: string): Array<Record<string, unknown>> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Array<Record<string, unknown>> = [];
  for (let i = 1; i < lines.length; i++) {
    let header: { type?: string; length?: number };
    try {
      header = JSON.parse(lines[i]!);
    } catch {
      continue;
    }
    if (header.type === 'event') out.push(JSON.parse(lines[i + 1]!));
    i++;
  }
  return out;
}

export interface SdkRun {
  /** Where the service was "deployed" and run from. */
  deployDir: string;
  events: Array<Record<string, unknown>>;
}

/**
 * Deploys test/fixtures/frames/node-app into `<tmp>/srv/shop` (its vendored dependency becomes a real
 * node_modules folder) and runs it with the real @sentry/node SDK, which prints each event as JSON.
 * `bundle`: build it with esbuild + source maps first and run with --enable-source-maps, either with a
 * `webpack://shop/` source root or with Sentry's rewriteFramesIntegration producing `app:///` paths.
 */
export async function runSdkApp(mode: 'plain' | 'webpack' | 'app', deployName = 'shop'): Promise<SdkRun> {
  const run = promisify(execFile);
  const base = tempDir(`sdk-${mode}`);
  const deployDir = join(base, 'srv', deployName);
  mkdirSync(deployDir, { recursive: true });
  cpSync(framesFixture('node-app'), deployDir, { recursive: true });
  renameSync(join(deployDir, '_node_modules'), join(deployDir, 'node_modules'));
  const root = repoRoot();
  const env = { ...process.env, NODE_PATH: join(root, 'node_modules') } as NodeJS.ProcessEnv;
  let entry = join(deployDir, 'main.js');
  const nodeArgs: string[] = [];
  if (mode !== 'plain') {
    const script = `
      const esbuild = require(${JSON.stringify(join(root, 'node_modules', 'esbuild'))});
      esbuild.buildSync({ entryPoints: ['main.js'], bundle: true, platform: 'node', outfile: 'dist/main.js',
        sourcemap: true, external: ['@sentry/node'], logLevel: 'error'${mode === 'webpack' ? ", sourceRoot: 'webpack://shop/'" : ''} });`;
    await run(process.execPath, ['-e', script], { cwd: deployDir, env });
    entry = join(deployDir, 'dist', 'main.js');
    nodeArgs.push('--enable-source-maps');
    if (mode === 'app') env.REWRITE_FRAMES_ROOT = deployDir;
  }
  const { stdout } = await run(process.execPath, [...nodeArgs, entry], {
    cwd: deployDir,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const events = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { deployDir, events };
}
