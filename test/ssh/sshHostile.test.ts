// Hostile values never execute; junk in logs never reaches the user raw; caps keep what matters;
// timeouts and cancellation stop the remote work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  SshLogFetcher,
  parseLogSpec,
  selectLogRequests,
  type LogSourceSpec,
  type LogWindow,
} from '../../src/core/logs';
import { RcaError } from '../../src/core/common/errors';
import { startSshTestEnv, T, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
let fetcher: SshLogFetcher;
const marker = `/tmp/sentry-rca-pwned-${process.pid}-${randomBytes(4).toString('hex')}`;

before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
  fetcher = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 5000 });
});
after(async () => {
  fetcher?.dispose();
  await env?.stop();
  rmSync(marker, { force: true });
});

/** Live (non-zombie) processes whose command line matches, polled briefly: signals take a moment. */
async function remoteLeftovers(re: RegExp): Promise<string[]> {
  const live = () =>
    spawnSync('ps', ['-e', '-o', 'stat=,args='])
      .stdout.toString()
      .split('\n')
      .filter((l) => re.test(l) && !l.trim().startsWith('Z'));
  let found = live();
  for (let i = 0; i < 40 && found.length; i++) {
    await new Promise((r) => setTimeout(r, 50));
    found = live();
  }
  return found;
}

const W: LogWindow = {
  since: T('2026-11-25T10:00:00Z'),
  until: T('2026-11-25T10:07:00Z'),
  around: [T('2026-11-25T10:05:00Z')],
};

const hostile = [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `; touch ${marker}; rm -rf /nonexistent-sentry-rca`,
  `' ; touch ${marker} ; '`,
  `" ; touch ${marker} ; "`,
  `x\ntouch ${marker}\n`,
  `| touch ${marker}`,
  `&& touch ${marker} &`,
  `$(IFS=_;cmd=touch_${marker};$cmd)`,
  `\\'$(touch ${marker})`,
];

describe('hostile input', () => {
  test('grep terms (from Sentry or an AI) are data, never code: file source', async () => {
    const r = await fetcher.fetch([parseLogSpec(`target=file:${env.logDir}/app.log`)], { ...W, grep: hostile });
    assert.equal(r[0]!.status, 'ok', r[0]!.message);
    assert.equal(existsSync(marker), false, 'no hostile term was executed');
  });

  test('grep terms substituted into a command template are quoted', async () => {
    const r = await fetcher.fetch(
      [parseLogSpec(`target=cmd:grep -E {grep} ${env.logDir}/app.log; echo {grep} >/dev/null`)],
      { ...W, grep: hostile },
    );
    assert.ok(['ok'].includes(r[0]!.status), r[0]!.message);
    assert.equal(existsSync(marker), false);
  });

  test('event tags (server_name, request ids) choose hosts only by exact ssh config alias and reach commands only quoted', async () => {
    const rules = [`[api] {server_name}=cmd:grep -F -e {grep} ${env.logDir}/app.log`, '[api] {host}=docker:api'];
    for (const value of hostile) {
      const tags = { server_name: value, host: value, request_id: value };
      const sel = selectLogRequests(rules, { project: 'api', tags }, (a) => fetcher.sshConfig.hasAlias(a));
      assert.deepEqual(sel.requests, [], JSON.stringify(value));
    }
    // A legitimate alias in server_name, with hostile tag values as the grep terms.
    const sel = selectLogRequests(rules, { project: 'api', tags: { server_name: 'target' } }, (a) =>
      fetcher.sshConfig.hasAlias(a),
    );
    assert.equal(sel.requests.length, 1);
    const rs = await fetcher.fetch(sel.requests, { ...W, grep: hostile });
    assert.equal(rs[0]!.status, 'ok', rs[0]!.message);
    assert.equal(existsSync(marker), false);
  });

  test('hostile specs are rejected before anything runs, with a usable message', () => {
    for (const spec of [
      `web1=file:/var/log/$(touch ${marker})`,
      `web1=file:/var/log/app.log; touch ${marker}`,
      `web1=file:/var/log/\`touch ${marker}\``,
      `web1=file:relative/path.log`,
      `web1=file:/var/log/../../etc/shadow`,
      `web1=journald:app.service; touch ${marker}`,
      `web1=docker:api$(touch ${marker})`,
      `web1=docker:-v`,
      `web1=cmd:tail {file}`,
      `$(touch ${marker})=file:/var/log/app.log`,
      `-oProxyCommand=touch=file:/var/log/app.log`,
      `web1=ftp:/x`,
      `web1`,
    ]) {
      assert.throws(
        () => parseLogSpec(spec),
        (e: unknown) => e instanceof RcaError && e.kind === 'usage' && e.message.length > 10,
        spec,
      );
    }
    assert.equal(existsSync(marker), false);
  });

  test('requests built by code (not parsed) are validated again before they run', async () => {
    const bad: LogSourceSpec[] = [
      { kind: 'docker', container: `x$(touch ${marker})` },
      { kind: 'journald', unit: `a;touch ${marker}` },
      { kind: 'file', path: `/tmp/$(touch ${marker})` },
    ];
    const rs = await fetcher.fetch(
      bad.map((source) => ({ host: 'target', source })),
      W,
    );
    for (const r of rs) {
      assert.equal(r.status, 'error');
      assert.match(r.message!, /not (allowed|a valid)/);
      assert.equal(r.command, undefined, 'nothing ran');
    }
    const badHost = await fetcher.fetch(
      [{ host: `-oProxyCommand=touch ${marker}`, source: { kind: 'file', path: '/var/log/x' } }],
      W,
    );
    assert.equal(badHost[0]!.status, 'error');
    assert.equal(existsSync(marker), false);
  });
});

