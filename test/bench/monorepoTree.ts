/**
 * Generated monorepos for the frame benchmarks, built once under .bench/ and reused.
 *
 * Layout: N packages × 20 folders × 100 files (`packages/pkgP/src/areaD/…`). Every folder has an
 * index.ts, types.ts and utils.ts, every 10th file name also exists in a sibling package at the same
 * relative path, and an ignored node_modules holds 10k files the listing must skip.
 * - `ensureWalkTree`: a plain folder (the 100k case, listed by walking).
 * - `ensureGitTree`: a git repository (the 1M case). The commit is written by `git fast-import` (one
 *   empty blob, a million tree entries) and checked out by git, which writes the files far faster
 *   than a script could; 1,000 untracked files and the ignored node_modules are added after.
 * Run directly (`node out/test/bench/monorepoTree.js`) to build the 1M tree ahead of a benchmark run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredFrame } from '../../src/core/store/model';

export const DIRS = 20;
export const FILES_PER_DIR = 100;
const SHARED_NAMES = ['index.ts', 'types.ts', 'utils.ts'];

export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'esbuild.mjs'))) dir = join(dir, '..');
  return dir;
}

function fileNames(p: number, d: number): string[] {
  const out = [...SHARED_NAMES];
  // Most names are unique to their package, as in real code; every 10th also exists in the package
  // next door at the same relative path (copied features), for ties the longer suffix must settle.
  for (let k = out.length; k < FILES_PER_DIR; k++)
    out.push(`${k % 10 === 0 ? `shared${p >> 1}` : `pkg${p}`}Area${d}Part${k}.ts`);
  return out;
}

/** Root-relative paths of the tracked source files. */
export function relPaths(packages: number): string[] {
  const out: string[] = [];
  for (let p = 0; p < packages; p++) {
    for (let d = 0; d < DIRS; d++) {
      for (const f of fileNames(p, d)) out.push(`packages/pkg${p}/src/area${d}/${f}`);
    }
  }
  return out;
}

function writeIgnoredDependencies(root: string): void {
  for (let m = 0; m < 200; m++) {
    const dir = join(root, 'node_modules', `dep${m}`, 'lib');
    mkdirSync(dir, { recursive: true });
    for (let k = 0; k < 50; k++) writeFileSync(join(dir, `index${k}.js`), '');
  }
}

const GITIGNORE = 'node_modules/\n*.log\n/coverage\n';

/** The plain-folder tree (not a git repository): listed by walking it. */
export function ensureWalkTree(root: string, packages: number): void {
  const marker = join(root, '.complete-v2');
  if (existsSync(marker)) return;
  console.log(`creating ${packages * DIRS * FILES_PER_DIR} files under ${root} (once)…`);
  for (let p = 0; p < packages; p++) {
    for (let d = 0; d < DIRS; d++) {
      const dir = join(root, 'packages', `pkg${p}`, 'src', `area${d}`);
      mkdirSync(dir, { recursive: true });
      for (const f of fileNames(p, d)) writeFileSync(join(dir, f), '');
    }
  }
  writeIgnoredDependencies(root);
  writeFileSync(join(root, '.gitignore'), GITIGNORE);
  writeFileSync(marker, '');
}

function git(root: string, args: string[]): void {
  const r = spawnSync('git', args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed`);
}

/** Streams a fast-import script with one commit holding every file (all the same empty blob). */
async function fastImport(root: string, packages: number): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: root, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))),
  );
  const write = (s: string) =>
    child.stdin.write(s) ? Promise.resolve() : new Promise<void>((r) => child.stdin.once('drain', () => r()));
  await write(
    `blob\nmark :1\ndata 0\n\ncommit refs/heads/main\ncommitter bench <bench@example.invalid> 1700000000 +0000\ndata 9\ngenerated\nM 100644 inline .gitignore\ndata ${GITIGNORE.length}\n${GITIGNORE}\n`,
  );
  for (let p = 0; p < packages; p++) {
    let chunk = '';
    for (let d = 0; d < DIRS; d++)
      for (const f of fileNames(p, d)) chunk += `M 100644 :1 packages/pkg${p}/src/area${d}/${f}\n`;
    await write(chunk);
  }
  await write('\n');
  child.stdin.end();
  await done;
}

/** The git repository tree; returns the number of files git lists (tracked + untracked, not ignored). */
export async function ensureGitTree(root: string, packages: number): Promise<number> {
  const untracked = 1000;
  const expected = packages * DIRS * FILES_PER_DIR + 1 + untracked;
  const marker = join(root, '.git', 'bench-complete-v1');
  if (existsSync(marker)) return expected;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  console.log(
    `creating a git repository of ${packages * DIRS * FILES_PER_DIR} files under ${root} (once; git writes the files)…`,
  );
  const t0 = performance.now();
  git(root, ['init', '-q', '-b', 'main']);
  await fastImport(root, packages);
  git(root, ['-c', 'checkout.workers=0', 'reset', '-q', '--hard', 'main']);
  writeIgnoredDependencies(root);
  // Untracked sources (not yet added): `--others` must list them.
  for (let i = 0; i < untracked; i++) {
    const dir = join(root, 'packages', `pkg${i % packages}`, 'src', 'scratch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `draft${i}.ts`), '');
  }
  writeFileSync(marker, '');
  console.log(`…created in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return expected;
}

/**
 * Frames as services report them: 30% under a Capistrano-style release folder, 30% under a CI
 * checkout path (found by suffix matching), 20% webpack:// paths, 10% library frames in an ignored
 * node_modules, 10% files that do not exist locally.
 */
export function makeFrames(rels: string[], count: number): StoredFrame[] {
  const frames: StoredFrame[] = [];
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < count; i++) {
    const rel = rels[Math.floor(rnd() * rels.length)]!;
    const kind = i % 10;
    let filename: string;
    let inApp = true;
    if (kind < 3) filename = `/srv/app/releases/2024${String(i % 97).padStart(4, '0')}/${rel}`;
    else if (kind < 6) filename = `/home/runner/work/app/app/${rel}`;
    else if (kind < 8) filename = `webpack://app/./${rel}`;
    else if (kind < 9) {
      filename = `/srv/app/node_modules/dep${i % 200}/lib/index${i % 50}.js`;
      inApp = false;
    } else filename = `/srv/app/${rel.replace(/\.ts$/, '.missing.ts')}`;
    frames.push({
      filename,
      absPath: null,
      module: null,
      package: null,
      platform: 'node',
      function: `fn${i}`,
      lineNo: 1 + (i % 300),
      colNo: 5,
      inApp,
      context: [],
    });
  }
  return frames;
}

// Run on its own (`node out/test/bench/monorepoTree.js`) it only creates the tree. Bundled into a
// benchmark, `require.main === module` holds there too, so the entry file's name decides.
if (require.main === module && /monorepoTree\.js$/.test(process.argv[1] ?? '')) {
  ensureGitTree(join(repoRoot(), '.bench', 'frames-1m-git'), 500).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
