/**
 * The whole CLI path with real parts: the foundation's sample "orders" service, deployed to a server
 * folder, reports with the real @sentry/node SDK to the test Sentry server; `sentry-rca sync` (real
 * SentryClient, SyncEngine, IssueStore) stores the issues; `sentry-rca frames` maps the latest
 * event's frames into a developer's monorepo checkout where another service has the same file names.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { framesCommand, type FramesJson } from '../../../src/cli/framesCommand';
import { syncCommand } from '../../../src/cli/syncCommand';
import type { CliIo } from '../../../src/cli/cliIo';
import { nullLogger } from '../../../src/core/common/logger';
import { IssueStore } from '../../../src/core/store/issueStore';
import { runSampleApp, sampleAppDir, startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { repoRoot, tempDir, writeTree } from './helpers';

function lineOf(file: string, text: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

describe('sync → store → frames, with the real sample service', () => {
  let server: SentryTestServer;
  let storeDir: string;
  let ws: string;

  before(async () => {
    server = await startSentryServer();
    const project = server.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    const base = tempDir('pipeline');
    const deploy = join(base, 'srv', 'orders-2.4.0');
    cpSync(sampleAppDir(), deploy, { recursive: true });
    // ESM ignores NODE_PATH; a deployed service has its own node_modules.
    symlinkSync(join(repoRoot(), 'node_modules'), join(deploy, 'node_modules'));
    await runSampleApp({ dsn: project.dsn, logFile: join(base, 'orders.log'), dir: deploy });

    storeDir = join(base, 'store');
    const io: CliIo = {
      out: () => {},
      err: () => {},
      isTTY: false,
      env: { SENTRY_AUTH_TOKEN: server.token },
      columns: 120,
    };
    const code = await syncCommand(
      {
        store: storeDir,
        url: server.url,
        org: server.org,
        projects: ['orders'],
        minLevel: 'error',
        eventsPerIssue: 5,
        full: true,
        json: true,
        timeoutMs: 10_000,
      },
      io,
      nullLogger,
      new AbortController().signal,
    );
    assert.equal(code, 0);

    ws = tempDir('pipeline-ws');
    cpSync(sampleAppDir(), join(ws, 'services', 'orders'), { recursive: true });
    writeTree(ws, {
      '.gitignore': 'node_modules/\ndist/\n',
      // Another service with the same layout and file names, but other code.
      'services/billing/src/routes/receipts.mjs': [
        '// GET /invoices/:id/receipt',
        'export function receipt(ctx) {',
        '  return { status: 200, body: ctx.params };',
        '}',
      ],
      'services/billing/src/db/pool.mjs': ['export class ConnectionPool {}'],
      'services/orders/dist/main.mjs': ['// bundled output'],
    });
  });
  after(() => server.close());

  test('the TypeError maps to the orders service, not billing, at the crashing line', async () => {
    const store = await IssueStore.open(storeDir);
    try {
      const issue = store.issues().find((i) => i.title.startsWith('TypeError'));
      assert.ok(issue, 'the sync stored the TypeError issue');
      let out = '';
      assert.equal(
        await framesCommand({ store, issueId: issue.shortId, workspace: ws, json: true }, (s) => {
          out += s;
        }),
        0,
      );
      const r = JSON.parse(out) as FramesJson;
      const crash = [...r.frames].reverse().find((f) => f.inApp)!;
      assert.equal(crash.function, 'renderReceipt');
      const receipts = join(ws, 'services/orders/src/routes/receipts.mjs');
      assert.deepEqual(crash.local, {
        path: 'services/orders/src/routes/receipts.mjs',
        line: lineOf(receipts, 'order.shipping.address'),
        column: crash.colNo,
      });
      for (const f of r.frames.filter((x) => x.inApp)) {
        assert.ok(
          f.local?.path.startsWith('services/orders/'),
          `${f.function} maps into the orders service (${JSON.stringify(f)})`,
        );
      }
      for (const f of r.frames.filter((x) => !x.inApp))
        assert.ok(f.reason, `${f.function ?? f.filename} says why it is not mapped`);
    } finally {
      store.dispose();
    }
  });

  test('the pool exhaustion maps to the pool, through the learned prefix', async () => {
    const store = await IssueStore.open(storeDir);
    try {
      const issue = store.issues().find((i) => i.title.startsWith('PoolExhaustedError'))!;
      let out = '';
      await framesCommand({ store, issueId: issue.id, workspace: ws, json: true }, (s) => {
        out += s;
      });
      const r = JSON.parse(out) as FramesJson;
      const crash = [...r.frames].reverse().find((f) => f.inApp)!;
      assert.equal(crash.local?.path, 'services/orders/src/db/pool.mjs');
      assert.equal(
        crash.local?.line,
        lineOf(join(ws, 'services/orders/src/db/pool.mjs'), 'throw new PoolExhaustedError'),
      );
    } finally {
      store.dispose();
    }
  });
});
