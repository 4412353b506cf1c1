/**
 * The file index over real git repositories: listed by `git ls-files` (tracked files even when a
 * .gitignore matches them, untracked ones by git's rules), with submodules listed one by one,
 * sparse checkouts (files outside the cone are not on disk and never mapped onto), files.exclude
 * still applied, and no cap on the number of files.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FrameMapper,
  type FrameMapping,
  type MappedFrame,
  type UnmappedFrame,
} from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import { PathTable } from '../../../src/core/frames/pathTable';
import { listGitWorkspace } from '../../../src/core/frames/gitFileList';
import type { Logger } from '../../../src/core/common/logger';
import { frame, tempDir, writeTree } from './helpers';

/** A logger that keeps info, warn and error lines. */
function recording(lines: string[]): Logger {
  return {
    trace() {},
    debug() {},
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(String(m)),
  };
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function repo(prefix: string, files: Record<string, string | string[]>): string {
  const dir = tempDir(prefix);
  git(dir, 'init', '-q', '-b', 'main');
  writeTree(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

function rels(index: WorkspaceFileIndex): string[] {
  return [...index.all()].map((f) => f.rel).sort();
}

function mapped(m: FrameMapping): MappedFrame {
  assert.ok(m.ok, `expected a mapping, got ${JSON.stringify(m)}`);
  return m;
}

function unmapped(m: FrameMapping): UnmappedFrame {
  assert.ok(!m.ok, `expected no mapping, got ${JSON.stringify(m)}`);
  return m;
}

describe('file index from git ls-files', () => {
  test('tracked files are listed even when a .gitignore matches them; untracked ones follow git; files.exclude still applies', async () => {
    const ws = repo('tracked', {
      'src/a.ts': 'a',
      'src/generated.ts': 'tracked before it was ignored',
      'docs/x.md': 'x',
      'ünïcode/ß.ts': 'u',
    });
    writeTree(ws, {
      '.gitignore': 'generated.ts\n*.log\n',
      'src/new.ts': 'untracked',
      'src/debug.log': 'ignored',
      '.hg/store': 'vcs',
    });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { exclude: ['docs'] });
    assert.equal(index.listedWith(index.roots[0]!), 'git');
    assert.deepEqual(rels(index), ['.gitignore', 'src/a.ts', 'src/generated.ts', 'src/new.ts', 'ünïcode/ß.ts']);
    const walked = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { exclude: ['docs'], listing: 'walk' });
    assert.ok(
      !rels(walked).includes('src/generated.ts'),
      'the walk cannot know the file is tracked: git is the exact listing',
    );
  });

  test('a submodule is listed with its own ignore rules and its frames map into it', async () => {
    const lib = repo('sub-lib', {
      'src/util.ts': ['export function util() {', '  throw new Error("x");', '}'],
      '.gitignore': 'dist/\n',
    });
    const ws = repo('sub-main', { 'app/main.ts': 'import "./x";', 'src/util.ts': 'a different util at the top' });
    git(ws, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'libs/shared');
    git(ws, 'commit', '-q', '-m', 'add submodule');
    writeTree(ws, {
      'libs/shared/dist/util.js': 'built, ignored by the submodule',
      'libs/shared/src/extra.ts': 'untracked in the submodule',
    });
    const logs: string[] = [];
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { logger: recording(logs) });
    assert.deepEqual(rels(index), [
      '.gitmodules',
      'app/main.ts',
      'libs/shared/.gitignore',
      'libs/shared/src/extra.ts',
      'libs/shared/src/util.ts',
      'src/util.ts',
    ]);
    assert.equal(index.get(join(ws, 'libs', 'shared')), undefined, 'the gitlink is a folder, not a file');
    assert.match(logs.join('\n'), /listed 1 submodule\(s\)\/nested repositories separately: libs\/shared/);

    const mapper = new FrameMapper(index);
    const m = mapped(
      await mapper.map(frame({ filename: '/home/ci/build/libs/shared/src/util.ts', lineNo: 2, inApp: true }), 'p'),
    );
    assert.equal(m.path, join(ws, 'libs', 'shared', 'src', 'util.ts'));
    const top = mapped(await mapper.map(frame({ filename: 'src/util.ts', lineNo: 1, inApp: true }), 'q'));
    assert.equal(top.path, join(ws, 'src', 'util.ts'), 'the root-relative file wins over the submodule copy');
  });

  test('a submodule that is not checked out adds no files and is logged', async () => {
    const lib = repo('sub-lib2', { 'x.ts': 'x' });
    const ws = repo('sub-main2', { 'a.ts': 'a' });
    git(ws, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'vendor/lib');
    git(ws, 'commit', '-q', '-m', 'add submodule');
    git(ws, 'submodule', 'deinit', '-q', '-f', 'vendor/lib');
    const logs: string[] = [];
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { logger: recording(logs) });
    assert.deepEqual(rels(index), ['.gitmodules', 'a.ts']);
    assert.match(logs.join('\n'), /not checked out.*vendor\/lib/);
  });

  test('a sparse checkout: files outside the cone are not indexed, frames map inside it and say why otherwise', async () => {
    const handler = (who: string) => ['export function handle() {', `  return "${who}";`, '}'];
    const ws = repo('sparse', {
      'services/api/handler.ts': handler('api'),
      'services/web/handler.ts': handler('web'),
      'services/web/only-web.ts': 'w',
      'README.md': 'r',
    });
    git(ws, 'sparse-checkout', 'set', '--cone', 'services/api');
    assert.equal(
      git(ws, 'ls-files', '-t', 'services/web/handler.ts').trim(),
      'S services/web/handler.ts',
      'git marks it skip-worktree',
    );
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    assert.deepEqual(rels(index), ['README.md', 'services/api/handler.ts']);
    const mapper = new FrameMapper(index);
    // Without the sparse checkout the bare name would be ambiguous between api and web.
    const m = mapped(await mapper.map(frame({ filename: '/srv/app/handler.ts', lineNo: 2, inApp: true }), 'p'));
    assert.equal(m.path, join(ws, 'services', 'api', 'handler.ts'));
    const out = unmapped(
      await mapper.map(frame({ filename: '/srv/app/services/web/only-web.ts', lineNo: 1, inApp: true }), 'p'),
    );
    assert.equal(out.code, 'no-match');
    assert.match(out.reason, /2 tracked files are outside the sparse checkout \(not on disk\) and were not searched/);
  });

  test('an untracked nested repository is listed by its own git; a nested workspace folder is indexed once', async () => {
    const ws = repo('nested', { 'a.ts': 'a', 'pkg/b.ts': 'b' });
    const inner = join(ws, 'tools', 'gen');
    writeTree(inner, { 'gen.ts': 'g', '.gitignore': 'out/\n', 'out/x.js': 'ignored by the inner repository' });
    git(inner, 'init', '-q');
    const index = await WorkspaceFileIndex.build([
      { name: 'ws', path: ws },
      { name: 'pkg', path: join(ws, 'pkg') },
    ]);
    assert.deepEqual([...index.all()].map((f) => `${f.root.name}:${f.rel}`).sort(), [
      'pkg:b.ts',
      'ws:a.ts',
      'ws:tools/gen/.gitignore',
      'ws:tools/gen/gen.ts',
    ]);
  });

  test('watcher events keep a git-listed index current, and a root .gitignore change lists it again with git', async () => {
    const ws = repo('gitwatch', {
      'src/a.ts': 'a',
      'src/b.ts': 'b',
      'src/gone.ts': 'deleted before the build, not staged',
    });
    rmSync(join(ws, 'src', 'gone.ts'));
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    assert.deepEqual(rels(index), ['src/a.ts', 'src/b.ts'], 'a tracked file deleted from disk is not listed');
    writeTree(ws, { 'src/c.ts': 'c' });
    assert.equal(index.add(join(ws, 'src', 'c.ts')), true);
    assert.equal(index.get(join(ws, 'src', 'c.ts'))?.rel, 'src/c.ts');
    rmSync(join(ws, 'src', 'a.ts'));
    assert.equal(index.remove(join(ws, 'src', 'a.ts')), 1);
    writeFileSync(join(ws, '.gitignore'), 'c.ts\n');
    index.add(join(ws, '.gitignore'));
    await index.settled();
    assert.equal(index.listedWith(index.roots[0]!), 'git');
    assert.deepEqual(rels(index), ['.gitignore', 'src/b.ts']);
    rmSync(join(ws, 'src'), { recursive: true });
    assert.equal(index.remove(join(ws, 'src')), 1);
    assert.deepEqual(rels(index), ['.gitignore']);
  });

  test('a folder its enclosing repository ignores is walked, a tracked subfolder is listed by git', async () => {
    const ws = repo('enclosing', { '.gitignore': 'scratch/\n', 'app/src/a.ts': 'a' });
    writeTree(ws, { 'scratch/tool/b.ts': 'b', 'scratch/tool/.gitignore': 'out/\n', 'scratch/tool/out/c.js': 'c' });
    const ignored = await WorkspaceFileIndex.build([{ name: 'tool', path: join(ws, 'scratch', 'tool') }]);
    assert.equal(ignored.listedWith(ignored.roots[0]!), 'walk');
    assert.deepEqual(rels(ignored), ['.gitignore', 'b.ts']);
    const sub = await WorkspaceFileIndex.build([{ name: 'app', path: join(ws, 'app') }]);
    assert.equal(sub.listedWith(sub.roots[0]!), 'git');
    assert.deepEqual(rels(sub), ['src/a.ts']);
  });

  test("the tables are sized from git's index header at a repository's top, not for a subfolder", async () => {
    const ws = repo('reserve', { 'a.ts': 'a', 'app/b.ts': 'b', 'app/c.ts': 'c' });
    const listed = async (dir: string) => {
      const reserved: number[] = [];
      const paths: string[] = [];
      await listGitWorkspace(
        dir,
        () => (buf, start, end) => void paths.push(Buffer.from(buf).toString('utf8', start, end)),
        { isFile: () => false, dropFile: () => undefined, reserve: (n) => void reserved.push(n) },
      );
      return { reserved, paths: paths.sort() };
    };
    assert.deepEqual(await listed(ws), { reserved: [3], paths: ['a.ts', 'app/b.ts', 'app/c.ts'] });
    assert.deepEqual(await listed(join(ws, 'app')), { reserved: [], paths: ['b.ts', 'c.ts'] });
    // An index that is not git's (corrupt, or another tool's) is no hint at all.
    writeFileSync(join(ws, '.git', 'index'), 'not an index');
    assert.deepEqual((await listed(ws)).reserved, []);
  });

  test('a folder that is not a git working tree is walked', async () => {
    const ws = writeTree(tempDir('plain'), { 'a.ts': 'a', '.gitignore': 'b.ts\n', 'b.ts': 'b' });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    assert.equal(index.listedWith(index.roots[0]!), 'walk');
    assert.deepEqual(rels(index), ['.gitignore', 'a.ts']);
  });
});

