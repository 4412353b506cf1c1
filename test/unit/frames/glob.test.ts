import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExcludeGlobs } from '../../../src/core/frames/glob';
import { GitignoreFile, isIgnoredByChain } from '../../../src/core/frames/gitignore';

describe('files.exclude globs', () => {
  const { matcher, errors } = compileExcludeGlobs([
    '**/.DS_Store',
    '**/*.{log,tmp}',
    'coverage',
    'docs/**/draft-?.md',
    '**/[Bb]in',
  ]);

  test('match whole relative paths, `**` spanning folders and braces as alternatives', () => {
    assert.deepEqual(errors, []);
    assert.equal(matcher('.DS_Store'), true);
    assert.equal(matcher('a/b/.DS_Store'), true);
    assert.equal(matcher('x/server.log'), true);
    assert.equal(matcher('server.tmp'), true);
    assert.equal(matcher('server.txt'), false);
    assert.equal(matcher('coverage'), true);
    assert.equal(matcher('src/coverage'), false, 'a pattern without ** is relative to the folder root');
    assert.equal(matcher('docs/draft-1.md'), true);
    assert.equal(matcher('docs/a/b/draft-2.md'), true);
    assert.equal(matcher('docs/a/draft-10.md'), false, '? is one character');
    assert.equal(matcher('tools/Bin'), true);
    assert.equal(matcher('tools/bin'), true);
    assert.equal(matcher('tools/cin'), false);
  });

  test('`*` does not cross folders', () => {
    const { matcher: m } = compileExcludeGlobs(['src/*.js']);
    assert.equal(m('src/a.js'), true);
    assert.equal(m('src/lib/a.js'), false);
  });

  test('a broken pattern is reported and skipped, the others still apply', () => {
    const r = compileExcludeGlobs(['**/{a,b', '**/node_modules']);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!, /\{a,b/);
    assert.equal(r.matcher('x/node_modules'), true);
  });

  test('no patterns exclude nothing', () => {
    assert.equal(compileExcludeGlobs([]).matcher('anything'), false);
  });
});

describe('.gitignore rules', () => {
  const chain = (files: Record<string, string>) =>
    Object.entries(files).map(([dir, text]) => GitignoreFile.parse(text, dir));

  test("unanchored names match at any depth; a slash anchors to the file's folder", () => {
    const c = chain({ '': 'node_modules\n/build\nlogs/*.log\n' });
    assert.equal(isIgnoredByChain(c, 'node_modules', true), true);
    assert.equal(isIgnoredByChain(c, 'packages/a/node_modules', true), true);
    assert.equal(isIgnoredByChain(c, 'build', true), true);
    assert.equal(isIgnoredByChain(c, 'packages/a/build', true), false);
    assert.equal(isIgnoredByChain(c, 'logs/x.log', false), true);
    assert.equal(isIgnoredByChain(c, 'a/logs/x.log', false), false);
  });

  test('trailing slash matches folders only; negation re-includes; last rule wins', () => {
    const c = chain({ '': 'out/\n*.js\n!keep.js\n' });
    assert.equal(isIgnoredByChain(c, 'out', true), true);
    assert.equal(isIgnoredByChain(c, 'out', false), false, 'a file named out is not a folder');
    assert.equal(isIgnoredByChain(c, 'src/a.js', false), true);
    assert.equal(isIgnoredByChain(c, 'src/keep.js', false), false);
  });

  test('comments, blank lines, escapes and trailing spaces', () => {
    const c = chain({ '': '# comment\n\n\\#hash.txt\n\\!bang.txt\nspaced.txt   \n' });
    assert.equal(isIgnoredByChain(c, '# comment', false), false);
    assert.equal(isIgnoredByChain(c, '#hash.txt', false), true);
    assert.equal(isIgnoredByChain(c, '!bang.txt', false), true);
    assert.equal(isIgnoredByChain(c, 'spaced.txt', false), true);
  });

  test('`**` forms: leading, trailing and in the middle', () => {
    const c = chain({ '': '**/tmp\ncache/**\na/**/z.txt\n' });
    assert.equal(isIgnoredByChain(c, 'tmp', true), true);
    assert.equal(isIgnoredByChain(c, 'x/y/tmp', true), true);
    assert.equal(isIgnoredByChain(c, 'cache/a/b.txt', false), true);
    assert.equal(isIgnoredByChain(c, 'a/z.txt', false), true);
    assert.equal(isIgnoredByChain(c, 'a/b/c/z.txt', false), true);
    assert.equal(isIgnoredByChain(c, 'b/z.txt', false), false);
  });

  test('a deeper .gitignore overrides a shallower one, and only inside its folder', () => {
    const c = chain({ '': '*.gen.ts\n', 'packages/api': '!*.gen.ts\n' });
    assert.equal(isIgnoredByChain(c, 'packages/web/x.gen.ts', false), true);
    assert.equal(isIgnoredByChain(c, 'packages/api/x.gen.ts', false), false);
    assert.equal(
      isIgnoredByChain(c, 'packages/api2/x.gen.ts', false),
      true,
      'a sibling folder with a longer name is not inside',
    );
  });

  test('braces are literal in gitignore', () => {
    const c = chain({ '': 'a{b,c}.txt\n' });
    assert.equal(isIgnoredByChain(c, 'ab.txt', false), false);
    assert.equal(isIgnoredByChain(c, 'a{b,c}.txt', false), true);
  });
});
