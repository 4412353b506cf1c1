import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runSampleApp,
  sampleAppDir,
  type ApiEvent,
  type ApiFrame,
  type ApiIssue,
  type SampleAppResult,
  type SentryTestServer,
} from '../../servers/sentry';
import { get, withServer } from './helpers';

const framesOf = (ev: ApiEvent): ApiFrame[] =>
  (
    ev.entries.find((e) => e.type === 'exception')!.data as { values: Array<{ stacktrace: { frames: ApiFrame[] } }> }
  ).values.at(-1)!.stacktrace.frames;

describe('the real @sentry/node sample app against the server', () => {
  let server: SentryTestServer;
  let tmp: string;
  let run: SampleAppResult;
  let projectId: string;

  before(async () => {
    server = await withServer();
    tmp = mkdtempSync(join(tmpdir(), 'sample-app-test-'));
    const p = server.addProject({ slug: 'orders', name: 'Orders' });
    projectId = p.id;
    run = await runSampleApp({ dsn: p.dsn, logFile: join(tmp, 'orders.log') });
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the replayed traffic fails the way the bug says', () => {
    assert.deepEqual(run.statuses, { 200: 3, 201: 10, 422: 10, 500: 9 });
    assert.equal(run.release, 'orders@2.4.0');
  });

  test('SDK envelopes arrived as the SDK sends them: chunked, no content-type, key in the query', () => {
    const posts = server.requests.filter((r) => r.path === `/api/${projectId}/envelope/`);
    assert.ok(posts.length >= 9, `got ${posts.length} envelope posts`);
    for (const r of posts) {
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], undefined);
      assert.equal(r.headers['transfer-encoding'], 'chunked');
      assert.match(r.headers['user-agent'] ?? '', /^sentry\.javascript\.node\/11\./);
      assert.equal(r.query.sentry_version, '7');
      assert.equal(r.headers.authorization, undefined);
    }
  });

  test('two issues with several events each, grouped by type + crash frame', async () => {
    const issues = (await get(server, `/organizations/acme/issues/?project=${projectId}&sort=freq`)).json<ApiIssue[]>();
    assert.equal(issues.length, 2);
    const [pool, typeError] = issues;
    assert.equal(pool!.metadata.type, 'PoolExhaustedError');
    assert.equal(pool!.title, 'PoolExhaustedError: connection pool exhausted (10/10 in use)');
    assert.equal(pool!.count, '6');
    assert.equal(pool!.metadata.function, 'ConnectionPool.acquire');
    assert.equal(pool!.metadata.filename, join(sampleAppDir(), 'src/db/pool.mjs'));
    assert.equal(typeError!.title, "TypeError: Cannot read properties of undefined (reading 'address')");
    assert.equal(typeError!.count, '3');
    assert.equal(typeError!.metadata.function, 'renderReceipt');
    assert.equal(typeError!.culprit, 'GET /orders/:id/receipt', 'the transaction name is the culprit, as in Sentry');
    assert.ok(pool!.userCount >= 2);
    assert.equal(pool!.firstRelease?.version, 'orders@2.4.0');
    assert.equal(pool!.shortId.startsWith('ORDERS-'), true);
  });

  test('frames carry real paths, lines and context from the sample app, plus library and Node frames', async () => {
    const [pool] = (await get(server, `/organizations/acme/issues/?project=${projectId}&sort=freq`)).json<ApiIssue[]>();
    const events = (await get(server, `/organizations/acme/issues/${pool!.id}/events/?full=true`)).json<ApiEvent[]>();
    assert.equal(events.length, 6);
    const checkoutEvent = events.find((e) =>
      e.tags.some((t) => t.key === 'transaction' && t.value === 'POST /checkout'),
    )!;
    const frames = framesOf(checkoutEvent);
    const crash = frames.at(-1)!;
    const poolSrc = readFileSync(join(sampleAppDir(), 'src/db/pool.mjs'), 'utf8').split('\n');
    assert.equal(crash.absPath, join(sampleAppDir(), 'src/db/pool.mjs'));
    assert.equal(crash.inApp, true);
    assert.equal(poolSrc[crash.lineNo! - 1], crash.context.find(([n]) => n === crash.lineNo)![1]);
    assert.match(poolSrc[crash.lineNo! - 1]!, /throw new PoolExhaustedError/);
    const caller = frames.at(-2)!;
    assert.equal(caller.absPath, join(sampleAppDir(), 'src/routes/checkout.mjs'));
    assert.match(caller.context.find(([n]) => n === caller.lineNo)![1], /pool\.acquire\(\)/);
    assert.ok(
      frames.some((f) => !f.inApp && f.absPath!.includes('/node_modules/@sentry/')),
      'library frames',
    );
    assert.ok(
      frames.some((f) => !f.inApp && f.absPath!.startsWith('node:')),
      'Node internal frames',
    );
    const tags = Object.fromEntries(checkoutEvent.tags.map((t) => [t.key, t.value]));
    assert.equal(tags.server_name, 'orders-api-1');
    assert.equal(tags.environment, 'production');
    assert.equal(tags.release, 'orders@2.4.0');
    assert.equal(tags.service, 'orders');
    const crumbs = (
      checkoutEvent.entries.find((e) => e.type === 'breadcrumbs')!.data as { values: Array<{ category: string }> }
    ).values;
    assert.ok(crumbs.some((c) => c.category === 'http'));
  });

  test('the service log tells the same story, with trace ids matching the events', async () => {
    const log = readFileSync(run.logFile, 'utf8').trim().split('\n');
    for (const line of log) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARN|ERROR) /);
    const warnAt = log.findIndex((l) => l.includes('WARN pool nearly exhausted (9/10 in use)'));
    const firstPoolError = log.findIndex((l) => l.includes('ERROR') && l.includes('PoolExhaustedError'));
    assert.ok(warnAt >= 0 && firstPoolError > warnAt, 'the warning comes shortly before the pool errors');
    const [pool] = (await get(server, `/organizations/acme/issues/?project=${projectId}&sort=freq`)).json<ApiIssue[]>();
    const latest = (await get(server, `/organizations/acme/issues/${pool!.id}/events/latest/`)).json<ApiEvent>();
    const traceId = (latest.contexts.trace as { trace_id: string }).trace_id;
    const line = log.find((l) => l.includes(`event_id=${latest.eventID}`));
    assert.ok(line, 'the error line names the event id');
    assert.ok(line.includes(`trace_id=${traceId}`), 'and the same trace id as the event');
  });
});
