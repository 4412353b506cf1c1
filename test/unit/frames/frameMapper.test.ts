import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  FrameMapper,
  type FrameMapping,
  type MappedFrame,
  type UnmappedFrame,
} from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import type { PathMapping } from '../../../src/core/frames/pathMappings';
import type { StoredFrame } from '../../../src/core/store/model';
import { frame, tempDir, writeTree } from './helpers';

const parseShop = [
  "'use strict';",
  'function parsePrice(text) {',
  "  const [amount] = text.split(' ');",
  '  return Number(amount);',
  '}',
];
const parseAdmin = [
  "'use strict';",
  'function parseRole(text) {',
  "  const [role] = text.split(':');",
  '  return role.trim();',
  '}',
];

/** One workspace with every trap the rules must handle. */
async function setup(mappings: PathMapping[] = []) {
  const ws = writeTree(tempDir('mapper'), {
    'src/app.js': ['const a = 1;', 'start(a);'],
    'src/lib/parse.js': parseShop,
    'packages/admin/src/lib/parse.js': parseAdmin,
    'node_modules/tiny/index.js': 'module.exports = 1;',
    'dist/app.js': 'bundled',
    'app/models/order.rb': 'class Order; end',
    'engines/billing/app/models/order.rb': 'class Order; end',
    'android/src/main/java/com/acme/shop/Cart.kt': 'class Cart',
    'lib/src/main/kotlin/com/acme/other/Cart.kt': 'class Cart',
    'internal/cart/cart.go': 'package cart',
    'cmd/cart/cart.go': 'package main',
    'shop/cart.py': 'x = 1',
    'shop/pricing/__init__.py': 'y = 2',
  });
  const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], { useGitignore: false });
  const mapper = new FrameMapper(index, { mappings });
  const map = (f: Partial<StoredFrame>, project = 'shop') => mapper.map(frame(f), project);
  return { ws, index, mapper, map };
}

function mapped(m: FrameMapping): MappedFrame {
  assert.ok(m.ok, `expected a mapping, got ${JSON.stringify(m)}`);
  return m;
}

function unmapped(m: FrameMapping, code: UnmappedFrame['code']): UnmappedFrame {
  assert.ok(!m.ok, `expected no mapping, got ${JSON.stringify(m)}`);
  assert.equal(m.code, code, m.reason);
  assert.ok(m.reason.length > 30, 'the reason is a sentence');
  return m;
}

