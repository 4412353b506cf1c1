/**
 * The real-world payloads in test/fixtures/sentry-api (Python from getsentry/sentry, sentry-go,
 * sentry-java on Android, @sentry/node envelopes, the API's source-mapped JS example) mapped into
 * workspace trees laid out as those projects are, each with the traps such projects really have.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameMapper, type FrameMapping } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import type { StoredFrame } from '../../../src/core/store/model';
import { envelopeEvents, ingestEventFrames, sentryFixture, tempDir, writeTree } from './helpers';

/** A source file that has the frame's context lines at the frame's line numbers. */
function sourceAt(f: StoredFrame, length = 0, comment = '#'): string[] {
  const last = Math.max(length, ...f.context.map(([n]) => n));
  const lines = Array.from({ length: last }, (_v, i) => `${comment} line ${i + 1}`);
  for (const [n, text] of f.context) lines[n - 1] = text;
  return lines;
}

async function mapInto(ws: string, rootName: string, frames: StoredFrame[], project = 'p'): Promise<FrameMapping[]> {
  const index = await WorkspaceFileIndex.build([{ name: rootName, path: ws }]);
  return new FrameMapper(index).mapAll(frames, project);
}

function rel(ws: string, m: FrameMapping): string {
  return m.ok
    ? `${m.path.slice(ws.length + 1)}:${m.line}${m.lineStatus === 'same' ? '' : ` (${m.lineStatus})`}`
    : m.code;
}

function json(name: string): { exception?: unknown; platform?: string } {
  return JSON.parse(readFileSync(sentryFixture(name), 'utf8'));
}

describe('Python (getsentry/sentry event)', () => {
  const frames = ingestEventFrames(json('event-samples-python-ingest.json'));

  test('in-app frames map into src/sentry despite same-named files elsewhere; requests stays a library frame', async () => {
    assert.equal(frames.length, 3);
    const [safe, notify] = frames;
    const ws = writeTree(tempDir('py'), {
      '.gitignore': '.venv/\n__pycache__/\n',
      'src/sentry/utils/safe.py': sourceAt(safe!),
      'src/sentry/integrations/slack/notify_action.py': sourceAt(notify!),
      // Traps: a second notify_action.py, a test copy of utils/safe.py, a models.py of the project,
      // and the real requests package inside the (ignored) virtualenv.
      'src/sentry/integrations/msteams/notify_action.py': ['class MsTeamsNotifyServiceAction: pass'],
      'tests/sentry/utils/safe.py': ['def test_safe_execute(): pass'],
      'src/sentry/web/frontend/models.py': ['MODELS = []'],
      '.venv/lib/python3.12/site-packages/requests/models.py': ['class Response: pass'],
    });
    const ms = await mapInto(ws, 'sentry', frames);
    assert.deepEqual(
      ms.map((m) => rel(ws, m)),
      ['src/sentry/utils/safe.py:29', 'src/sentry/integrations/slack/notify_action.py:119', 'library-frame'],
    );
  });

  test('with the virtualenv indexed, the library frame maps into site-packages because its own path goes there', async () => {
    const ws = writeTree(tempDir('py-venv'), {
      'src/sentry/utils/safe.py': ['x = 1'],
      'venv/lib/python3.12/site-packages/requests/models.py': sourceAt(frames[2]!),
    });
    const ms = await mapInto(ws, 'sentry', frames);
    assert.equal(rel(ws, ms[2]!), 'venv/lib/python3.12/site-packages/requests/models.py:940');
  });
});

describe('Go (sentry-go event)', () => {
  const frames = ingestEventFrames(json('event-samples-go-ingest.json'));

  test('the checkout folder named like the server folder settles main.go against cmd/*/main.go', async () => {
    const [main] = frames;
    assert.equal(main!.absPath, '/home/jmbenlloch/bugsink/main.go');
    const ws = writeTree(tempDir('go'), {
      'go.mod': 'module github.com/jmbenlloch/bugsink\n',
      'main.go': sourceAt(main!, 40, '//'),
      'cmd/migrate/main.go': ['package main', 'func main() {}'],
      'vendor/github.com/getsentry/sentry-go/main.go': ['package sentry'],
    });
    const ms = await mapInto(ws, 'bugsink', frames);
    assert.equal(rel(ws, ms[0]!), 'main.go:30');
    assert.equal((ms[0] as { tieBreak?: string }).tieBreak, undefined);
  });

  test('checked out under another name, the context lines pick the file', async () => {
    const [main] = frames;
    const ws = writeTree(tempDir('go2'), {
      'main.go': sourceAt(main!, 40, '//'),
      'cmd/migrate/main.go': ['package main', 'func main() {}'],
    });
    const ms = await mapInto(ws, 'my-fork', frames);
    const m = ms[0]!;
    assert.ok(m.ok);
    assert.equal(rel(ws, m), 'main.go:30');
    assert.equal(m.tieBreak, 'context');
  });
});

