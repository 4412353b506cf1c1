import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { sentryFixture } from '../../support/paths';
import {
  parseEnvelope,
  type ApiEvent,
  type ApiFrame,
  type ApiIssue,
  type SentryTestServer,
} from '../../servers/sentry';
import { get, withServer } from './helpers';

const fixture = (name: string) => readFileSync(sentryFixture(name));

/** POSTs like @sentry/node 11 does: no Content-Type, chunked, key in the query string. */
function postEnvelope(
  server: SentryTestServer,
  projectId: string,
  key: string,
  body: Buffer,
  gzip = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(
      `${server.url}/api/${projectId}/envelope/?sentry_version=7&sentry_key=${key}&sentry_client=sentry.javascript.node%2F11.12.0`,
    );
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'user-agent': 'sentry.javascript.node/11.12.0', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    const payload = gzip ? gzipSync(body) : body;
    // Two writes without Content-Length → Transfer-Encoding: chunked, as the SDK sends it.
    req.write(payload.subarray(0, 100));
    req.end(payload.subarray(100));
  });
}

describe('ingest', () => {
  let server: SentryTestServer;
  before(async () => {
    server = await withServer();
  });
  after(() => server.close());

  test('parses envelopes with and without item lengths, skipping nothing silently', () => {
    const java = parseEnvelope(fixture('spotlight-envelope-java-android-error.envelope'));
    assert.deepEqual(
      java.items.map((i) => i.header.type),
      ['event', 'session', 'attachment'],
    );
    assert.equal(java.items[0]!.payload.length, java.items[0]!.header.length);
    const node = parseEnvelope(fixture('captured-sentry-node-11.12.0-error.envelope'));
    assert.equal(node.header.event_id, '04595c3813844899a68de458547378ff');
    assert.deepEqual(
      node.items.map((i) => i.header.type),
      ['event'],
    );
  });

  test('the captured @sentry/node TypeError envelope becomes an API-shaped issue and event', async () => {
    const p = server.addProject({ slug: 'demo-app' });
    const key = new URL(p.dsn).username;
    const reply = await postEnvelope(server, p.id, key, fixture('captured-sentry-node-11.12.0-error.envelope'));
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { id: '04595c3813844899a68de458547378ff' });

    const issues = (await get(server, `/organizations/acme/issues/?project=${p.id}`)).json<ApiIssue[]>();
    assert.equal(issues.length, 1);
    const issue = issues[0]!;
    assert.equal(issue.shortId, 'DEMO-APP-1');
    assert.equal(issue.title, "TypeError: Cannot read properties of undefined (reading 'host')");
    // No transaction on this event, so the culprit is the crashing in-app frame, Node style.
    assert.equal(issue.culprit, 'parseConfig(src:app-module)');
    assert.equal(issue.count, '1');
    assert.equal(typeof issue.userCount, 'number');
    assert.deepEqual(issue.metadata, {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'host')",
      filename: '/srv/demo-app/src/app-module.js',
      function: 'parseConfig',
      in_app_frame_mix: 'mixed',
    });
    assert.equal(issue.permalink, `${server.url}/organizations/acme/issues/${issue.id}/`);
    assert.deepEqual(issue.project, { id: p.id, name: 'Demo App', slug: 'demo-app', platform: 'node' });
    assert.equal(issue.firstRelease?.version, 'demo-app@1.2.3');
    assert.equal(issue.lastSeen, '2026-11-25T13:49:30.636Z');
    assert.equal(issue.stats?.['24h']?.length, 24);

    const ev = (await get(server, `/organizations/acme/issues/${issue.id}/events/latest/`)).json<ApiEvent>();
    assert.equal(ev.eventID, '04595c3813844899a68de458547378ff');
    assert.equal(ev.groupID, issue.id);
    assert.equal(ev.projectID, p.id);
    assert.equal(ev.dateCreated, '2026-11-25T13:49:30.636Z');
    assert.equal(ev.release?.version, 'demo-app@1.2.3');
    assert.deepEqual(ev.contexts.trace, {
      trace_id: 'd1bf65d2abc7405d8d1aa5edbd42da25',
      span_id: '985ec54341eb7351',
      type: 'trace',
    });
    const tags = Object.fromEntries(ev.tags.map((t) => [t.key, t.value]));
    assert.equal(tags.environment, 'test');
    assert.equal(tags.server_name, 'vm');
    assert.equal(tags.level, 'error');
    assert.equal(tags.handled, 'yes');
    const exc = ev.entries.find((e) => e.type === 'exception')!.data as {
      values: Array<{ type: string; stacktrace: { frames: ApiFrame[] } }>;
    };
    const frames = exc.values[0]!.stacktrace.frames;
    const crash = frames[frames.length - 1]!;
    assert.equal(crash.function, 'parseConfig');
    assert.equal(crash.absPath, '/srv/demo-app/src/app-module.js');
    assert.equal(crash.lineNo, 4);
    assert.equal(crash.colNo, 23);
    assert.equal(crash.inApp, true);
    assert.deepEqual(crash.context[0], [1, '// small "application" module so the stack has in-app frames']);
    assert.deepEqual(
      crash.context.find(([n]) => n === 4),
      [4, '  return cfg.database.host; // throws TypeError when database missing'],
    );
    assert.equal(frames[0]!.inApp, false);
    assert.equal(frames[0]!.filename, 'node:internal/process/task_queues');
    for (const key of ['lineno', 'abs_path', 'in_app', 'context_line', 'pre_context'])
      assert.ok(!(key in crash), `no ingest key ${key}`);
  });

  test('all five captured SDK requests: sessions are skipped, the message event gets its own issue', async () => {
    const p = server.addProject({ slug: 'captured' });
    const key = new URL(p.dsn).username;
    const reqs = JSON.parse(fixture('captured-sentry-node-11.12.0-requests.json').toString('utf8')) as Array<{
      body: string;
    }>;
    for (const r of reqs) assert.equal((await postEnvelope(server, p.id, key, Buffer.from(r.body), true)).status, 200);
    const issues = (await get(server, `/organizations/acme/issues/?project=${p.id}&sort=new`)).json<ApiIssue[]>();
    assert.equal(issues.length, 2);
    const warning = issues.find((i) => i.level === 'warning')!;
    assert.equal(warning.metadata.value, 'plain message event');
    const events = (await get(server, `/organizations/acme/issues/${warning.id}/events/?full=true`)).json<ApiEvent[]>();
    assert.equal(events.length, 1);
    const msg = events[0]!.entries.find((e) => e.type === 'message')!.data as { formatted: string };
    assert.equal(msg.formatted, 'plain message event');
  });

  test('same error again joins the issue; a resolved issue regresses on a new event', async () => {
    const p = server.addProject({ slug: 'regress' });
    const env = fixture('captured-sentry-node-11.12.0-error.envelope').toString('utf8');
    server.ingestEnvelope(p.id, env);
    const second = env
      .replaceAll('04595c3813844899a68de458547378ff', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
      .replace('"timestamp":1795614570.636', '"timestamp":1795614600.5');
    const [issue] = server.issues().filter((i) => i.project.id === p.id);
    server.resolveIssue(issue!.shortId);
    assert.equal(server.issues().find((i) => i.id === issue!.id)!.status, 'resolved');
    server.ingestEnvelope(p.id, second);
    const now = server.issues().filter((i) => i.project.id === p.id);
    assert.equal(now.length, 1);
    assert.equal(now[0]!.count, '2');
    assert.equal(now[0]!.status, 'unresolved');
    assert.equal(now[0]!.substatus, 'regressed');
    assert.equal(now[0]!.lastSeen, '2026-11-25T13:50:00.500Z');
    assert.equal(now[0]!.firstSeen, '2026-11-25T13:49:30.636Z');
  });

  test('other SDKs: Java envelope with lengths, Python and Go payloads', async () => {
    const p = server.addProject({ slug: 'polyglot', platform: 'python' });
    server.ingestEnvelope(p.id, fixture('spotlight-envelope-java-android-error.envelope'));
    server.ingestEvent(
      p.id,
      JSON.parse(fixture('event-samples-python-ingest.json').toString('utf8')) as Record<string, unknown>,
    );
    server.ingestEvent(
      p.id,
      JSON.parse(fixture('event-samples-go-ingest.json').toString('utf8')) as Record<string, unknown>,
    );
    server.ingestEnvelope(p.id, fixture('spotlight-envelope-node-error-with-attachment.envelope'));
    const issues = server.issues().filter((i) => i.project.id === p.id);
    assert.deepEqual(issues.map((i) => i.metadata.type).sort(), [
      '*errors.errorString',
      'Error',
      'HTTPError',
      'RuntimeException',
    ]);
    const python = issues.find((i) => i.platform === 'python')!;
    // The Python sample carries its own culprit, which Sentry keeps.
    assert.equal(python.culprit, 'sentry.tasks.post_process.post_process_group');
    const go = issues.find((i) => i.platform === 'go')!;
    assert.equal(go.metadata.type, '*errors.errorString');
    const goEvent = (await get(server, `/organizations/acme/issues/${go.id}/events/latest/`)).json<ApiEvent>();
    const goFrames = (goEvent.entries[0]!.data as { values: Array<{ stacktrace: { frames: ApiFrame[] } }> }).values[0]!
      .stacktrace.frames;
    assert.ok(goFrames.some((f) => f.absPath === '/home/jmbenlloch/bugsink/main.go'));
  });

  test('environment filters issues and events', async () => {
    const p = server.addProject({ slug: 'envs' });
    const env = fixture('captured-sentry-node-11.12.0-error.envelope').toString('utf8');
    server.ingestEnvelope(p.id, env);
    server.ingestEnvelope(
      p.id,
      env
        .replaceAll('04595c3813844899a68de458547378ff', 'c'.repeat(32))
        .replaceAll('"environment":"test"', '"environment":"production"'),
    );
    const [issue] = (await get(server, `/organizations/acme/issues/?project=${p.id}`)).json<ApiIssue[]>();
    assert.equal(issue!.count, '2');
    const hits = async (q: string) =>
      (await get(server, `/organizations/acme/issues/?project=${p.id}${q}`)).json<ApiIssue[]>().length;
    assert.equal(await hits('&environment=production'), 1);
    assert.equal(await hits('&environment=staging'), 0);
    const prodEvents = (
      await get(server, `/organizations/acme/issues/${issue!.id}/events/?environment=production`)
    ).json<ApiEvent[]>();
    assert.deepEqual(
      prodEvents.map((e) => e.eventID),
      ['c'.repeat(32)],
    );
  });

  test('unknown or missing sentry_key is a 403; a broken envelope is a 400', async () => {
    const p = server.addProject({ slug: 'keys' });
    const env = fixture('captured-sentry-node-11.12.0-error.envelope');
    assert.equal((await postEnvelope(server, p.id, '0'.repeat(32), env)).status, 403);
    assert.equal((await postEnvelope(server, '999', new URL(p.dsn).username, env)).status, 403);
    const bad = await postEnvelope(
      server,
      p.id,
      new URL(p.dsn).username,
      Buffer.from('{"event_id":"x"}\n{"type":"event","length":500}\n{}'),
    );
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).detail, /declares 500 bytes/);
    assert.equal(server.issues().filter((i) => i.project.id === p.id).length, 0);
  });
});
