import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { RcaError } from '../../../src/core/common/errors';
import { formatLogSource, parseLogSpec, tokenizeTemplate } from '../../../src/core/logs/spec';
import { shQuote } from '../../../src/core/logs/shellQuote';
import { grepPattern } from '../../../src/core/logs/remoteScript';
import { parseDuration, windowAround } from '../../../src/core/logs/window';

const usage = (re: RegExp) => (e: unknown) => e instanceof RcaError && e.kind === 'usage' && re.test(e.display);

describe('parseLogSpec', () => {
  test('each source kind', () => {
    assert.deepEqual(parseLogSpec('web1=file:/var/log/app/*.log'), {
      host: 'web1',
      source: { kind: 'file', path: '/var/log/app/*.log' },
    });
    assert.deepEqual(parseLogSpec('web1=journald:app.service'), {
      host: 'web1',
      source: { kind: 'journald', unit: 'app.service' },
    });
    assert.deepEqual(parseLogSpec('web1=journal:app@2.service'), {
      host: 'web1',
      source: { kind: 'journald', unit: 'app@2.service' },
    });
    assert.deepEqual(parseLogSpec('db-2.prod=docker:api_1'), {
      host: 'db-2.prod',
      source: { kind: 'docker', container: 'api_1' },
    });
    assert.deepEqual(parseLogSpec('web1=cmd:tail -n 1000 /x | grep {grep}'), {
      host: 'web1',
      source: { kind: 'command', template: 'tail -n 1000 /x | grep {grep}' },
    });
  });

  test('round trip through formatLogSource', () => {
    for (const s of ['file:/var/log/a.log', 'journald:x.service', 'docker:api', 'cmd:awk {{print}} /x']) {
      assert.equal(formatLogSource(parseLogSpec(`h=${s}`).source), s);
    }
  });

  test('clear errors on bad input', () => {
    assert.throws(() => parseLogSpec('web1'), usage(/not HOST=SPEC.*web1=file:/));
    assert.throws(() => parseLogSpec('=file:/x'), usage(/not HOST=SPEC/));
    assert.throws(() => parseLogSpec('web1=/var/log/x'), usage(/no kind prefix/));
    assert.throws(() => parseLogSpec('web1=ftp:/x'), usage(/Unknown log source kind "ftp"/));
    assert.throws(() => parseLogSpec('web1=file:var/log/x'), usage(/absolute path/));
    assert.throws(() => parseLogSpec('web1=file:/var/log/my app.log'), usage(/not allowed/));
    assert.throws(() => parseLogSpec('web1=file:/var/../etc/shadow'), usage(/not allowed/));
    assert.throws(() => parseLogSpec('web1=journald:'), usage(/not a valid unit/));
    assert.throws(() => parseLogSpec('web1=docker:-rm'), usage(/not a valid container/));
    assert.throws(() => parseLogSpec('web1=cmd:'), usage(/empty/));
    assert.throws(() => parseLogSpec('web1=cmd:tail {file}'), usage(/Unknown placeholder \{file\}/));
    assert.throws(() => parseLogSpec('user@web1=file:/x'), usage(/not a valid host alias/));
    assert.throws(() => parseLogSpec('-oProxyCommand=x=file:/x'), usage(/not a valid host alias/));
  });

  test('template tokens: placeholders, escaped braces, awk blocks with spaces stay text', () => {
    assert.deepEqual(tokenizeTemplate('a {since} {{x}} { print } {grep}'), [
      { kind: 'text', text: 'a ' },
      { kind: 'placeholder', name: 'since' },
      { kind: 'text', text: ' {x} { print } ' },
      { kind: 'placeholder', name: 'grep' },
    ]);
  });
});

describe('shQuote', () => {
  const nasty = [
    'plain',
    "it's",
    '$(touch /tmp/x)',
    '`id`',
    'a\nb',
    "'; rm -rf / #",
    '"$HOME"',
    '\\',
    '',
    ' spaced  out ',
    '*',
    '!event',
    '\t\r',
  ];
  test('sh reads every value back unchanged', () => {
    for (const v of nasty) {
      const r = spawnSync('sh', ['-c', `printf '%s' ${shQuote(v)}`], { encoding: 'utf8' });
      assert.equal(r.stdout, v);
    }
  });
  test('NUL is refused', () => {
    assert.throws(() => shQuote('a\0b'), usage(/NUL/));
  });
  test('grep pattern matches the terms literally', () => {
    const terms = ['a.b', 'x|y', '(1+1)*', '$(id)', 'trace=4bf9'];
    const input = [
      'a.b here',
      'axb not',
      'x|y yes',
      'x not',
      '(1+1)* yes',
      '$(id) yes',
      'trace=4bf9 yes',
      'nothing',
    ].join('\n');
    const r = spawnSync('sh', ['-c', `grep -E ${shQuote(grepPattern(terms))}`], { input, encoding: 'utf8' });
    assert.deepEqual(r.stdout.trim().split('\n'), ['a.b here', 'x|y yes', '(1+1)* yes', '$(id) yes', 'trace=4bf9 yes']);
  });
});

describe('windows and durations', () => {
  test('windowAround', () => {
    const w = windowAround([new Date('2026-11-25T10:06:00Z'), new Date('2026-11-25T10:05:00Z')], 60_000, 30_000);
    assert.equal(w.since.toISOString(), '2026-11-25T10:04:00.000Z');
    assert.equal(w.until.toISOString(), '2026-11-25T10:06:30.000Z');
    assert.throws(() => windowAround([]), usage(/No valid event time/));
    assert.throws(() => windowAround([new Date('nope')]), usage(/No valid event time/));
  });
  test('parseDuration', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.throws(() => parseDuration('5 minutes'), usage(/not understood/));
    assert.throws(() => parseDuration(''), usage(/not understood/));
  });
});
