// The `sentry-rca logs` command body against the real sshd: text and --json output, exit codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logsCommand, type LogsJson } from '../../src/core/logs';
import { nullLogger } from '../../src/core/common/logger';
import { RcaError } from '../../src/core/common/errors';
import { startSshTestEnv, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
});
after(async () => {
  await env?.stop();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await logsCommand(
    ['--ssh-config', env.configPath, ...args],
    {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
    },
    nullLogger,
    undefined,
    { home: env.home },
  );
  return { code, out, err };
}

describe('sentry-rca logs', () => {
  test('--json prints the window with times and matches', async () => {
    const r = await run([
      '--host',
      'target',
      '--source',
      `file:${env.logDir}/app.log`,
      '--around',
      '2026-11-25T10:05:00Z',
      '--grep',
      'TypeError',
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as LogsJson;
    assert.equal(j.host, 'target');
    assert.equal(j.status, 'ok');
    assert.equal(j.since, '2026-11-25T10:00:00.000Z');
    assert.equal(j.until, '2026-11-25T10:07:00.000Z');
    assert.equal(j.truncated, false);
    assert.equal(j.lines.filter((l) => l.time).length, 85);
    assert.deepEqual(j.lines.find((l) => l.match.length)?.match, ['TypeError']);
  });

  test('text output with --before/--after', async () => {
    const r = await run([
      '--host',
      'target',
      '--source',
      `file:${env.logDir}/app.log`,
      '--around',
      '2026-11-25T10:05:00Z',
      '--before',
      '30s',
      '--after',
      '10s',
      '--grep',
      'TypeError',
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^== target file:.*app\.log: ok, 11 lines, 2026-11-25T10:04:30\.000Z \.\. 2026-11-25T10:05:10\.000Z$/,
    );
    assert.ok(lines.some((l) => l.startsWith('> ') && l.includes('TypeError')));
  });

  test('exit 2 when the host refuses us, 3 when only some hosts answered', async () => {
    const refused = await run([
      '--host',
      'stranger',
      '--source',
      `file:${env.logDir}/app.log`,
      '--around',
      '2026-11-25T10:05:00Z',
      '--json',
    ]);
    assert.equal(refused.code, 2);
    assert.equal((JSON.parse(refused.out) as LogsJson).status, 'host-key-unknown');
    assert.match(refused.err, /ssh-keyscan/);
    const partial = await run([
      '--host',
      'target',
      '--host',
      'closed',
      '--source',
      `file:${env.logDir}/app.log`,
      '--around',
      '2026-11-25T10:05:00Z',
      '--json',
    ]);
    assert.equal(partial.code, 3);
    assert.deepEqual(
      (JSON.parse(partial.out) as LogsJson[]).map((j) => j.status),
      ['ok', 'unreachable'],
    );
  });

  test('usage errors', async () => {
    const usage = (re: RegExp) => (e: unknown) => e instanceof RcaError && e.kind === 'usage' && re.test(e.display);
    await assert.rejects(run(['--source', 'file:/x', '--around', '2026-11-25T10:05:00Z']), usage(/needs --host/));
    await assert.rejects(run(['--host', 'target', '--around', '2026-11-25T10:05:00Z']), usage(/needs --source/));
    await assert.rejects(run(['--host', 'target', '--source', 'file:/x']), usage(/needs --around/));
    await assert.rejects(
      run(['--host', 'target', '--source', 'file:/x', '--around', 'yesterday']),
      usage(/not an ISO 8601 time/),
    );
    await assert.rejects(
      run(['--host', 'target', '--source', 'file:/x', '--around', '2026-11-25T10:05:00Z', '--before', '5 minutes']),
      usage(/not understood/),
    );
    await assert.rejects(
      run(['--host', 'target', '--source', 'nope', '--around', '2026-11-25T10:05:00Z']),
      usage(/no kind prefix/),
    );
    await assert.rejects(run(['--bogus']), usage(/Unknown option/));
  });
});
