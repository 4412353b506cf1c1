import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fingerprint,
  hostKeyAlgorithmsFor,
  keyBlobType,
  knownHostsName,
  matchesPatternList,
  parseKnownHosts,
  verifyHostKey,
} from '../../../src/core/logs/knownHosts';
import { parseJumpHop, SshConfigResolver } from '../../../src/core/logs/sshConfig';
import { RcaError } from '../../../src/core/common/errors';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

describe('known_hosts', () => {
  const keyA = blob('ssh-ed25519', 'AAAA-key-a');
  const keyB = blob('ssh-ed25519', 'BBBB-key-b');
  const salt = randomBytes(20);
  const hashed = (name: string) =>
    `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  const text = [
    '# comment',
    `[10.0.0.5]:2222 ssh-ed25519 ${keyA.toString('base64')}`,
    `${hashed('web1.example.com')} ssh-ed25519 ${keyA.toString('base64')}`,
    `*.prod.example.com,!bad.prod.example.com ssh-ed25519 ${keyA.toString('base64')}`,
    `@revoked * ssh-ed25519 ${keyB.toString('base64')}`,
    `@cert-authority *.example.com ssh-ed25519 ${keyA.toString('base64')}`,
    'garbage line',
  ].join('\n');
  const entries = parseKnownHosts(text);

  test('parses plain, hashed and marked entries; skips junk', () => {
    assert.equal(entries.length, 5);
    assert.ok(entries[1]!.hashed);
    assert.equal(entries[3]!.marker, 'revoked');
  });

  test('non-standard ports use [host]:port', () => {
    assert.equal(knownHostsName('10.0.0.5', 2222), '[10.0.0.5]:2222');
    assert.equal(knownHostsName('web1', 22), 'web1');
    assert.deepEqual(verifyHostKey(entries, '[10.0.0.5]:2222', keyA), { status: 'ok' });
    assert.deepEqual(verifyHostKey(entries, '10.0.0.5', keyA), { status: 'unknown' });
  });

  test('hashed entries match by HMAC-SHA1', () => {
    assert.deepEqual(verifyHostKey(entries, 'web1.example.com', keyA), { status: 'ok' });
    assert.deepEqual(verifyHostKey(entries, 'web2.example.com', keyA), { status: 'unknown' });
  });

  test('a different key for a known host is "changed", with the lines', () => {
    const v = verifyHostKey(entries, 'web1.example.com', blob('ssh-ed25519', 'CCCC'));
    assert.equal(v.status, 'changed');
    assert.deepEqual(v.status === 'changed' && v.lines, [3]);
  });

  test('patterns with negation, @revoked beats everything, @cert-authority is not trust', () => {
    assert.deepEqual(verifyHostKey(entries, 'api.prod.example.com', keyA), { status: 'ok' });
    assert.deepEqual(verifyHostKey(entries, 'bad.prod.example.com', keyA), { status: 'unknown' });
    assert.equal(verifyHostKey(entries, 'api.prod.example.com', keyB).status, 'revoked');
    assert.deepEqual(verifyHostKey(entries, 'other.example.com', keyA), { status: 'unknown' });
    assert.equal(matchesPatternList(['[10.0.0.5]:2222'], '[10.0.0.5]:2222'), true);
    assert.equal(matchesPatternList(['10.0.0.?'], '10.0.0.5'), true);
  });

  test('host key algorithms follow the known types (RSA gets its SHA-2 variants)', () => {
    const e = parseKnownHosts(
      `h ssh-rsa ${blob('ssh-rsa', 'x').toString('base64')}\nh ecdsa-sha2-nistp256 ${blob('ecdsa-sha2-nistp256', 'y').toString('base64')}`,
    );
    assert.deepEqual(hostKeyAlgorithmsFor(e, 'h'), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256']);
    assert.equal(hostKeyAlgorithmsFor(e, 'other'), undefined);
  });

  test('fingerprint and key type as ssh-keygen shows them', () => {
    assert.equal(keyBlobType(keyA), 'ssh-ed25519');
    assert.match(fingerprint(keyA), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('SshConfigResolver', () => {
  const home = mkdtempSync(join(tmpdir(), 'sentry-rca-cfg-'));
  mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'x');
  writeFileSync(join(home, '.ssh', 'conf.d', 'a.conf'), 'Host from-include\n  HostName 10.1.1.1\n  Port 2200\n');
  writeFileSync(join(home, '.ssh', 'conf.d', 'b.conf'), 'Host also-included\n  User deploy\n');
  writeFileSync(
    join(home, '.ssh', 'config'),
    [
      'Include conf.d/*.conf',
      'Host web1 web1.alias',
      '  HostName web1.internal',
      '  User app',
      '  Port 2222',
      '  IdentityFile ~/.ssh/id_web',
      '  IdentityFile %d/.ssh/id_%h',
      '  IdentitiesOnly yes',
      '  ProxyJump bastion,ops@gate:2201',
      '  ConnectTimeout 7',
      '  HostKeyAlias web1-key',
      'Host *.prod !db.prod',
      '  User prod',
      'Host bastion',
      '  HostName 192.0.2.1',
      'Host *',
      '  User fallback',
      '  IdentityAgent none',
    ].join('\n'),
  );
  const r = new SshConfigResolver(undefined, { home });

  test('HostName, User, Port, IdentityFile with ~ and %tokens, ProxyJump hops, ConnectTimeout, HostKeyAlias', () => {
    const h = r.resolve('web1');
    assert.equal(h.hostName, 'web1.internal');
    assert.equal(h.user, 'app');
    assert.equal(h.port, 2222);
    assert.deepEqual(h.identityFiles, [join(home, '.ssh/id_web'), join(home, '.ssh/id_web1.internal')]);
    assert.equal(h.identitiesOnly, true);
    assert.deepEqual(h.proxyJump, ['bastion', 'ops@gate:2201']);
    assert.equal(h.connectTimeoutMs, 7000);
    assert.equal(h.hostKeyAlias, 'web1-key');
    assert.equal(h.identityAgent, 'none');
  });

  test('Include with a glob, resolved against ~/.ssh', () => {
    const h = r.resolve('from-include');
    assert.equal(h.hostName, '10.1.1.1');
    assert.equal(h.port, 2200);
    assert.equal(r.resolve('also-included').user, 'deploy');
  });

  test('Host patterns with negation; first value wins', () => {
    assert.equal(r.resolve('api.prod').user, 'prod');
    assert.equal(r.resolve('db.prod').user, 'fallback');
  });

  test('defaults: alias as host name, port 22, default identity files that exist', () => {
    const h = r.resolve('plain-host');
    assert.equal(h.hostName, 'plain-host');
    assert.equal(h.port, 22);
    assert.deepEqual(h.identityFiles, [join(home, '.ssh', 'id_ed25519')]);
    assert.deepEqual(h.proxyJump, []);
  });

  test('aliases a user can pick, for the Sentry server_name fallback', () => {
    assert.deepEqual(r.listHostAliases().sort(), ['also-included', 'bastion', 'from-include', 'web1', 'web1.alias']);
    assert.equal(r.hasAlias('web1.alias'), true);
    assert.equal(r.hasAlias('api.prod'), false);
  });

  test('a missing config file given explicitly is a usage error', () => {
    assert.throws(
      () => new SshConfigResolver(join(home, 'nope')),
      (e: unknown) => e instanceof RcaError && /does not exist/.test(e.message),
    );
  });

  test('ProxyJump hop syntax', () => {
    assert.deepEqual(parseJumpHop('gate'), { host: 'gate' });
    assert.deepEqual(parseJumpHop('ops@gate:2201'), { user: 'ops', host: 'gate', port: 2201 });
    assert.deepEqual(parseJumpHop('ssh://ops@[2001:db8::1]:22'), { user: 'ops', host: '2001:db8::1', port: 22 });
  });

  test('cleanup', () => rmSync(home, { recursive: true, force: true }));
});