describe('junk in logs', () => {
  test('ANSI escapes stripped, control and binary bytes neutralised, a 3 MB line cut', async () => {
    const [r] = await fetcher.fetch([parseLogSpec(`target=file:${env.logDir}/junk.log`)], W);
    assert.equal(r!.status, 'ok', r!.message);
    assert.ok(r!.lines.length >= 29);
    for (const l of r!.lines) {
      assert.doesNotMatch(l.text, /[\x00-\x08\x0b-\x1f\x7f]/, JSON.stringify(l.text.slice(0, 80)));
      assert.ok(l.text.length < 20_000, 'huge line cut');
    }
    assert.ok(
      r!.lines.some((l) => /ERROR coloured line$/.test(l.text)),
      'colour codes and the OSC title are gone, the text stays',
    );
    const huge = r!.lines.find((l) => l.text.includes(' HUGE '))!;
    assert.match(huge.text, /more (bytes cut on the server|characters cut)/);
    assert.ok(r!.bytes < 200_000, `the 3 MB line was cut on the server (${r!.bytes} bytes received)`);
  });
});

describe('caps, timeouts, cancellation', () => {
  test('line cap keeps the lines nearest the event and marks the cuts', async () => {
    const [r] = await fetcher.fetch(
      [parseLogSpec(`target=file:${env.logDir}/app.log`)],
      { ...W, around: [T('2026-11-25T10:02:00Z')] },
      { maxLines: 11 },
    );
    assert.equal(r!.status, 'ok');
    assert.equal(r!.truncated, true);
    const kept = r!.lines.filter((l) => !l.marker);
    assert.equal(kept.length, 11);
    assert.deepEqual(
      kept.map((l) => l.time),
      Array.from({ length: 11 }, (_, i) => new Date(Date.parse('2026-11-25T10:01:35Z') + i * 5000).toISOString()),
    );
    assert.equal(r!.lines[0]!.marker, 'truncated');
    assert.equal(r!.lines.at(-1)!.marker, 'truncated');
  });

  test('byte cap applies on the server: little crosses the wire, centred on the event', async () => {
    const w = {
      since: T('2026-11-25T08:00:00Z'),
      until: T('2026-11-25T11:00:00Z'),
      around: [T('2026-11-25T10:05:00Z')],
    };
    const [r] = await fetcher.fetch([parseLogSpec(`target=file:${env.logDir}/app.log`)], w, { maxBytes: 8 * 1024 });
    assert.equal(r!.status, 'ok');
    assert.equal(r!.truncated, true);
    assert.ok(r!.bytes < 12 * 1024, `${r!.bytes} bytes received`);
    const times = r!.lines.filter((l) => l.time).map((l) => Date.parse(l.time!));
    const focus = Date.parse('2026-11-25T10:05:00Z');
    assert.ok(Math.min(...times) < focus && Math.max(...times) > focus, 'lines on both sides of the event');
  });

  test('a command that runs too long is stopped and reported as timeout', async () => {
    const t0 = Date.now();
    const [r] = await fetcher.fetch([parseLogSpec('target=cmd:sleep 42.75')], W, { commandTimeoutMs: 1000 });
    assert.equal(r!.status, 'timeout');
    assert.deepEqual(await remoteLeftovers(/sleep 42\.75/), []);
    assert.match(r!.message!, /did not finish within 1 s/);
    assert.ok(Date.now() - t0 < 5000);
  });

  test('cancellation rejects promptly and leaves the fetcher usable', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = fetcher.fetch([parseLogSpec('target=cmd:sleep 41.25'), parseLogSpec('target=cmd:sleep 41.5')], W, {
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 500);
    await assert.rejects(p, (e: unknown) => e instanceof RcaError && e.kind === 'cancelled');
    assert.ok(Date.now() - t0 < 3000, `cancelled after ${Date.now() - t0} ms`);
    assert.deepEqual(
      await remoteLeftovers(/sleep 41\.(25|5)/),
      [],
      'the remote commands were stopped, not left running',
    );
    const [r] = await fetcher.fetch([parseLogSpec(`target=file:${env.logDir}/app.log`)], W);
    assert.equal(r!.status, 'ok');
  });
});
