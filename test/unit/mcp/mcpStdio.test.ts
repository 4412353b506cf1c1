// `sentry-rca mcp` driven by the MCP SDK's own client over stdio against the built dist/cli.js: the tool
// list, each tool over a real store and a real git workspace, resources, and the errors an agent gets
// for bad input (unknown issue, hostile strings, invalid arguments, an unconfigured log source).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueStore, emptyStore } from '../../../src/core/store/issueStore';
import { CRASH_LINE, SENTRY_TOKEN, event, issue, makeScenario, type Scenario } from '../investigate/scenario';
import { repoRoot } from '../../support/paths';
import { startMcp, type McpSession } from '../../support/mcpClient';
import { MAX_RESULT_CHARS, capText } from '../../../src/core/agent/resultText';

const HOSTILE_TITLE = '<img src=x onerror=alert(1)> \u001b[2J\u001b[31m"; rm -rf / #';
let s: Scenario;
let storeDir: string;
let mcp: McpSession;

before(async () => {
  assert.ok(existsSync(join(repoRoot(), 'dist', 'cli.js')), 'dist/cli.js is built (node esbuild.mjs)');
  s = makeScenario({ eventMessage: `retrying with Authorization: Bearer ${SENTRY_TOKEN}` });
  // Releases as git tags: orders@1.4.1 on the first commit, orders@1.4.2 (the events' release) on the fix
  // that made the crash line fail, so suspect_commits has a release range to rank.
  for (const [tag, rev] of [
    ['orders@1.4.1', 'HEAD~1'],
    ['orders@1.4.2', 'HEAD'],
  ] as const)
    assert.equal(spawnSync('git', ['-C', s.root, 'tag', tag, rev]).status, 0, `git tag ${tag}`);
  storeDir = mkdtempSync(join(tmpdir(), 'rca-mcp-store-'));
  const store = await IssueStore.open(storeDir);
  const data = emptyStore();
  const hostile = issue('505', { shortId: 'ORDERS-505', title: HOSTILE_TITLE, lastSeen: '2026-11-26T00:00:00.000Z' });
  data.issues = [...s.issues.issues, hostile, issue('606', { shortId: 'ORDERS-606', status: 'resolved' })];
  data.events = {
    ...Object.fromEntries(s.issues.events),
    '505': [event('h1', Date.parse('2026-11-20T00:00:00Z'), { issueId: '505', title: HOSTILE_TITLE })],
  };
  await store.replace(data);
  store.dispose();
  mcp = await startMcp(['--store', storeDir, '--workspace', s.root], { SENTRY_RCA_LOG: 'info' });
});
after(async () => {
  await mcp?.close();
  s?.cleanup();
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
});

