/**
 * Frames made by the real @sentry/node SDK (plain, bundled with `webpack://` source paths, bundled
 * with Sentry's rewriteFramesIntegration `app:///` paths), mapped into a monorepo checkout full of
 * traps: a second package with the same file names, a vendored dependency both in the package and
 * hoisted to the root, and a build output folder with a file named like the entry point.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameMapper, type FrameMapping } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import type { StoredFrame } from '../../../src/core/store/model';
import { framesFixture, ingestEventFrames, runSdkApp, tempDir, writeTree, type SdkRun } from './helpers';

/** The repository as a developer has it checked out. */
function monorepo(opts: { gitignore: boolean }): string {
  const ws = tempDir('monorepo');
  const shop = join(ws, 'packages', 'shop');
  cpSync(framesFixture('node-app'), shop, { recursive: true });
  renameSync(join(shop, '_node_modules'), join(shop, 'node_modules'));
  cpSync(join(shop, 'node_modules'), join(ws, 'node_modules'), { recursive: true });
  writeTree(ws, {
    'packages/shop/dist/main.js': '// build output of the shop service\n'.repeat(40),
    'packages/admin/main.js': "'use strict';\nrequire('./src/lib/parse');\n",
    'packages/admin/src/lib/parse.js': [
      "'use strict';",
      '// Roles arrive as "name:scope".',
      'function parseRole(text) {',
      "  const [role] = text.split(':');",
      '  return role;',
      '}',
    ],
    ...(opts.gitignore ? { '.gitignore': 'node_modules/\ndist/\n' } : {}),
  });
  return ws;
}

function frames(run: SdkRun): StoredFrame[] {
  assert.equal(run.events.length, 1, 'the app reports exactly one error');
  return ingestEventFrames(run.events[0] as { exception: unknown });
}

async function mapAll(ws: string, fs: StoredFrame[]): Promise<FrameMapping[]> {
  const index = await WorkspaceFileIndex.build([{ name: 'repo', path: ws }]);
  return new FrameMapper(index).mapAll(fs, 'shop');
}

/** `function → packages/shop/src/lib/parse.js:4` or `function → code`, crash frame last. */
function summary(ws: string, fs: StoredFrame[], ms: FrameMapping[]): string[] {
  return fs.map((f, i) => {
    const m = ms[i]!;
    return `${f.function} → ${m.ok ? `${m.path.slice(ws.length + 1)}:${m.line}` : m.code}`;
  });
}

/** Line of the first line containing `text` in a fixture file of the sample app. */
function lineOf(rel: string, text: string): number {
  return (
    readFileSync(framesFixture('node-app', rel), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

const expected = [
  'Module._compile → runtime',
  `Object.? → packages/shop/main.js:${lineOf('main.js', 'main();')}`,
  `main → packages/shop/main.js:${lineOf('main.js', 'await checkout(')}`,
  'checkout → packages/shop/src/orders/checkout.js:10',
  'withRetry → packages/shop/node_modules/tiny-retry/index.js:7',
  '? → packages/shop/src/orders/checkout.js:10',
  'total → packages/shop/src/orders/checkout.js:6',
  'Array.reduce → not-a-file',
  '? → packages/shop/src/orders/checkout.js:6',
  'parsePrice → packages/shop/src/lib/parse.js:4',
];

describe('frames from the real @sentry/node SDK', () => {
  let plain: SdkRun;
  let webpack: SdkRun;
  let app: SdkRun;
  before(async () => {
    // A deploy folder whose name says nothing about the package, as on a real server.
    [plain, webpack, app] = await Promise.all([runSdkApp('plain', 'app-7f3a'), runSdkApp('webpack'), runSdkApp('app')]);
  });

  test('plain deploy (absolute server paths): every frame lands in the shop package', async () => {
    const fs = frames(plain);
    assert.match(fs[fs.length - 1]!.filename!, /\/srv\/app-7f3a\/src\/lib\/parse\.js$/);
    const ws = monorepo({ gitignore: false });
    const ms = await mapAll(ws, fs);
    assert.deepEqual(summary(ws, fs, ms), expected);
    const crash = ms[ms.length - 1]!;
    assert.ok(crash.ok);
    assert.equal(crash.lineStatus, 'same');
    assert.equal(crash.column, 25);
  });

  test('bundled with esbuild, webpack:// source paths (no context lines): a learned prefix settles the duplicates', async () => {
    const fs = frames(webpack);
    assert.ok(
      fs.some((f) => f.filename === 'webpack://shop/src/lib/parse.js'),
      'the SDK reports webpack:// paths',
    );
    const ws = monorepo({ gitignore: false });
    const ms = await mapAll(ws, fs);
    assert.deepEqual(summary(ws, fs, ms).map(stripFn), expected.map(stripFn));
    const parse = ms[ms.length - 1]!;
    assert.ok(parse.ok);
    assert.equal(parse.via, 'prefix');
  });

  test('bundled with rewriteFramesIntegration, app:/// paths with context lines', async () => {
    const fs = frames(app);
    assert.ok(fs.some((f) => f.filename === 'app:///src/lib/parse.js'));
    const ws = monorepo({ gitignore: false });
    const ms = await mapAll(ws, fs);
    assert.deepEqual(summary(ws, fs, ms).map(stripFn), expected.map(stripFn));
  });

  test('with a usual .gitignore the dependency is not indexed, yet the installed copy still opens', async () => {
    const fs = frames(plain);
    const ws = monorepo({ gitignore: true });
    const ms = await mapAll(ws, fs);
    const retry = ms[fs.findIndex((f) => f.function === 'withRetry')]!;
    assert.ok(retry.ok, JSON.stringify(retry));
    assert.equal(retry.path, join(ws, 'packages/shop/node_modules/tiny-retry/index.js'));
    assert.equal(retry.via, 'prefix');
    assert.equal(retry.lineStatus, 'same');
  });

  test('dependencies not installed locally: the library frame says so, the app frames still map', async () => {
    const fs = frames(plain);
    const ws = monorepo({ gitignore: true });
    rmSync(join(ws, 'packages/shop/node_modules'), { recursive: true });
    rmSync(join(ws, 'node_modules'), { recursive: true });
    const ms = await mapAll(ws, fs);
    const retry = ms[fs.findIndex((f) => f.function === 'withRetry')]!;
    assert.ok(!retry.ok);
    assert.equal(retry.code, 'no-match');
    assert.match(retry.reason, /library frame/);
    assert.ok(ms[ms.length - 1]!.ok, 'the app frames still map');
  });

  test('code edited since the release: the crash line is found where it moved', async () => {
    const fs = frames(plain);
    const ws = monorepo({ gitignore: true });
    const file = join(ws, 'packages/shop/src/lib/parse.js');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "'use strict';\n",
        "'use strict';\n// Currency codes are ISO 4217.\n// Amounts use a dot as decimal separator.\n",
      ),
    );
    const ms = await mapAll(ws, fs);
    const crash = ms[ms.length - 1]!;
    assert.ok(crash.ok);
    assert.deepEqual([crash.line, crash.lineStatus, crash.moved], [6, 'moved', { from: 4, to: 6 }]);
  });
});

/** Bundled builds name anonymous functions differently (`checkout2`, `<anonymous>`); compare locations only. */
function stripFn(s: string): string {
  return s.replace(/^.* → /, '');
}
