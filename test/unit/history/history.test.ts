/**
 * core/history against real git repositories: release → commit (tags in three spellings, a SHA,
 * time, Sentry's releases API through the real client and the test Sentry server, with 403/404
 * falling back to git), the previous release of the same naming scheme, the leak scan, and skew.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GitHistory } from '../../../src/core/history/gitHistory';
import { resolveRelease, tagCandidates } from '../../../src/core/history/release';
import { computeSkew } from '../../../src/core/history/skew';
import { addedEarlyExits } from '../../../src/core/history/diffScan';
import { rankSuspects } from '../../../src/core/history/suspects';
import { releaseLookupFromSentry } from '../../../src/core/investigate/adapters';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { CHECKOUT } from '../../rca/service';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function repo(): {
  root: string;
  commit(subject: string, files: Record<string, string>, daysAgo: number, tag?: string): string;
  git(...a: string[]): string;
} {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'rca-history-')));
  roots.push(root);
  const git = (...a: string[]) =>
    execFileSync('git', a, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Ana',
        GIT_AUTHOR_EMAIL: 'ana@example.com',
        GIT_COMMITTER_NAME: 'Ana',
        GIT_COMMITTER_EMAIL: 'ana@example.com',
      },
    });
  git('init', '-q', '-b', 'main');
  return {
    root,
    git,
    commit(subject, files, daysAgo, tag) {
      for (const [p, t] of Object.entries(files)) {
        mkdirSync(dirname(join(root, p)), { recursive: true });
        writeFileSync(join(root, p), t);
      }
      const date = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      execFileSync('git', ['add', '-A'], { cwd: root });
      execFileSync('git', ['commit', '-q', '-m', subject], {
        cwd: root,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Ana',
          GIT_AUTHOR_EMAIL: 'ana@example.com',
          GIT_COMMITTER_NAME: 'Ana',
          GIT_COMMITTER_EMAIL: 'ana@example.com',
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
        },
      });
      if (tag) git('tag', tag);
      return git('rev-parse', 'HEAD').trim();
    },
  };
}

describe('release → commit', () => {
  test('tag spellings: the version, v + version, the part after name@', () => {
    assert.deepEqual(tagCandidates('orders@3.1.0'), ['orders@3.1.0', 'vorders@3.1.0', '3.1.0', 'v3.1.0']);
    assert.deepEqual(tagCandidates('v2.0.1'), ['v2.0.1', 'vv2.0.1', '2.0.1']);
  });

  test("a tag named like the version, and the previous tag of the same scheme (other services' tags interleaved)", async () => {
    const r = repo();
    const a = r.commit('orders 3.0.0', { 'a.txt': '1' }, 30, 'orders@3.0.0');
    r.commit('billing 9.0.0', { 'b.txt': '1' }, 20, 'billing@9.0.0');
    const b = r.commit('orders 3.0.10', { 'a.txt': '2' }, 10, 'orders@3.0.10');
    r.commit('orders 3.0.9 hotfix (tagged later)', { 'a.txt': '3' }, 8, 'orders@3.0.9');
    const c = r.commit('orders 3.1.0', { 'a.txt': '4' }, 5, 'orders@3.1.0');
    const rel = await resolveRelease(new GitHistory(r.root), { version: 'orders@3.1.0', firstEventMs: Date.now() });
    assert.equal(rel.commit, c);
    assert.equal(rel.resolvedBy, 'tag');
    // 3.0.10 > 3.0.9 by version order, not by text.
    assert.equal(rel.previousVersion, 'orders@3.0.10');
    assert.equal(rel.previousCommit, b);
    const first = await resolveRelease(new GitHistory(r.root), { version: 'orders@3.0.0', firstEventMs: null });
    assert.equal(first.commit, a);
    assert.equal(first.previousCommit, null);
  });

  test("v-prefixed tags for a name@version release keep the release's own naming for the previous one", async () => {
    const r = repo();
    const prev = r.commit('2.3', { 'a.txt': '1' }, 30, 'v2.3.0');
    const cur = r.commit('2.4', { 'a.txt': '2' }, 3, 'v2.4.0');
    const rel = await resolveRelease(new GitHistory(r.root), { version: 'shop@2.4.0', firstEventMs: null });
    assert.deepEqual(
      [rel.commit, rel.resolvedBy, rel.previousVersion, rel.previousCommit],
      [cur, 'tag', 'shop@2.3.0', prev],
    );
  });

  test('a SHA version, then time when nothing names the release', async () => {
    const r = repo();
    const a = r.commit('one', { 'a.txt': '1' }, 10);
    const b = r.commit('two', { 'a.txt': '2' }, 2);
    const bySha = await resolveRelease(new GitHistory(r.root), { version: a.slice(0, 12), firstEventMs: null });
    assert.deepEqual([bySha.commit, bySha.resolvedBy], [a, 'sha']);
    const byTime = await resolveRelease(new GitHistory(r.root), {
      version: 'web@7',
      firstEventMs: Date.now() - 5 * 86_400_000,
    });
    assert.deepEqual([byTime.commit, byTime.resolvedBy], [a, 'time']);
    assert.match(byTime.notes.join(' '), /No tag or SHA names release web@7/);
    const latest = await resolveRelease(new GitHistory(r.root), { version: null, firstEventMs: Date.now() });
    assert.equal(latest.commit, b);
  });

  test('a hostile version is never passed to git as an option or a range', async () => {
    const r = repo();
    r.commit('one', { 'a.txt': '1' }, 10);
    const rel = await resolveRelease(new GitHistory(r.root), { version: '--output=/tmp/x', firstEventMs: null });
    assert.equal(rel.commit, null);
    assert.equal(rel.resolvedBy, null);
  });

  test('no git: a note, nothing resolved', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'rca-nogit-')));
    roots.push(dir);
    const rel = await resolveRelease(new GitHistory(dir), { version: 'x@1', firstEventMs: Date.now() });
    assert.equal(rel.commit, null);
    assert.match(rel.notes[0]!, /not a git repository/);
  });
});

describe("Sentry's releases API", () => {
  let server: SentryTestServer;
  let r: ReturnType<typeof repo>;
  let prev: string;
  let cur: string;
  let pid: string;
  before(async () => {
    server = await startSentryServer({});
    r = repo();
    prev = r.commit('shop 1.0', { 'a.txt': '1' }, 20);
    cur = r.commit('shop 1.1', { 'a.txt': '2' }, 2);
    pid = server.addProject({ slug: 'shop' }).id;
    const commit = (id: string, message: string) => ({
      id,
      message,
      dateCreated: new Date().toISOString(),
      author: { name: 'Ana', email: 'ana@example.com' },
    });
    server.setReleaseCommits('shop', 'shop-2026-11-01', [commit(prev, 'shop 1.0')], {
      createdMs: Date.now() - 20 * 86_400_000,
    });
    server.setReleaseCommits('shop', 'shop-2026-11-19', [commit(cur, 'shop 1.1')], {
      createdMs: Date.now() - 2 * 86_400_000,
    });
  });
  after(() => server.close());
  const client = (scopes?: string[]) => {
    if (scopes) server.setToken(server.token, scopes);
    return new SentryClient({ baseUrl: server.url, token: server.token, org: server.org, maxRetries: 0 });
  };

  test('lastCommit and the previous release of the project (no tags in git needed)', async () => {
    const rel = await resolveRelease(new GitHistory(r.root), {
      version: 'shop-2026-11-19',
      firstEventMs: null,
      sentry: releaseLookupFromSentry(client(['org:read', 'project:releases', 'event:read']), () => pid),
    });
    assert.deepEqual(
      [rel.commit, rel.resolvedBy, rel.previousVersion, rel.previousCommit],
      [cur, 'sentry', 'shop-2026-11-01', prev],
    );
  });

  test('403 (no releases scope) and 404 (unknown release) fall back to git', async () => {
    const c = client(['org:read', 'event:read']);
    assert.equal(await c.getRelease('shop-2026-11-19'), null);
    const noScope = await resolveRelease(new GitHistory(r.root), {
      version: 'shop-2026-11-19',
      firstEventMs: Date.now() - 86_400_000,
      sentry: releaseLookupFromSentry(c, () => '1'),
    });
    assert.equal(noScope.resolvedBy, 'time');
    const c2 = client(['org:read', 'project:read', 'event:read']);
    assert.equal(await c2.getRelease('nope@0'), null);
    assert.equal((await c2.getRelease('shop-2026-11-19'))?.lastCommit?.id, cur);
  });
});

describe('suspects and the leak scan', () => {
  test('an early return between acquire() and release() is a leak; the same return inside try/finally is not', () => {
    const leak = CHECKOUT.replace(
      '  const conn = ctx.pool.acquire();\n',
      '  const conn = ctx.pool.acquire();\n  if (bad) {\n    return 422;\n  }\n',
    ).split('\n');
    const exits = addedEarlyExits(leak, [{ line: 7, text: '    return 422;' }], 'acquire', ['release']);
    assert.equal(exits.length, 1);
    assert.equal(exits[0]!.takeLine, 5);
    assert.equal(exits[0]!.give, 'conn.release()');
    const safe = CHECKOUT.replace('    const total', '    if (bad) return 422;\n    const total').split('\n');
    assert.deepEqual(
      addedEarlyExits(safe, [{ line: 7, text: '    if (bad) return 422;' }], 'acquire', ['release']),
      [],
    );
  });

  test('ranking: the commit linked to the stack first, docs-only last, each reason said', async () => {
    const r = repo();
    const base = r.commit(
      'base',
      {
        'src/pay.mjs': 'export function charge(x) {\n  return x.amount;\n}\n',
        'src/cart.mjs': 'export function total(c) {\n  return 0;\n}\n',
        'README.md': '# a\n',
      },
      30,
      'v1.0.0',
    );
    r.commit('docs: readme', { 'README.md': '# a\nmore\n' }, 5);
    r.commit(
      'cart: charge the cart',
      {
        'src/cart.mjs':
          "import { charge } from './pay.mjs';\nexport function total(c) {\n  return charge(c.payment);\n}\n",
      },
      4,
    );
    r.commit('cart: unrelated rename of a local', { 'src/other.mjs': 'export const y = 1;\n' }, 3);
    const head = r.commit('release', { 'CHANGELOG.md': '1.1\n' }, 2, 'v1.1.0');
    const res = await rankSuspects(new GitHistory(r.root), {
      range: { from: base, to: head, label: 'v1.0.0..v1.1.0' },
      frames: [
        { path: 'src/pay.mjs', function: 'charge', line: 2, culprit: true },
        { path: 'src/cart.mjs', function: 'total', line: 3, culprit: false },
      ],
      stackFunctions: ['charge', 'total'],
      routes: [],
      errorText: "TypeError: Cannot read properties of undefined (reading 'amount')",
    });
    assert.equal(res.rangeCommits, 4);
    assert.equal(res.suspects[0]!.summary, 'cart: charge the cart');
    assert.ok(
      res.suspects[0]!.why.some((w) =>
        /adds 1 call\(s\) of charge\(\), which is on the stack \(src\/cart.mjs:3\)/.test(w),
      ),
      res.suspects[0]!.why.join('; '),
    );
    assert.ok(res.suspects[0]!.why.some((w) => /writes src\/cart.mjs:3/.test(w)));
    const last = res.suspects.at(-1)!;
    assert.match(last.why[0]!, /only docs, lockfiles, CI or lint config/);
  });
});

describe('suspect reasons name a file once', () => {
  test('a file on the stack that also serves the events’ route is one reason, not two "touches" lines', async () => {
    const r = repo();
    const base = r.commit(
      'base',
      {
        'src/db/pool.mjs': 'export function acquire() {\n  return 1;\n}\n',
        'src/routes/checkout.mjs': 'export function checkout(req) {\n  return 200;\n}\n',
      },
      30,
      'v1.0.0',
    );
    const head = r.commit(
      'checkout: promo codes',
      {
        'src/routes/checkout.mjs': 'export function checkout(req) {\n  if (req.promo) return 422;\n  return 200;\n}\n',
      },
      2,
      'v1.1.0',
    );
    const res = await rankSuspects(new GitHistory(r.root), {
      range: { from: base, to: head, label: 'v1.0.0..v1.1.0' },
      frames: [
        { path: 'src/db/pool.mjs', function: 'acquire', line: 2, culprit: true },
        { path: 'src/routes/checkout.mjs', function: 'checkout', line: 3, culprit: false },
      ],
      stackFunctions: ['acquire', 'checkout'],
      routes: ['POST /checkout'],
      errorText: 'PoolExhaustedError: connection pool exhausted',
    });
    const why = res.suspects[0]!.why;
    const touching = why.filter((w) => w.startsWith('touches '));
    assert.equal(touching.length, 1, why.join(' | '));
    assert.equal(
      touching[0],
      'touches src/routes/checkout.mjs, file(s) of in-app frames on the stack; it serves POST /checkout',
    );
  });
});

describe('version skew', () => {
  test('the crash line changed after the release by a named commit; a line that only moved is not changed', async () => {
    const r = repo();
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const rel = r.commit(
      'release',
      { 'src/a.mjs': lines.join('\n') + '\n', 'src/b.mjs': lines.join('\n') + '\n' },
      5,
      'app@1.0.0',
    );
    r.commit('b: header comment', { 'src/b.mjs': ['// header', ...lines].join('\n') + '\n' }, 3);
    const fix = r.commit(
      'a: fix line 6',
      { 'src/a.mjs': lines.map((l, i) => (i === 5 ? 'line 6 fixed' : l)).join('\n') + '\n' },
      1,
    );
    const s = await computeSkew(new GitHistory(r.root), { commit: rel, version: 'app@1.0.0' }, [
      { path: 'src/a.mjs', line: 6 },
      { path: 'src/b.mjs', line: 6 },
    ]);
    assert.ok(!('error' in s));
    assert.equal(s.relation, 'ahead');
    assert.equal(s.changedSinceRelease, true);
    assert.deepEqual(
      s.lines.map((l) => [l.path, l.nowLine, l.changedBy]),
      [
        ['src/a.mjs', null, fix.slice(0, 12)],
        ['src/b.mjs', 7, null],
      ],
    );
    assert.equal(s.summary, `src/a.mjs:6 changed after app@1.0.0 by ${fix.slice(0, 12)} — not deployed yet?`);
    // Uncommitted edits count too.
    writeFileSync(
      join(r.root, 'src/b.mjs'),
      ['// header', ...lines.map((l, i) => (i === 5 ? 'edited' : l))].join('\n') + '\n',
    );
    const s2 = await computeSkew(new GitHistory(r.root), { commit: rel, version: 'app@1.0.0' }, [
      { path: 'src/b.mjs', line: 6 },
    ]);
    assert.ok(!('error' in s2));
    assert.equal(s2.lines[0]!.changedBy, 'uncommitted');
  });

  test('the workspace behind the release, and the same commit', async () => {
    const r = repo();
    const old = r.commit('old', { 'a.txt': '1\n' }, 5);
    const rel = r.commit('new', { 'a.txt': '2\n' }, 1, 'x@2');
    r.git('checkout', '-q', old);
    const s = await computeSkew(new GitHistory(r.root), { commit: rel, version: 'x@2' }, [{ path: 'a.txt', line: 1 }]);
    assert.ok(!('error' in s));
    assert.equal(s.relation, 'behind');
    assert.match(s.summary, /is behind x@2/);
    r.git('checkout', '-q', rel);
    const same = await computeSkew(new GitHistory(r.root), { commit: rel, version: 'x@2' }, [
      { path: 'a.txt', line: 1 },
    ]);
    assert.ok(!('error' in same));
    assert.equal(same.relation, 'same');
  });
});