describe('FrameMapper rules', () => {
  test('1. user path mappings come first, per project, with ${workspaceFolder}', async () => {
    const { ws, map } = await setup([
      { from: '/deploy/', to: '${workspaceFolder}/packages/admin/', project: 'admin' },
      { from: '/deploy/', to: '${workspaceFolder}/' },
    ]);
    const forAdmin = mapped(await map({ absPath: '/deploy/src/lib/parse.js', lineNo: 3 }, 'admin'));
    assert.equal(forAdmin.path, join(ws, 'packages/admin/src/lib/parse.js'));
    assert.equal(forAdmin.via, 'mapping');
    const forShop = mapped(await map({ absPath: '/deploy/src/lib/parse.js', lineNo: 3 }, 'shop'));
    assert.equal(forShop.path, join(ws, 'src/lib/parse.js'));
    assert.equal(forShop.root, ws);
  });

  test('1. a mapping can even map URL frames', async () => {
    const { ws, map } = await setup([{ from: 'https://cdn.example.com/assets/', to: '${workspaceFolder}/dist/' }]);
    const m = mapped(
      await map({
        absPath: 'https://cdn.example.com/assets/app.js',
        filename: '/assets/app.js',
        lineNo: 1,
        colNo: 4412,
      }),
    );
    assert.equal(m.path, join(ws, 'dist/app.js'));
    assert.equal(m.column, 4412);
  });

  test('2. a frame path that is already a workspace file maps to itself', async () => {
    const { ws, map } = await setup();
    const m = mapped(await map({ filename: join(ws, 'src/app.js'), lineNo: 2, colNo: 1 }));
    assert.equal(m.via, 'absolute');
    assert.deepEqual([m.path, m.line, m.column], [join(ws, 'src/app.js'), 2, 1]);
  });

  test('3. a root prefix is learned from one unique match and maps the rest of the project', async () => {
    const { ws, map, mapper } = await setup();
    // Before learning, src/lib/parse.js exists twice and nothing tells the copies apart.
    unmapped(await map({ filename: '/srv/shop/src/lib/parse.js', lineNo: 3 }), 'ambiguous');
    const first = mapped(await map({ filename: '/srv/shop/src/app.js', lineNo: 2 }));
    assert.equal(first.via, 'suffix');
    assert.deepEqual(
      mapper.learnedPrefixes('shop').map((l) => [l.stackRoot, l.localDir]),
      [['/srv/shop/', '']],
    );
    const second = mapped(await map({ filename: '/srv/shop/src/lib/parse.js', lineNo: 3 }));
    assert.equal(second.via, 'prefix');
    assert.equal(second.path, join(ws, 'src/lib/parse.js'));
    assert.deepEqual(mapper.learnedPrefixes('other'), [], 'learned per project');
  });

  test('3. learned prefixes survive a restart through export/import (workspace state)', async () => {
    const first = await setup();
    mapped(await first.map({ filename: '/srv/shop/src/app.js' }));
    const saved = JSON.parse(JSON.stringify(first.mapper.exportLearned()));
    assert.deepEqual(saved, [
      { project: 'shop', stackRoot: '/srv/shop/', rootName: 'ws', localDir: '', ignoreCase: false },
    ]);
    const second = await setup();
    assert.equal(
      second.mapper.importLearned([
        ...saved,
        { project: 'x', stackRoot: '/a/', rootName: 'gone', localDir: '' },
        null,
        'junk',
      ]),
      1,
    );
    const m = mapped(await second.map({ filename: '/srv/shop/src/lib/parse.js', lineNo: 3 }));
    assert.equal(m.via, 'prefix');
    assert.equal(second.mapper.importLearned('not a list'), 0);
  });

  test('3. nothing is learned from library frames, from a bare relative name, or from a nested file found by name alone', async () => {
    const { map, mapper } = await setup();
    mapped(await map({ filename: '/usr/lib/x/node_modules/tiny/index.js', inApp: false }));
    mapped(await map({ filename: 'app.js' }));
    // shop/cart.py is the only cart.py, but /opt/ ↔ shop/ learned from the name alone would be a guess.
    mapped(await map({ filename: '/opt/cart.py', lineNo: 1 }));
    assert.deepEqual(mapper.learnedPrefixes('shop'), []);
  });

  test('4. the longest unique suffix wins', async () => {
    const { ws, map } = await setup();
    const m = mapped(await map({ absPath: '/build/packages/admin/src/lib/parse.js', lineNo: 3 }));
    assert.equal(m.path, join(ws, 'packages/admin/src/lib/parse.js'));
    assert.equal(m.matchedSuffix, 'packages/admin/src/lib/parse.js');
  });

  test('4. ties: the exact root-relative path beats deeper copies', async () => {
    const { ws, map } = await setup();
    const m = mapped(await map({ filename: 'src/lib/parse.js', lineNo: 3 }));
    assert.equal(m.path, join(ws, 'src/lib/parse.js'));
    assert.equal(m.matchedSuffix, 'src/lib/parse.js');
  });

  test("4. ties: the file whose text matches the frame's context lines wins", async () => {
    const { ws, map } = await setup();
    const context = parseAdmin.slice(1, 4).map((t, i) => [i + 2, t] as [number, string]);
    const m = mapped(await map({ absPath: '/opt/build/src/lib/parse.js', lineNo: 3, context }));
    assert.equal(m.path, join(ws, 'packages/admin/src/lib/parse.js'));
    assert.equal(m.tieBreak, 'context');
    assert.equal(m.lineStatus, 'same');
  });

  test('4. one resolution of a file serves all its lines, each line checked against its own context', async () => {
    const { map } = await setup();
    const first = mapped(await map({ filename: 'src/app.js', lineNo: 1, context: [[1, 'const a = 1;']] }));
    const second = mapped(await map({ filename: 'src/app.js', lineNo: 2, context: [[2, 'start(a);']] }));
    const moved = mapped(await map({ filename: 'src/app.js', lineNo: 1, context: [[1, 'start(a);']] }));
    assert.deepEqual(
      [first.line, first.lineStatus, second.line, second.lineStatus, moved.line, moved.lineStatus],
      [1, 'same', 2, 'same', 2, 'moved'],
    );
  });

  test('4. Java/Kotlin: module + file name → package path under any source root', async () => {
    const { ws, map } = await setup();
    const m = mapped(
      await map({ filename: 'Cart.kt', module: 'com.acme.shop.Cart$Line', platform: 'java', lineNo: 12 }),
    );
    assert.equal(m.path, join(ws, 'android/src/main/java/com/acme/shop/Cart.kt'));
    assert.equal(m.via, 'java-package');
  });

  test('4. Python: the dotted module is a fallback when the path is no source file', async () => {
    const { ws, map } = await setup();
    const compiled = mapped(
      await map({
        absPath: '/app/shop/cart.cpython-311-x86_64-linux-gnu.so',
        module: 'shop.cart',
        platform: 'python',
        lineNo: 1,
      }),
    );
    assert.equal(compiled.path, join(ws, 'shop/cart.py'));
    assert.equal(compiled.via, 'python-module');
    const pkg = mapped(
      await map({ absPath: '/app/shop/pricing.cpython-311.so', module: 'shop.pricing', platform: 'python', lineNo: 1 }),
    );
    assert.equal(pkg.path, join(ws, 'shop/pricing/__init__.py'));
  });

  test('4. Go: the import path picks between packages with the same file name', async () => {
    const { ws, map } = await setup();
    const m = mapped(
      await map({
        absPath: '/tmp/go-build/cart.go',
        module: 'github.com/acme/shop/internal/cart',
        platform: 'go',
        lineNo: 3,
      }),
    );
    assert.equal(m.path, join(ws, 'internal/cart/cart.go'));
    assert.equal(m.via, 'go-module');
  });

  test('4. Ruby/PHP: deploy release folders are stripped and the rest is matched from the root', async () => {
    const { ws, map } = await setup();
    const m = mapped(
      await map({
        absPath: '/var/www/app/releases/20240101120000/app/models/order.rb',
        filename: 'app/models/order.rb',
        platform: 'ruby',
        lineNo: 1,
      }),
    );
    assert.equal(m.path, join(ws, 'app/models/order.rb'));
    assert.equal(m.via, 'deploy-path');
    const cur = mapped(
      await map({ absPath: '/srv/app/current/engines/billing/app/models/order.rb', platform: 'ruby', lineNo: 1 }),
    );
    assert.equal(cur.path, join(ws, 'engines/billing/app/models/order.rb'));
  });

  test("guard: dependency/build folders only when the frame's own path goes through them", async () => {
    const { ws, map } = await setup();
    const lib = mapped(await map({ filename: '/srv/shop/node_modules/tiny/index.js', inApp: false }));
    assert.equal(lib.path, join(ws, 'node_modules/tiny/index.js'));
    const built = mapped(await map({ filename: '/srv/shop/dist/app.js', inApp: true, lineNo: 1 }));
    assert.equal(built.path, join(ws, 'dist/app.js'));
    const src = mapped(await map({ filename: '/elsewhere/app.js', inApp: true, lineNo: 1 }));
    assert.equal(src.path, join(ws, 'src/app.js'), 'the dist copy is not a candidate for a source path');
  });

  test('installed but gitignored dependencies open through a stat of the path below node_modules', async () => {
    const ws = writeTree(tempDir('deps'), {
      '.gitignore': 'node_modules/\n',
      'src/app.js': 'x',
      'node_modules/express/lib/router/index.js': 'y',
    });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    const mapper = new FrameMapper(index);
    const m = mapped(
      await mapper.map(
        frame({ filename: '/usr/src/app/node_modules/express/lib/router/index.js', inApp: false, lineNo: 1 }),
      ),
    );
    assert.deepEqual([m.path, m.via], [join(ws, 'node_modules/express/lib/router/index.js'), 'dependency']);
    unmapped(
      await mapper.map(frame({ filename: '/usr/src/app/node_modules/koa/lib/index.js', inApp: false })),
      'no-match',
    );
  });

  test('Windows frames match without case', async () => {
    const { ws, map } = await setup();
    const m = mapped(
      await map({ absPath: 'C:\\agent\\_work\\1\\s\\SRC\\Lib\\Parse.js', lineNo: 3, context: [[3, parseShop[2]!]] }),
    );
    assert.equal(m.path, join(ws, 'src/lib/parse.js'));
  });

  test('a moved line is found and reported', async () => {
    const { ws, map } = await setup();
    const oldSrc = ['function parsePrice(text) {', "  const [amount] = text.split(' ');"];
    const m = mapped(
      await map({
        filename: join(ws, 'src/lib/parse.js'),
        lineNo: 2,
        context: [
          [1, oldSrc[0]!],
          [2, oldSrc[1]!],
        ],
      }),
    );
    assert.deepEqual([m.line, m.lineStatus, m.moved], [3, 'moved', { from: 2, to: 3 }]);
  });

  test('file text is read once per file, and again after the watcher reports a change', async () => {
    const ws = writeTree(tempDir('reads'), { 'src/a.js': ['one', 'two', 'three'] });
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }]);
    const reads: string[] = [];
    const mapper = new FrameMapper(index, {
      readText: async (p) => {
        reads.push(p);
        return 'one\ntwo\nthree\n';
      },
    });
    const f = (line: number, text: string) =>
      frame({ filename: '/srv/x/src/a.js', lineNo: line, context: [[line, text]] });
    assert.equal(mapped(await mapper.map(f(2, 'two'))).lineStatus, 'same');
    assert.equal(mapped(await mapper.map(f(3, 'three'))).lineStatus, 'same');
    assert.equal(reads.length, 1);
    index.changed(join(ws, 'src/a.js'));
    await mapper.map(f(1, 'one'));
    assert.equal(reads.length, 2);
  });

  test('mapAll keeps frame order and maps in-app frames first so their prefix helps the others', async () => {
    const { ws, mapper } = await setup();
    const frames = [
      frame({ filename: '/srv/shop/src/lib/parse.js', lineNo: 3, inApp: true }),
      frame({ filename: '/srv/shop/node_modules/tiny/index.js', lineNo: 1, inApp: false }),
      frame({ filename: '/srv/shop/src/app.js', lineNo: 2, inApp: true }),
    ];
    const out = await mapper.mapAll(frames, 'shop');
    assert.deepEqual(
      out.map((m) => (m.ok ? m.path.slice(ws.length + 1) : m.code)),
      ['src/lib/parse.js', 'node_modules/tiny/index.js', 'src/app.js'],
    );
  });

  test('index changes are picked up (a file created after a miss maps), and announced', async () => {
    const { ws, index, map, mapper } = await setup();
    let changes = 0;
    mapper.onDidChange(() => changes++);
    unmapped(await map({ filename: '/srv/shop/src/new.js' }), 'no-match');
    writeTree(ws, { 'src/new.js': 'x' });
    index.add(join(ws, 'src/new.js'));
    assert.equal(mapped(await map({ filename: '/srv/shop/src/new.js' })).path, join(ws, 'src/new.js'));
    assert.equal(changes, 1, 'learning a prefix while mapping does not count as a change');
    mapper.setMappings([{ from: '/x/', to: '${workspaceFolder}/' }]);
    assert.equal(changes, 2);
  });

  test('suggestMapping pre-fills the prefix in front of the first folder the workspace has', async () => {
    const { mapper } = await setup();
    assert.deepEqual(mapper.suggestMapping(frame({ filename: '/home/deploy/shop-7f3a/src/lib/gone.js' }), 'shop'), {
      from: '/home/deploy/shop-7f3a/',
      to: '${workspaceFolder}/',
      project: 'shop',
    });
    assert.deepEqual(mapper.suggestMapping(frame({ filename: '/x/y/z.js' })), {
      from: '/x/y/',
      to: '${workspaceFolder}/',
    });
  });
});

