// `sentry-rca resolve|unresolve|archive|assign|bookmark|note` as a child process against the test
// Sentry server: the exact requests, exit codes, and clear errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { IssueStore } from '../../../src/core/store/issueStore';
import { startSentryServer, type RecordedRequest, type SentryTestServer } from '../../servers/sentry';
import { repoRoot } from '../../support/paths';

const cli = join(repoRoot(), 'dist', 'cli.js');
const WRITE_SCOPES = ['org:read', 'project:read', 'event:read', 'event:write', 'member:read'];

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out: stdout, err: stderr }),
    );
  });
}

describe('sentry-rca triage subcommands', () => {
  let sentry: SentryTestServer;
  let env: Record<string, string>;
  let store: string;
  let ids: Array<{ id: string; shortId: string; projectId: string }>;

  before(async () => {
    sentry = await startSentryServer({ scopes: WRITE_SCOPES });
    sentry.generateSynthetic({ projects: ['shop'], issues: 6, eventsPerIssue: 1, seed: 5 });
    sentry.addMember({ name: 'Alice', email: 'alice@example.com', userId: '42' });
    sentry.addTeam({ slug: 'backend' });
    env = { SENTRY_AUTH_TOKEN: sentry.token, SENTRY_URL: sentry.url, SENTRY_ORG: sentry.org };
    store = mkdtempSync(join(tmpdir(), 'rca-triage-cli-'));
    const s = await run(['sync', '--store', store, '--min-level', 'debug'], env);
    assert.equal(s.code, 0, s.err);
    const opened = await IssueStore.open(store);
    ids = opened.issues().map((i) => ({ id: i.id, shortId: i.shortId, projectId: i.projectId }));
    opened.dispose();
    assert.ok(ids.length >= 6);
  });
  after(async () => {
    await sentry.close();
  });
  beforeEach(() => {
    sentry.setToken(sentry.token, WRITE_SCOPES);
    sentry.resetRequests();
  });
  const writes = (): RecordedRequest[] => sentry.requests.filter((r) => r.method !== 'GET');

  test('resolve by short id (any case): one PUT to the issue; --json says what changed', async () => {
    const r = await run(['resolve', '--store', store, '--json', ids[0]!.shortId.toLowerCase()], env);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), {
      action: { kind: 'resolve' },
      changed: [ids[0]!.id],
      failed: [],
      requests: 1,
    });
    const [w] = writes();
    assert.equal(w!.method, 'PUT');
    assert.equal(w!.path, `/api/0/organizations/acme/issues/${ids[0]!.id}/`);
    assert.deepEqual(w!.body, { status: 'resolved', statusDetails: {}, substatus: null });
    const u = await run(['unresolve', '--store', store, ids[0]!.id], env);
    assert.equal(u.code, 0, u.err);
    assert.match(u.out, new RegExp(`^Unresolved: ${ids[0]!.shortId} \\(1 request\\)\\.\\n$`));
    assert.deepEqual(writes()[1]!.body, { status: 'unresolved', statusDetails: {}, substatus: 'ongoing' });
  });

  test('archive two issues until escalating: one bulk request', async () => {
    const r = await run(['archive', '--store', store, '--until', 'escalating', ids[1]!.shortId, ids[2]!.shortId], env);
    assert.equal(r.code, 0, r.err);
    const [w] = writes();
    assert.equal(w!.path, '/api/0/organizations/acme/issues/');
    assert.deepEqual(w!.query, { id: [ids[1]!.id, ids[2]!.id], project: ids[1]!.projectId });
    assert.deepEqual(w!.body, { status: 'ignored', statusDetails: {}, substatus: 'archived_until_escalating' });
    const opened = await IssueStore.open(store);
    assert.equal(opened.issue(ids[1]!.id)!.status, 'ignored', 'the store was updated too');
    opened.dispose();
  });

  test('archive --until count:100/1h and 30m send Sentry’s statusDetails', async () => {
    assert.equal((await run(['archive', '--store', store, '--until', 'count:100/1h', ids[3]!.id], env)).code, 0);
    assert.equal((await run(['archive', '--store', store, '--until', '30m', ids[4]!.id], env)).code, 0);
    assert.deepEqual(
      writes().map((w) => w.body),
      [
        {
          status: 'ignored',
          statusDetails: { ignoreCount: 100, ignoreWindow: 60 },
          substatus: 'archived_until_condition_met',
        },
        { status: 'ignored', statusDetails: { ignoreDuration: 30 }, substatus: 'archived_until_condition_met' },
      ],
    );
  });

  test('usage errors exit 1 and send nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['archive', '--store', store, ids[0]!.id], /archive needs --until MODE/],
      [['archive', '--store', store, '--until', 'count:5/2w', ids[0]!.id], /1 to 10080 minutes/],
      [['archive', '--store', store, '--until', 'someday', ids[0]!.id], /"someday" is not an archive mode/],
      [['resolve', '--store', store], /needs at least one ISSUE_ID/],
      [['resolve', '--store', store, '--next-release', '--current-release', ids[0]!.id], /Choose one of/],
      [['resolve', '--store', store, 'NOPE-999'], /Not in the store: NOPE-999/],
      [['bookmark', '--store', store, '--until', '1h', ids[0]!.id], /bookmark does not take --until/],
      [['note', '--store', store, ids[0]!.id], /exactly one of --text, --file and --diagnosis/],
      [['note', '--store', store, '--diagnosis', ids[0]!.id], /has no saved diagnosis/],
    ];
    for (const [args, pattern] of cases) {
      const r = await run(args, env);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, pattern, args.join(' '));
    }
    const noToken = await run(['resolve', '--store', store, ids[0]!.id], {
      SENTRY_URL: sentry.url,
      SENTRY_ORG: 'acme',
    });
    assert.equal(noToken.code, 1);
    assert.match(noToken.err, /SENTRY_AUTH_TOKEN is not set/);
    assert.equal(writes().length, 0);
  });

  test('assign --to an email, a team, me and none', async () => {
    for (const to of ['alice@example.com', '#backend', 'me', 'none'])
      assert.equal((await run(['assign', '--store', store, '--to', to, ids[5]!.id], env)).code, 0, to);
    assert.deepEqual(
      writes().map((w) => w.body),
      [{ assignedTo: 'user:42' }, { assignedTo: 'team:1' }, { assignedTo: 'user:1' }, { assignedTo: '' }],
    );
    const unknown = await run(['assign', '--store', store, '--to', 'bob@example.com', ids[5]!.id], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /No member "bob@example.com" in acme/);
  });

  test('note --text posts a comment; bookmark and --off', async () => {
    const n = await run(['note', '--store', store, '--text', 'Fixed by <b>#123</b>', ids[0]!.shortId], env);
    assert.equal(n.code, 0, n.err);
    assert.match(n.out, /^Note \d+ added to /);
    assert.equal((await run(['bookmark', '--store', store, ids[0]!.id], env)).code, 0);
    assert.equal((await run(['bookmark', '--store', store, '--off', ids[0]!.id], env)).code, 0);
    const w = writes();
    assert.equal(w[0]!.method, 'POST');
    assert.equal(w[0]!.path, `/api/0/organizations/acme/issues/${ids[0]!.id}/comments/`);
    assert.deepEqual(w[0]!.body, { text: 'Fixed by <b>#123</b>' });
    assert.deepEqual(
      w.slice(1).map((x) => x.body),
      [{ isBookmarked: true }, { isBookmarked: false }],
    );
  });

  test('a read-only token: exit 2, the issue is left as it was, the message names event:write', async () => {
    sentry.setToken(sentry.token, ['org:read', 'project:read', 'event:read']);
    const r = await run(['resolve', '--store', store, ids[0]!.id], env);
    assert.equal(r.code, 2);
    assert.match(r.err, /Not changed \(left as they were\): .*needs the event:write scope/);
    assert.match(r.err, /Set Auth Token/);
    const opened = await IssueStore.open(store);
    assert.equal(opened.issue(ids[0]!.id)!.status, 'unresolved');
    opened.dispose();
  });

  test('every triage subcommand answers --help', async () => {
    for (const c of ['resolve', 'unresolve', 'archive', 'assign', 'bookmark', 'note']) {
      const r = await run([c, '--help'], {});
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^Usage: sentry-rca ${c} \\[options\\]\\n\\n  ${c} +--store DIR`));
    }
  });
});
