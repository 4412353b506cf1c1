import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanLine, filterLines, GAP_LINE, stripAnsi, type LineFilterOptions } from '../../../src/core/logs/lineFilter';
import { parseScriptOutput } from '../../../src/core/logs/sshLogFetcher';

const base: LineFilterOptions = {
  since: new Date('2026-11-25T10:00:00Z'),
  until: new Date('2026-11-25T10:10:00Z'),
  around: [new Date('2026-11-25T10:05:00Z')],
  grep: [],
  maxLines: 1000,
  maxBytes: 1 << 20,
  maxLineChars: 200,
  time: { tzOffsetMinutes: 0, refMs: Date.parse('2026-11-25T10:10:00Z') },
  filterByTime: true,
};
const at = (m: number, s = 0, text = 'line') =>
  `2026-11-25T10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}Z ${text}`;

describe('cleaning', () => {
  test('ANSI CSI/OSC removed, other control bytes replaced, CR dropped', () => {
    assert.equal(stripAnsi('\x1b[1;31mred\x1b[0m \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\'), 'red link');
    assert.equal(cleanLine('a\x00b\x07c\r', 100), 'a\uFFFDb\uFFFDc');
    assert.equal(cleanLine('tab\tkept', 100), 'tab\tkept');
  });
  test('long lines are cut with the size stated; secrets redacted', () => {
    assert.equal(cleanLine('x'.repeat(150), 100), `${'x'.repeat(100)} … [50 more characters cut]`);
    assert.equal(cleanLine('token=abc123', 100), 'token=[REDACTED]');
  });
});

describe('filterLines', () => {
  test('drops lines outside the window; untimed lines follow the line before them', () => {
    const r = filterLines(
      [
        'untimed output before any time is kept',
        at(0, 0, 'first'),
        '  continuation of first',
        '2026-11-25T09:59:59Z before',
        '  continuation of before',
        at(10, 0, 'last'),
        '2026-11-25T10:10:01Z after',
      ],
      base,
    );
    assert.deepEqual(
      r.lines.map((l) => l.text),
      ['untimed output before any time is kept', at(0, 0, 'first'), '  continuation of first', at(10, 0, 'last')],
    );
    assert.equal(r.lines[1]!.time, '2026-11-25T10:00:00.000Z');
    assert.equal(r.lines[2]!.time, undefined);
  });

  test('grep terms are marked case-insensitively', () => {
    const r = filterLines([at(1, 0, 'TypeError: boom trace=ABC'), at(2)], {
      ...base,
      grep: ['typeerror', 'trace=abc', 'absent'],
    });
    assert.deepEqual(r.lines[0]!.matched, ['typeerror', 'trace=abc']);
    assert.equal(r.lines[1]!.matched, undefined);
  });

  test('the line cap keeps matches first, then the lines nearest an event, in original order with cut markers', () => {
    const raw = Array.from({ length: 60 }, (_, i) => at(Math.floor(i / 6), (i % 6) * 10, i === 2 ? 'MATCH' : `n${i}`));
    const r = filterLines(raw, { ...base, grep: ['match'], maxLines: 5 });
    assert.equal(r.truncated, true);
    const kept = r.lines.filter((l) => !l.marker).map((l) => l.text.split(' ')[1]);
    // n30 is at the event; n29/n31 are 10 s away, n28/n32 20 s (ties go to the earlier line).
    assert.deepEqual(kept, ['MATCH', 'n28', 'n29', 'n30', 'n31']);
    assert.deepEqual(
      r.lines.map((l) => l.marker ?? '.'),
      ['truncated', '.', 'truncated', '.', '.', '.', '.', 'truncated'],
    );
    assert.match(r.lines[0]!.text, /2 lines cut/);
  });

  test('server gaps become one marker each, merged with client cuts next to them', () => {
    const r = filterLines([GAP_LINE, at(1), at(2), GAP_LINE, GAP_LINE, at(3)], base);
    assert.deepEqual(
      r.lines.map((l) => l.marker ?? l.text),
      ['truncated', at(1), at(2), 'truncated', at(3)],
    );
    assert.equal(r.truncated, true);
    const capped = filterLines([at(1), GAP_LINE, at(2), at(3), at(4), at(9)], {
      ...base,
      maxLines: 2,
      around: [new Date('2026-11-25T10:09:00Z')],
    });
    assert.deepEqual(
      capped.lines.map((l) => (l.marker ? l.text.slice(0, 40) : l.text)),
      ['… 3 lines cut here, more on the server (', at(4), at(9)],
    );
  });

  test('the byte cap applies too', () => {
    const raw = Array.from({ length: 100 }, (_, i) => at(Math.floor(i / 10), i % 10, 'y'.repeat(100)));
    const r = filterLines(raw, { ...base, maxBytes: 1000 });
    const bytes = r.lines.filter((l) => !l.marker).reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0);
    assert.ok(bytes <= 1000 && bytes > 800, String(bytes));
    assert.equal(r.truncated, true);
  });
});

describe('parseScriptOutput', () => {
  test('control lines need the nonce; log lines cannot forge them', () => {
    const out = Buffer.from(
      [
        'Welcome to web1 (echoed by .bashrc)',
        '@@n1 tz +0100',
        '@@n1 file /var/log/a.log',
        'a log line',
        '@@other gap',
        '@@n1gap',
        '@@n1 gap',
        '\xff\xfe bytes',
        '@@n1 done',
        '',
      ].join('\n'),
      'latin1',
    );
    const p = parseScriptOutput(out, 'n1');
    assert.equal(p.tzOffsetMinutes, 60);
    assert.deepEqual(p.files, ['/var/log/a.log']);
    assert.equal(p.gaps, 1);
    assert.equal(p.done, true);
    assert.equal(p.preamble, 1);
    assert.deepEqual(p.lines.slice(0, 4), ['a log line', '@@other gap', '@@n1gap', GAP_LINE]);
    assert.equal(p.lines.length, 5, 'the final newline ends the last line, it does not add an empty one');
    assert.match(p.lines[4]!, /\uFFFD\uFFFD bytes/);
  });
});