describe('FrameMapper: why a frame is not mapped', () => {
  test('no-path: nothing to open (also compiler-generated JVM frames)', async () => {
    const { map } = await setup();
    unmapped(await map({}), 'no-path');
    const jvm = unmapped(
      await map({ module: 'io.sentry.samples.android.MainActivity$$ExternalSyntheticLambda0', platform: 'java' }),
      'no-path',
    );
    assert.match(jvm.reason, /ExternalSyntheticLambda0/);
  });

  test('not-a-file, native, runtime, url', async () => {
    const { map } = await setup();
    unmapped(await map({ filename: '<anonymous>', function: 'Array.reduce', inApp: false }), 'not-a-file');
    unmapped(await map({ filename: '[native code]' }), 'native');
    unmapped(
      await map({ filename: 'node:internal/process/task_queues', module: 'task_queues', inApp: false }),
      'runtime',
    );
    unmapped(await map({ absPath: 'https://cdn.example.com/assets/app.js', filename: '/assets/app.js' }), 'url');
    unmapped(
      await map({ filename: '<frozen importlib._bootstrap>', module: 'importlib._bootstrap', platform: 'python' }),
      'not-a-file',
    );
  });

  test('no-match: names the file and the folder searched', async () => {
    const { map } = await setup();
    const m = unmapped(await map({ filename: '/srv/shop/src/missing.js' }), 'no-match');
    assert.match(m.reason, /missing\.js/);
  });

  test('ambiguous: lists the candidates and suggests a mapping', async () => {
    const { ws, map } = await setup();
    const m = unmapped(await map({ absPath: '/opt/build/src/lib/parse.js', lineNo: 3 }), 'ambiguous');
    assert.deepEqual(m.candidates?.sort(), [join(ws, 'packages/admin/src/lib/parse.js'), join(ws, 'src/lib/parse.js')]);
    assert.match(m.reason, /path mapping for \/opt\/build\/src\/lib\//);
  });

  test('library-frame: a non-in-app frame never maps onto project sources by file name alone', async () => {
    const { map } = await setup();
    const m = unmapped(await map({ filename: '/usr/lib/node/other/app.js', inApp: false }), 'library-frame');
    assert.match(m.reason, /src\/app\.js/);
  });

  test('excluded-dir: the only copy is under node_modules but the frame does not point there', async () => {
    const { map } = await setup();
    const m = unmapped(await map({ filename: '/srv/shop/tiny/index.js', inApp: true }), 'excluded-dir');
    assert.match(m.reason, /node_modules/);
  });

  test("mapping-target-missing and bad-mapping name the user's mapping", async () => {
    const missing = await setup([{ from: '/deploy/', to: '${workspaceFolder}/services/shop/' }]);
    const m = unmapped(await missing.map({ filename: '/deploy/lib/nothing.js' }), 'mapping-target-missing');
    assert.match(m.reason, /\/deploy\/ → \$\{workspaceFolder\}\/services\/shop\//);
    // A failing mapping does not stop the other rules.
    assert.equal(mapped(await missing.map({ filename: '/deploy/src/app.js' })).via, 'suffix');
    const bad = await setup([{ from: '/deploy/', to: '${workspaceFolder:web}/' }]);
    assert.match(
      unmapped(await bad.map({ filename: '/deploy/lib/nothing.js' }), 'bad-mapping').reason,
      /"web", which is not open/,
    );
    assert.match(bad.mapper.checkMappings().join('\n'), /\/deploy\/ → \$\{workspaceFolder:web\}\/ cannot be used/);
    assert.deepEqual(missing.mapper.checkMappings(), []);
  });

  test('no-workspace: no folder open', async () => {
    const index = await WorkspaceFileIndex.build([]);
    const mapper = new FrameMapper(index);
    unmapped(await mapper.map(frame({ filename: '/srv/app.js' })), 'no-workspace');
  });
});