describe('sentry-rca mcp over stdio', () => {
  test('lists the read-only tools with input schemas', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'diagnose',
      'fetch_logs',
      'get_event',
      'get_issue',
      'list_issues',
      'map_frames',
      'suspect_commits',
    ]);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.ok((t.description ?? '').length > 40, t.name);
    }
    const getIssue = tools.find((t) => t.name === 'get_issue')!;
    assert.deepEqual(getIssue.inputSchema.required, ['issue']);
    assert.match(tools.find((t) => t.name === 'fetch_logs')!.description!, /none configured/);
  });

  test('list_issues: unresolved by default, newest first, with query and limit', async () => {
    const all = JSON.parse((await mcp.call('list_issues', {})).text);
    assert.equal(all.total, 4);
    assert.deepEqual(
      all.issues.map((i: { shortId: string }) => i.shortId),
      ['ORDERS-505', 'ORDERS-101', 'BILLING-7', 'ORDERS-3'],
    );
    assert.equal(all.issues[1].storedEvents, 3);
    const withResolved = JSON.parse((await mcp.call('list_issues', { includeResolved: true })).text);
    assert.equal(withResolved.total, 5);
    const q = JSON.parse((await mcp.call('list_issues', { query: 'pooltimeout' })).text);
    assert.deepEqual(
      q.issues.map((i: { shortId: string }) => i.shortId),
      ['BILLING-7'],
    );
    const one = JSON.parse((await mcp.call('list_issues', { limit: 1 })).text);
    assert.equal(one.shown, 1);
    assert.equal(one.total, 4);
    assert.equal(one.nextOffset, 1);
    const next = JSON.parse((await mcp.call('list_issues', { limit: 1, offset: one.nextOffset })).text);
    assert.deepEqual(
      next.issues.map((i: { shortId: string }) => i.shortId),
      ['ORDERS-101'],
    );
    const resolved = JSON.parse((await mcp.call('list_issues', { status: 'resolved' })).text);
    assert.deepEqual(
      resolved.issues.map((i: { shortId: string }) => i.shortId),
      ['ORDERS-606'],
    );
    assert.equal((await mcp.call('list_issues', { status: 'open' })).isError, true);
  });

  test('get_issue and get_event, by short id in any case; secrets redacted', async () => {
    const r = await mcp.call('get_issue', { issue: 'orders-101' });
    assert.equal(r.isError, false, r.text);
    const j = JSON.parse(r.text);
    assert.equal(j.issue.id, '101');
    assert.equal(j.issue.resource, 'sentry-rca://issue/101');
    assert.deepEqual(
      j.events.map((e: { id: string }) => e.id),
      ['e3', 'e2', 'e1'],
    );
    assert.equal(j.latestEventId, 'e3');
    const latest = JSON.parse((await mcp.call('get_event', { issue: '101' })).text);
    assert.equal(latest.id, 'e3');
    assert.equal(latest.exceptions[0].frames.length, 3);
    const e1 = await mcp.call('get_event', { issue: 'ORDERS-101', eventId: 'e1' });
    assert.ok(!e1.text.includes(SENTRY_TOKEN), 'the token in the event message is redacted');
    assert.match(JSON.parse(e1.text).message, /Authorization: \[REDACTED\]/);
    const missing = await mcp.call('get_event', { issue: 'ORDERS-101', eventId: 'nope' });
    assert.equal(missing.isError, true);
    assert.match(missing.text, /Event "nope" of ORDERS-101 is not in the store\. Stored events: e3, e2, e1\./);
  });

  test('map_frames maps the in-app frames into the workspace', async () => {
    const r = await mcp.call('map_frames', { issue: 'ORDERS-101' });
    assert.equal(r.isError, false, r.text);
    const j = JSON.parse(r.text);
    assert.equal(j.workspace, s.root);
    const crash = j.frames.at(-1);
    assert.deepEqual(crash.local, { path: 'src/db/orders.ts', line: CRASH_LINE, column: 10 });
    assert.equal(j.frames[0].local, null);
    assert.ok(j.frames[0].reason, 'a library frame says why it does not map');
  });

  test('diagnose returns the deterministic report, markdown or json, with progress for clients that ask', async () => {
    const progress: string[] = [];
    const r = await mcp.client.callTool({ name: 'diagnose', arguments: { issue: 'ORDERS-101' } }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
    });
    const md = { text: (r.content as Array<{ text: string }>)[0]!.text, isError: r.isError === true };
    assert.equal(md.isError, false, md.text);
    assert.match(progress[0] ?? '', /^Collecting evidence/);
    assert.match(md.text, /^# ORDERS-101/);
    assert.match(md.text, /src\/db\/orders\.ts/);
    assert.match(md.text, /Do not wait forever for a DB connection/, 'git history of the crash line');
    const j = JSON.parse((await mcp.call('diagnose', { issue: 'ORDERS-101', format: 'json' })).text);
    assert.equal(j.culprit.path, 'src/db/orders.ts');
    assert.equal(j.culprit.line, CRASH_LINE);
    assert.ok(j.hypotheses.length >= 1);
    assert.deepEqual(j.evidence.logs, [], 'no log sources configured: no logs fetched');
    assert.equal(j.ai, null);
  });

  test('suspect_commits ranks the commit that changed the crash file, with its reasons, and the skew', async () => {
    const r = await mcp.call('suspect_commits', { issue: 'orders-101' });
    assert.equal(r.isError, false, r.text);
    const j = JSON.parse(r.text);
    assert.equal(j.issue.shortId, 'ORDERS-101');
    assert.equal(j.release.version, 'orders@1.4.2');
    assert.equal(j.release.resolvedBy, 'tag');
    assert.equal(j.range, 'orders@1.4.1..orders@1.4.2');
    assert.equal(j.rangeCommits, 1, r.text);
    const top = j.suspects[0];
    assert.equal(top.summary, 'Do not wait forever for a DB connection');
    assert.match(top.commit, /^[0-9a-f]{12}$/);
    assert.ok(top.files.includes('src/db/orders.ts'));
    assert.ok(
      top.why.some((w: string) => /src\/db\/orders\.ts/.test(w)),
      `a reason names the crash file: ${top.why.join(' | ')}`,
    );
    assert.ok('skew' in j);
    const one = JSON.parse((await mcp.call('suspect_commits', { issue: 'ORDERS-101', limit: 1 })).text);
    assert.equal(one.suspects.length, 1);
  });

  test('suspect_commits: bad input is a tool error (unknown issue, hostile id, a bad limit)', async () => {
    const unknown = await mcp.call('suspect_commits', { issue: 'NOPE-1' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /^Error: Issue "NOPE-1" is not in the store\. Call list_issues/);
    const hostile = await mcp.call('suspect_commits', { issue: HOSTILE_TITLE });
    assert.equal(hostile.isError, true);
    assert.ok(!hostile.text.includes('\u001b'));
    assert.ok(hostile.text.includes('\\u001b[2J'));
    for (const limit of [0, 51, 'ten']) {
      const bad = await mcp.call('suspect_commits', { issue: 'ORDERS-101', limit });
      assert.equal(bad.isError, true, String(limit));
      assert.match(bad.text, /Invalid arguments for tool suspect_commits[\s\S]*limit/);
    }
  });

  test('fetch_logs refuses when no source is configured (the workspace settings are not read)', async () => {
    const r = await mcp.call('fetch_logs', { issue: 'ORDERS-101', host: 'app1' });
    assert.equal(r.isError, true);
    assert.match(r.text, /No log sources are configured for this MCP server/);
    assert.match(r.text, /--logs HOST=SPEC/);
  });

  test('unknown issues and hostile strings come back as tool errors, quoted as text', async () => {
    const unknown = await mcp.call('get_issue', { issue: 'NOPE-1' });
    assert.equal(unknown.isError, true);
    assert.equal(
      unknown.text,
      'Error: Issue "NOPE-1" is not in the store. Call list_issues to see the 5 stored issues.',
    );
    for (const tool of ['get_issue', 'get_event', 'map_frames', 'diagnose', 'suspect_commits']) {
      const r = await mcp.call(tool, { issue: HOSTILE_TITLE });
      assert.equal(r.isError, true, tool);
      assert.ok(!r.text.includes('\u001b'), `${tool}: no raw control characters`);
      assert.ok(r.text.includes('\\u001b[2J'), `${tool}: shown escaped`);
    }
    // Hostile text stored in an issue comes back as JSON text, escaped.
    const h = await mcp.call('get_issue', { issue: 'ORDERS-505' });
    assert.equal(h.isError, false);
    assert.ok(!h.text.includes('\u001b'));
    assert.equal(JSON.parse(h.text).issue.title, HOSTILE_TITLE);
  });

  test('invalid arguments are tool errors naming the field', async () => {
    const missing = await mcp.call('get_issue', {});
    assert.equal(missing.isError, true);
    assert.match(missing.text, /Invalid arguments for tool get_issue/);
    assert.match(missing.text, /issue/);
    const badLimit = await mcp.call('list_issues', { limit: 'lots' });
    assert.equal(badLimit.isError, true);
    assert.match(badLimit.text, /limit/);
    const tooLong = await mcp.call('get_issue', { issue: 'x'.repeat(5000) });
    assert.equal(tooLong.isError, true);
    assert.match(tooLong.text, /200/);
    const unknownTool = await mcp.call('resolve_issue', { issue: 'ORDERS-101' });
    assert.equal(unknownTool.isError, true);
    assert.match(unknownTool.text, /Tool resolve_issue not found/);
  });

  test('resources: one per stored issue, readable as JSON', async () => {
    const { resources } = await mcp.client.listResources();
    assert.equal(resources.length, 5);
    assert.ok(resources.some((r) => r.uri === 'sentry-rca://issue/101' && r.name === 'ORDERS-101'));
    const read = await mcp.client.readResource({ uri: 'sentry-rca://issue/202' });
    const c = read.contents[0] as { text: string; mimeType: string };
    assert.equal(c.mimeType, 'application/json');
    assert.equal(JSON.parse(c.text).issue.shortId, 'BILLING-7');
    await assert.rejects(mcp.client.readResource({ uri: 'sentry-rca://issue/999' }), /Issue "999" is not in the store/);
  });

  test('a sync written while the server runs shows up in the next call', async () => {
    const before = JSON.parse((await mcp.call('list_issues', { includeResolved: true })).text);
    assert.equal(before.total, 5);
    const store = await IssueStore.open(storeDir);
    try {
      await store.replace({
        ...store.data,
        issues: [...store.issues(), issue('707', { shortId: 'ORDERS-707', title: 'RangeError: new in this sync' })],
      });
    } finally {
      store.dispose();
    }
    const after = JSON.parse((await mcp.call('list_issues', { includeResolved: true })).text);
    assert.equal(after.total, 6);
    assert.equal(
      JSON.parse((await mcp.call('get_issue', { issue: 'ORDERS-707' })).text).issue.title,
      'RangeError: new in this sync',
    );
  });

  test('the server log goes to stderr (stdout carries only the protocol, which kept working), without secrets', async () => {
    assert.match(mcp.stderr(), /\[mcp\] serving .*sentry-rca\.json for .*; log sources: none/);
    assert.ok(!mcp.stderr().includes(SENTRY_TOKEN));
    assert.equal((await mcp.client.listTools()).tools.length, 7);
  });
});

