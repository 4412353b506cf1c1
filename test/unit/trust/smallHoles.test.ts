// The smaller trust holes: `..` in a mapped frame path, read_file through a symlink or a differently
// cased .git, an AI link whose only match is refused, and the store's file permissions.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMapping } from '../../../src/core/frames/pathMappings';
import { FrameMapper } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import { WorkspaceFiles } from '../../../src/core/investigate/workspaceFiles';
import { resolveLinkTarget } from '../../../src/core/investigate/linkTarget';
import { IssueStore } from '../../../src/core/store/issueStore';
import { frame } from '../frames/helpers';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'rca-holes-')));
after(() => rmSync(base, { recursive: true, force: true }));

function workspace(name: string): string {
  const ws = join(base, name);
  mkdirSync(join(ws, 'src'), { recursive: true });
  mkdirSync(join(ws, 'docs'), { recursive: true });
  mkdirSync(join(ws, '.git'), { recursive: true });
  writeFileSync(join(ws, 'src', 'app.js'), 'console.log(1);\n');
  writeFileSync(join(ws, '.env'), 'API_KEY=secret\n');
  writeFileSync(join(ws, '.git', 'config'), '[remote "origin"]\n\turl = https://user:token@example.com/x.git\n');
  symlinkSync('../.env', join(ws, 'docs', 'notes.txt'));
  symlinkSync('../.git/config', join(ws, 'docs', 'cfg.txt'));
  return ws;
}

describe('path mappings and ..', () => {
  test("a frame path with .. segments cannot leave the mapping's folder", async () => {
    const m = { from: '/usr/src/app/', to: '${workspaceFolder}/' };
    assert.equal(applyMapping('/usr/src/app/../../../etc/passwd', m, '/ws'), undefined);
    assert.equal(applyMapping('/usr/src/app/src/../../x', m, '/ws'), undefined);
    assert.equal(applyMapping('/usr/src/app/lib/../src/app.js', m, '/ws'), '/ws/src/app.js');
    const ws = workspace('map');
    const index = await WorkspaceFileIndex.build([{ name: 'map', path: ws }], {});
    const mapper = new FrameMapper(index, { mappings: [m] });
    try {
      const escape = await mapper.map(
        frame({ filename: '/usr/src/app/../../../etc/passwd', absPath: '/usr/src/app/../../../etc/passwd', lineNo: 1 }),
        'p',
      );
      assert.ok(!escape.ok || escape.path.startsWith(ws + '/'), JSON.stringify(escape));
      assert.ok(!escape.ok || escape.via !== 'mapping', JSON.stringify(escape));
      const fine = await mapper.map(
        frame({ filename: '/usr/src/app/src/app.js', absPath: '/usr/src/app/src/app.js', lineNo: 1 }),
        'p',
      );
      assert.equal(fine.ok && fine.path, join(ws, 'src', 'app.js'));
    } finally {
      mapper.dispose();
      index.dispose();
    }
  });
});

describe('read_file checks the real path', () => {
  test('a symlink to .env or into .git is refused, and .GIT is .git', async () => {
    const ws = workspace('read');
    const files = new WorkspaceFiles(ws);
    const notes = await files.resolve('docs/notes.txt');
    assert.ok('error' in notes && /\.env may hold credentials/.test(notes.error), JSON.stringify(notes));
    const cfg = await files.resolve('docs/cfg.txt');
    assert.ok('error' in cfg && /git internals/.test(cfg.error), JSON.stringify(cfg));
    const upper = await files.resolve('.GIT/config');
    assert.ok('error' in upper && /git internals/.test(upper.error), JSON.stringify(upper));
    const ok = await files.resolve('src/app.js');
    assert.ok(!('error' in ok), JSON.stringify(ok));
  });
});

describe('AI links', () => {
  test('a bare name whose only match is refused ends with the reason, after one lookup', async () => {
    const ws = workspace('links');
    let lookups = 0;
    const target = await resolveLinkTarget('notes.txt', [ws], async () => {
      lookups++;
      return [join(ws, 'docs', 'notes.txt')];
    });
    assert.ok('error' in target && /not readable/.test(target.error), JSON.stringify(target));
    assert.equal(lookups, 1);
    const app = await resolveLinkTarget('app.js', [ws], async () => [join(ws, 'src', 'app.js')]);
    assert.deepEqual(app, { abs: join(ws, 'src', 'app.js'), rel: 'src/app.js' });
  });
});

describe('store permissions', { skip: process.platform === 'win32' }, () => {
  test('the store folder is 0700 when created and the file 0600, also after later writes', async () => {
    const dir = join(base, 'store', 'nested');
    const store = await IssueStore.open(dir);
    try {
      await store.update((d) => {
        d.investigations = {};
      });
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(store.file).mode & 0o777, 0o600);
    } finally {
      store.dispose();
    }
  });
});
