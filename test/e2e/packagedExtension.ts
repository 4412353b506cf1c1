/**
 * The packaged extension as the UI suites that test it from its .vsix use it: build (or take
 * SENTRY_RCA_VSIX), install into a fresh extensions folder with code-server's own installer, and stop
 * the detached demo server a run left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY, projectRoot } from '../vscode/codeServer';

export const EXTENSION_ID = 'sentry-rca.sentry-rca';

/** `npm run package` into `dir` (prints the size lines), or the .vsix SENTRY_RCA_VSIX names. */
export function buildVsix(dir: string): string {
  const given = process.env.SENTRY_RCA_VSIX;
  if (given) return given;
  const out = join(dir, 'sentry-rca.vsix');
  const r = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'package.mjs'), '--out', out], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const sizes = r.stdout.split('\n').filter((l) => /^(\.vsix|host bundle|README)/.test(l));
  for (const l of sizes) console.log(`  ${l}`);
  return out;
}

/** `code-server --install-extension` into `dataRoot/exts`; returns the installed extension's folder. */
export function installVsix(vsix: string, dataRoot: string): string {
  const exts = join(dataRoot, 'exts');
  mkdirSync(exts, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--user-data-dir',
      join(dataRoot, 'data'),
      '--extensions-dir',
      exts,
      '--install-extension',
      vsix,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0 || !/successfully installed/i.test(out))
    throw new Error(`install failed (exit ${r.status}):\n${out.slice(-2000)}`);
  const installed = readdirSync(exts).filter((d) => d.startsWith(EXTENSION_ID));
  const folder = installed[0];
  if (installed.length !== 1 || !folder)
    throw new Error(`expected one ${EXTENSION_ID} folder in ${exts}, found: ${readdirSync(exts).join(', ')}`);
  return join(exts, folder);
}

/** The demo server runs detached (it must outlive a window reload), so the test stops it itself. */
export function stopDemoServer(dataRoot: string): void {
  for (const f of findFiles(dataRoot, /^server\.json$/)) {
    try {
      const { pid } = JSON.parse(readFileSync(f, 'utf8')) as { pid: number };
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
}

export function findFiles(dir: string, re: RegExp, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findFiles(p, re, out);
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}
