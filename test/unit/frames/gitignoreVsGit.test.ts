/**
 * The index's idea of "ignored" checked against git itself: the files the index keeps must be exactly
 * the files `git ls-files --others --exclude-standard` lists, over a battery of gitignore features —
 * both when it walks the folder with its own gitignore reader (non-git folders, watcher events) and
 * when it lists the folder with git.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import { tempDir, writeTree } from './helpers';

test('the index keeps exactly the files git does not ignore', async () => {
  const ws = tempDir('vs-git');
  execFileSync('git', ['init', '-q', ws]);
  const files = [
    'a.log',
    'important.log',
    'build/x.js',
    'packages/build/y.js',
    'dist/z.js',
    'packages/dist/q.js',
    'src/tmp/a.txt',
    'tmp/b.txt',
    'docs/x.draft.md',
    'docs/a/b/y.draft.md',
    'docs/keep.md',
    '#literal.txt',
    'foo1.txt',
    'foo12.txt',
    'ax.txt',
    'dx.txt',
    'logs/keep/k.txt',
    'logs/l.txt',
    'app.min.js',
    'app.js',
    'sub/x/cache/f.txt',
    'sub/cache/g.txt',
    'cache/h.txt',
    'a/b/c.txt',
    'a/x/y/b/c.txt',
    'a/b/d.txt',
    'space name.txt',
    'packages/api/server.log',
    'packages/api/generated/t.ts',
    'packages/api/src/generated',
    'packages/api/local.txt',
    'packages/api/src/local.txt',
    'secret.txt',
    'src/secret.txt',
    'normal/file.ts',
    'only-dir-rule',
    'deep/only-dir-rule/x.txt',
    'Makefile',
    'vendor/lib/v.go',
    'vendor/keep.go',
  ];
  writeTree(ws, Object.fromEntries(files.map((f) => [f, 'x'])));
  writeTree(ws, {
    '.gitignore': [
      '# a comment',
      '*.log',
      '!important.log',
      '/build',
      'dist/',
      '**/tmp/**',
      'docs/**/*.draft.md',
      '\\#literal.txt',
      'foo?.txt',
      '[abc]x.txt',
      'logs/',
      '!logs/keep/',
      '*.min.*',
      'sub/**/cache',
      'a/**/b/c.txt',
      'space\\ name.txt',
      'only-dir-rule/',
      'vendor/*',
      '!vendor/keep.go',
      '   ',
      'trailing.txt   ',
    ],
    'packages/api/.gitignore': ['!*.log', 'generated/', '/local.txt'],
    '.git/info/exclude': ['secret.txt'],
  });
  const git = execFileSync('git', ['-c', 'core.excludesFile=/dev/null', 'ls-files', '--others', '--exclude-standard'], {
    cwd: ws,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^"|"$/g, ''))
    .sort();
  const walked = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { listing: 'walk' });
  assert.equal(walked.listedWith(walked.roots[0]!), 'walk');
  assert.deepEqual([...walked.all()].map((f) => f.rel).sort(), git);
  const listed = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
  assert.equal(listed.listedWith(listed.roots[0]!), 'git');
  assert.deepEqual([...listed.all()].map((f) => f.rel).sort(), git);
  assert.ok(git.length > 15 && git.length < files.length, 'the battery both keeps and ignores files');
});