describe('Java (sentry-java Android sample envelope)', () => {
  const event = envelopeEvents(sentryFixture('spotlight-envelope-java-android-error.envelope'))[0]!;
  const frames = ingestEventFrames(event as { exception: unknown; platform?: string });

  test('the in-app activity maps by package; framework and synthetic frames say why not', async () => {
    const ws = writeTree(tempDir('java'), {
      'sentry-samples/sentry-samples-android/src/main/java/io/sentry/samples/android/MainActivity.java': Array.from(
        { length: 120 },
        (_v, i) => `// ${i + 1}`,
      ),
      // Traps: another MainActivity in another module, and a project class named View.
      'sentry-android-integration-tests/sentry-uitest-android/src/main/java/io/sentry/uitest/android/MainActivity.java':
        ['class MainActivity {}'],
      'sentry-samples/sentry-samples-android/src/main/java/io/sentry/samples/android/compose/View.java': [
        'class View {}',
      ],
      'build.gradle.kts': ['plugins {}'],
    });
    const ms = await mapInto(ws, 'sentry-java', frames);
    const byFn = new Map(frames.map((f, i) => [`${f.module}.${f.function}`, ms[i]!]));
    assert.equal(
      rel(ws, byFn.get('io.sentry.samples.android.MainActivity.lambda$onCreate$0')!),
      'sentry-samples/sentry-samples-android/src/main/java/io/sentry/samples/android/MainActivity.java:69 (unknown)',
    );
    assert.equal(
      byFn.get('io.sentry.samples.android.MainActivity.lambda$onCreate$0')!.ok &&
        (byFn.get('io.sentry.samples.android.MainActivity.lambda$onCreate$0') as { via: string }).via,
      'java-package',
    );
    assert.equal(
      rel(ws, byFn.get('io.sentry.samples.android.MainActivity$$ExternalSyntheticLambda0.onClick')!),
      'no-path',
    );
    assert.equal(rel(ws, byFn.get('android.view.View.performClick')!), 'library-frame');
    assert.equal(rel(ws, byFn.get('android.os.Looper.loop')!), 'no-match');
  });
});

describe('Node (captured @sentry/node envelopes)', () => {
  test('11.12.0 event with /srv/demo-app paths: context lines pick capture.js over a test copy', async () => {
    const event = envelopeEvents(sentryFixture('captured-sentry-node-11.12.0-error.envelope')).find(
      (e) => (e as { exception?: unknown }).exception,
    )!;
    const frames = ingestEventFrames(event as { exception: unknown });
    const byName = (n: string) => frames.find((f) => f.filename?.endsWith(n))!;
    const ws = writeTree(tempDir('node'), {
      'capture.js': sourceAt(byName('capture.js'), 35, '//'),
      'src/app-module.js': sourceAt(byName('app-module.js'), 10, '//'),
      'test/capture.js': ['// a test with the same file name'],
    });
    const ms = await mapInto(ws, 'demo', frames);
    assert.deepEqual(
      ms.map((m) => rel(ws, m)),
      ['runtime', 'runtime', 'runtime', 'runtime', 'capture.js:29', 'src/app-module.js:7', 'src/app-module.js:4'],
    );
  });

  test('10.18.0 event from a developer machine maps by path suffix', async () => {
    const event = envelopeEvents(sentryFixture('spotlight-envelope-node-error-with-attachment.envelope'))[0]!;
    const frames = ingestEventFrames(event as { exception: unknown });
    const app = frames.find((f) => f.inApp)!;
    const ws = writeTree(tempDir('hono'), {
      'attachment.ts': sourceAt(app, 70, '//'),
      'node_modules/hono/dist/attachment.ts': ['x'],
    });
    const ms = await mapInto(ws, 'hono-agent', frames);
    assert.equal(rel(ws, ms[frames.indexOf(app)]!), 'attachment.ts:62');
  });
});

describe('JavaScript (API event detail, source-mapped webpack:// paths)', () => {
  const api = JSON.parse(readFileSync(sentryFixture('openapi-issue-event-detail-js.json'), 'utf8')) as {
    entries: Array<{
      type: string;
      data: { values: Array<{ stacktrace: { frames: StoredFrame[] }; rawStacktrace: { frames: StoredFrame[] } }> };
    }>;
  };
  const exception = api.entries.find((e) => e.type === 'exception')!.data.values[0]!;
  const apiFrame = (f: StoredFrame): StoredFrame => ({ ...f, context: f.context ?? [] });

  test('library frames map into node_modules only because their paths go through it', async () => {
    const frames = exception.stacktrace.frames.map(apiFrame);
    const ws = writeTree(tempDir('js'), {
      'node_modules/@sentry/browser/esm/helpers.js': sourceAt(frames[0]!, 80, '//'),
      'node_modules/reflux-core/lib/PublisherMethods.js': sourceAt(frames[1]!, 80, '//'),
      'static/app/utils/helpers.js': ['export {}'],
    });
    const ms = await mapInto(ws, 'sentry', frames);
    assert.deepEqual(
      ms.map((m) => rel(ws, m)),
      ['node_modules/@sentry/browser/esm/helpers.js:71', 'node_modules/reflux-core/lib/PublisherMethods.js:74'],
    );
  });

  test('the minified raw frames point at a CDN URL', async () => {
    const frames = exception.rawStacktrace.frames.map(apiFrame);
    const ws = writeTree(tempDir('js-raw'), { 'dist/vendor.js': ['x'] });
    const ms = await mapInto(ws, 'sentry', frames);
    assert.deepEqual(
      ms.map((m) => rel(ws, m)),
      ['url', 'url'],
    );
    assert.match((ms[0] as { reason: string }).reason, /s1\.sentry-cdn\.com.*source maps/);
  });
});

test('sentry-cli raw minified event: URL frames with a path mapping to the local build', async () => {
  const event = JSON.parse(readFileSync(sentryFixture('sentry-cli-event-json-raw-js-minified.json'), 'utf8')) as {
    exception: unknown;
  };
  const frames = ingestEventFrames(event);
  const ws = writeTree(tempDir('min'), { 'public/dist/bundle.min.js': ['!function(){/* minified */}();'] });
  const index = await WorkspaceFileIndex.build([{ name: 'site', path: ws }]);
  const mapper = new FrameMapper(index, {
    mappings: [{ from: 'http://localhost:5000/', to: '${workspaceFolder}/public/' }],
  });
  const ms = await mapper.mapAll(frames);
  assert.ok(ms.every((m) => m.ok && m.path === join(ws, 'public/dist/bundle.min.js') && m.via === 'mapping'));
});
