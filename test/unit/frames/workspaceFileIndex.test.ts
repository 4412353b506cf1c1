import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Emitter } from '../../../src/core/common/emitter';
import type * as vscode from 'vscode';
import {
  WorkspaceFileIndex,
  type FileIndexChange,
  type FileWatcherLike,
} from '../../../src/core/frames/workspaceFileIndex';
import { tempDir, writeTree } from './helpers';

// The host passes vscode.workspace.createFileSystemWatcher(…) to index.watch() as it is.
const _watcherFits: (w: vscode.FileSystemWatcher) => FileWatcherLike = (w) => w;
void _watcherFits;

function rels(index: WorkspaceFileIndex): string[] {
  return [...index.all()].map((f) => `${f.root.name}:${f.rel}`).sort();
}

describe('WorkspaceFileIndex', () => {
  test('walks the folders honouring nested .gitignore files, .git/info/exclude and files.exclude', async () => {
    const ws = writeTree(tempDir('idx'), {
      '.gitignore': 'node_modules/\n*.log\n/coverage\nbuild/\n!keep.log\n',
      '.git/info/exclude': 'secret-notes.txt\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'src/a.ts': 'a',
      'src/debug.log': 'x',
      'src/keep.log': 'kept by a negation',
      'node_modules/dep/index.js': 'dep',
      'coverage/lcov.info': 'x',
      'packages/api/coverage/report.txt': 'anchored /coverage only matches at the root',
      'packages/api/.gitignore': 'generated/\n!*.log\n',
      'packages/api/generated/types.ts': 'x',
      'packages/api/src/server.log': 'the deeper .gitignore re-includes logs',
      'packages/web/build/out.js': 'x',
      'packages/web/src/.DS_Store': 'x',
      'secret-notes.txt': 'x',
      'docs/x.tmp': 'x',
    });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { exclude: ['**/.DS_Store', '**/*.tmp'] });
    assert.deepEqual(rels(index), [
      'ws:.gitignore',
      'ws:packages/api/.gitignore',
      'ws:packages/api/coverage/report.txt',
      'ws:packages/api/src/server.log',
      'ws:src/a.ts',
      'ws:src/keep.log',
    ]);
    assert.equal(index.has(join(ws, 'src', 'a.ts')), true);
    assert.deepEqual(index.warnings, []);
  });

  test('multi-root: files keep their folder; lookups by name span folders; rootOf picks the innermost', async () => {
    const base = tempDir('multi');
    writeTree(base, { 'api/src/index.ts': 'a', 'web/src/index.ts': 'b', 'web/src/App.tsx': 'c' });
    const index = await WorkspaceFileIndex.build([
      { name: 'api', path: join(base, 'api') },
      { name: 'web', path: join(base, 'web') },
    ]);
    assert.deepEqual(
      index
        .filesNamed('index.ts')
        .map((f) => `${f.root.name}:${f.rel}`)
        .sort(),
      ['api:src/index.ts', 'web:src/index.ts'],
    );
    assert.deepEqual(index.filesNamed('app.tsx'), [], 'case-sensitive by default');
    assert.deepEqual(
      index.filesNamed('app.tsx', true).map((f) => f.rel),
      ['src/App.tsx'],
    );
    assert.equal(index.rootOf(join(base, 'web', 'src', 'App.tsx'))?.name, 'web');
    assert.equal(index.rootOf(join(base, 'elsewhere.ts')), undefined);
  });

  test('nested workspace folders: files belong to the innermost folder only', async () => {
    const base = writeTree(tempDir('nested'), { 'app/src/a.ts': 'a', 'app/lib/b.ts': 'b' });
    const index = await WorkspaceFileIndex.build([
      { name: 'app', path: join(base, 'app') },
      { name: 'lib', path: join(base, 'app', 'lib') },
    ]);
    assert.deepEqual(rels(index), ['app:src/a.ts', 'lib:b.ts']);
    assert.equal(index.get(join(base, 'app', 'lib', 'b.ts'))?.root.name, 'lib');
  });

  test('watcher updates: add honours ignore rules, remove takes whole folders, changes are announced', async () => {
    const ws = writeTree(tempDir('watch'), {
      '.gitignore': 'dist/\n',
      'src/a.ts': 'a',
      'src/lib/b.ts': 'b',
      'src/lib/c.ts': 'c',
    });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    const events: FileIndexChange[] = [];
    index.onDidChange((e) => events.push(e));

    writeTree(ws, { 'src/new.ts': 'n', 'dist/new.js': 'n' });
    assert.equal(index.add(join(ws, 'src', 'new.ts')), true);
    assert.equal(index.add(join(ws, 'dist', 'new.js')), false, 'dist/ is gitignored');
    assert.equal(index.add(join(ws, 'src', 'new.ts')), true, 'adding twice is harmless');
    assert.equal(index.add('/somewhere/else.ts'), false, 'outside every folder');

    rmSync(join(ws, 'src', 'lib'), { recursive: true });
    assert.equal(index.remove(join(ws, 'src', 'lib')), 2);
    index.changed(join(ws, 'src', 'a.ts'));
    assert.deepEqual(rels(index), ['ws:.gitignore', 'ws:src/a.ts', 'ws:src/new.ts']);
    assert.deepEqual(
      events.map((e) => [e.added.length, e.removed.length, e.changed.length]),
      [
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 1],
      ],
    );
  });

  test('watch(): a vscode-shaped watcher drives the index, and a folder moved in is walked', async () => {
    const ws = writeTree(tempDir('watcher'), { 'src/a.ts': 'a' });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    const create = new Emitter<{ fsPath: string }>();
    const del = new Emitter<{ fsPath: string }>();
    const change = new Emitter<{ fsPath: string }>();
    const sub = index.watch({ onDidCreate: create.event, onDidDelete: del.event, onDidChange: change.event });

    // A whole folder appears (git checkout, unzip, mv): watchers report the folder, not each file.
    const moved = tempDir('moved-in');
    writeTree(moved, { 'lib/x.ts': 'x', 'lib/deep/y.ts': 'y' });
    cpSync(moved, join(ws, 'vendor-src'), { recursive: true });
    create.fire({ fsPath: join(ws, 'vendor-src') });
    await index.settled();
    assert.deepEqual(rels(index), ['ws:src/a.ts', 'ws:vendor-src/lib/deep/y.ts', 'ws:vendor-src/lib/x.ts']);

    rmSync(join(ws, 'src', 'a.ts'));
    del.fire({ fsPath: join(ws, 'src', 'a.ts') });
    assert.equal(index.has(join(ws, 'src', 'a.ts')), false);

    sub.dispose();
    writeTree(ws, { 'src/b.ts': 'b' });
    create.fire({ fsPath: join(ws, 'src', 'b.ts') });
    assert.equal(index.has(join(ws, 'src', 'b.ts')), false, 'no events after dispose');
    index.dispose();
    assert.equal(index.size, 0);
  });

  test('a changed .gitignore rescans its folder: newly ignored files leave, re-included ones come back', async () => {
    const ws = writeTree(tempDir('regit'), {
      'pkg/.gitignore': 'gen/\n',
      'pkg/gen/t.ts': 'x',
      'pkg/src/a.ts': 'a',
      'pkg/src/a.test.ts': 't',
    });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    assert.equal(index.has(join(ws, 'pkg', 'gen', 't.ts')), false);
    writeFileSync(join(ws, 'pkg', '.gitignore'), '*.test.ts\n');
    index.changed(join(ws, 'pkg', '.gitignore'));
    await index.settled();
    assert.deepEqual(rels(index), ['ws:pkg/.gitignore', 'ws:pkg/gen/t.ts', 'ws:pkg/src/a.ts']);
  });

  test('stops at maxFiles with a warning instead of exhausting memory', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${i}.txt`] = 'x';
    const ws = writeTree(tempDir('cap'), files);
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { maxFiles: 10 });
    assert.equal(index.size, 10);
    assert.equal(index.truncated, true);
    assert.match(index.warnings.join('\n'), /more than 10 files/);
  });

  test('symlinked folders are not followed (no cycles); symlinked files are indexed', async () => {
    const ws = writeTree(tempDir('links'), { 'src/a.ts': 'a' });
    symlinkSync(ws, join(ws, 'src', 'loop'));
    symlinkSync(join(ws, 'src', 'a.ts'), join(ws, 'src', 'alias.ts'));
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    assert.deepEqual(rels(index), ['ws:src/a.ts', 'ws:src/alias.ts']);
  });

  test('a missing folder is a warning, not a crash; bad exclude globs are reported', async () => {
    const base = tempDir('missing');
    mkdirSync(join(base, 'ok'));
    writeFileSync(join(base, 'ok', 'x.ts'), 'x');
    const index = await WorkspaceFileIndex.build(
      [
        { name: 'gone', path: join(base, 'gone') },
        { name: 'ok', path: join(base, 'ok') },
      ],
      { exclude: ['{broken'] },
    );
    assert.equal(index.size, 1);
    assert.match(index.warnings.join('\n'), /Ignoring exclude pattern "\{broken"/);
    assert.match(index.warnings.join('\n'), /Cannot read workspace folder .*gone \(ENOENT\)/);
  });

  test('cancellation stops the walk', async () => {
    const ws = writeTree(tempDir('abort'), { 'a/b.ts': 'x' });
    const ac = new AbortController();
    ac.abort(new Error('window closed'));
    await assert.rejects(WorkspaceFileIndex.build([{ name: 'ws', path: ws }], {}, ac.signal), /window closed/);
  });
});
