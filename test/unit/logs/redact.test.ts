import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from '../../../src/core/common/redact';

describe('redactSecrets', () => {
  const secretCases: Array<[string, string]> = [
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', 'eyJhbGciOiJIUzI1NiJ9'],
    ['authorization=Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['Cookie: session=abcdef123456; theme=dark', 'abcdef123456'],
    ['login ok password=hunter2 user=bob', 'hunter2'],
    ['{"password": "s3cr3t!", "user": "bob"}', 's3cr3t!'],
    ['db_passwd: p@ss;word', 'p@ss'],
    ['client_secret=abc123xyz&grant=x', 'abc123xyz'],
    ['API_KEY=9f8e7d6c5b4a', '9f8e7d6c5b4a'],
    ['x-api-key: 0123456789abcdef', '0123456789abcdef'],
    ['connect postgres://app:Sup3rS3cret@db:5432/app', 'Sup3rS3cret'],
    ['aws AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['token ghp_0123456789abcdefghijABCDEFGHIJ012345 leaked', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['slack xoxb-1234567890-abcdefghij', 'xoxb-1234567890-abcdefghij'],
    ['stripe sk_live_0123456789abcdefABCD', 'sk_live_0123456789abcdefABCD'],
    ['openai sk-proj-abcdefghijklmnopqrstuvwxyz0123', 'sk-proj-abcdefghijklmnopqrstuvwxyz0123'],
    ['google AIzaSyA-0123456789abcdefghijklmnopqrstu', 'AIzaSyA-0123456789abcdefghijklmnopqrstu'],
    ['sentry sntrys_eyJpYXQiOjE3MzAwMDAwMDAuMCwidXJsIjoi', 'sntrys_eyJpYXQiOjE3MzAwMDAwMDAuMCwidXJsIjoi'],
    [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
  ];
  for (const [text, secret] of secretCases) {
    test(`removes ${secret.slice(0, 16)}…`, () => {
      const out = redactSecrets(text);
      assert.ok(!out.includes(secret), out);
      assert.match(out, /\[REDACTED\]/);
    });
  }

  test('private key blocks, even unterminated', () => {
    const pem =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAAbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\nafter';
    const out = redactSecrets(`before\n${pem}`);
    assert.ok(!out.includes('b3BlbnNzaC1rZXktdjEAAAAA'));
    assert.match(out, /^before\n-----BEGIN OPENSSH PRIVATE KEY----- \[REDACTED\]\nafter$/);
    assert.ok(!redactSecrets('-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA').includes('MIIEow'));
  });

  test('ordinary log text is left alone', () => {
    for (const text of [
      '2026-11-25T10:00:00Z INFO GET /api/orders/42 200 12ms',
      "TypeError: Cannot read properties of undefined (reading 'id') at handler (/srv/app/api.js:42:7)",
      'trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7',
      'author=jane tokenizer loaded',
      'https://example.com/path?q=1',
    ])
      assert.equal(redactSecrets(text), text);
  });

  test('idempotent', () => {
    const once = redactSecrets('password=hunter2 Authorization: Bearer abc');
    assert.equal(redactSecrets(once), once);
  });
});
