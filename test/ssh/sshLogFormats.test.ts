// Time windows over the real sshd: every timestamp format, rotation, gzip, docker and command sources.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshLogFetcher, parseLogSpec, windowAround, type HostLogResult, type LogWindow } from '../../src/core/logs';
import { startSshTestEnv, T, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
let fetcher: SshLogFetcher;

before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
  fetcher = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 5000 });
});
after(async () => {
  fetcher?.dispose();
  await env?.stop();
});

const W: LogWindow = {
  since: T('2026-11-25T10:00:00Z'),
  until: T('2026-11-25T10:07:00Z'),
  around: [T('2026-11-25T10:05:00Z')],
};

async function one(spec: string, window: LogWindow = W, opts = {}): Promise<HostLogResult> {
  const [r] = await fetcher.fetch([parseLogSpec(spec)], window, opts);
  assert.ok(r);
  return r;
}

function timed(r: HostLogResult) {
  return r.lines.filter((l) => l.time).map((l) => l.time!);
}

function assertInWindow(r: HostLogResult, w: LogWindow) {
  for (const t of timed(r))
    assert.ok(t >= w.since.toISOString() && t <= w.until.toISOString(), `${t} outside the window`);
  const ts = timed(r);
  assert.deepEqual(ts, [...ts].sort(), 'lines are in time order');
}

