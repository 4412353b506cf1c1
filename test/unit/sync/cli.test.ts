import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IssueStore, STORE_FILE } from '../../../src/core/store/issueStore';
import { startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { repoRoot } from '../../support/paths';

const cli = join(repoRoot(), 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'rca-cli-'));

/** Runs the CLI as a child process (asynchronously: the test Sentry server lives in this process). */
function run(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, out: stdout, err: stderr });
      },
    );
  });
}

describe('sentry-rca CLI', () => {
  let sentry: SentryTestServer;
  let env: Record<string, string>;
  before(async () => {
    assert.ok(existsSync(cli), 'dist/cli.js is built (npm test builds it first)');
    sentry = await startSentryServer();
    sentry.generateSynthetic({
      projects: ['shop', 'api'],
      issues: 40,
      eventsPerIssue: 2,
      seed: 11,
      levels: ['error', 'warning', 'info'],
    });
    env = { SENTRY_AUTH_TOKEN: sentry.token, SENTRY_URL: sentry.url, SENTRY_ORG: sentry.org };
  });
  after(async () => {
    await sentry.close();
  });

  test('sync then issues --json and the table', async () => {
    const store = tmp();
    const s = await run(['sync', '--store', store, '--json'], env);
    assert.equal(s.code, 0, s.err);
    const summary = JSON.parse(s.out);
    assert.equal(summary.kind, 'full');
    assert.ok(summary.issuesNew > 0);
    const j = await run(['issues', '--store', store, '--json']);
    assert.equal(j.code, 0, j.err);
    const rows = JSON.parse(j.out);
    assert.equal(rows.length, summary.issuesNew);
    for (const key of [
      'id',
      'shortId',
      'title',
      'culprit',
      'level',
      'status',
      'project',
      'count',
      'userCount',
      'firstSeen',
      'lastSeen',
      'permalink',
      'storedEvents',
      'latestEventId',
    ]) {
      assert.ok(key in rows[0], `--json has ${key}`);
    }
    assert.ok(
      rows.every((r: { level: string }) => r.level !== 'info'),
      'default minimum level is warning',
    );
    const t = await run(['issues', '--store', store]);
    assert.match(t.out, /^SHORT ID\s+LEVEL\s+EVENTS\s+LAST SEEN\s+TITLE/m);
    assert.match(t.out, new RegExp(rows[0].shortId));
    assert.ok(!s.out.includes(sentry.token) && !s.err.includes(sentry.token));
  });

  test('exit codes: usage 1, auth/remote 2', async () => {
    const store = tmp();
    const noToken = await run(['sync', '--store', store], { SENTRY_URL: sentry.url, SENTRY_ORG: sentry.org });
    assert.equal(noToken.code, 1);
    assert.match(noToken.err, /SENTRY_AUTH_TOKEN is not set/);
    assert.equal((await run(['frobnicate'])).code, 1);
    assert.equal((await run(['sync', '--bogus'])).code, 1);
    const bad = await run(['sync', '--store', store], { ...env, SENTRY_AUTH_TOKEN: 'sntryu_nope' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /rejected the auth token \(401\)/);
    assert.ok(!bad.err.includes('sntryu_nope'));
    const down = await run(['sync', '--store', store, '--url', 'http://127.0.0.1:9'], env);
    assert.equal(down.code, 2);
    assert.match(down.err, /connection refused/);
    assert.equal((await run(['sync', '--store', store, '--min-level', 'loud'], env)).code, 1);
  });

  test('exit 3 when the sync skipped something', async () => {
    const store = tmp();
    // Every issue-list page repeats its cursor (the full listing runs one cursor chain per level).
    sentry.fault({ kind: 'repeat-cursor', match: /\/issues\/$/, times: Infinity });
    let r;
    try {
      r = await run(['sync', '--store', store], env);
    } finally {
      sentry.clearFaults();
    }
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, /warning: .*cursor/);
  });

  test('a corrupted store is moved aside with a warning, and the sync goes on', async () => {
    const store = tmp();
    writeFileSync(join(store, STORE_FILE), '{ not json');
    const r = await run(['sync', '--store', store], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /moved to .*unreadable/);
  });

  test('kill -9 in the middle of the store write leaves a readable store, and the next sync completes', async () => {
    const big = await startSentryServer({ token: sentry.token });
    try {
      big.generateSynthetic({ projects: ['shop'], issues: 3_000, eventsPerIssue: 3, seed: 5 });
      const store = tmp();
      // A first, complete sync so there is a previous store to protect.
      const first = await run(
        [
          'sync',
          '--store',
          store,
          '--url',
          big.url,
          '--project',
          'shop',
          '--events-per-issue',
          '1',
          '--eager-event-issues',
          '0',
        ],
        env,
      );
      assert.equal(first.code, 0, first.err);
      const before = readFileSync(join(store, STORE_FILE));
      const stored = (await IssueStore.open(store)).issues().length;
      assert.ok(stored > 2_000);
      big.touchIssues(3_000);
      // The next sync writes a larger store; kill it the moment its temp file appears.
      const child = spawn(
        process.execPath,
        [cli, 'sync', '--store', store, '--url', big.url, '--project', 'shop', '--events-per-issue', '3'],
        { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' },
      );
      let killedDuringWrite = false;
      const watcher = watch(store, (_ev, name) => {
        if (name && name.endsWith('.tmp') && !killedDuringWrite) {
          killedDuringWrite = true;
          child.kill('SIGKILL');
        }
      });
      const exit = await new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.on('exit', (code, signal) => resolve(signal ?? code)),
      );
      watcher.close();
      assert.equal(exit, 'SIGKILL', 'the sync was killed (not finished first)');
      assert.ok(killedDuringWrite, 'it was killed while writing');
      assert.deepEqual(readFileSync(join(store, STORE_FILE)), before, 'the previous store is intact');
      const reopened = await IssueStore.open(store);
      assert.equal(reopened.recovery, undefined);
      assert.equal(reopened.issues().length, stored);
      const next = await run(
        [
          'sync',
          '--store',
          store,
          '--url',
          big.url,
          '--project',
          'shop',
          '--events-per-issue',
          '3',
          '--eager-event-issues',
          '0',
        ],
        env,
      );
      assert.equal(next.code, 0, next.err);
      const after = await IssueStore.open(store);
      assert.ok(
        after.issues().every((i) => after.events(i.id).length === 2),
        'each issue has its old event and the one added since',
      );
    } finally {
      await big.close();
    }
  });
});
