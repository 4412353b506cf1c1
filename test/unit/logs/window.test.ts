// The time window a log fetch reads (validateWindow, used before anything is sent to a server) and the
// byte cap at its exact edge (filterLines): each line costs its UTF-8 bytes plus the newline.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RcaError } from '../../../src/core/common/errors';
import { filterLines } from '../../../src/core/logs/lineFilter';
import { validateWindow } from '../../../src/core/logs/window';

const T = (iso: string) => new Date(iso);
const usage = (re: RegExp) => (e: unknown) => e instanceof RcaError && e.kind === 'usage' && re.test(e.message);

describe('validateWindow', () => {
  test('an empty window (since = until) and exactly 7 days are allowed', () => {
    validateWindow({ since: T('2026-11-25T10:00:00Z'), until: T('2026-11-25T10:00:00Z') });
    validateWindow({ since: T('2026-11-18T10:00:00Z'), until: T('2026-11-25T10:00:00Z') });
  });

  test('one millisecond past 7 days, an end before the start, and an invalid time are refused', () => {
    assert.throws(
      () => validateWindow({ since: T('2026-11-18T10:00:00.000Z'), until: T('2026-11-25T10:00:00.001Z') }),
      usage(/longer than 7 days/),
    );
    assert.throws(
      () => validateWindow({ since: T('2026-11-25T10:00:00.001Z'), until: T('2026-11-25T10:00:00.000Z') }),
      usage(/ends \(2026-11-25T10:00:00\.000Z\) before it starts \(2026-11-25T10:00:00\.001Z\)/),
    );
    assert.throws(() => validateWindow({ since: T('nope'), until: T('2026-11-25T10:00:00Z') }), usage(/invalid time/));
    assert.throws(() => validateWindow({ since: T('2026-11-25T10:00:00Z'), until: T('nope') }), usage(/invalid time/));
  });
});

describe('the byte cap at its edge', () => {
  const lines = Array.from({ length: 5 }, (_, i) => `2026-11-25T10:0${i}:00Z abc`); // 24 bytes + newline = 25
  const o = {
    since: T('2026-11-25T10:00:00Z'),
    until: T('2026-11-25T10:10:00Z'),
    around: [T('2026-11-25T10:02:00Z')],
    grep: [],
    maxLines: 1000,
    maxLineChars: 200,
    time: { tzOffsetMinutes: 0, refMs: Date.parse('2026-11-25T10:10:00Z') },
    filterByTime: true,
  };

  test("a cap of exactly three lines' bytes keeps three lines (the nearest the event), one byte less keeps two", () => {
    const three = filterLines(lines, { ...o, maxBytes: 3 * 25 });
    assert.deepEqual(
      three.lines.filter((l) => l.time).map((l) => l.time),
      ['2026-11-25T10:01:00.000Z', '2026-11-25T10:02:00.000Z', '2026-11-25T10:03:00.000Z'],
    );
    assert.equal(three.truncated, true);
    const two = filterLines(lines, { ...o, maxBytes: 3 * 25 - 1 });
    assert.equal(two.lines.filter((l) => l.time).length, 2);
  });

  test('everything fits when the cap equals the total', () => {
    const all = filterLines(lines, { ...o, maxBytes: 5 * 25 });
    assert.equal(all.lines.length, 5);
    assert.equal(all.truncated, false);
  });
});