describe('file sources over a real sshd', () => {
  test('ISO 8601 lines: exactly the window, stack trace kept, grep terms marked, secrets redacted', async () => {
    const w = { ...W, grep: ['TypeError', '4bf92f3577b34da6a3ce929d0e0e4736'] };
    const r = await one(`target=file:${env.logDir}/app.log`, w);
    assert.equal(r.status, 'ok', r.message);
    assertInWindow(r, W);
    const ts = timed(r);
    assert.equal(ts[0], '2026-11-25T10:00:00.000Z');
    assert.equal(ts.at(-1), '2026-11-25T10:07:00.000Z');
    assert.equal(ts.length, 7 * 12 + 1);
    assert.equal(r.lines.length, 7 * 12 + 1 + 2, 'the two stack-trace lines follow their error line');
    const err = r.lines.findIndex((l) => l.text.includes('TypeError'));
    assert.deepEqual(r.lines[err]!.matched, ['TypeError', '4bf92f3577b34da6a3ce929d0e0e4736']);
    assert.match(r.lines[err + 1]!.text, /at handler \(\/srv\/app\/api\.js:42:7\)/);
    const secret = r.lines.find((l) => l.time === '2026-11-25T10:04:00.000Z')!;
    assert.doesNotMatch(secret.text, /hunter2|abc\.def\.ghi|AKIAIOSFODNN7EXAMPLE/);
    assert.match(secret.text, /\[REDACTED\]/);
    assert.equal(r.truncated, false);
    assert.ok(r.command?.includes('sh -s'), 'the exact command is reported');
    assert.ok(r.bytes > 0 && r.bytes < 20_000, `only the window crossed the wire (${r.bytes} bytes)`);
  });

  test('a window across midnight reads the rotated .1 file and the live file, in order', async () => {
    const w = { since: T('2026-11-24T23:58:00Z'), until: T('2026-11-25T00:02:00Z') };
    const r = await one(`target=file:${env.logDir}/app.log`, w);
    assert.equal(r.status, 'ok', r.message);
    assertInWindow(r, w);
    assert.deepEqual(r.files, [join(env.logDir, 'app.log.1'), join(env.logDir, 'app.log')]);
    assert.ok(r.lines[0]!.text.endsWith('(rotated)'));
    assert.equal(r.lines.filter((l) => l.text.endsWith('(rotated)')).length, 12);
    assert.equal(r.lines.filter((l) => !l.text.endsWith('(rotated)')).length, 2 * 12 + 1);
    assert.equal(r.lines.at(-1)!.time, '2026-11-25T00:02:00.000Z');
  });

  test('gzipped rotated files are read on the server; files older than the window are skipped unopened', async () => {
    const w = { since: T('2026-11-23T12:00:00Z'), until: T('2026-11-23T12:05:00Z') };
    const r = await one(`target=file:${env.logDir}/app.log`, w);
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 31);
    assert.ok(r.lines.every((l) => l.text.endsWith('(gz)')));
    assert.equal(r.lines[0]!.time, '2026-11-23T12:00:00.000Z');
    const later = await one(`target=file:${env.logDir}/app.log`, W);
    assert.ok(!later.files?.some((f) => f.endsWith('.gz')), 'the Nov 23 archive is not opened for a Nov 25 window');
  });

  test('syslog lines without zone or year use the server time zone (TZ=Europe/Berlin)', async () => {
    const r = await one(`target=file:${env.logDir}/syslog`);
    assert.equal(r.status, 'ok', r.message);
    assertInWindow(r, W);
    assert.equal(r.lines.length, 7 * 4 + 1);
    assert.match(r.lines[0]!.text, /^Nov 25 11:00:00 /);
    assert.equal(r.lines[0]!.time, '2026-11-25T10:00:00.000Z');
  });

  test('nginx/apache access log with +0100 zone', async () => {
    const r = await one(`target=file:${env.logDir}/access.log`);
    assert.equal(r.status, 'ok', r.message);
    assertInWindow(r, W);
    assert.equal(r.lines.length, 7 * 3 + 1);
    assert.match(r.lines[0]!.text, /\[25\/Nov\/2026:11:00:00 \+0100\]/);
  });

  test('JSON lines with epoch seconds and epoch milliseconds', async () => {
    for (const f of ['json-s.log', 'json-ms.log']) {
      const r = await one(`target=file:${env.logDir}/${f}`);
      assert.equal(r.status, 'ok', r.message);
      assertInWindow(r, W);
      assert.equal(r.lines.length, 15, f);
      assert.equal(r.lines[0]!.time, '2026-11-25T10:00:00.000Z');
    }
  });

  test('ISO 8601 with a -05:00 offset', async () => {
    const r = await one(`target=file:${env.logDir}/offset.log`);
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 8);
    assert.match(r.lines[0]!.text, /^2026-11-25T05:00:00-05:00 /);
  });

  test('a glob matching several files', async () => {
    const r = await one(`target=file:${env.logDir}/json-*.log`);
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.files?.length, 2);
    assert.equal(r.lines.length, 30);
    assert.equal(r.truncated, false);
    // File by file, each in time order (not interleaved by time, not reordered around the event).
    const kinds = r.lines.map((l) => (l.text.includes('json seconds') ? 's' : 'ms'));
    assert.deepEqual(kinds, [...Array(15).fill(kinds[0]), ...Array(15).fill(kinds[15])]);
    assert.notEqual(kinds[0], kinds[15]);
    assert.deepEqual(
      timed({ ...r, lines: r.lines.slice(0, 15) }),
      [...timed({ ...r, lines: r.lines.slice(0, 15) })].sort(),
    );
  });

  test('a file that does not exist', async () => {
    const r = await one(`target=file:${env.logDir}/nope/*.log`);
    assert.equal(r.status, 'no-such-file');
    assert.match(r.message!, /No file matches .*nope\/\*\.log on target/);
    assert.deepEqual(r.lines, []);
  });

  test('windowAround builds [first − 5 min, last + 2 min] and it works end to end', async () => {
    const w = windowAround([T('2026-11-25T10:05:00Z'), T('2026-11-25T10:06:00Z')]);
    assert.equal(w.since.toISOString(), '2026-11-25T10:00:00.000Z');
    assert.equal(w.until.toISOString(), '2026-11-25T10:08:00.000Z');
    const r = await one(`target=file:${env.logDir}/app.log`, w);
    assert.equal(timed(r).length, 8 * 12 + 1);
  });
});