describe('sentry-rca mcp start-up errors (before any protocol)', () => {
  const start = (...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), 'mcp', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      input: '',
      timeout: 30_000,
    });
  test('no store, a missing store folder, a bad log source, an unknown flag: exit 1 with the reason on stderr', () => {
    const noStore = start();
    assert.equal(noStore.status, 1);
    assert.match(noStore.stderr, /mcp needs --store DIR \(or SENTRY_RCA_STORE\)/);
    const missing = join(tmpdir(), 'rca-mcp-no-such-store');
    const gone = start('--store', missing);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /The store folder .*rca-mcp-no-such-store does not exist\. Run `sentry-rca sync --store/);
    assert.ok(!existsSync(missing), 'the read-only server did not create it');
    const badLogs = start('--store', storeDir, '--workspace', s.root, '--logs', 'web1=ftp:/x');
    assert.equal(badLogs.status, 1);
    assert.match(badLogs.stderr, /--logs: /);
    const flag = start('--store', storeDir, '--triage');
    assert.equal(flag.status, 1);
    assert.match(flag.stderr, /mcp: Unknown option '--triage'/);
    for (const r of [noStore, gone, badLogs, flag]) assert.equal(r.stdout, '', 'nothing on the protocol stream');
  });
});

describe('tool text', () => {
  test('capText redacts and cuts at the cap with a note', () => {
    const big = `token=${SENTRY_TOKEN} ` + 'x'.repeat(MAX_RESULT_CHARS * 2);
    const out = capText(big);
    assert.equal(out.length, MAX_RESULT_CHARS);
    assert.ok(out.startsWith('token=[REDACTED] '));
    assert.match(out, /… \[cut: \d+ more characters; ask for less/);
    assert.equal(capText('short'), 'short');
  });
});