describe('no cap on the number of files', () => {
  test('a limit, when a caller sets one, says so: warning, log, and the reason of frames that do not map', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.txt`] = 'x';
    const ws = writeTree(tempDir('limit'), files);
    const warned: string[] = [];
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], {
      maxFiles: 10,
      logger: recording(warned),
    });
    assert.equal(index.size, 10);
    assert.match(warned.join('\n'), /more than 10 files/);
    assert.match(warned.join('\n'), /limit of 10 files reached: 20 left out/);
    const missing = [...Array(30).keys()].map((i) => `f${i}.txt`).find((n) => !index.has(join(ws, n)))!;
    const out = unmapped(await new FrameMapper(index).map(frame({ filename: `/srv/${missing}`, inApp: true }), 'p'));
    assert.match(out.reason, /stopped at its limit of 10 files; 20 files were left out and were not checked/);
  });

  // The index sets no limit by default (the benchmark indexes 1,000,000 files); its storage grows
  // without bound, which this checks quickly at the table level.
  test('the path table holds 600,000 files (above the old 500k cap) and finds every one after removals reuse ids', () => {
    const t = new PathTable(() => false);
    const root = t.addRoot('ws');
    const n = 600_000;
    for (let i = 0; i < n; i++) t.addFile(t.child(root, t.intern(`d${i % 1000}`), true), t.intern(`f${i}.ts`));
    assert.equal(t.size, n);
    for (let i = 0; i < n; i += 2)
      t.removeFile(t.fileIn(t.child(root, t.intern(`d${i % 1000}`), false), t.segmentId(`f${i}.ts`)));
    for (let i = 0; i < n; i += 2) t.addFile(t.child(root, t.intern(`e${i % 7}`), true), t.intern(`f${i}.ts`));
    assert.equal(t.size, n);
    assert.equal(t.capacity, n, 'removed ids were reused');
    for (let i = 0; i < n; i++) {
      const dir = t.child(root, t.segmentId(i % 2 ? `d${i % 1000}` : `e${i % 7}`), false);
      assert.ok(t.fileIn(dir, t.segmentId(`f${i}.ts`)) >= 0, `f${i}.ts`);
    }
    assert.equal(t.filesEndingWith(t.segmentId('e3'), t.segmentId('f10.ts')).length, 1);
  });
});