describe('journald, docker and command sources', () => {
  test('journald: the real journalctl filters unit and window; short-iso times in the server zone', async () => {
    const r = await one('target=journald:app.service');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 15);
    assert.ok(
      r.lines.every((l) => l.text.includes('app.service entry')),
      'only the unit asked for',
    );
    assert.match(
      r.lines[0]!.text,
      /^2026-11-25T11:00:00\+0100 web1 app\[42\]: app\.service entry 20 at 2026-11-25T10:00:00\.000Z$/,
    );
    assert.equal(r.lines[0]!.time, '2026-11-25T10:00:00.000Z');
    assert.equal(r.lines.at(-1)!.time, '2026-11-25T10:07:00.000Z');
  });

  test('journald: a unit without entries is ok and empty, with a message', async () => {
    const r = await one('target=journald:missing.service');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 0);
    assert.match(r.message!, /No log lines between/);
  });

  test('docker logs gets --since/--until and the container as separate arguments', async () => {
    const r = await one('target=docker:api');
    assert.equal(r.status, 'ok', r.message);
    // 10:00:00.123 .. 10:06:30.123: the 10:07:00.123 line is past the window's end.
    assert.equal(r.lines.length, 14);
    assert.equal(r.lines[0]!.time, '2026-11-25T10:00:00.123Z');
    const args = readFileSync(join(env.logDir, 'docker.args'), 'utf8').trim().split('\n');
    assert.deepEqual(args, [
      'logs',
      '-t',
      '--since',
      String(W.since.getTime() / 1000),
      '--until',
      String(W.until.getTime() / 1000),
      'api',
    ]);
  });

  test("a stopped container's log is read like a running one's", async () => {
    const r = await one('target=docker:batch');
    assert.equal(r.status, 'ok', r.message);
    assert.deepEqual(
      r.lines.map((l) => [l.time, l.text.replace(/^\S+ /, '')]),
      [
        ['2026-11-25T10:03:00.000Z', 'batch job started'],
        ['2026-11-25T10:04:30.500Z', 'batch job exited with code 137'],
      ],
    );
  });

  test('a missing container: an error naming the source and host, with what docker said, and no log lines', async () => {
    const r = await one('target=docker:nope');
    assert.equal(r.status, 'error');
    assert.equal(
      r.message,
      'docker logs on target failed (exit 1): Error response from daemon: No such container: nope',
    );
    assert.deepEqual(r.lines, [], "docker's error is not shown as a log line");
  });

  test('no access to the docker socket: an error that says how to get access', async () => {
    const denied = join(env.logDir, 'docker.denied');
    writeFileSync(denied, '');
    try {
      const r = await one('target=docker:api');
      assert.equal(r.status, 'error');
      assert.match(
        r.message!,
        /^docker logs on target failed \(exit 1\): permission denied while trying to connect to the Docker daemon socket at unix:\/\/\/var\/run\/docker\.sock/,
      );
      assert.match(r.message!, /Add the SSH user to the docker group/);
      assert.deepEqual(r.lines, []);
    } finally {
      rmSync(denied);
    }
  });

  test('command template: placeholders are substituted quoted, output filtered to the window', async () => {
    const r = await one(
      `target=cmd:printf '%s\\n' {since} {until} @{sinceEpoch} >${env.logDir}/cmd.args; grep -E {grep} ${env.logDir}/app.log`,
      { ...W, grep: ['request 123', 'TypeError'] },
    );
    assert.equal(r.status, 'ok', r.message);
    assert.deepEqual(readFileSync(join(env.logDir, 'cmd.args'), 'utf8').trim().split('\n'), [
      W.since.toISOString(),
      W.until.toISOString(),
      `@${W.since.getTime() / 1000}`,
    ]);
    assert.ok(r.lines.length > 0);
    assertInWindow(r, W);
    assert.ok(
      r.lines.every((l) => l.matched?.length),
      'grep ran on the server with the terms',
    );
  });

  test('command output without timestamps is kept whole', async () => {
    const r = await one("target=cmd:printf 'no time on this line\\nnor on this one\\n'");
    assert.equal(r.status, 'ok', r.message);
    assert.deepEqual(
      r.lines.map((l) => l.text),
      ['no time on this line', 'nor on this one'],
    );
  });

  test('a failing command is an error; grep finding nothing is not', async () => {
    const none = await one(`target=cmd:grep -E {grep} ${env.logDir}/app.log`, {
      ...W,
      grep: ['no such text anywhere'],
    });
    assert.equal(none.status, 'ok', none.message);
    assert.equal(none.lines.length, 0);
    const bad = await one('target=cmd:no-such-command-xyz --flag');
    assert.equal(bad.status, 'error');
    assert.match(bad.message!, /exit 127/);
  });
});
